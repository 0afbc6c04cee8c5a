"""tasker-contrib-fastapi: run Tasker workflows from a FastAPI app.

Two lines::

    app = FastAPI(lifespan=tasker_lifespan())
    app.include_router(tasker_router())

then ``tasker: TaskerClientDep`` in any endpoint submits and inspects tasks.
The lifespan starts the runtime the settings ask for (the embedded local
engine by default, the real worker once a database is configured) once in
every serving process, and stops it within ``shutdown_timeout_seconds``.

Names are loaded on first access: importing this package imports neither
``tasker_core`` nor core's settings, events or client models, so an app
module (imported by gunicorn masters and reloader parents too) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core.integration import lazy_exports

if TYPE_CHECKING:
    __version__: str

    from tasker_contrib_core.integration import AsyncCallbackSink

    from tasker_contrib_fastapi.compose import compose_lifespans
    from tasker_contrib_fastapi.dependencies import (
        TaskerClientDep,
        TaskerRuntimeDep,
        TaskerStateDep,
        get_tasker_client,
        get_tasker_runtime,
        get_tasker_state,
    )
    from tasker_contrib_fastapi.lifespan import install, tasker_lifespan
    from tasker_contrib_fastapi.router import tasker_router
    from tasker_contrib_fastapi.state import TaskerNotStartedError, TaskerState

_HOMES: dict[str, str] = {
    "AsyncCallbackSink": "tasker_contrib_core.integration",
    "TaskerClientDep": "dependencies",
    "TaskerNotStartedError": "state",
    "TaskerRuntimeDep": "dependencies",
    "TaskerState": "state",
    "TaskerStateDep": "dependencies",
    "compose_lifespans": "compose",
    "get_tasker_client": "dependencies",
    "get_tasker_runtime": "dependencies",
    "get_tasker_state": "dependencies",
    "install": "lifespan",
    "tasker_lifespan": "lifespan",
    "tasker_router": "router",
}


__getattr__, __dir__ = lazy_exports(
    __name__, _HOMES, globals(), distribution="tasker-contrib-fastapi"
)


__all__ = [
    "AsyncCallbackSink",
    "TaskerClientDep",
    "TaskerNotStartedError",
    "TaskerRuntimeDep",
    "TaskerState",
    "TaskerStateDep",
    "compose_lifespans",
    "get_tasker_client",
    "get_tasker_runtime",
    "get_tasker_state",
    "install",
    "tasker_lifespan",
    "tasker_router",
]
