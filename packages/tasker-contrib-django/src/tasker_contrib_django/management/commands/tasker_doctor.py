"""``manage.py tasker_doctor``: core's ``tasker-contrib doctor`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Check this environment for what the Tasker worker needs."
    core_name = "doctor"
