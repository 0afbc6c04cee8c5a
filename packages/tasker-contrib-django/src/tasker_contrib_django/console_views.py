"""The Tasker console under ``tasker_contrib_django.urls``: ``console/`` and below.

The console itself (page, assets, JSON endpoints, masking, size caps) is
core's framework-neutral :class:`~tasker_contrib_core.console.Console`; this
view turns an ``HttpRequest`` into a ``ConsoleRequest`` and the answer into an
``HttpResponse``. The URLs always exist and answer 404 (``console_disabled``)
until ``TASKER = {"console": {"enabled": True}}`` (or
``TASKER_CONSOLE__ENABLED=true``).

Access is the task views' check (``TASKER_DJANGO["TASK_VIEWS_ACCESS"]``, staff
only by default): whoever may not read tasks through the task views gets 403
here too, before anything about the console is looked at. Actions (``cancel``,
``submit``) need all three of: the action in ``console.actions``, the action
granted by ``TASKER_DJANGO["CONSOLE_PERMISSIONS"]`` (default
:func:`superusers_get_every_action`: superusers get every action, everyone
else none), and Django's own CSRF check passing (the page sends the token of
``get_token()`` in the ``X-CSRFToken`` header, or whatever
``settings.CSRF_HEADER_NAME`` names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie

from tasker_contrib_django import conf
from tasker_contrib_django.access import resolve_access

if TYPE_CHECKING:
    from tasker_contrib_core.console import ConsoleRequest, ConsoleResponse

#: ``CONSOLE_PERMISSIONS``: ``(request) -> iterable of action names``.
ConsolePermissions = Callable[[Any], Iterable[str]]

#: Every action the console knows; the settings decide which are enabled.
ALL_ACTIONS = frozenset({"cancel", "submit"})

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def superusers_get_every_action(request: Any) -> frozenset[str]:
    """The default ``CONSOLE_PERMISSIONS``: active superusers may take every enabled action;
    staff and everyone else get a read-only console."""
    user = getattr(request, "user", None)
    if user and user.is_authenticated and user.is_active and user.is_superuser:
        return ALL_ACTIONS
    return frozenset()


def resolve_permissions(spec: str | ConsolePermissions | None) -> ConsolePermissions:
    """The hook ``TASKER_DJANGO["CONSOLE_PERMISSIONS"]`` names (a callable or dotted path)."""
    if spec is None:
        return superusers_get_every_action
    if callable(spec):
        return spec
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    try:
        hook = import_string(spec)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"settings.TASKER_DJANGO['CONSOLE_PERMISSIONS'] = {spec!r} cannot be imported: "
            f"{exc}. Name a function (request) -> iterable of action names by its dotted path"
        ) from exc
    if not callable(hook):
        raise ImproperlyConfigured(
            f"settings.TASKER_DJANGO['CONSOLE_PERMISSIONS'] = {spec!r} is not callable"
        )
    return hook  # type: ignore[no-any-return]


def granted_permissions(request: HttpRequest) -> frozenset[str]:
    hook = resolve_permissions(conf.options().console_permissions)
    granted = hook(request)
    if granted is None:
        return frozenset()
    if isinstance(granted, str):
        raise TypeError(
            "settings.TASKER_DJANGO['CONSOLE_PERMISSIONS'] must return an iterable of action "
            f"names such as ['cancel'], not the string {granted!r}"
        )
    return frozenset(str(action) for action in granted)


def csrf_header_name() -> str:
    """The header Django reads the CSRF token from, as the page must send it
    (``HTTP_X_CSRFTOKEN`` -> ``X-CSRFTOKEN``; header names are case-insensitive)."""
    from django.conf import settings

    meta_name = str(settings.CSRF_HEADER_NAME)
    if meta_name.startswith("HTTP_"):
        meta_name = meta_name[len("HTTP_") :]
    return meta_name.replace("_", "-")


def csrf_verified(request: HttpRequest) -> bool:
    """Django's own CSRF check for this request, answered instead of raised.

    When ``CsrfViewMiddleware`` is installed it already ran (and rejected a bad
    request with Django's 403 before this view); without it, the same check
    runs here so actions are never left unprotected.
    """
    from django.middleware.csrf import CsrfViewMiddleware

    def never_called(_: HttpRequest) -> HttpResponse:  # pragma: no cover - not a chain
        raise AssertionError("process_view only")

    rejected = CsrfViewMiddleware(never_called).process_view(request, None, (), {})
    return rejected is None


def mount_of(request: HttpRequest, path: str) -> str:
    """The absolute URL prefix of the console, ending in ``/`` (SCRIPT_NAME included)."""
    full = str(request.path)
    base = full[: len(full) - len(path)] if path and full.endswith(path) else full
    return base if base.endswith("/") else base + "/"


def build_console_request(request: HttpRequest, path: str) -> ConsoleRequest:
    from django.middleware.csrf import get_token
    from tasker_contrib_core.console import ConsoleRequest

    # HEAD is answered as GET; Django leaves the body out.
    method = "GET" if request.method == "HEAD" else str(request.method).upper()
    unsafe = method not in _SAFE_METHODS
    return ConsoleRequest(
        method=method,
        path=path,
        mount=mount_of(request, path),
        query=request.GET.dict(),
        body=request.body if unsafe else b"",
        # Only the page (which shows the permitted actions) and actions need the hook:
        # the page's polling and its assets never call it.
        permissions=granted_permissions(request) if path == "" or unsafe else frozenset(),
        csrf_ok=unsafe and csrf_verified(request),
        csrf_token=get_token(request),
        csrf_header=csrf_header_name(),
    )


def to_django_response(answer: ConsoleResponse) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers:
        response[name] = value
    return response


@ensure_csrf_cookie
def console(request: HttpRequest, path: str = "") -> HttpResponse:
    """The Tasker console (page, assets and JSON API); see the module docs."""
    options = conf.options()
    allowed = resolve_access(options.task_views_access, setting="TASK_VIEWS_ACCESS")
    if not allowed(request):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": "not allowed to use the console"}},
            status=403,
        )
    from tasker_contrib_core.console import Console

    answer = Console.for_host(conf.get_host()).handle(build_console_request(request, path))
    return to_django_response(answer)


__all__ = [
    "ALL_ACTIONS",
    "ConsolePermissions",
    "build_console_request",
    "console",
    "csrf_header_name",
    "csrf_verified",
    "granted_permissions",
    "mount_of",
    "resolve_permissions",
    "superusers_get_every_action",
]
