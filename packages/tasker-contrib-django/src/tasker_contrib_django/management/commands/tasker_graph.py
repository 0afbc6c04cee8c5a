"""``manage.py tasker_graph``: core's ``tasker-contrib graph`` with ``settings.TASKER``."""

from __future__ import annotations

from tasker_contrib_django.cli_bridge import CoreCommand


class Command(CoreCommand):
    help = "Draw a task template as a Mermaid flowchart or a text tree."
    core_name = "graph"
