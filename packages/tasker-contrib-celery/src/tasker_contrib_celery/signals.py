"""Celery-style signals for Tasker events, for receivers in the worker process.

``tasker_event`` fires for every event the engine of this process reports;
one signal per lifecycle event fires as well (``step_execution_completed``...,
named ``tasker.step_execution_completed`` like every framework package names
them). They are :class:`celery.utils.dispatch.Signal` objects, connected the
Celery way::

    from tasker_contrib_celery.signals import step_execution_failed

    @step_execution_failed.connect(weak=False, dispatch_uid="alert-on-failure")
    def alert(sender, event, **kwargs):   # sender: the Celery app
        ...

Receivers run on the event dispatcher's thread, in the process that ran the
step; a receiver that raises is logged and the others still run (Celery's
``Signal.send`` isolates them). To handle events in another process, durably,
use :func:`~tasker_contrib_celery.tasker_event_task` instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery.utils.dispatch import Signal
from tasker_contrib_core.integration import signal_name

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent

#: Every Tasker event (``event=TaskerEvent``).
tasker_event = Signal(name="tasker.event")
step_execution_started = Signal(name=signal_name("step.execution.started"))
step_execution_completed = Signal(name=signal_name("step.execution.completed"))
step_execution_failed = Signal(name=signal_name("step.execution.failed"))
task_execution_started = Signal(name=signal_name("task.execution.started"))
task_execution_completed = Signal(name=signal_name("task.execution.completed"))
task_execution_failed = Signal(name=signal_name("task.execution.failed"))

#: Lifecycle event name -> its own signal.
LIFECYCLE_SIGNALS: dict[str, Signal] = {
    "step.execution.started": step_execution_started,
    "step.execution.completed": step_execution_completed,
    "step.execution.failed": step_execution_failed,
    "task.execution.started": task_execution_started,
    "task.execution.completed": task_execution_completed,
    "task.execution.failed": task_execution_failed,
}


class SignalSink:
    """Event sink sending ``tasker_event`` and the lifecycle signal of each event."""

    name = "celery-signals"

    def __init__(self, app: Any) -> None:
        self.app = app

    def publish(self, event: TaskerEvent) -> None:
        specific = LIFECYCLE_SIGNALS.get(event.name)
        for signal in (tasker_event, specific):
            if signal is not None and signal.receivers:
                signal.send(sender=self.app, event=event)


__all__ = [
    "LIFECYCLE_SIGNALS",
    "SignalSink",
    "step_execution_completed",
    "step_execution_failed",
    "step_execution_started",
    "task_execution_completed",
    "task_execution_failed",
    "task_execution_started",
    "tasker_event",
]
