"""The normalised event type, and delivery to listeners that may misbehave.

Every source of Tasker events (this engine, the real worker's domain event
poller, its event bridge) is turned into one shape, :class:`TaskerEvent`, so
sinks written once work against any runtime. ``kind`` separates *lifecycle*
events (the engine's own: a step started, completed, failed) from *domain*
events (the ``publishes_events`` a template declares).

Listeners are plain callables taking one event. A listener that raises is
reported once and otherwise ignored: observing a run must never change it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic_core import to_jsonable_python

logger = logging.getLogger(__name__)

EventKind = Literal["domain", "lifecycle"]
Listener = Callable[["TaskerEvent"], object]

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

    @property
    def framework_name(self) -> str:
        """The name frameworks use for this event: ``tasker.step_execution_completed``."""
        return "tasker." + self.name.replace(".", "_")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (timestamp as ISO 8601, payload values made JSON-safe)."""
        return {
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


class ListenerSet:
    """Deliver events to listeners, isolating each one from the others' failures."""

    __slots__ = ("_failed", "_listeners", "problems")

    def __init__(self, listeners: Iterable[Listener] = ()) -> None:
        self._listeners: tuple[Listener, ...] = tuple(listeners)
        self._failed: set[int] = set()
        self.problems: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._listeners)

    def emit(self, event: TaskerEvent) -> None:
        """Call every listener with ``event``; a raising listener is reported, not fatal."""
        for listener in self._listeners:
            try:
                listener(event)
            except Exception as exc:
                key = id(listener)
                if key not in self._failed:
                    self._failed.add(key)
                    message = (
                        f"event listener {_describe(listener)} raised {type(exc).__name__}: "
                        f"{exc} (on {event.name}); further errors from it are not reported"
                    )
                    self.problems.append(message)
                    logger.warning(message, exc_info=True)


def _describe(listener: Listener) -> str:
    return getattr(listener, "__qualname__", None) or repr(listener)


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
    "Listener",
    "ListenerSet",
    "TaskerEvent",
]
