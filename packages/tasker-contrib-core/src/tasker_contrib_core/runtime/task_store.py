"""The local runtime's in-memory record of every task it was asked to run.

The orchestration service keeps tasks, steps and their audit trail in
PostgreSQL; the local runtime keeps the same facts here, fed by the local
engine's events while a task runs and reconciled with the run's result when
it ends. States use the engine's own vocabulary: a task is ``pending``, then
``steps_in_process``, then ``complete``, ``error`` or ``cancelled``; a step is
``pending``, ``in_progress``, ``waiting_for_retry``, ``complete`` or ``error``.

Not durable: a restart forgets everything. It is bounded: past ``max_tasks``
the oldest finished tasks are dropped.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from tasker_contrib_core.client.models import TaskRequest
from tasker_contrib_core.engine.result import TaskRunResult
from tasker_contrib_core.errors import OrchestrationHTTPError, TaskNotFoundError
from tasker_contrib_core.events.event import (
    STEP_CHECKPOINT_YIELD,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_STARTED,
    TaskerEvent,
)
from tasker_contrib_core.states import TERMINAL_TASK_STATES, StepState, TaskState
from tasker_contrib_core.templates.model import StepType, TaskTemplate

#: Default number of tasks kept before the oldest finished ones are dropped.
DEFAULT_MAX_TASKS = 10_000

_STEP_NAMESPACE = uuid.UUID("5b0c3a43-9a4e-4c1e-8d53-7f1f4c0a9e21")


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class AuditRecord:
    """One result the worker submitted for a step (upstream's step audit)."""

    audit_uuid: str
    transition_uuid: str
    recorded_at: datetime
    success: bool
    from_state: str
    to_state: str
    execution_time_ms: int | None
    result: Any


@dataclass
class StepRecord:
    """One workflow step of a task."""

    step_uuid: str
    named_step_uuid: str
    name: str
    dependencies: tuple[str, ...]
    max_attempts: int
    retryable: bool
    created_at: datetime
    updated_at: datetime
    state: str = StepState.PENDING
    attempts: int = 0
    results: Any = None
    completed_at: datetime | None = None
    last_attempted_at: datetime | None = None
    last_failure_at: datetime | None = None
    next_retry_at: datetime | None = None
    placeholder: bool = False
    audit: list[AuditRecord] = field(default_factory=list)


@dataclass
class TaskRecord:
    """One task: the request, its state, and its steps by uuid (template order)."""

    task_uuid: str
    request: TaskRequest
    template: TaskTemplate
    created_at: datetime
    updated_at: datetime
    status: str = TaskState.PENDING
    completed_at: datetime | None = None
    steps: dict[str, StepRecord] = field(default_factory=dict)
    #: ``{"error_type", "message", "step_name"?, "retryable"?}`` once the task is in error.
    error: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_TASK_STATES


def _named_step_uuid(template: TaskTemplate, step_name: str) -> str:
    return str(uuid.uuid5(_STEP_NAMESPACE, f"{template.identifier}/{step_name}"))


def _statically_created(template: TaskTemplate) -> list[str]:
    """Steps the orchestrator creates with the task (not by a decision or a batch)."""
    by_name = {step.name: step for step in template.steps}
    dynamic: dict[str, bool] = {}

    def is_dynamic(name: str, trail: frozenset[str] = frozenset()) -> bool:
        if name in dynamic:
            return dynamic[name]
        step = by_name.get(name)
        if step is None or name in trail:
            return False
        result = step.type is StepType.BATCH_WORKER or any(
            (by_name[dep].type is StepType.DECISION if dep in by_name else False)
            or is_dynamic(dep, trail | {name})
            for dep in step.dependencies
        )
        dynamic[name] = result
        return result

    return [step.name for step in template.steps if not is_dynamic(step.name)]


class TaskStore:
    """Thread-safe task records; every read hands out consistent copies."""

    def __init__(self, *, max_tasks: int = DEFAULT_MAX_TASKS) -> None:
        if max_tasks < 1:
            raise ValueError(f"max_tasks must be at least 1, got {max_tasks}")
        self.max_tasks = max_tasks
        self._lock = threading.RLock()
        self._tasks: OrderedDict[str, TaskRecord] = OrderedDict()
        # idempotency_key -> task_uuid, so a repeated submission is refused like the
        # orchestration service refuses it (409), atomically with the creation.
        self._keys: dict[str, str] = {}

    # -- writing -------------------------------------------------------------

    def create(self, request: TaskRequest, template: TaskTemplate) -> TaskRecord:
        """Record a new pending task with placeholder rows for its initial steps."""
        now = _now()
        task_uuid = str(uuid.uuid4())
        record = TaskRecord(task_uuid, request, template, created_at=now, updated_at=now)
        definitions = {step.name: step for step in template.steps}
        for name in _statically_created(template):
            step = definitions[name]
            placeholder_uuid = str(uuid.uuid5(_STEP_NAMESPACE, f"{task_uuid}/{name}"))
            record.steps[placeholder_uuid] = StepRecord(
                step_uuid=placeholder_uuid,
                named_step_uuid=_named_step_uuid(template, name),
                name=name,
                dependencies=tuple(step.dependencies),
                max_attempts=step.retry.max_attempts,
                retryable=step.retry.retryable,
                created_at=now,
                updated_at=now,
                placeholder=True,
            )
        key = request.idempotency_key
        with self._lock:
            if key is not None and key in self._keys:
                raise OrchestrationHTTPError(
                    f"a task with idempotency_key {key!r} already exists "
                    f"({self._keys[key]}); not creating it again",
                    status_code=409,
                    code="CONFLICT",
                    server_message="Task already exists",
                    method="POST",
                    url="local:/v1/tasks",
                )
            self._tasks[task_uuid] = record
            if key is not None:
                self._keys[key] = task_uuid
            self._evict()
        return record

    def _evict(self) -> None:
        while len(self._tasks) > self.max_tasks:
            victim = next(
                (key for key, task in self._tasks.items() if task.is_terminal),
                None,
            )
            if victim is None:
                return
            evicted = self._tasks.pop(victim)
            key = evicted.request.idempotency_key
            if key is not None and self._keys.get(key) == victim:
                del self._keys[key]

    def mark_running(self, task_uuid: str) -> bool:
        """pending -> steps_in_process; False when the task was cancelled meanwhile."""
        with self._lock:
            record = self._require(task_uuid)
            if record.status != TaskState.PENDING:
                return False
            record.status = TaskState.STEPS_IN_PROCESS
            record.updated_at = _now()
            return True

    def cancel(self, task_uuid: str) -> tuple[bool, str]:
        """Cancel unless finished; returns (cancelled, status before)."""
        with self._lock:
            record = self._require(task_uuid)
            before = record.status
            if record.is_terminal:
                return False, before
            now = _now()
            record.status = TaskState.CANCELLED
            record.updated_at = now
            record.completed_at = now
            return True, before

    def apply_event(self, event: TaskerEvent) -> None:
        """Update the step a lifecycle event is about (domain events are ignored)."""
        if event.kind != "lifecycle" or event.step_uuid is None:
            return
        with self._lock:
            record = self._tasks.get(event.task_uuid)
            if record is None:
                return
            step = self._step_for(record, event)
            now = event.timestamp
            payload = event.payload
            record.updated_at = now
            step.updated_at = now
            if event.name == STEP_STARTED:
                step.state = StepState.IN_PROGRESS
                attempt = payload.get("attempt")
                step.attempts = attempt if isinstance(attempt, int) else step.attempts + 1
                step.last_attempted_at = now
                step.next_retry_at = None
            elif event.name == STEP_COMPLETED:
                step.audit.append(
                    _audit(
                        now,
                        True,
                        from_state=step.state,
                        to_state=StepState.COMPLETE,
                        payload=payload,
                        result=payload.get("result"),
                    )
                )
                step.state = StepState.COMPLETE
                step.results = payload.get("result")
                step.completed_at = now
            elif event.name == STEP_FAILED:
                will_retry = bool(payload.get("will_retry"))
                step.audit.append(
                    _audit(
                        now,
                        False,
                        from_state=step.state,
                        to_state=StepState.ERROR,
                        payload=payload,
                        result=payload.get("error"),
                    )
                )
                step.state = StepState.WAITING_FOR_RETRY if will_retry else StepState.ERROR
                step.results = {"error": payload.get("error")}
                step.last_failure_at = now
                retry_in = payload.get("retry_in_ms")
                step.next_retry_at = (
                    now + timedelta(milliseconds=retry_in)
                    if will_retry and isinstance(retry_in, (int, float))
                    else None
                )
            elif event.name == STEP_CHECKPOINT_YIELD:
                step.state = StepState.IN_PROGRESS

    def _step_for(self, record: TaskRecord, event: TaskerEvent) -> StepRecord:
        step_uuid = str(event.step_uuid)
        existing = record.steps.get(step_uuid)
        if existing is not None:
            return existing
        name = event.step_name or step_uuid
        placeholder = next(
            (s for s in record.steps.values() if s.placeholder and s.name == name), None
        )
        now = event.timestamp
        if placeholder is not None:
            del record.steps[placeholder.step_uuid]
            placeholder.step_uuid = step_uuid
            placeholder.placeholder = False
            placeholder.created_at = min(placeholder.created_at, now)
            record.steps[step_uuid] = placeholder
            return placeholder
        definition = _definition(record.template, name)
        step = StepRecord(
            step_uuid=step_uuid,
            named_step_uuid=_named_step_uuid(record.template, name),
            name=name,
            dependencies=tuple(definition.dependencies) if definition else (),
            max_attempts=definition.retry.max_attempts if definition else 1,
            retryable=definition.retry.retryable if definition else False,
            created_at=now,
            updated_at=now,
        )
        record.steps[step_uuid] = step
        return step

    def finish(self, task_uuid: str, result: TaskRunResult) -> None:
        """Reconcile with the run's final result (the source of truth for every step)."""
        with self._lock:
            record = self._tasks.get(task_uuid)
            if record is None:
                return
            now = result.finished_at or _now()
            old_steps = record.steps
            steps: dict[str, StepRecord] = {}
            for run in result.steps.values():
                previous = old_steps.get(run.step_uuid)
                definition = _definition(record.template, run.template_step)
                step = previous or StepRecord(
                    step_uuid=run.step_uuid,
                    named_step_uuid=_named_step_uuid(record.template, run.template_step),
                    name=run.name,
                    dependencies=tuple(run.dependencies),
                    max_attempts=definition.retry.max_attempts if definition else 1,
                    retryable=definition.retry.retryable if definition else False,
                    created_at=run.started_at or now,
                    updated_at=now,
                )
                step.placeholder = False
                step.state = run.status
                step.attempts = run.attempts
                step.dependencies = tuple(run.dependencies)
                if run.status == StepState.COMPLETE:
                    step.results = run.result
                    step.completed_at = run.finished_at or step.completed_at or now
                elif run.error is not None:
                    step.results = {"error": run.error.to_dict()}
                steps[run.step_uuid] = step
            record.steps = steps
            record.warnings = list(result.warnings)
            record.updated_at = now
            if record.status != TaskState.CANCELLED:
                record.status = TaskState.COMPLETE if result.ok else TaskState.ERROR
                record.completed_at = now
            if record.status == TaskState.ERROR and record.error is None:
                record.error = _first_step_error(result)

    def fail(self, task_uuid: str, error_type: str, message: str) -> None:
        """The run could not even start (a handler did not resolve...): task in error."""
        with self._lock:
            record = self._tasks.get(task_uuid)
            if record is None:
                return
            now = _now()
            record.error = {"error_type": error_type, "message": message}
            record.updated_at = now
            if record.status != TaskState.CANCELLED:
                record.status = TaskState.ERROR
                record.completed_at = now

    # -- reading -------------------------------------------------------------

    def _require(self, task_uuid: str) -> TaskRecord:
        record = self._tasks.get(task_uuid)
        if record is None:
            raise TaskNotFoundError(
                f"no task {task_uuid} in the local runtime (tasks live in memory only, "
                "and a restart forgets them)",
                task_uuid=task_uuid,
            )
        return record

    def snapshot(self, task_uuid: str) -> TaskRecord:
        """A deep-enough copy of one task, safe to read without the lock."""
        with self._lock:
            return _copy(self._require(task_uuid))

    def snapshots(
        self, *, namespace: str | None = None, status: str | None = None
    ) -> list[TaskRecord]:
        """Copies of the matching tasks, newest first."""
        with self._lock:
            chosen: Iterable[TaskRecord] = reversed(self._tasks.values())
            return [
                _copy(task)
                for task in chosen
                if (namespace is None or task.request.namespace == namespace)
                and (status is None or task.status == status)
            ]

    def window(
        self,
        *,
        limit: int,
        offset: int,
        namespace: str | None = None,
        status: str | None = None,
    ) -> tuple[list[TaskRecord], int]:
        """Copies of one page of the matching tasks (newest first) and how many match.

        Only the page is copied: listing the newest 25 of 10,000 tasks must not
        copy the other 9,975 (that made a list request take half a second).
        """
        with self._lock:
            matching = [
                task
                for task in reversed(self._tasks.values())
                if (namespace is None or task.request.namespace == namespace)
                and (status is None or task.status == status)
            ]
            return [_copy(task) for task in matching[offset : offset + limit]], len(matching)

    def counts(self) -> dict[str, int]:
        """How many tasks are in each status."""
        with self._lock:
            counts: dict[str, int] = {}
            for task in self._tasks.values():
                counts[task.status] = counts.get(task.status, 0) + 1
            return counts


def _first_step_error(result: TaskRunResult) -> dict[str, Any]:
    """The task's error as the first failed step reports it (type, message, retryable)."""
    for run in result.steps.values():
        if run.error is not None and run.status != StepState.COMPLETE:
            error = run.error.to_dict()
            return {
                "error_type": str(error.get("error_type") or "StepFailed"),
                "message": str(error.get("message") or ""),
                "step_name": run.name,
                "retryable": error.get("retryable"),
            }
    failed = ", ".join(result.failed_steps) if result.failed_steps else "unknown steps"
    return {"error_type": "TaskFailed", "message": f"steps failed: {failed}"}


def _definition(template: TaskTemplate, name: str) -> Any:
    return next((step for step in template.steps if step.name == name), None)


def _audit(
    now: datetime,
    success: bool,
    *,
    from_state: str,
    to_state: str,
    payload: Any,
    result: Any,
) -> AuditRecord:
    duration = payload.get("duration_ms")
    return AuditRecord(
        audit_uuid=str(uuid.uuid4()),
        transition_uuid=str(uuid.uuid4()),
        recorded_at=now,
        success=success,
        from_state=from_state,
        to_state=to_state,
        execution_time_ms=int(duration) if isinstance(duration, (int, float)) else None,
        result=result,
    )


def _copy(task: TaskRecord) -> TaskRecord:
    steps = {
        key: StepRecord(**{**step.__dict__, "audit": list(step.audit)})
        for key, step in task.steps.items()
    }
    return TaskRecord(**{**task.__dict__, "steps": steps, "warnings": list(task.warnings)})


__all__ = [
    "DEFAULT_MAX_TASKS",
    "AuditRecord",
    "StepRecord",
    "TaskRecord",
    "TaskStore",
]
