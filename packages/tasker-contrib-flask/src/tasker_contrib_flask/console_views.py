"""The Tasker console on the blueprint: ``{url_prefix}/console/`` and everything below it.

The console itself (page, assets, JSON endpoints, masking, size caps) is
core's framework-neutral :class:`~tasker_contrib_core.console.Console`; this
module only turns a Flask request into a ``ConsoleRequest`` and the answer
back into a Flask response. The routes are always registered and answer 404
(``console_disabled``) until ``console.enabled`` is set, so turning the
console on is configuration only.

Who may see it is the blueprint's ``auth`` hook (a ``before_request`` of the
blueprint, so it runs before these views exactly as before the probes and the
task routes). Which actions a request may take (``cancel``, ``submit``) is
``console_permissions()``: nothing by default, so the console is read-only
unless the app grants actions *and* the settings enable them.

Flask has no CSRF protection of its own, so actions use core's double-submit
cookie: the page response sets ``tasker_console_csrf`` (``SameSite=Strict``,
``HttpOnly``, path = the mount) and embeds the same token in the page; the
page's script echoes it in the ``X-Tasker-CSRF`` header; an unsafe request
counts as CSRF-verified only when cookie and header agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, request

from tasker_contrib_flask.extension import host_of

if TYPE_CHECKING:
    from tasker_contrib_core.console import ConsoleRequest, ConsoleResponse

#: ``console_permissions``: called per request (inside it), returns action names.
ConsolePermissions = Callable[[], Iterable[str]]

#: Every method reaches core, which answers 405 with ``Allow`` for what it does not serve.
CONSOLE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def console_view(permissions: ConsolePermissions | None) -> Callable[..., Response]:
    """The view behind ``console/`` and ``console/<path:path>`` (one function, two rules)."""

    def tasker_console(path: str = "") -> Response:
        """The Tasker console (page, assets and JSON API), mounted under the blueprint."""
        from tasker_contrib_core.console import Console

        host = host_of()
        console_request, new_cookie = build_console_request(path, permissions)
        answer = Console.for_host(host).handle(console_request)
        response = to_flask_response(answer)
        if new_cookie is not None and answer.status == 200:
            set_csrf_cookie(response, new_cookie, console_request.mount)
        return response

    return tasker_console


def mount_of(path: str) -> str:
    """The absolute URL prefix of the console, ending in ``/`` (script root included)."""
    full = request.path
    base = full[: len(full) - len(path)] if path and full.endswith(path) else full
    if not base.endswith("/"):
        base += "/"
    return request.script_root + base


def granted_permissions(permissions: ConsolePermissions | None) -> frozenset[str]:
    """What the app's hook grants this request; a hook returning a string is an error."""
    if permissions is None:
        return frozenset()
    granted = permissions()
    if granted is None:
        return frozenset()
    if isinstance(granted, str):
        raise TypeError(
            "tasker_blueprint(console_permissions=...) must return an iterable of action "
            f"names such as ['cancel'], not the string {granted!r}"
        )
    return frozenset(str(action) for action in granted)


def build_console_request(
    path: str, permissions: ConsolePermissions | None
) -> tuple[ConsoleRequest, str | None]:
    """The ``ConsoleRequest`` for the current Flask request, plus a CSRF token to set as
    the cookie when the browser has none yet (None when it has one)."""
    from tasker_contrib_core.console import (
        CONSOLE_CSRF_COOKIE,
        CONSOLE_CSRF_HEADER,
        ConsoleRequest,
        csrf_tokens_match,
        new_csrf_token,
    )

    # HEAD is answered as GET; the server leaves the body out.
    method = "GET" if request.method.upper() == "HEAD" else request.method.upper()
    cookie = request.cookies.get(CONSOLE_CSRF_COOKIE)
    new_cookie = None
    token = cookie or ""
    if method in _SAFE_METHODS and path == "" and not cookie:
        token = new_cookie = new_csrf_token()
    unsafe = method not in _SAFE_METHODS
    csrf_ok = unsafe and csrf_tokens_match(cookie, request.headers.get(CONSOLE_CSRF_HEADER))
    console_request = ConsoleRequest(
        method=method,
        path=path,
        mount=mount_of(path),
        query=request.args.to_dict(),
        body=request.get_data(cache=False) if unsafe else b"",
        # Only the page (which shows the permitted actions) and actions need the hook:
        # the page's polling and its assets never call it.
        permissions=granted_permissions(permissions) if path == "" or unsafe else frozenset(),
        csrf_ok=csrf_ok,
        csrf_token=token,
        csrf_header=CONSOLE_CSRF_HEADER,
    )
    return console_request, new_cookie


def to_flask_response(answer: ConsoleResponse) -> Response:
    response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers:
        response.headers[name] = value
    return response


def set_csrf_cookie(response: Response, token: str, mount: str) -> None:
    from tasker_contrib_core.console import CONSOLE_CSRF_COOKIE

    response.set_cookie(
        CONSOLE_CSRF_COOKIE,
        token,
        path=mount,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )


def register_console(blueprint: Blueprint, view: Callable[..., Any]) -> None:
    """Add the two console rules (one endpoint, ``<name>.tasker_console``) to ``blueprint``.

    ``view`` is :func:`console_view`'s result, already wrapped in the blueprint's
    ``decorators``: one wrapped function serves both rules.
    """
    blueprint.add_url_rule(
        "/console/",
        "tasker_console",
        view,
        methods=list(CONSOLE_METHODS),
        defaults={"path": ""},
    )
    blueprint.add_url_rule(
        "/console/<path:path>", "tasker_console", view, methods=list(CONSOLE_METHODS)
    )


__all__ = [
    "CONSOLE_METHODS",
    "ConsolePermissions",
    "build_console_request",
    "console_view",
    "granted_permissions",
    "mount_of",
    "register_console",
    "to_flask_response",
]
