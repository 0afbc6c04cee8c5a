"""The normalised event type every runtime emits: :class:`TaskerEvent`.

Every source of Tasker events (the local engine, the real worker's domain event
poller, its event bridge) is turned into this one shape, so sinks written once
work against any runtime. ``kind`` separates *lifecycle* events (the engine's
own: a step started, completed, failed) from *domain* events (the
``publishes_events`` a template declares). The events package owns the type;
the engines import it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic_core import to_jsonable_python

EventKind = Literal["domain", "lifecycle"]

#: Lifecycle event names, following the engine's event contract.
TASK_STARTED = "task.execution.started"
TASK_COMPLETED = "task.execution.completed"
TASK_FAILED = "task.execution.failed"
STEP_STARTED = "step.execution.started"
STEP_COMPLETED = "step.execution.completed"
STEP_FAILED = "step.execution.failed"
STEP_CHECKPOINT_YIELD = "step.checkpoint_yield.sent"

LIFECYCLE_EVENT_NAMES = (
    TASK_STARTED,
    TASK_COMPLETED,
    TASK_FAILED,
    STEP_STARTED,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_CHECKPOINT_YIELD,
)


@dataclass(slots=True)
class TaskerEvent:
    """One event from any Tasker runtime. Treat it as read-only: sinks share it.

    ``metadata`` carries source-specific extras that are not worth a field of
    their own (``attempt``, ``delivery_mode``, ``correlation_id``, ``source``).
    (Not a frozen dataclass only because freezing triples the cost of creating
    one, and the local engine creates several per step.)
    """

    name: str
    id: str
    timestamp: datetime
    task_uuid: str
    kind: EventKind
    namespace: str
    step_uuid: str | None = None
    step_name: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: Set on failure events (``step.execution.failed``, ``task.execution.failed``), so
    #: the reason is on the default log line even when payloads are not logged.
    error_type: str | None = None
    error_message: str | None = None
    retryable: bool | None = None

    @property
    def framework_name(self) -> str:
        """The name frameworks use for this event: ``tasker.step_execution_completed``."""
        return "tasker." + self.name.replace(".", "_")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (timestamp as ISO 8601, payload values made JSON-safe).

        The error fields appear only on failure events.
        """
        data = {
            "name": self.name,
            "id": self.id,
            "timestamp": self.timestamp.isoformat(),
            "task_uuid": self.task_uuid,
            "step_uuid": self.step_uuid,
            "step_name": self.step_name,
            "namespace": self.namespace,
            "kind": self.kind,
            "payload": to_jsonable_python(dict(self.payload), fallback=repr),
            "metadata": to_jsonable_python(dict(self.metadata), fallback=repr),
        }
        if self.error_type is not None:
            data["error_type"] = self.error_type
            data["error_message"] = self.error_message
            data["retryable"] = self.retryable
        return data


__all__ = [
    "LIFECYCLE_EVENT_NAMES",
    "STEP_CHECKPOINT_YIELD",
    "STEP_COMPLETED",
    "STEP_FAILED",
    "STEP_STARTED",
    "TASK_COMPLETED",
    "TASK_FAILED",
    "TASK_STARTED",
    "EventKind",
    "TaskerEvent",
]
