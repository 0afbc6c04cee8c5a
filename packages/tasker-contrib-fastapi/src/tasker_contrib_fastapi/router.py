"""``tasker_router()``: health, readiness and (optionally) task endpoints for your app.

Mounted in the app that runs the runtime, the probes answer for the process
the orchestrator actually routes traffic to, which a separate health port
cannot. The decisions (what "live" and "ready" mean) come from core's
:class:`~tasker_contrib_core.integration.RuntimeHealth`, so every framework
package answers the same way; this module only maps them to HTTP:

* ``GET {prefix}/health``: liveness. 200, or 503 when the runtime that should
  run in this process does not (restart me).
* ``GET {prefix}/ready``: readiness. 200, or 503 with ``reasons`` (runtime
  stopped, pollers dead, database or orchestration API not answering).
* with ``include_task_endpoints=True``: ``POST {prefix}/tasks`` creates a task,
  ``GET {prefix}/tasks/{task_uuid}`` returns it with its workflow steps.

Every route carries the ``dependencies`` you pass, so one auth dependency
protects them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tasker_contrib_fastapi.console_routes import add_console_routes
from tasker_contrib_fastapi.dependencies import TaskerStateDep
from tasker_contrib_fastapi.probe_models import ProbeReport

if TYPE_CHECKING:
    from tasker_contrib_core.integration import HealthReport

_PROBE_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: {"model": ProbeReport, "description": "Not live / not ready; `reasons` says why."}
}


def tasker_router(
    *,
    prefix: str = "/tasker",
    dependencies: Sequence[Any] | None = None,
    include_task_endpoints: bool = False,
    tags: Sequence[str] = ("tasker",),
    console_permissions: Callable[..., Any] | None = None,
) -> APIRouter:
    """An ``APIRouter`` to ``app.include_router(...)``; see the module docs for routes.

    ``dependencies``: ``Depends(...)`` markers applied to every route (auth).
    ``console_permissions``: a dependency returning the console actions a
    request may use (see ``docs/console.md``); the console itself is always
    routed under ``{prefix}/console/`` and answers 404 until enabled.
    """
    router = APIRouter(
        prefix=prefix,
        dependencies=list(dependencies or ()),
        tags=list(tags),
    )

    @router.get(
        "/health",
        summary="Liveness of the Tasker runtime",
        response_model=ProbeReport,
        responses=_PROBE_RESPONSES,
    )
    async def tasker_health(state: TaskerStateDep) -> JSONResponse:
        # status() of the real engine is a call into it: the host keeps it off the loop.
        return _probe_response(await state.host.aliveness())

    @router.get(
        "/ready",
        summary="Readiness of the Tasker runtime",
        response_model=ProbeReport,
        responses=_PROBE_RESPONSES,
    )
    async def tasker_ready(state: TaskerStateDep) -> JSONResponse:
        # The database / orchestration probes block for up to their timeout: off the loop.
        return _probe_response(await state.host.areadiness())

    if include_task_endpoints:
        _add_task_endpoints(router)
    add_console_routes(router, console_permissions=console_permissions)
    return router


def _probe_response(report: HealthReport) -> JSONResponse:
    return JSONResponse(report.to_dict(), status_code=report.http_status)


def _add_task_endpoints(router: APIRouter) -> None:
    # Imported only when asked for: the client models cost import time.
    from tasker_contrib_fastapi.task_views import add_task_endpoints

    add_task_endpoints(router)


__all__ = ["tasker_router"]
