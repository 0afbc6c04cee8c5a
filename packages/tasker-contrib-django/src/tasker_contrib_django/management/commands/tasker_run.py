"""``manage.py tasker_run``: core's ``tasker-contrib run`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Run a task template end to end on the embedded local engine."
    core_name = "run"
