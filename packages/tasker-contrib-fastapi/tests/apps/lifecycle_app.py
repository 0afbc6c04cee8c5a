"""The app real servers run in the lifecycle tests.

Configured only through the environment (``TASKER_RUNTIME``, ``DATABASE_URL``,
``TASKER_*``), like a deployed app. It composes its own lifespan with
Tasker's and records ``user.enter`` / ``user.exit`` lifecycle entries around
it, with the SIGTERM handler in place when it starts.
"""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_core.integration import record_lifecycle
from tasker_contrib_fastapi import TaskerClientDep, tasker_lifespan, tasker_router


def handler_name(handler: Any) -> str:
    """A stable description of a signal handler (``module.qualname`` or its repr)."""
    module = getattr(handler, "__module__", None)
    name = getattr(handler, "__qualname__", None)
    return f"{module}.{name}" if module and name else repr(handler)


@asynccontextmanager
async def user_lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    record_lifecycle("user.enter", sigterm=handler_name(signal.getsignal(signal.SIGTERM)))
    try:
        yield {"user_resource": f"ready in {os.getpid()}"}
    finally:
        record_lifecycle("user.exit")


app = FastAPI(lifespan=tasker_lifespan(lifespan=user_lifespan))
app.include_router(tasker_router())


@app.get("/debug/signals")
async def signals() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "sigterm": handler_name(signal.getsignal(signal.SIGTERM)),
        "sigint": handler_name(signal.getsignal(signal.SIGINT)),
    }


@app.get("/debug/state")
async def state(request: Request) -> dict[str, Any]:
    return {"pid": os.getpid(), "user_resource": request.state.user_resource}


@app.post("/debug/linger")
async def linger(tasker: TaskerClientDep) -> dict[str, str]:
    task = await tasker.create_task(
        TaskRequest(name="linger", namespace="lifecycle", version="1.0.0", context={})
    )
    return {"task_uuid": task.task_uuid}
