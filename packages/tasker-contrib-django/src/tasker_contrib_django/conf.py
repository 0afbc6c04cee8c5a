"""Settings and the per-process host, read lazily from ``django.conf.settings``.

Nothing here runs at import or in ``AppConfig.ready()``: the ``TASKER`` dict
is read the first time something needs it (a check, a command, the WSGI or
ASGI wrapper, a view), and read again after ``override_settings`` changes
``TASKER`` or ``TASKER_DJANGO`` (the ``setting_changed`` receiver connected in
``ready()`` drops the cache and stops a host started with the old values).

Two settings:

* ``TASKER = {...}``: Tasker's own settings (the keys of ``TaskerSettings``:
  ``runtime``, ``handler_packages``, ``template_paths``, ``database_url``,
  engine keys...), shown as the layer ``django settings.TASKER`` in
  ``manage.py tasker_config explain``; environment variables still win;
* ``TASKER_DJANGO = {...}``: what only the Django glue reads (see
  :class:`DjangoOptions`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.integration import TaskerHost, on_step_thread, resolve_settings

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import Runtime

logger = logging.getLogger("tasker_contrib.django")

#: The Django setting holding Tasker's settings dict.
SETTINGS_NAME = "TASKER"
#: The Django setting holding the options of this package.
OPTIONS_NAME = "TASKER_DJANGO"
#: The layer name ``explain()`` and validation errors show for ``settings.TASKER``.
SETTINGS_LAYER = "django settings.TASKER"
#: The access check of the task views when ``TASK_VIEWS_ACCESS`` is not set.
DEFAULT_TASK_VIEWS_ACCESS = "tasker_contrib_django.access.staff_only"


@dataclass(frozen=True)
class DjangoOptions:
    """``settings.TASKER_DJANGO`` (keys upper case, all optional).

    ``TASK_VIEWS``: serve ``POST tasks/`` and ``GET tasks/<uuid>/`` under the
    included URLs (default False). ``TASK_VIEWS_ACCESS``: dotted path of (or)
    a function ``(request) -> bool`` deciding who may use them (default
    staff only). ``HEALTH_ACCESS``: the same for ``health/`` and ``ready/``
    (default: everyone, as probes are anonymous). ``START_TIMEOUT``: seconds
    the WSGI wrapper and gunicorn hooks wait for a start (default: the
    settings' ``start_timeout_seconds``). ``CONSOLE_PERMISSIONS``: dotted path
    of (or) a function ``(request) -> iterable of action names`` granting
    console actions (default: superusers every action, everyone else none).
    """

    task_views: bool = False
    task_views_access: str | Callable[[Any], bool] = DEFAULT_TASK_VIEWS_ACCESS
    health_access: str | Callable[[Any], bool] | None = None
    start_timeout: float | None = None
    console_permissions: str | Callable[[Any], Any] | None = None

    @classmethod
    def from_mapping(cls, raw: object) -> DjangoOptions:
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise TypeError(f"settings.{OPTIONS_NAME} must be a dict, got {type(raw).__name__}")
        known = {
            "TASK_VIEWS",
            "TASK_VIEWS_ACCESS",
            "HEALTH_ACCESS",
            "START_TIMEOUT",
            "CONSOLE_PERMISSIONS",
        }
        unknown = sorted(str(key) for key in raw if str(key).upper() not in known)
        if unknown:
            raise ValueError(
                f"settings.{OPTIONS_NAME}: unknown key(s) {', '.join(unknown)}; known: "
                f"{', '.join(sorted(known))}"
            )
        values = {str(key).upper(): value for key, value in raw.items()}
        return cls(
            task_views=bool(values.get("TASK_VIEWS", False)),
            task_views_access=values.get("TASK_VIEWS_ACCESS", DEFAULT_TASK_VIEWS_ACCESS),
            health_access=values.get("HEALTH_ACCESS"),
            start_timeout=values.get("START_TIMEOUT"),
            console_permissions=values.get("CONSOLE_PERMISSIONS"),
        )


_lock = threading.RLock()
_settings: TaskerSettings | None = None
_host: TaskerHost | None = None


def raw_settings() -> Any:
    """``settings.TASKER`` as written (None when absent)."""
    from django.conf import settings

    return getattr(settings, SETTINGS_NAME, None)


def tasker_settings() -> TaskerSettings:
    """``settings.TASKER`` (plus the environment) as ``TaskerSettings``, cached.

    Raises ``TypeError`` / ``ConfigErrors`` naming ``django settings.TASKER``
    and the key when the dict is wrong; ``manage.py check`` reports the same.
    """
    global _settings
    current = _settings
    if current is None:
        with _lock:
            current = _settings
            if current is None:
                current = _settings = resolve_settings(raw_settings(), layer=SETTINGS_LAYER)
    return current


def options() -> DjangoOptions:
    """``settings.TASKER_DJANGO`` (read on every call: it is small and never cached)."""
    from django.conf import settings

    return DjangoOptions.from_mapping(getattr(settings, OPTIONS_NAME, None))


def build_host(settings: TaskerSettings) -> TaskerHost:
    """The host of a Django process: Django signals as the sink, DB hygiene around steps."""
    from tasker_contrib_django.signals import DjangoSignalSink

    return TaskerHost(
        settings,
        framework="django",
        runtime=runtime_with_connection_hygiene,
        sinks=[DjangoSignalSink()],
    )


def runtime_with_connection_hygiene(settings: TaskerSettings) -> Runtime:
    """The runtime the settings ask for, closing Django connections around every step.

    Step handlers run on the engine's threads, which Django's request cycle
    never visits: without this, each connection such a thread opens stays
    open (and counted by PostgreSQL) for the life of the process.
    """
    from tasker_contrib_core.runtime import runtime_from_settings

    from tasker_contrib_django.db import close_step_connections

    runtime = runtime_from_settings(settings)
    on_step_thread(runtime, before=close_step_connections, after=close_step_connections)
    return runtime


def get_host() -> TaskerHost:
    """The one host of this process, built from the current settings on first use."""
    global _host
    host = _host
    if host is None:
        with _lock:
            host = _host
            if host is None:
                host = _host = build_host(tasker_settings())
    return host


def current_host() -> TaskerHost | None:
    """The host if one was built in this process, else None (builds nothing)."""
    return _host


def reset(*, stop: bool = True) -> None:
    """Forget the cached settings and host (stopping a host started here first)."""
    global _settings, _host
    with _lock:
        host, _host, _settings = _host, None, None
    if stop and host is not None and host.started:
        host.stop()


def on_setting_changed(*, setting: str, **_: Any) -> None:
    """``setting_changed`` receiver: ``override_settings(TASKER=...)`` takes effect."""
    if setting in (SETTINGS_NAME, OPTIONS_NAME):
        reset()


__all__ = [
    "DEFAULT_TASK_VIEWS_ACCESS",
    "OPTIONS_NAME",
    "SETTINGS_LAYER",
    "SETTINGS_NAME",
    "DjangoOptions",
    "build_host",
    "current_host",
    "get_host",
    "on_setting_changed",
    "options",
    "raw_settings",
    "reset",
    "runtime_with_connection_hygiene",
    "tasker_settings",
]
