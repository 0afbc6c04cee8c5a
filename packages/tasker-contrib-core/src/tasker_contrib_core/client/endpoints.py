"""The orchestration REST API's endpoints as plain request descriptions.

Kept apart from any HTTP library so the synchronous and the asynchronous
client describe every call identically (path, query, body, whether it may be
retried) and differ only in how they send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from tasker_contrib_core.client.models import TaskRequest

#: The server refuses ``per_page`` outside 1..100.
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP call: what to send, and what an error answer refers to."""

    method: str
    path: str
    idempotent: bool
    params: dict[str, str | int] | None = None
    json: dict[str, Any] | None = None
    task_uuid: str | None = None
    step_uuid: str | None = None

    @property
    def label(self) -> str:
        """``GET /v1/tasks/…`` for messages and logs."""
        return f"{self.method} {self.path}"


def _segment(value: str) -> str:
    # An id containing "/" or "?" must not address another endpoint.
    return quote(str(value), safe="")


def create_task(request: TaskRequest) -> RequestSpec:
    """``POST /v1/tasks``: never retried (a retry could create a second task)."""
    return RequestSpec("POST", "/v1/tasks", idempotent=False, json=request.to_json_body())


def get_task(task_uuid: str) -> RequestSpec:
    """``GET /v1/tasks/{uuid}``."""
    return RequestSpec(
        "GET", f"/v1/tasks/{_segment(task_uuid)}", idempotent=True, task_uuid=task_uuid
    )


def cancel_task(task_uuid: str) -> RequestSpec:
    """``DELETE /v1/tasks/{uuid}``: cancelling twice leaves the task cancelled."""
    return RequestSpec(
        "DELETE", f"/v1/tasks/{_segment(task_uuid)}", idempotent=True, task_uuid=task_uuid
    )


def list_task_steps(task_uuid: str) -> RequestSpec:
    """``GET /v1/tasks/{uuid}/workflow_steps``."""
    return RequestSpec(
        "GET",
        f"/v1/tasks/{_segment(task_uuid)}/workflow_steps",
        idempotent=True,
        task_uuid=task_uuid,
    )


def get_step(task_uuid: str, step_uuid: str) -> RequestSpec:
    """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}``."""
    return RequestSpec(
        "GET",
        f"/v1/tasks/{_segment(task_uuid)}/workflow_steps/{_segment(step_uuid)}",
        idempotent=True,
        task_uuid=task_uuid,
        step_uuid=step_uuid,
    )


def get_step_audit(task_uuid: str, step_uuid: str) -> RequestSpec:
    """``GET /v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit``."""
    return RequestSpec(
        "GET",
        f"/v1/tasks/{_segment(task_uuid)}/workflow_steps/{_segment(step_uuid)}/audit",
        idempotent=True,
        task_uuid=task_uuid,
        step_uuid=step_uuid,
    )


def health() -> RequestSpec:
    """``GET /health`` (no authentication needed, answered even while shutting down)."""
    return RequestSpec("GET", "/health", idempotent=True)


@dataclass(frozen=True)
class ListWindow:
    """How a ``limit``/``offset`` request maps onto the server's 1-based pages.

    The server pages with ``page``/``per_page``. When ``offset`` is a multiple
    of ``limit`` one page is exactly the window; otherwise the window straddles
    two pages of size ``limit`` and the client fetches both and slices.
    """

    limit: int
    offset: int

    @property
    def first_page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> tuple[int, ...]:
        if self.offset % self.limit == 0:
            return (self.first_page,)
        return (self.first_page, self.first_page + 1)

    @property
    def skip(self) -> int:
        """Tasks to drop from the start of the first page."""
        return self.offset % self.limit


def list_window(limit: int, offset: int) -> ListWindow:
    """Validate ``limit``/``offset`` with a message naming the bound broken."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(
            f"limit must be between 1 and {MAX_PAGE_SIZE} (the orchestration API's page "
            f"size bound), got {limit}"
        )
    if offset < 0:
        raise ValueError(f"offset cannot be negative, got {offset}")
    return ListWindow(limit=limit, offset=offset)


def list_tasks_page(
    page: int, per_page: int, *, namespace: str | None, status: str | None
) -> RequestSpec:
    """``GET /v1/tasks?page=&per_page=&namespace=&status=``."""
    params: dict[str, str | int] = {"page": page, "per_page": per_page}
    if namespace is not None:
        params["namespace"] = namespace
    if status is not None:
        params["status"] = status
    return RequestSpec("GET", "/v1/tasks", idempotent=True, params=params)


__all__ = [
    "MAX_PAGE_SIZE",
    "ListWindow",
    "RequestSpec",
    "cancel_task",
    "create_task",
    "get_step",
    "get_step_audit",
    "get_task",
    "health",
    "list_task_steps",
    "list_tasks_page",
    "list_window",
]
