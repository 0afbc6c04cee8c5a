"""Tasker events as blinker signals, sent with the Flask app as sender.

One signal per lifecycle event, named like every framework package names
them (``tasker.step_execution_completed``), and ``tasker_event`` for every
event (lifecycle and domain)::

    from tasker_contrib_flask.signals import step_execution_completed, tasker_event

    @step_execution_completed.connect_via(app)
    def audit(app, event):
        current_app.logger.info("step %s done", event.step_name)

A domain event's own signal is :func:`event_signal` (``event_signal("order.validated")``).

Receivers run on the engine's thread, one by one (``call_receivers``): a
receiver that raises is logged and the others, and the engine, carry on;
blinker's own ``send`` would stop at the first error. Each event is
delivered inside ``app.app_context()``, so receivers can use ``current_app``,
extensions and the app's logger. blinker holds receivers weakly by default:
connect a lambda or a bound method of a short-lived object with
``weak=False``, or it silently stops receiving once collected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blinker import Namespace
from tasker_contrib_core.integration import call_receivers, signal_name

if TYPE_CHECKING:
    from blinker import NamedSignal
    from flask import Flask
    from tasker_contrib_core.events import TaskerEvent

#: The package's own signal namespace (as Flask and its extensions keep theirs).
tasker_signals = Namespace()

#: Every event, lifecycle and domain: ``receiver(app, event=TaskerEvent)``.
tasker_event = tasker_signals.signal("tasker.event", doc="Every Tasker event (kwarg event).")
task_execution_started = tasker_signals.signal(signal_name("task.execution.started"))
task_execution_completed = tasker_signals.signal(signal_name("task.execution.completed"))
task_execution_failed = tasker_signals.signal(signal_name("task.execution.failed"))
step_execution_started = tasker_signals.signal(signal_name("step.execution.started"))
step_execution_completed = tasker_signals.signal(signal_name("step.execution.completed"))
step_execution_failed = tasker_signals.signal(signal_name("step.execution.failed"))
step_checkpoint_yield_sent = tasker_signals.signal(signal_name("step.checkpoint_yield.sent"))


def event_signal(event_name: str) -> NamedSignal:
    """The signal of one event name, lifecycle or domain (``"order.validated"``)."""
    return tasker_signals.signal(signal_name(event_name))


def send_event(app: Flask, event: TaskerEvent) -> int:
    """Send ``event`` on its own signal, then on ``tasker_event``; returns failures.

    Inside the app's context; every receiver is called even if one raises.
    """
    failures = 0
    with app.app_context():
        named = tasker_signals.get(signal_name(event.name))
        for signal in (named, tasker_event):
            if signal is None or not signal.receivers:
                continue
            outcomes = call_receivers(
                signal.receivers_for(app), app, event=event, signal=signal.name
            )
            failures += sum(1 for outcome in outcomes if not outcome.ok)
    return failures


class BlinkerSink:
    """The event sink that turns one app's Tasker events into its signals."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.failures = 0

    def publish(self, event: TaskerEvent) -> None:
        self.failures += send_event(self.app, event)

    def __repr__(self) -> str:
        return f"<BlinkerSink app={self.app.name!r}>"


def connect_strongly(signal: NamedSignal, receiver: Any, sender: Any = None) -> Any:
    """Connect ``receiver`` with a strong reference (it survives ``gc.collect()``)."""
    from blinker import ANY

    return signal.connect(receiver, sender=ANY if sender is None else sender, weak=False)


def log_event(app: Flask, event: TaskerEvent) -> None:
    """The package's own receiver: one DEBUG line per event on the app's logger."""
    app.logger.debug(
        "tasker event %s (task %s, step %s)", event.name, event.task_uuid, event.step_name or "-"
    )


def connect_own_receivers() -> None:
    """Connect the package's receivers, strongly (idempotent: blinker keys by receiver)."""
    tasker_event.connect(log_event, weak=False)


__all__ = [
    "BlinkerSink",
    "connect_own_receivers",
    "connect_strongly",
    "event_signal",
    "log_event",
    "send_event",
    "step_checkpoint_yield_sent",
    "step_execution_completed",
    "step_execution_failed",
    "step_execution_started",
    "task_execution_completed",
    "task_execution_failed",
    "task_execution_started",
    "tasker_event",
    "tasker_signals",
]
