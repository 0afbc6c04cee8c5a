"""``manage.py tasker_generate ... [--app LABEL]``: core's ``tasker-contrib generate``.

``--app orders`` puts generated handlers into ``orders/workflows/`` and task
templates into ``orders/tasks/``, as ``tasker_install --app orders`` does.
"""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import AppLayoutCommand


class Command(AppLayoutCommand):
    help = "Generate step handlers, task templates and event subscribers (--app LABEL)."
    core_name = "generate"
    print_settings_hint = False
