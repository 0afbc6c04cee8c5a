"""The optional task endpoints of :func:`~tasker_contrib_fastapi.tasker_router`.

Kept apart from the router so the client models are imported only by apps
that turn these endpoints on. Client errors become HTTP answers the caller
can act on: unknown task 404, the server's own 4xx passed through, engine or
orchestration unavailable 503, anything else from upstream 502.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from tasker_contrib_core.client import StepResponse, TaskRequest, TaskResponse
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)

from tasker_contrib_fastapi.dependencies import TaskerStateDep


class TaskWithSteps(BaseModel):
    """A task and every one of its workflow steps."""

    task: TaskResponse
    steps: list[StepResponse]


def http_error(error: OrchestrationClientError) -> HTTPException:
    """The HTTP answer for a client error."""
    if isinstance(error, TaskNotFoundError):
        return HTTPException(status_code=404, detail=str(error))
    if isinstance(error, OrchestrationUnavailableError):
        return HTTPException(status_code=503, detail=str(error))
    if isinstance(error, OrchestrationHTTPError) and 400 <= error.status_code < 500:
        return HTTPException(status_code=error.status_code, detail=str(error))
    return HTTPException(status_code=502, detail=str(error))


async def tasker_create_task(request: TaskRequest, state: TaskerStateDep) -> TaskResponse:
    """Create a task from a task template (``TaskRequest`` body)."""
    try:
        return await state.client.create_task(request)
    except OrchestrationClientError as exc:
        raise http_error(exc) from exc


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
        summary="Create a task from a task template",
    )
    router.add_api_route(
        "/tasks/{task_uuid}",
        tasker_get_task,
        methods=["GET"],
        response_model=TaskWithSteps,
        summary="A task with its workflow steps",
    )


__all__ = ["TaskWithSteps", "add_task_endpoints", "http_error"]
