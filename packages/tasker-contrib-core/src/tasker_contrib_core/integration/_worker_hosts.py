"""How a framework hands its own host to core's ``worker`` command.

``tasker-contrib worker`` (and the framework commands that mount it, such as
``manage.py tasker_worker``) owns the process's signals and runs until
SIGTERM. A framework mounting it wants its events to reach the framework's
own sinks (Django signals, blinker) and its own step callbacks (database
connection hygiene) in that process too. It puts a :class:`WorkerHostFactory`
in the click context chain (``obj`` of a parent context, or
``ctx.meta[WORKER_HOST_KEY]``); the command then builds the
:class:`~tasker_contrib_core.integration.TaskerHost` from the factory with the
command's final settings (``--handlers``, ``--runtime``, ``worker_enabled``
applied) and starts and stops it instead of a bare runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.integration._host import TaskerHost

#: ``ctx.meta`` key under which a framework puts its ``factory(settings) -> TaskerHost``.
WORKER_HOST_KEY = "tasker_contrib.worker.host"


@dataclass(frozen=True)
class WorkerHostFactory:
    """``build(settings) -> TaskerHost`` for the ``worker`` command of a framework."""

    build: Callable[[TaskerSettings], TaskerHost]

    def __call__(self, settings: TaskerSettings) -> TaskerHost:
        """The factory is itself a ``factory(settings)``, as the command calls it."""
        return self.build(settings)


__all__ = ["WORKER_HOST_KEY", "WorkerHostFactory"]
