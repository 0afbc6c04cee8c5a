"""The events of one run, recorded cheaply and turned into ``TaskerEvent`` objects on first read.

A run emits at least two lifecycle events per step. When nobody listens while
the run goes on (no listener was given), nothing needs the event objects
until someone reads ``TaskRunResult.events`` or ``StepRun.events``, and often
nobody ever does. So the loop records a plain tuple per event (name, kind,
timestamp, payload...) and the objects, with their ids, are built the first
time a result's or a step's events are read, in emission order. With
listeners the loop builds each event at once instead (they need it then), and
this log is not used.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.engine.ids import new_uuid
from tasker_contrib_core.events.event import EventKind, TaskerEvent

if TYPE_CHECKING:
    from tasker_contrib_core.engine.result import StepError, StepRun

#: name, kind, timestamp, step uuid, step name, payload, metadata, error, step run.
PendingEvent = tuple[
    str,
    EventKind,
    datetime,
    "str | None",
    "str | None",
    Mapping[str, Any],
    Mapping[str, Any],
    "StepError | None",
    "StepRun | None",
]


class EventLog:
    """Pending events of one run, and the run's list they are materialised into."""

    __slots__ = ("_lock", "events", "namespace", "pending", "task_uuid")

    def __init__(self, task_uuid: str, namespace: str, events: list[TaskerEvent]) -> None:
        self.task_uuid = task_uuid
        self.namespace = namespace
        #: The run's event list (``TaskRunResult``'s); each step's own list is on its run.
        self.events = events
        self.pending: list[PendingEvent] = []
        self._lock = threading.Lock()

    def flush(self) -> None:
        """Build every pending event, in order, into the run's and its step's lists.

        Locked, so a second reader waits for the lists to be complete.
        """
        with self._lock:
            pending = self.pending
            if pending:
                self.pending = []
                self._materialise(pending)

    def _materialise(self, pending: list[PendingEvent]) -> None:
        task_uuid = self.task_uuid
        namespace = self.namespace
        append = self.events.append
        for entry in pending:
            event = build_event(task_uuid, namespace, entry)
            run = entry[8]
            if run is not None:
                run.recorded_events.append(event)
            append(event)


def build_event(task_uuid: str, namespace: str, entry: PendingEvent) -> TaskerEvent:
    """The ``TaskerEvent`` of one recorded entry, with a fresh id.

    The one place an entry becomes an event: the loop calls it at once when
    someone listens, :meth:`EventLog.flush` on first read otherwise.
    """
    name, kind, timestamp, step_uuid, step_name, payload, metadata, error, _run = entry
    event = TaskerEvent(
        name, new_uuid(), timestamp, task_uuid, kind, namespace, step_uuid, step_name,
        payload, metadata,
    )  # fmt: skip
    if error is not None:
        event.error_type = error.error_type
        event.error_message = error.message
        event.retryable = error.retryable
    return event


def flushed(log: EventLog | None, events: list[TaskerEvent]) -> list[TaskerEvent]:
    """``events`` complete: the pending entries of ``log`` (when lazy) built into it first."""
    if log is not None and log.pending:
        log.flush()
    return events


__all__ = ["EventLog", "PendingEvent", "build_event", "flushed"]
