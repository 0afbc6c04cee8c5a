"""``manage.py tasker_generate``: core's ``tasker-contrib generate`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Generate step handlers, task templates and event subscribers."
    core_name = "generate"
