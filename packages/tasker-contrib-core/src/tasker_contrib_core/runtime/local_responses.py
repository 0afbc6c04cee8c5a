"""Build the orchestration API's response models from the local task store.

Application code must not be able to tell which runtime answered, so the
local client returns the very models the HTTP client parses, filled the way
the orchestration service fills them. The summary fields (execution status,
recommended action, health status, completion percentage) follow the rules
of upstream's ``get_task_execution_context`` SQL function, applied to the
local step states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tasker_contrib_core.client.models import (
    PaginationInfo,
    StepAuditEntry,
    StepReadinessStatus,
    StepResponse,
    TaskError,
    TaskListResponse,
    TaskResponse,
)
from tasker_contrib_core.runtime.task_store import (
    StepRecord,
    TaskRecord,
)
from tasker_contrib_core.states import StepState, TaskState


@dataclass(frozen=True)
class _Readiness:
    satisfied: bool
    ready: bool
    total_parents: int
    completed_parents: int
    retry_eligible: bool


def _readiness(task: TaskRecord, step: StepRecord) -> _Readiness:
    states_by_name = {other.name: other.state for other in task.steps.values()}
    parents = [name for name in step.dependencies if name in states_by_name]
    done = sum(1 for name in parents if states_by_name[name] == StepState.COMPLETE)
    satisfied = done == len(parents)
    retry_eligible = step.retryable and step.attempts < step.max_attempts
    ready = (
        not task.is_terminal
        and satisfied
        and (
            step.state == StepState.PENDING
            or (step.state == StepState.WAITING_FOR_RETRY and retry_eligible)
        )
    )
    return _Readiness(satisfied, ready, len(parents), done, retry_eligible)


def _summary(task: TaskRecord) -> dict[str, object]:
    steps = list(task.steps.values())
    total = len(steps)
    completed = sum(1 for s in steps if s.state == StepState.COMPLETE)
    in_progress = sum(1 for s in steps if s.state == StepState.IN_PROGRESS)
    pending = sum(1 for s in steps if s.state in (StepState.PENDING, StepState.WAITING_FOR_RETRY))
    failed = sum(1 for s in steps if s.state in (StepState.ERROR, StepState.WAITING_FOR_RETRY))
    blocked = sum(1 for s in steps if s.state == StepState.ERROR)
    ready = sum(1 for s in steps if _readiness(task, s).ready)
    if task.status == TaskState.ERROR:
        # A task in error is blocked whatever its steps say: when it failed before any
        # step ran they are all still pending, and "waiting" would look alive.
        blocked = blocked or 1
        execution, action = "blocked_by_failures", "handle_failures"
    elif ready:
        execution, action = "has_ready_steps", "execute_ready_steps"
    elif in_progress:
        execution, action = "processing", "wait_for_completion"
    elif total and completed == total:
        execution, action = "all_complete", "finalize_task"
    else:
        execution, action = "waiting_for_dependencies", "wait_for_dependencies"
    if blocked:
        health = "blocked"
    elif failed == 0:
        health = "healthy"
    else:
        health = "recovering"
    return {
        "total_steps": total,
        "pending_steps": pending,
        "in_progress_steps": in_progress,
        "completed_steps": completed,
        "failed_steps": failed,
        "ready_steps": ready,
        "execution_status": execution,
        "recommended_action": action,
        "completion_percentage": round(completed / total * 100, 2) if total else 0.0,
        "health_status": health,
    }


def task_response(task: TaskRecord) -> TaskResponse:
    """The task as ``GET /v1/tasks/{uuid}`` shows it."""
    request = task.request
    steps = [
        StepReadinessStatus(
            workflow_step_uuid=step.step_uuid,
            task_uuid=task.task_uuid,
            named_step_uuid=step.named_step_uuid,
            last_attempted_at=step.last_attempted_at,
            last_failure_at=step.last_failure_at,
            next_retry_at=step.next_retry_at,
            **_progress_fields(task, step),
        )
        for step in task.steps.values()
    ]
    return TaskResponse(
        task_uuid=task.task_uuid,
        name=request.name,
        namespace=request.namespace,
        version=request.version,
        status=task.status,
        created_at=task.created_at,
        updated_at=task.updated_at,
        completed_at=task.completed_at,
        context=request.context,
        initiator=request.initiator,
        source_system=request.source_system,
        reason=request.reason,
        priority=request.priority if request.priority is not None else 0,
        tags=list(request.tags),
        correlation_id=request.correlation_id,
        parent_correlation_id=request.parent_correlation_id,
        steps=steps,
        error=TaskError.model_validate(task.error) if task.error else None,
        **_summary(task),
    )


def _progress_fields(task: TaskRecord, step: StepRecord) -> dict[str, Any]:
    """The fields a step's readiness view and its detail view share."""
    readiness = _readiness(task, step)
    return {
        "name": step.name,
        "current_state": step.state,
        "dependencies_satisfied": readiness.satisfied,
        "retry_eligible": readiness.retry_eligible,
        "ready_for_execution": readiness.ready,
        "total_parents": readiness.total_parents,
        "completed_parents": readiness.completed_parents,
        "attempts": step.attempts,
        "max_attempts": step.max_attempts,
    }


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def step_response(task: TaskRecord, step: StepRecord) -> StepResponse:
    """One step as ``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}`` shows it."""
    return StepResponse(
        step_uuid=step.step_uuid,
        task_uuid=task.task_uuid,
        created_at=step.created_at.isoformat(),
        updated_at=step.updated_at.isoformat(),
        completed_at=_text(step.completed_at),
        results=step.results,
        **_progress_fields(task, step),
        last_failure_at=_text(step.last_failure_at),
        next_retry_at=_text(step.next_retry_at),
        last_attempted_at=_text(step.last_attempted_at),
    )


def audit_entries(task: TaskRecord, step: StepRecord, worker_id: str) -> list[StepAuditEntry]:
    """The step's audit trail, most recent first (as the server lists it)."""
    return [
        StepAuditEntry(
            audit_uuid=entry.audit_uuid,
            workflow_step_uuid=step.step_uuid,
            transition_uuid=entry.transition_uuid,
            task_uuid=task.task_uuid,
            recorded_at=entry.recorded_at.isoformat(),
            success=entry.success,
            step_name=step.name,
            to_state=entry.to_state,
            from_state=entry.from_state,
            worker_uuid=worker_id,
            correlation_id=task.request.correlation_id,
            execution_time_ms=entry.execution_time_ms,
            result=entry.result,
        )
        for entry in reversed(step.audit)
    ]


def task_list_response(tasks: list[TaskRecord], *, limit: int, offset: int) -> TaskListResponse:
    """One ``limit``/``offset`` window of ``tasks`` (already filtered and ordered)."""
    window = tasks[offset : offset + limit]
    return TaskListResponse(
        tasks=[task_response(task) for task in window],
        pagination=PaginationInfo.for_window(limit=limit, offset=offset, total_count=len(tasks)),
    )


def task_page_response(
    window: list[TaskRecord], *, total_count: int, limit: int, offset: int
) -> TaskListResponse:
    """A page already cut by the store (``window``) out of ``total_count`` matching tasks."""
    return TaskListResponse(
        tasks=[task_response(task) for task in window],
        pagination=PaginationInfo.for_window(limit=limit, offset=offset, total_count=total_count),
    )


__all__ = [
    "audit_entries",
    "step_response",
    "task_list_response",
    "task_page_response",
    "task_response",
]
