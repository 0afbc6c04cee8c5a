"""The API models: defaults, strictness, and agreement with upstream's OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from tasker_contrib_core.client import (
    HealthResponse,
    PaginationInfo,
    RetryPolicy,
    StepAuditEntry,
    StepReadinessStatus,
    StepResponse,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)
from tasker_contrib_core.client.endpoints import list_window

# "required" lists of schemas/generated/orchestration-openapi.json at tag v0.1.8.
DOCUMENTED_REQUIRED: dict[type[BaseModel], set[str]] = {
    TaskResponse: {
        "task_uuid", "name", "namespace", "version", "status", "created_at", "updated_at",
        "context", "initiator", "source_system", "reason", "correlation_id", "total_steps",
        "pending_steps", "in_progress_steps", "completed_steps", "failed_steps", "ready_steps",
        "execution_status", "recommended_action", "completion_percentage", "health_status",
        "steps",
    },
    StepReadinessStatus: {
        "workflow_step_uuid", "task_uuid", "named_step_uuid", "name", "current_state",
        "dependencies_satisfied", "retry_eligible", "ready_for_execution", "total_parents",
        "completed_parents", "attempts", "max_attempts",
    },
    StepResponse: {
        "step_uuid", "task_uuid", "name", "created_at", "updated_at", "current_state",
        "dependencies_satisfied", "retry_eligible", "ready_for_execution", "total_parents",
        "completed_parents", "attempts", "max_attempts",
    },
    StepAuditEntry: {
        "audit_uuid", "workflow_step_uuid", "transition_uuid", "task_uuid", "recorded_at",
        "success", "step_name", "to_state",
    },
    TaskListResponse: {"tasks", "pagination"},
    PaginationInfo: {
        "page", "per_page", "total_count", "total_pages", "has_next", "has_previous",
    },
    HealthResponse: {"status", "timestamp"},
}  # fmt: skip

# Everything the document requires of a request, which TaskRequest fills in by default.
DOCUMENTED_REQUEST_REQUIRED = {
    "name", "namespace", "version", "context", "initiator", "source_system", "reason", "tags",
    "requested_at", "correlation_id",
}  # fmt: skip


@pytest.mark.parametrize("model", list(DOCUMENTED_REQUIRED))
def test_required_fields_match_the_openapi_document(model: type[BaseModel]) -> None:
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    assert required == DOCUMENTED_REQUIRED[model]


def test_request_defaults_fill_every_documented_field() -> None:
    request = TaskRequest(name="t", namespace="ns", version="1.0.0", context={"a": 1})
    body = request.to_json_body()
    assert set(body) == DOCUMENTED_REQUEST_REQUIRED
    assert uuid.UUID(body["correlation_id"])
    assert body["tags"] == []
    assert TaskRequest(name="t", namespace="ns", version="1").context == {}


def test_requested_at_is_sent_as_naive_utc() -> None:
    paris = timezone(timedelta(hours=2))
    request = TaskRequest(
        name="t",
        namespace="ns",
        version="1",
        requested_at=datetime(2025, 5, 1, 12, 0, tzinfo=paris),
    )
    assert request.to_json_body()["requested_at"] == "2025-05-01T10:00:00"


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"priority": 101},
        {"correlation_id": "not-a-uuid"},
        {"parent_correlation_id": "nope"},
        {"contxt": {}},  # misspelt: refused rather than silently dropped by the server
    ],
)
def test_request_validation(bad: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"name": "t", "namespace": "ns", "version": "1", **bad}
    with pytest.raises(ValidationError):
        TaskRequest(**fields)


def test_responses_keep_unknown_fields_and_refuse_missing_ones() -> None:
    health = HealthResponse.model_validate(
        {"status": "healthy", "timestamp": "now", "build": "abc"}
    )
    assert health.model_extra == {"build": "abc"}
    with pytest.raises(ValidationError, match="timestamp"):
        HealthResponse.model_validate({"status": "healthy"})


def test_readiness_step_uuid_alias() -> None:
    step = StepReadinessStatus(
        workflow_step_uuid="s", task_uuid="t", named_step_uuid="n", name="x",
        current_state="pending", dependencies_satisfied=True, retry_eligible=False,
        ready_for_execution=True, total_parents=0, completed_parents=0, attempts=0,
        max_attempts=3,
    )  # fmt: skip
    assert step.step_uuid == "s"


@pytest.mark.parametrize(
    ("limit", "offset", "total", "page", "pages", "has_next", "has_previous"),
    [
        (10, 0, 25, 1, 3, True, False),
        (10, 20, 25, 3, 3, False, True),
        (10, 5, 25, 1, 3, True, True),
        (10, 0, 0, 1, 0, False, False),
    ],
)
def test_pagination_for_window(
    limit: int, offset: int, total: int, page: int, pages: int, has_next: bool, has_previous: bool
) -> None:
    info = PaginationInfo.for_window(limit=limit, offset=offset, total_count=total)
    assert (info.page, info.total_pages, info.has_next, info.has_previous) == (
        page,
        pages,
        has_next,
        has_previous,
    )


def test_list_window_pages() -> None:
    assert list_window(10, 20).pages == (3,)
    window = list_window(10, 25)
    assert (window.pages, window.skip) == ((3, 4), 5)


def test_retry_policy_backoff() -> None:
    policy = RetryPolicy(backoff_base=0.1, multiplier=2, backoff_max=0.3, jitter=False)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.1, 0.2, 0.3, 0.3]
    assert policy.delay(1, retry_after=99) == 0.3
    jittered = RetryPolicy(backoff_base=0.2, jitter=True)
    assert all(0.1 <= jittered.delay(1) <= 0.2 for _ in range(50))
    assert policy.should_retry_status(503, 1)
    assert not policy.should_retry_status(503, 3)
    assert not policy.should_retry_status(501, 1)
    assert not policy.should_retry_status(404, 1)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
