"""The optional task endpoints of :func:`~tasker_contrib_fastapi.tasker_router`.

Kept apart from the router so the client models are imported only by apps
that turn these endpoints on. Client errors become HTTP answers the caller
can act on: unknown task or template 404, the server's own 4xx passed
through, engine or orchestration unavailable 503, anything else from upstream
502. The body is ``{"detail": {"code": ..., "message": ...}}``: a stable code
and a short sentence. The error itself, which can name template search paths
and the orchestration URL, is logged, never sent to the caller.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from tasker_contrib_core.client import StepResponse, TaskRequest, TaskResponse
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)

from tasker_contrib_fastapi.dependencies import TaskerStateDep

logger = logging.getLogger("tasker_contrib.fastapi")


class TaskWithSteps(BaseModel):
    """A task and every one of its workflow steps."""

    task: TaskResponse
    steps: list[StepResponse]


class ErrorDetail(BaseModel):
    """What went wrong, for a program (``code``) and for a person (``message``)."""

    code: str = Field(description="Stable, machine-readable: `task_not_found`, ...")
    message: str = Field(description="One short sentence; never paths or internal URLs.")


class ErrorBody(BaseModel):
    """The body of every error answer of the task endpoints."""

    detail: ErrorDetail


#: HTTP status of a 4xx answer from upstream -> (code, message) we pass on.
_CLIENT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The task service rejected the request."),
    401: ("orchestration_unauthorized", "The task service refused this app's credentials."),
    403: ("orchestration_forbidden", "The task service refused this app's credentials."),
    404: ("not_found", "Not found."),
    409: ("conflict", "The request conflicts with the task's current state."),
    422: ("invalid_request", "The task service rejected the request as invalid."),
    429: ("rate_limited", "The task service is rate limiting requests; retry later."),
}

TASK_NOT_FOUND = ("task_not_found", "No task with this id.")
TEMPLATE_NOT_FOUND = ("template_not_found", "No task template with this namespace, name, version.")


def _answer(status: int, code: str, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail={"code": code, "message": message})


def http_error(
    error: OrchestrationClientError, *, not_found: tuple[str, str] = TASK_NOT_FOUND
) -> HTTPException:
    """The HTTP answer for a client error; the error itself goes to the log only."""
    logger.warning("tasker request failed: %s: %s", type(error).__name__, error)
    if isinstance(error, TaskNotFoundError):
        return _answer(404, *TASK_NOT_FOUND)
    if isinstance(error, OrchestrationUnavailableError):
        return _answer(
            503, "orchestration_unavailable", "The task service is unavailable; retry later."
        )
    if isinstance(error, OrchestrationHTTPError) and 400 <= error.status_code < 500:
        if error.status_code == 404:
            return _answer(404, *not_found)
        code, message = _CLIENT_ERRORS.get(
            error.status_code, ("rejected", "The task service rejected the request.")
        )
        return _answer(error.status_code, code, message)
    return _answer(502, "orchestration_error", "The task service failed to answer the request.")


_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (404, "Unknown task or task template (`task_not_found`, `template_not_found`)."),
        (502, "The task service failed (`orchestration_error`)."),
        (503, "The runtime or the task service is unavailable (`orchestration_unavailable`)."),
    )
}


async def tasker_create_task(request: TaskRequest, state: TaskerStateDep) -> TaskResponse:
    """Create a task from a task template (``TaskRequest`` body)."""
    try:
        return await state.client.create_task(request)
    except OrchestrationClientError as exc:
        raise http_error(exc, not_found=TEMPLATE_NOT_FOUND) from exc


async def tasker_get_task(task_uuid: str, state: TaskerStateDep) -> TaskWithSteps:
    """A task with its workflow steps."""
    try:
        task = await state.client.get_task(task_uuid)
        steps = await state.client.list_task_steps(task_uuid)
    except OrchestrationClientError as exc:
        raise http_error(exc) from exc
    return TaskWithSteps(task=task, steps=steps)


def add_task_endpoints(router: APIRouter) -> None:
    """``POST /tasks`` and ``GET /tasks/{task_uuid}`` on ``router``."""
    router.add_api_route(
        "/tasks",
        tasker_create_task,
        methods=["POST"],
        status_code=201,
        response_model=TaskResponse,
        responses=_ERROR_RESPONSES,
        summary="Create a task from a task template",
    )
    router.add_api_route(
        "/tasks/{task_uuid}",
        tasker_get_task,
        methods=["GET"],
        response_model=TaskWithSteps,
        responses=_ERROR_RESPONSES,
        summary="A task with its workflow steps",
    )


__all__ = ["ErrorBody", "ErrorDetail", "TaskWithSteps", "add_task_endpoints", "http_error"]
