"""What a local run produced: per-step states, attempts, results, errors, events.

The shapes are plain so a test can assert on them directly
(``run.step("charge").result["amount"]``, ``run.attempts("charge") == 3``) and
``to_dict()`` is JSON-ready for ``tasker-contrib run --json``. State names are
the engine's own: a task ends ``complete`` or ``error``; a step is
``pending``, ``in_progress``, ``waiting_for_retry``, ``complete`` or ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic_core import to_jsonable_python

from tasker_contrib_core.engine.event_log import flushed
from tasker_contrib_core.errors import StepRunNotFoundError
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.states import StepState, TaskState

if TYPE_CHECKING:
    from tasker_contrib_core.engine.event_log import EventLog


@dataclass(slots=True)
class StepError:
    """Why a step attempt failed (the engine's ``StepExecutionError``)."""

    error_type: str
    message: str
    retryable: bool
    error_code: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error_type": self.error_type,
            "message": self.message,
            "retryable": self.retryable,
            "error_code": self.error_code,
            "metadata": _jsonable(self.metadata),
        }


@dataclass(slots=True)
class AttemptRecord:
    """One dispatch of a step to its handler.

    ``number`` is the attempt number (1-based); a checkpoint continuation
    keeps the number of the attempt it continues. ``outcome`` is ``success``,
    ``failure``, ``checkpoint_yield`` or ``injected_fault``.
    """

    number: int
    outcome: str
    started_at: datetime
    duration_ms: float
    error: StepError | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "outcome": self.outcome,
            "started_at": self.started_at.isoformat(),
            "duration_ms": round(self.duration_ms, 3),
            "error": self.error.to_dict() if self.error else None,
        }


@dataclass(slots=True)
class StepRun:
    """Everything about one step instance of the run."""

    name: str
    template_step: str
    step_type: str
    step_uuid: str
    handler: str
    dependencies: list[str]
    status: str = StepState.PENDING
    attempts: int = 0
    result: dict[str, Any] | None = None
    error: StepError | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    checkpoint_yields: int = 0
    inputs: Mapping[str, Any] | None = None
    history: list[AttemptRecord] = field(default_factory=list)
    #: Events already built; read :attr:`events`, which builds the pending ones first.
    recorded_events: list[TaskerEvent] = field(default_factory=list, repr=False)
    event_log: EventLog | None = field(default=None, repr=False, compare=False)

    @property
    def events(self) -> list[TaskerEvent]:
        """This step's events in emission order."""
        return flushed(self.event_log, self.recorded_events)

    @property
    def ok(self) -> bool:
        return self.status == StepState.COMPLETE

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "template_step": self.template_step,
            "type": self.step_type,
            "step_uuid": self.step_uuid,
            "handler": self.handler,
            "dependencies": list(self.dependencies),
            "status": self.status,
            "attempts": self.attempts,
            "checkpoint_yields": self.checkpoint_yields,
            "result": _jsonable(self.result),
            "error": self.error.to_dict() if self.error else None,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_ms": round(self.duration_ms, 3),
            "inputs": _jsonable(self.inputs),
            "history": [attempt.to_dict() for attempt in self.history],
            "events": [event.name for event in self.events],
        }


@dataclass
class TaskRunResult:
    """The outcome of one task run on the local engine."""

    task_uuid: str
    correlation_id: str
    task_name: str
    namespace: str
    version: str
    context: Mapping[str, Any]
    status: str = TaskState.COMPLETE
    steps: dict[str, StepRun] = field(default_factory=dict)
    not_created: list[str] = field(default_factory=list)
    #: Events already built; read :attr:`events`, which builds the pending ones first.
    recorded_events: list[TaskerEvent] = field(default_factory=list, repr=False)
    warnings: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float = 0.0
    virtual_seconds: float = 0.0
    event_log: EventLog | None = field(default=None, repr=False, compare=False)

    @property
    def events(self) -> list[TaskerEvent]:
        """Every event of the run in emission order (lifecycle and domain)."""
        return flushed(self.event_log, self.recorded_events)

    @property
    def ok(self) -> bool:
        """Whether the task completed."""
        return self.status == TaskState.COMPLETE

    @property
    def failed_steps(self) -> list[str]:
        """Names of steps that ended in ``error``."""
        return [name for name, run in self.steps.items() if run.status == StepState.ERROR]

    def step(self, name: str) -> StepRun:
        """The run of step ``name``; raises :class:`StepRunNotFoundError` (a KeyError)."""
        run = self.steps.get(name)
        if run is None:
            raise StepRunNotFoundError(name, list(self.steps), self.not_created)
        return run

    def attempts(self, name: str) -> int:
        """How many attempts step ``name`` used (checkpoint continuations not counted)."""
        return self.step(name).attempts

    def result(self, name: str) -> dict[str, Any] | None:
        """The result step ``name`` completed with (``None`` if it did not complete)."""
        return self.step(name).result

    def event_names(self, kind: str | None = None) -> list[str]:
        """Event names in emission order, optionally only ``domain`` or ``lifecycle``."""
        return [event.name for event in self.events if kind is None or event.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole run."""
        return {
            "task_uuid": self.task_uuid,
            "correlation_id": self.correlation_id,
            "task_name": self.task_name,
            "namespace": self.namespace,
            "version": self.version,
            "status": self.status,
            "context": _jsonable(self.context),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_ms": round(self.duration_ms, 3),
            "virtual_seconds": self.virtual_seconds,
            "steps": {name: run.to_dict() for name, run in self.steps.items()},
            "not_created": list(self.not_created),
            "warnings": list(self.warnings),
            "events": [event.to_dict() for event in self.events],
        }


def _jsonable(value: Any) -> Any:
    """Best-effort JSON-ready copy (results are already JSON-normalised by the engine)."""
    if value is None:
        return None
    return to_jsonable_python(value, fallback=repr)


__all__ = [
    "AttemptRecord",
    "StepError",
    "StepRun",
    "TaskRunResult",
]
