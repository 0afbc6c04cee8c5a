"""Callbacks on the thread that runs each step's handler, before and after it.

Some frameworks keep per-thread resources that a step handler may open and
nobody else will close: Django's database connections are the known case
(Celery's Django fix-up closes them around every task for the same reason).
The runtimes emit ``step.execution.started`` on the handler's thread just
before ``call()`` and ``step.execution.completed`` / ``failed`` /
``step.checkpoint_yield.sent`` on it just after (the real worker runs handlers
on its poller thread; the local engine on the thread running the task), so a
listener on the runtime's raw event stream (not the event dispatcher, which
may hand events to its own thread) is the place to run such callbacks.

One exception: a local-engine step with ``timeout_seconds`` runs its handler
on a short-lived thread of its own; the callbacks then run on the engine's
thread, and what the handler thread opened goes away with that thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent
    from tasker_contrib_core.runtime import Runtime, Unsubscribe

logger = logging.getLogger("tasker_contrib.integration")

#: Called with the step's event; its return value is ignored, exceptions are logged.
StepCallback = Callable[["TaskerEvent"], object]

_BEFORE = frozenset({"step.execution.started"})
_AFTER = frozenset(
    {"step.execution.completed", "step.execution.failed", "step.checkpoint_yield.sent"}
)


def on_step_thread(
    runtime: Runtime,
    *,
    before: StepCallback | None = None,
    after: StepCallback | None = None,
) -> Unsubscribe:
    """Run ``before`` / ``after`` on the handler's thread around every step of ``runtime``.

    Subscribe once, before or after the runtime starts (a runtime keeps its
    listeners across restarts); the returned callable removes the callbacks.
    A callback that raises is logged and never affects the step or the engine.
    """
    if before is None and after is None:
        raise ValueError("on_step_thread() needs a before or an after callback")

    def listener(event: TaskerEvent) -> None:
        name = event.name
        callback = before if name in _BEFORE else after if name in _AFTER else None
        if callback is None:
            return
        try:
            callback(event)
        except Exception:
            logger.warning(
                "step callback %s raised on %s (step %s); the step is unaffected",
                getattr(callback, "__qualname__", repr(callback)),
                name,
                event.step_name,
                exc_info=True,
            )

    return runtime.subscribe(listener)


__all__ = ["StepCallback", "on_step_thread"]
