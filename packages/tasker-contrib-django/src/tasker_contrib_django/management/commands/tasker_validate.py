"""``manage.py tasker_validate``: core's ``tasker-contrib validate`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Validate task templates (DAG, handlers, schemas, events)."
    core_name = "validate"
