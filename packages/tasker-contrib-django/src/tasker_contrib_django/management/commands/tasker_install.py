"""``manage.py tasker_install [--app LABEL]``: core's ``tasker-contrib install`` for Django.

With ``--app orders`` the handlers package and the task templates go into
that installed app (``orders/workflows/``, ``orders/tasks/``); the engine
configuration goes to ``config/tasker/`` of the project (``settings.BASE_DIR``
when it is set, else the current directory, or ``--target``). It then prints
the ``TASKER`` entries that point at what it wrote. Every other option is
core's (``--dry-run``, ``--force``, layout flags).
"""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import AppLayoutCommand


class Command(AppLayoutCommand):
    help = "Add Tasker to this project (engine config, templates, handlers); --app LABEL."
    core_name = "install"
