"""Typed shapes of the orchestration REST API (tasker-core 0.1.8).

Field names, required fields and types follow upstream's published OpenAPI
document (``schemas/generated/orchestration-openapi.json`` at tag ``v0.1.8``)
so that a response from the real orchestration service and one built by the
local runtime validate against the same models.

Two rules shape every model here:

* **Tolerant of additions.** Responses keep unknown fields (``extra="allow"``):
  a newer server that adds a field must not break an older client.
* **Strict about what the document requires.** A response missing a required
  field is a broken server (or a broken fake) and fails loudly at the boundary
  instead of surfacing later as an ``AttributeError`` deep in user code.

Identifiers are kept as strings (the server sends ``task_uuid`` as a string and
the local runtime may use its own ids); timestamps documented as ``date-time``
are parsed into :class:`~datetime.datetime`, the ones documented as plain
strings stay strings.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from tasker_contrib_core.states import TERMINAL_TASK_STATES, StepState, TaskState

#: Task states reported in ``TaskResponse.status`` (upstream ``TaskState``).
TaskStatus = TaskState

#: Task states after which nothing more will happen without an operator.
TERMINAL_TASK_STATUSES: frozenset[str] = frozenset(TERMINAL_TASK_STATES)

#: Values of ``TaskResponse.execution_status`` (upstream ``ExecutionStatus``).
ExecutionStatus = Literal[
    "has_ready_steps",
    "processing",
    "blocked_by_failures",
    "all_complete",
    "waiting_for_dependencies",
]


class ApiModel(BaseModel):
    """Base of every response model: keeps unknown fields, validates known ones."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _new_correlation_id() -> str:
    return str(uuid.uuid4())


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class TaskRequest(BaseModel):
    """Body of ``POST /v1/tasks``: which template to run, and with what input.

    Only ``name``, ``namespace``, ``version`` and ``context`` are usually worth
    setting; every other field the server requires has a default here that
    mirrors upstream's own builder defaults in spirit (a fresh correlation id,
    "now" as the request time). ``extra="forbid"`` because a misspelt field in a
    request would otherwise be silently dropped by the server.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=255, description="Task template name.")
    namespace: str = Field(min_length=1, max_length=255, description="Task template namespace.")
    version: str = Field(min_length=1, max_length=50, description="Task template version.")
    context: dict[str, Any] = Field(
        default_factory=dict, description="The task's input (validated against input_schema)."
    )
    initiator: str = Field(
        "tasker-contrib", min_length=1, max_length=255, description="Who asked for the task."
    )
    source_system: str = Field(
        "tasker-contrib",
        min_length=1,
        max_length=255,
        description="The system the request came from.",
    )
    reason: str = Field(
        "requested via tasker-contrib",
        min_length=1,
        max_length=500,
        description="Why the task was requested.",
    )
    tags: list[str] = Field(default_factory=list, description="Free-form labels.")
    requested_at: datetime = Field(
        default_factory=_utc_now, description="When the task was requested."
    )
    options: dict[str, Any] | None = Field(None, description="Overrides of task template defaults.")
    priority: int | None = Field(
        None, ge=-100, le=100, description="Higher runs first; the server's default is 0."
    )
    correlation_id: str = Field(
        default_factory=_new_correlation_id,
        description="Distributed-tracing id (a UUID); a fresh one when not given.",
    )
    parent_correlation_id: str | None = Field(
        None, description="Correlation id of the workflow that spawned this one (a UUID)."
    )
    idempotency_key: str | None = Field(
        None, description="Caller-chosen key that makes repeated submissions one task."
    )

    @field_validator("correlation_id", "parent_correlation_id")
    @classmethod
    def _must_be_uuid(cls, value: str | None) -> str | None:
        # The server rejects a non-UUID with a 400; failing here names the field.
        if value is None:
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError as exc:
            raise ValueError(f"must be a UUID, got {value!r}") from exc

    @field_serializer("requested_at")
    def _naive_utc(self, value: datetime) -> str:
        # Upstream deserialises requested_at as a chrono NaiveDateTime, which
        # rejects an offset suffix: send UTC wall-clock time without one.
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat()

    def to_json_body(self) -> dict[str, Any]:
        """The JSON body the server expects (unset optional fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


class StepReadinessStatus(ApiModel):
    """One step inside ``TaskResponse.steps``: its state and whether it can run.

    Upstream names the step id ``workflow_step_uuid`` here (and ``step_uuid``
    in :class:`StepResponse`); :attr:`step_uuid` reads either way.
    """

    workflow_step_uuid: str
    task_uuid: str
    named_step_uuid: str
    name: str
    current_state: str
    dependencies_satisfied: bool
    retry_eligible: bool
    ready_for_execution: bool
    total_parents: int
    completed_parents: int
    attempts: int
    max_attempts: int
    backoff_request_seconds: int | None = None
    last_attempted_at: datetime | None = None
    last_failure_at: datetime | None = None
    next_retry_at: datetime | None = None

    @property
    def step_uuid(self) -> str:
        """The step's id under the name the step endpoints use."""
        return self.workflow_step_uuid


class TaskError(ApiModel):
    """Why a task is in ``error``: the first failure, so a client need not read step results.

    Filled by the local runtime (``step_name`` is ``None`` when the task failed
    before any step ran, e.g. a handler that does not resolve); the
    orchestration service reports failures per step, so there it stays unset.
    """

    error_type: str
    message: str
    step_name: str | None = None
    retryable: bool | None = None


class TaskResponse(ApiModel):
    """A task with its execution summary: answer of create, get, cancel and list."""

    task_uuid: str
    name: str
    namespace: str
    version: str
    status: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    context: Any
    initiator: str
    source_system: str
    reason: str
    priority: int | None = None
    tags: list[str] | None = None
    correlation_id: str
    parent_correlation_id: str | None = None
    total_steps: int
    pending_steps: int
    in_progress_steps: int
    completed_steps: int
    failed_steps: int
    ready_steps: int
    execution_status: str
    recommended_action: str
    completion_percentage: float
    health_status: str
    steps: list[StepReadinessStatus]
    error: TaskError | None = None

    @property
    def is_terminal(self) -> bool:
        """True once the task will not progress on its own (complete, error, ...)."""
        return self.status in TERMINAL_TASK_STATUSES


class StepResponse(ApiModel):
    """One workflow step: answer of the ``/workflow_steps`` endpoints.

    Timestamps are plain strings because upstream documents them that way.
    """

    step_uuid: str
    task_uuid: str
    name: str
    created_at: str
    updated_at: str
    completed_at: str | None = None
    results: Any = None
    current_state: str
    dependencies_satisfied: bool
    retry_eligible: bool
    ready_for_execution: bool
    total_parents: int
    completed_parents: int
    attempts: int
    max_attempts: int
    last_failure_at: str | None = None
    next_retry_at: str | None = None
    last_attempted_at: str | None = None


class StepAuditEntry(ApiModel):
    """One audit record of a step's execution (upstream ``StepAuditResponse``).

    The server lists them most recent first.
    """

    audit_uuid: str
    workflow_step_uuid: str
    transition_uuid: str
    task_uuid: str
    recorded_at: str
    success: bool
    step_name: str
    to_state: str
    from_state: str | None = None
    worker_uuid: str | None = None
    correlation_id: str | None = None
    execution_time_ms: int | None = None
    result: Any = None


class PaginationInfo(ApiModel):
    """Where a page of ``GET /v1/tasks`` sits in the whole result (1-based pages)."""

    page: int = Field(ge=0)
    per_page: int = Field(ge=0)
    total_count: int = Field(ge=0)
    total_pages: int = Field(ge=0)
    has_next: bool
    has_previous: bool

    @classmethod
    def for_window(cls, *, limit: int, offset: int, total_count: int) -> PaginationInfo:
        """Describe a ``limit``/``offset`` window the way the server describes pages.

        For clients that hold the whole list themselves (the local runtime): the
        page is the one containing ``offset``.
        """
        per_page = max(limit, 1)
        total_pages = -(-total_count // per_page)
        page = offset // per_page + 1
        return cls(
            page=page,
            per_page=per_page,
            total_count=total_count,
            total_pages=total_pages,
            has_next=offset + per_page < total_count,
            has_previous=offset > 0,
        )


class TaskListResponse(ApiModel):
    """Answer of ``GET /v1/tasks``: one page of tasks and where it sits."""

    tasks: list[TaskResponse]
    pagination: PaginationInfo


class HealthResponse(ApiModel):
    """Answer of ``GET /health``: the service is up (``status`` is ``"healthy"``)."""

    status: str
    timestamp: str


__all__ = [
    "TERMINAL_TASK_STATUSES",
    "ApiModel",
    "ExecutionStatus",
    "HealthResponse",
    "PaginationInfo",
    "StepAuditEntry",
    "StepReadinessStatus",
    "StepResponse",
    "StepState",
    "TaskListResponse",
    "TaskRequest",
    "TaskResponse",
    "TaskStatus",
]
