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


def event_fields(event: TaskerEvent, *, compact: bool = True) -> dict[str, Any]:
    """Identifying fields of an event, named so they never clash with LogRecord attributes.

    ``compact`` leaves out what the event does not have (a task-level event has
    no step, only a failure has an error), so log lines never read
    ``step_name=None``; ``compact=False`` keeps ``step_uuid``/``step_name`` as
    ``None`` for stdlib formatters that name them in their format string.
    """
    fields: dict[str, Any] = {
        "tasker_event": event.name,
        "tasker_event_id": event.id,
        "tasker_event_kind": event.kind,
        "task_uuid": event.task_uuid,
        "namespace": event.namespace,
    }
    if event.step_uuid is not None or not compact:
        fields["step_uuid"] = event.step_uuid
    if event.step_name is not None or not compact:
        fields["step_name"] = event.step_name
    if event.error_type is not None:
        fields["error_type"] = event.error_type
        message = event.error_message
        # A log line stays one line: a multi-line message (a resolver's list of
        # what it tried) is joined, since not every renderer escapes newlines.
        fields["error_message"] = " ".join(message.splitlines()) if message and compact else message
        if event.retryable is not None:
            fields["retryable"] = event.retryable
    return fields


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
