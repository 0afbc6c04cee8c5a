"""``Tasker``: the Flask extension. Reads config and wires things; starts nothing.

The usual two shapes work::

    tasker = Tasker(app)                 # one app

    tasker = Tasker()                    # app factory
    def create_app():
        app = Flask(__name__)
        tasker.init_app(app)
        return app

``init_app`` runs in every process that builds the app: the reloader
parent of ``flask --debug run``, every ``flask`` command, gunicorn's master
under ``--preload``. None of them may host the engine (it cannot survive a
fork), so ``init_app`` only resolves settings, builds the app's
:class:`~tasker_contrib_core.integration.TaskerHost` (cheap, nothing runs)
and registers the signals sink, the ``flask tasker`` commands and, when
asked, the first-request start. The engine starts where a serving process
is known: ``flask tasker worker``, the gunicorn / uWSGI hooks of this
package, or the first request (``TASKER_START_ON_FIRST_REQUEST``). See
``docs/flask.md``.

The host lives in ``app.extensions["tasker"]``, never on the extension
object, so one ``Tasker()`` serves several apps, each with its own runtime.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.integration import TaskerHost, record_lifecycle, resolve_settings

from tasker_contrib_flask.config import (
    SETTINGS_LAYER,
    apply_defaults,
    extension_options,
    settings_mapping,
)
from tasker_contrib_flask.signals import BlinkerSink, connect_own_receivers

if TYPE_CHECKING:
    from flask import Flask
    from tasker_contrib_core.client import TaskClient
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.events import Sink
    from tasker_contrib_core.runtime import Runtime

#: The ``app.extensions`` key of the app's host.
EXTENSION_KEY = "tasker"

logger = logging.getLogger("tasker_contrib.flask")

#: Every app ``init_app`` saw in this process (weakly): what server hooks start.
_APPS: weakref.WeakSet[Flask] = weakref.WeakSet()
_APPS_LOCK = threading.Lock()


class TaskerNotInitializedError(RuntimeError):
    """Tasker was used on an app that ``Tasker.init_app`` never saw."""


class Tasker:
    """The Flask extension; see the module docs.

    ``settings``: a ``TaskerSettings``, a mapping or a function returning
    either, used *instead of* ``app.config`` (handy in tests); by default
    the app's config is read. ``runtime``: a runtime or ``factory(settings)``
    instead of the one the settings ask for. ``sinks``: extra event sinks.
    """

    def __init__(
        self,
        app: Flask | None = None,
        settings: Any = None,
        *,
        runtime: Runtime | Callable[[TaskerSettings], Runtime] | None = None,
        sinks: Iterable[Sink] = (),
        health_timeout: float = 2.0,
    ) -> None:
        self._settings = settings
        self._runtime = runtime
        self._sinks = tuple(sinks)
        self._health_timeout = health_timeout
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register Tasker on ``app``; raises ``RuntimeError`` on a second registration."""
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                f"Tasker is already registered on the app {app.name!r} "
                "(app.extensions['tasker'] exists): call init_app once per app; one runtime "
                "per app and process"
            )
        apply_defaults(app.config)
        options = extension_options(app.config)
        chosen = self._settings if self._settings is not None else settings_mapping(app.config)
        settings = resolve_settings(chosen, layer=SETTINGS_LAYER)
        host = build_host(
            app,
            settings,
            runtime=self._runtime,
            sinks=self._sinks,
            log_events=options.log_events,
            health_timeout=self._health_timeout,
        )
        app.extensions[EXTENSION_KEY] = host
        connect_own_receivers()
        with _APPS_LOCK:
            _APPS.add(app)
        if options.start_on_first_request:
            app.before_request(_FirstRequestStart(app))
        from tasker_contrib_flask.cli import tasker_cli

        app.cli.add_command(tasker_cli)

    # -- access from views and code that has the app ----------------------------------

    @staticmethod
    def host(app: Flask | None = None) -> TaskerHost:
        """The app's host (``current_app`` by default)."""
        return host_of(app)

    @property
    def client(self) -> TaskClient:
        """The blocking task client of ``current_app`` for the current mode."""
        return host_of().client


def build_host(
    app: Flask,
    settings: TaskerSettings,
    *,
    runtime: Any = None,
    sinks: Iterable[Sink] = (),
    log_events: bool = True,
    health_timeout: float = 2.0,
) -> TaskerHost:
    """A host for ``app``: the blinker sink first, then ``sinks``."""
    return TaskerHost(
        settings,
        framework="flask",
        runtime=runtime,
        sinks=(BlinkerSink(app), *sinks),
        log_events=log_events,
        health_timeout=health_timeout,
    )


def host_of(app: Flask | None = None) -> TaskerHost:
    """The host ``init_app`` stored on ``app`` (``current_app`` by default)."""
    if app is None:
        from flask import current_app

        app = current_app._get_current_object()  # type: ignore[attr-defined]
    host = app.extensions.get(EXTENSION_KEY)
    if not isinstance(host, TaskerHost):
        raise TaskerNotInitializedError(
            f"Tasker is not registered on the app {app.name!r}: call "
            "Tasker(app) or tasker.init_app(app) in the app factory"
        )
    return host


def tasker_client(app: Flask | None = None) -> TaskClient:
    """The blocking task client for views: local runtime's, or the orchestration client."""
    return host_of(app).client


def registered_apps() -> list[Flask]:
    """Apps ``init_app`` registered in this process and still alive."""
    with _APPS_LOCK:
        return list(_APPS)


def start_tasker(app: Flask | None = None, timeout: float | None = None) -> None:
    """Start the runtime of ``app`` (default: every registered app) in this process.

    What the server hooks call. Idempotent per process; in a fork of a
    process that already started it, raises ``RuntimeForkedError`` at once.
    """
    for each in [app] if app is not None else registered_apps():
        host_of(each).start(timeout)


def stop_tasker(app: Flask | None = None, timeout: float | None = None) -> bool:
    """Stop the runtime of ``app`` (default: every registered app); True if all clean."""
    clean = True
    for each in [app] if app is not None else registered_apps():
        clean = host_of(each).stop(timeout) and clean
    return clean


class _FirstRequestStart:
    """``before_request``: start on the first request, once per process id.

    The check is one attribute read once it ran in this pid. A start that
    fails is raised to that request and not retried (the probes report it);
    a forked child of a process that started tries once and gets the fork
    error. Stop is registered with ``atexit`` (bounded, never joins a thread):
    development servers have no stop hook of their own.
    """

    def __init__(self, app: Flask) -> None:
        self._app_ref = weakref.ref(app)
        self._done_pid = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        pid = os.getpid()
        if self._done_pid == pid:
            return
        with self._lock:
            if self._done_pid == pid:
                return
            self._done_pid = pid
            app = self._app_ref()
            if app is None:  # pragma: no cover - the app is serving this request
                return
            host = host_of(app)
            if host.started:  # a server hook started it; that hook also stops it
                return
            record_lifecycle("flask.first_request_start", framework="flask", app=app.name)
            host.start()
            atexit.register(host.stop)


__all__ = [
    "EXTENSION_KEY",
    "Tasker",
    "TaskerNotInitializedError",
    "build_host",
    "host_of",
    "registered_apps",
    "start_tasker",
    "stop_tasker",
    "tasker_client",
]
