"""The task/step context of an event, for log records and structlog.

Events are delivered on the engine's poller thread (or the dispatcher's
thread), where the request's contextvars do not exist: whatever a sink logs
would carry no task or step id. These helpers put the event's own context
where logging looks for it: into a stdlib record's ``extra`` and into
structlog's contextvars for exactly the duration of one delivery.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from structlog.contextvars import bind_contextvars, reset_contextvars

from tasker_contrib_core.events.event import TaskerEvent


def event_fields(event: TaskerEvent) -> dict[str, Any]:
    """Identifying fields of an event, named so they never clash with LogRecord attributes."""
    return {
        "tasker_event": event.name,
        "tasker_event_id": event.id,
        "tasker_event_kind": event.kind,
        "task_uuid": event.task_uuid,
        "step_uuid": event.step_uuid,
        "step_name": event.step_name,
        "namespace": event.namespace,
    }


@contextmanager
def event_context(event: TaskerEvent) -> Iterator[dict[str, Any]]:
    """Bind the event's fields in structlog's contextvars, and restore them after.

    Restoring (rather than clearing) keeps whatever the host had bound on this
    thread, and leaves nothing behind for the next event on a reused thread.
    """
    fields = event_fields(event)
    tokens = bind_contextvars(**fields)
    try:
        yield fields
    finally:
        reset_contextvars(**tokens)


__all__ = ["event_context", "event_fields"]
