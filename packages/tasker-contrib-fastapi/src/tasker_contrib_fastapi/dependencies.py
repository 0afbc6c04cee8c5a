"""FastAPI dependencies: the task client and the runtime of this process.

They read the state the lifespan put on the request, so they cost a couple
of attribute lookups per request and work the same under every server and
in tests. They are ``async def`` on purpose: FastAPI runs a plain ``def``
dependency in its thread pool, which would cost a thread hop per request.

``TaskerClientDep`` / ``TaskerRuntimeDep`` are the ``Annotated`` shortcuts::

    @app.post("/orders")
    async def create_order(order: Order, tasker: TaskerClientDep) -> dict[str, str]:
        task = await tasker.create_task(TaskRequest(...))
        return {"task_uuid": task.task_uuid}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends
from starlette.requests import HTTPConnection

from tasker_contrib_fastapi.state import TaskerState, state_of

if TYPE_CHECKING:
    from tasker_contrib_core.client import AsyncTaskClient
    from tasker_contrib_core.runtime import Runtime


async def get_tasker_state(connection: HTTPConnection) -> TaskerState:
    """Everything the lifespan built: runtime, settings, client, dispatcher, health."""
    return state_of(connection)


async def get_tasker_client(connection: HTTPConnection) -> AsyncTaskClient:
    """The asyncio task client: the local runtime's in local mode, the orchestration
    REST client in worker mode (also in processes that only submit tasks)."""
    return state_of(connection).client


async def get_tasker_runtime(connection: HTTPConnection) -> Runtime:
    """The runtime of this process (``status()``, ``subscribe()``...)."""
    return state_of(connection).runtime


if TYPE_CHECKING:
    TaskerClientDep = Annotated[AsyncTaskClient, Depends(get_tasker_client)]
    TaskerRuntimeDep = Annotated[Runtime, Depends(get_tasker_runtime)]
    TaskerStateDep = Annotated[TaskerState, Depends(get_tasker_state)]
else:
    # FastAPI only needs the Depends() marker; at run time the type is Any so
    # that importing these aliases does not load the client models (~50 ms).
    TaskerClientDep = Annotated[Any, Depends(get_tasker_client)]
    TaskerRuntimeDep = Annotated[Any, Depends(get_tasker_runtime)]
    TaskerStateDep = Annotated[TaskerState, Depends(get_tasker_state)]


__all__ = [
    "TaskerClientDep",
    "TaskerRuntimeDep",
    "TaskerStateDep",
    "get_tasker_client",
    "get_tasker_runtime",
    "get_tasker_state",
]
