"""The bootstep alternative to the ``worker_init`` / ``worker_shutdown`` signals.

``install(app, bootstep=True)`` adds :class:`TaskerBootstep` to the worker
blueprint: Celery itself then calls it while building the worker (``__init__``,
main process, before the pool exists), after the pool started (``start``) and
when the worker stops (``stop`` / ``shutdown``). Teams who wire their own
components as bootsteps see Tasker listed with them (``celery worker -l
debug`` prints the blueprint). Prefork children are still served by the
``worker_process_init`` / ``worker_process_shutdown`` signals: bootsteps do
not run in pool children.
"""

from __future__ import annotations

from typing import Any

from celery import bootsteps


class TaskerBootstep(bootsteps.StartStopStep):  # type: ignore[misc]
    """Runs Tasker in the worker's main process for the threads and solo pools."""

    name = "Tasker"
    label = "tasker"

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        from tasker_contrib_celery.worker import get_tasker

        super().__init__(worker, **kwargs)
        self.tasker = get_tasker(worker.app)
        self.tasker.on_worker_init(worker)

    def stop(self, worker: Any) -> None:
        self.tasker.on_worker_shutdown()

    def shutdown(self, worker: Any) -> None:
        self.tasker.on_worker_shutdown()


__all__ = ["TaskerBootstep"]
