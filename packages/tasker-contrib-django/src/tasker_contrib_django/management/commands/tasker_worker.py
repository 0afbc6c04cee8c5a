"""``manage.py tasker_worker``: the dedicated worker process (recommended for production).

Core's ``tasker-contrib worker`` with Django's settings and host: the engine
runs the step handlers, events reach your Django signal receivers, database
connections are closed around every step and dispatch. This command owns the
process's signals: the first SIGTERM / SIGINT stops taking work and lets the
step in flight finish within ``shutdown_timeout_seconds`` (exit 0, or 1 when
the bound ran out), a second one exits at once (128 + signal). It exits 1
when the runtime dies on its own, so a supervisor restarts it. Options:
``--handlers``, ``--runtime``, ``--check-interval``, ``--event-log``,
``--env``, ``--config-dir`` (``--help``).
"""

from __future__ import annotations

import click

from tasker_contrib_django.cli_bridge import CoreCommand, worker_parent_context


class Command(CoreCommand):
    help = "Run the Tasker worker in this process until SIGTERM or SIGINT."
    core_name = "worker"

    def parent_context(self, args: list[str]) -> click.Context:
        return worker_parent_context(args)
