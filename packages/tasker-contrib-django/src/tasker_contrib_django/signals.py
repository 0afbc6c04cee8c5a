"""Tasker events as Django signals.

``tasker_event`` is sent for every event (lifecycle and domain events); each
lifecycle event also has its own signal, named after the event the same way
in every framework package (``step.execution.completed`` ->
``step_execution_completed``, see ``signal_name`` in core's kit). Receivers
get ``sender`` (the ``TaskerEvent`` class), ``event`` (the ``TaskerEvent``) and
``signal``; connect them with a ``dispatch_uid`` so a module imported twice
connects once::

    from django.dispatch import receiver
    from tasker_contrib_django.signals import step_execution_failed

    @receiver(step_execution_failed, dispatch_uid="orders.alert_on_failed_step")
    def alert(sender, event, **kwargs):
        ...

Signals are sent with ``send_robust``: a receiver that raises is logged and
every other receiver still runs, and the engine's thread never sees the
error. Receivers run on the engine's thread (or the dispatcher's thread when
``event_bridge.queue_size > 0``), never on a request thread; the sink closes
that thread's old database connections before and after each dispatch, so
receivers may use the ORM.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.dispatch import Signal

from tasker_contrib_django.db import close_step_connections

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent

logger = logging.getLogger("tasker_contrib.django.signals")

#: Every event, lifecycle and domain (``event.name`` tells which).
tasker_event = Signal()
task_execution_started = Signal()
task_execution_completed = Signal()
task_execution_failed = Signal()
step_execution_started = Signal()
step_execution_completed = Signal()
step_execution_failed = Signal()
step_checkpoint_yield_sent = Signal()

#: The signal of each lifecycle event name.
LIFECYCLE_SIGNALS: dict[str, Signal] = {
    "task.execution.started": task_execution_started,
    "task.execution.completed": task_execution_completed,
    "task.execution.failed": task_execution_failed,
    "step.execution.started": step_execution_started,
    "step.execution.completed": step_execution_completed,
    "step.execution.failed": step_execution_failed,
    "step.checkpoint_yield.sent": step_checkpoint_yield_sent,
}


def signals_for(name: str) -> list[Signal]:
    """``tasker_event`` plus the event's own signal, if it has one."""
    own = LIFECYCLE_SIGNALS.get(name)
    return [tasker_event] if own is None else [tasker_event, own]


def send_event(event: TaskerEvent) -> int:
    """Send ``event`` to its signals with ``send_robust``; returns how many receivers failed."""
    failures = 0
    for signal in signals_for(event.name):
        for receiver, response in signal.send_robust(sender=type(event), event=event):
            if isinstance(response, Exception):
                failures += 1
                logger.error(
                    "receiver %s of tasker signal %s raised on %s (task %s, step %s); the "
                    "other receivers ran",
                    getattr(receiver, "__qualname__", repr(receiver)),
                    "tasker_event" if signal is tasker_event else event.framework_name,
                    event.name,
                    event.task_uuid,
                    event.step_name,
                    exc_info=(type(response), response, response.__traceback__),
                )
    return failures


class DjangoSignalSink:
    """The event sink of the Django package: connections closed around each dispatch."""

    name = "django-signals"

    def publish(self, event: TaskerEvent) -> None:
        close_step_connections()
        try:
            send_event(event)
        finally:
            close_step_connections()

    def __repr__(self) -> str:
        return "<DjangoSignalSink>"


__all__ = [
    "LIFECYCLE_SIGNALS",
    "DjangoSignalSink",
    "send_event",
    "signals_for",
    "step_checkpoint_yield_sent",
    "step_execution_completed",
    "step_execution_failed",
    "step_execution_started",
    "task_execution_completed",
    "task_execution_failed",
    "task_execution_started",
    "tasker_event",
]
