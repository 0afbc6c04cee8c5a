"""``manage.py tasker_config``: core's ``tasker-contrib config`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Show, explain, validate and render the engine configuration (settings.TASKER included)."
    core_name = "config"
