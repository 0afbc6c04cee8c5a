"""The Tasker console under ``{prefix}/console/``: core's console behind the router's auth.

The routes are always registered and answer 404 (``console_disabled``) until
``settings.console.enabled``; they carry the router's ``dependencies``, so the
same auth protects the console, the probes and the task endpoints. This
module only translates: FastAPI request -> core ``ConsoleRequest`` (with the
permissions granted by ``console_permissions`` and the double-submit CSRF
check) -> ``Console.handle`` off the event loop -> response.

Core's console is imported on first request, so an app that never opens it
pays nothing at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from tasker_contrib_fastapi.dependencies import TaskerStateDep

#: Methods routed to the console; core answers 405 (with ``Allow``) where one does not apply.
CONSOLE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


async def no_console_permissions() -> tuple[str, ...]:
    """The default permission hook: read-only for everyone."""
    return ()


def add_console_routes(
    router: APIRouter, *, console_permissions: Callable[..., Any] | None = None
) -> None:
    """Register ``/console/`` and ``/console/{path}`` on ``router``.

    ``console_permissions``: a FastAPI dependency returning the action names
    (``"cancel"``, ``"submit"``) this request may use; actions must also be
    enabled in ``settings.console.actions``.
    """
    permissions_dependency = console_permissions or no_console_permissions

    async def tasker_console_page(
        request: Request,
        state: TaskerStateDep,
        granted: Any = Depends(permissions_dependency),  # noqa: B008
    ) -> Response:
        return await _serve(request, state.host, "", _actions(granted))

    async def tasker_console(
        path: str,
        request: Request,
        state: TaskerStateDep,
        granted: Any = Depends(permissions_dependency),  # noqa: B008
    ) -> Response:
        return await _serve(request, state.host, path, _actions(granted))

    router.add_api_route(
        "/console/",
        tasker_console_page,
        methods=CONSOLE_METHODS,
        include_in_schema=False,
        name="tasker_console_page",
    )
    router.add_api_route(
        "/console/{path:path}",
        tasker_console,
        methods=CONSOLE_METHODS,
        include_in_schema=False,
        name="tasker_console",
    )


def _actions(granted: Iterable[str] | None) -> frozenset[str]:
    """What the permission dependency granted; a bare string is an error, not its letters."""
    if isinstance(granted, str):
        raise TypeError(
            "tasker_router(console_permissions=...) must return an iterable of action names "
            f"such as ['cancel'], not the string {granted!r}"
        )
    return frozenset(str(action) for action in granted or ())


async def _serve(request: Request, host: Any, path: str, granted: frozenset[str]) -> Response:
    import anyio.to_thread
    from tasker_contrib_core.console import (
        CONSOLE_CSRF_COOKIE,
        CONSOLE_CSRF_HEADER,
        SAFE_METHODS,
        Console,
        ConsoleRequest,
        csrf_tokens_match,
        new_csrf_token,
    )

    url_path = request.url.path
    mount = url_path[: len(url_path) - len(path)] if path else url_path
    if not mount.endswith("/"):
        mount += "/"
    cookie = request.cookies.get(CONSOLE_CSRF_COOKIE)
    method = request.method.upper()
    token = cookie or new_csrf_token()
    csrf_ok = method in SAFE_METHODS or csrf_tokens_match(
        cookie, request.headers.get(CONSOLE_CSRF_HEADER)
    )
    console_request = ConsoleRequest(
        method=method,
        path=path,
        mount=mount,
        query=dict(request.query_params),
        body=await request.body() if method not in SAFE_METHODS else b"",
        permissions=granted,
        csrf_ok=csrf_ok,
        csrf_token=token,
        csrf_header=CONSOLE_CSRF_HEADER,
    )
    console = Console.for_host(host)
    answer = await anyio.to_thread.run_sync(console.handle, console_request)
    response = Response(
        content=b"" if method == "HEAD" else answer.body,
        status_code=answer.status,
        media_type=answer.content_type,
        headers=dict(answer.headers),
    )
    if cookie is None and answer.content_type.startswith("text/html"):
        response.set_cookie(
            CONSOLE_CSRF_COOKIE,
            token,
            path=mount,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


__all__ = ["CONSOLE_METHODS", "add_console_routes", "no_console_permissions"]
