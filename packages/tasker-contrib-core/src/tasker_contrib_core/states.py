"""The task and step state vocabulary: one definition for engine, task store and client.

The names and values are upstream's (``TaskState`` and ``WorkflowStepState``
in the orchestration OpenAPI document of tasker-core 0.1.8). The embedded
engine, the local runtime's task store and the HTTP client's response models
all use these enums, so a state written by one is understood by the others.
Members are strings (``TaskState.COMPLETE == "complete"``), so comparisons with
plain strings from JSON keep working, and they format as their value.
"""

from __future__ import annotations

from enum import Enum


class _State(str, Enum):
    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class TaskState(_State):
    """States of a task (``TaskResponse.status``)."""

    PENDING = "pending"
    INITIALIZING = "initializing"
    ENQUEUING_STEPS = "enqueuing_steps"
    STEPS_IN_PROCESS = "steps_in_process"
    EVALUATING_RESULTS = "evaluating_results"
    WAITING_FOR_DEPENDENCIES = "waiting_for_dependencies"
    WAITING_FOR_RETRY = "waiting_for_retry"
    BLOCKED_BY_FAILURES = "blocked_by_failures"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"
    RESOLVED_MANUALLY = "resolved_manually"


class StepState(_State):
    """States of a workflow step (``StepResponse.current_state``)."""

    PENDING = "pending"
    ENQUEUED = "enqueued"
    IN_PROGRESS = "in_progress"
    ENQUEUED_FOR_ORCHESTRATION = "enqueued_for_orchestration"
    ENQUEUED_AS_ERROR_FOR_ORCHESTRATION = "enqueued_as_error_for_orchestration"
    WAITING_FOR_RETRY = "waiting_for_retry"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"
    RESOLVED_MANUALLY = "resolved_manually"


#: Task states after which nothing more will happen without an operator.
TERMINAL_TASK_STATES: frozenset[TaskState] = frozenset(
    {TaskState.COMPLETE, TaskState.ERROR, TaskState.CANCELLED, TaskState.RESOLVED_MANUALLY}
)

__all__ = ["TERMINAL_TASK_STATES", "StepState", "TaskState"]
