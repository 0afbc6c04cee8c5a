"""Who may use the views of ``tasker_contrib_django.urls``.

``TASKER_DJANGO["TASK_VIEWS_ACCESS"]`` and ``["HEALTH_ACCESS"]`` name a check:
a function ``(request) -> bool`` (or its dotted path), or ``"perm:app.codename"``
for a Django permission. Built in: :func:`staff_only` (the default of the task
views), :func:`superuser_only`, :func:`authenticated`, :func:`allow_all`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AccessCheck = Callable[[Any], bool]


def allow_all(request: Any) -> bool:
    """Everyone (the default of the health and readiness probes)."""
    return True


def authenticated(request: Any) -> bool:
    return bool(getattr(request, "user", None) and request.user.is_authenticated)


def staff_only(request: Any) -> bool:
    """Active staff users (the default of the task views)."""
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def superuser_only(request: Any) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def resolve_access(spec: str | AccessCheck | None, *, setting: str) -> AccessCheck:
    """The check ``spec`` names; a clear error naming ``setting`` when it names nothing."""
    if spec is None:
        return allow_all
    if callable(spec):
        return spec
    if isinstance(spec, str) and spec.startswith("perm:"):
        permission = spec[len("perm:") :]

        def has_permission(request: Any) -> bool:
            user = getattr(request, "user", None)
            return bool(user and user.has_perm(permission))

        return has_permission
    from django.core.exceptions import ImproperlyConfigured
    from django.utils.module_loading import import_string

    try:
        check = import_string(spec)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"settings.TASKER_DJANGO['{setting}'] = {spec!r} cannot be imported: {exc}. Name a "
            "function (request) -> bool by its dotted path, or use 'perm:app.codename'"
        ) from exc
    if not callable(check):
        raise ImproperlyConfigured(
            f"settings.TASKER_DJANGO['{setting}'] = {spec!r} is not callable"
        )
    return check  # type: ignore[no-any-return]


__all__ = [
    "AccessCheck",
    "allow_all",
    "authenticated",
    "resolve_access",
    "staff_only",
    "superuser_only",
]
