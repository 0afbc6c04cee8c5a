"""The JSON shapes of tasks and steps in the console's API.

Built from the task client's models only (never from a runtime's internals),
so the console answers the same on the local runtime and against the
orchestration API. Every user value (context, inputs, results, errors) goes
through the :class:`~tasker_contrib_core.console.masking.ValueRedactor`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from tasker_contrib_core.client.models import StepAuditEntry, StepResponse, TaskResponse
from tasker_contrib_core.console.dag import Dag
from tasker_contrib_core.console.masking import ValueRedactor
from tasker_contrib_core.states import StepState

#: Step states whose ``results`` hold the failure rather than a result.
_FAILED_STATES = frozenset({StepState.ERROR, StepState.WAITING_FOR_RETRY})


def _iso(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else value


def _age_seconds(created_at: datetime, now: datetime) -> float:
    created = created_at if created_at.tzinfo else created_at.replace(tzinfo=timezone.utc)
    return round(max(0.0, (now - created).total_seconds()), 1)


def task_summary(task: TaskResponse, now: datetime) -> dict[str, Any]:
    """One row of the task list: no user data, only identity, status and progress."""
    return {
        "uuid": task.task_uuid,
        "name": task.name,
        "namespace": task.namespace,
        "version": task.version,
        "status": task.status,
        "terminal": task.is_terminal,
        "created_at": _iso(task.created_at),
        "updated_at": _iso(task.updated_at),
        "completed_at": _iso(task.completed_at),
        "age_seconds": _age_seconds(task.created_at, now),
        "progress": {
            "completed": task.completed_steps,
            "total": task.total_steps,
            "failed": task.failed_steps,
            "percent": task.completion_percentage,
        },
        "execution_status": task.execution_status,
        "health_status": task.health_status,
    }


def _split_results(step: StepResponse) -> tuple[Any, Any]:
    """(result, error): a failed step's ``results`` is ``{"error": ...}``."""
    results = step.results
    if step.current_state in _FAILED_STATES:
        if isinstance(results, Mapping) and "error" in results:
            return None, results["error"]
        return None, results
    return results, None


def _attempt(entry: StepAuditEntry, redactor: ValueRedactor) -> dict[str, Any]:
    return {
        "recorded_at": entry.recorded_at,
        "success": entry.success,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "execution_time_ms": entry.execution_time_ms,
        "worker": entry.worker_uuid,
        "result": redactor.shown(entry.result),
    }


def step_detail(
    step: StepResponse,
    audit: Sequence[StepAuditEntry] | None,
    *,
    inputs: Mapping[str, Any],
    redactor: ValueRedactor,
) -> dict[str, Any]:
    """A step for the step panel: state, attempts, timings, inputs, result, error.

    ``audit`` None means the history was not read (too many steps in the task).
    """
    result, error = _split_results(step)
    durations = [e.execution_time_ms for e in audit or () if e.execution_time_ms is not None]
    return {
        "uuid": step.step_uuid,
        "name": step.name,
        "state": step.current_state,
        "attempts": step.attempts,
        "max_attempts": step.max_attempts,
        "retry_eligible": step.retry_eligible,
        "created_at": step.created_at,
        "updated_at": step.updated_at,
        "completed_at": step.completed_at,
        "last_attempted_at": step.last_attempted_at,
        "last_failure_at": step.last_failure_at,
        "next_retry_at": step.next_retry_at,
        "duration_ms": durations[0] if durations else None,
        "inputs": {key: redactor.shown(value) for key, value in inputs.items()},
        "result": redactor.shown(result),
        "error": redactor.shown(error),
        # None: not read (see MAX_AUDITED_STEPS); [] : no attempt recorded.
        "history": None if audit is None else [_attempt(entry, redactor) for entry in audit],
    }


def dag_dict(dag: Dag) -> dict[str, Any]:
    """The laid-out DAG as the page draws it."""
    return {
        "nodes": [
            {
                "name": node.name,
                "type": node.type,
                "state": node.state,
                "step_uuid": node.step_uuid,
                "group": node.group,
                "x": node.x,
                "y": node.y,
                "width": node.width,
                "height": node.height,
            }
            for node in dag.nodes
        ],
        "edges": [
            {"source": edge.source, "target": edge.target, "points": [list(p) for p in edge.points]}
            for edge in dag.edges
        ],
        "groups": [
            {
                "name": group.name,
                "count": group.count,
                "x": group.x,
                "y": group.y,
                "width": group.width,
                "height": group.height,
            }
            for group in dag.groups
        ],
        "template_found": dag.template_found,
        "width": dag.width,
        "height": dag.height,
    }


__all__ = ["dag_dict", "step_detail", "task_summary"]
