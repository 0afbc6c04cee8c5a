"""``install(app)``: the engine inside the Celery worker processes of one app.

Celery is the hardest host Tasker has: prefork children must report
themselves up within ~4 s or the parent kills them, ``worker_process_init``
also fires in the main process under the solo pool, the threads pool has no
per-process signals, and the web process, ``celery beat`` and ``celery
inspect`` all import the Celery app. So ``install`` only connects receivers
(``weak=False``, one ``dispatch_uid`` per app) and reads nothing heavy; the
engine is started by worker signals alone:

=============  ===================================  ===========================
pool           start                                stop
=============  ===================================  ===========================
prefork        ``worker_process_init`` in each      ``worker_process_shutdown``
               child, on a daemon thread (the       in each child
               receiver returns at once)
threads        ``worker_init``, main process        ``worker_shutdown``
solo           ``worker_init``, main process (the   ``worker_shutdown``
               later ``worker_process_init`` is a
               no-op: same pid)
gevent,        refused with an error naming the     -
eventlet       alternatives
=============  ===================================  ===========================

Every stop is bounded by ``shutdown_timeout_seconds``; every start and stop
is recorded (``celery.*`` and ``runtime.*`` lifecycle records with pid and
ppid). The one runtime of a process is core's :class:`TaskerHost`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.integration import TaskerHost, process_role, record_lifecycle

from tasker_contrib_celery.child_start import BackgroundStart
from tasker_contrib_celery.pools import (
    PoolKind,
    UnsupportedPoolError,
    pool_kind,
    unsupported_message,
)
from tasker_contrib_celery.settings import celery_settings

if TYPE_CHECKING:
    from tasker_contrib_core.client import TaskClient
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.events import Sink
    from tasker_contrib_core.integration import SettingsInput
    from tasker_contrib_core.runtime import Runtime

logger = logging.getLogger("tasker_contrib.celery")

#: Attribute of the Celery app holding its :class:`CeleryTasker`.
APP_ATTRIBUTE = "_tasker_contrib"


class TaskerNotInstalledError(RuntimeError):
    """``get_tasker(app)`` on an app without ``install(app)``."""


class TaskerNotStartedError(RuntimeError):
    """The engine of this process is not running (not a worker, or its start failed)."""


class CeleryTasker:
    """Tasker for one Celery app: settings, the per-process host, the worker hooks.

    Built by :func:`install`; reach it with :func:`get_tasker`. Holds no
    engine until a worker signal starts one in this process.
    """

    def __init__(
        self,
        app: Any,
        settings: SettingsInput = None,
        *,
        runtime: Runtime | Callable[[TaskerSettings], Runtime] | None = None,
        sinks: Iterable[Sink] = (),
        log_events: bool = True,
    ) -> None:
        self.app = app
        self._settings_input = settings
        self._runtime_choice = runtime
        self._extra_sinks = tuple(sinks)
        self._log_events = log_events
        self._settings: TaskerSettings | None = None
        self._host: TaskerHost | None = None
        self._lock = threading.RLock()
        #: pid of the worker's main process (set by worker_init), and its pool.
        self.main_pid: int | None = None
        self.pool: PoolKind | None = None
        self._background: BackgroundStart | None = None
        self._background_pid: int | None = None

    def __repr__(self) -> str:
        return f"<CeleryTasker app={getattr(self.app, 'main', None)!r} pool={self.pool}>"

    # -- what it holds -----------------------------------------------------------------

    @property
    def settings(self) -> TaskerSettings:
        """The resolved settings (``app.conf`` ``tasker_*`` keys, env on top), read once."""
        if self._settings is None:
            with self._lock:
                if self._settings is None:
                    self._settings = celery_settings(self.app.conf, self._settings_input)
        return self._settings

    @property
    def host(self) -> TaskerHost:
        """The per-process host (built on first use; started only by worker signals)."""
        if self._host is None:
            with self._lock:
                if self._host is None:
                    self._host = self._build_host()
        return self._host

    @property
    def client(self) -> TaskClient:
        """The blocking task client of the current mode (see ``TaskerHost.client``)."""
        return self.host.client

    def _build_host(self) -> TaskerHost:
        from tasker_contrib_celery.event_tasks import CeleryTaskSink
        from tasker_contrib_celery.signals import SignalSink

        return TaskerHost(
            self.settings,
            framework="celery",
            runtime=self._runtime_choice,
            sinks=(CeleryTaskSink(self.app), SignalSink(self.app), *self._extra_sinks),
            log_events=self._log_events,
        )

    # -- starting and stopping -------------------------------------------------------

    def start(self, timeout: float | None = None) -> float:
        """Start the engine in this process now (bounded, idempotent per pid)."""
        return self.host.start(timeout)

    def start_in_background(self) -> BackgroundStart:
        """Start on a daemon thread (prefork children); once per process."""
        with self._lock:
            pid = os.getpid()
            if self._background is None or self._background_pid != pid:
                self._background = BackgroundStart(self.host.start)
                self._background_pid = pid
                self._background.launch()
            return self._background

    def stop(self, timeout: float | None = None) -> bool:
        """Stop the engine of this process (bounded, idempotent, never raises)."""
        host = self._host
        if host is None:
            return True
        return host.stop(timeout)

    def wait_started(self, timeout: float | None = None) -> TaskerHost:
        """The started host of this process, waiting for a background start if one runs.

        Raises :class:`TaskerNotStartedError` (with the start's error as
        cause) when the engine is not running here after ``timeout``
        (default ``start_timeout_seconds``).
        """
        host = self.host
        if host.started:
            return host
        background = self._background if self._background_pid == os.getpid() else None
        if background is not None:
            bound = self.settings.start_timeout_seconds if timeout is None else timeout
            background.wait(bound + TaskerHost.grace_seconds)
            if host.started:
                return host
            raise TaskerNotStartedError(
                f"the Tasker engine of worker process {os.getpid()} did not start"
                + (f": {background.error}" if background.error else " in time")
            ) from background.error
        raise TaskerNotStartedError(
            f"the Tasker engine is not running in process {os.getpid()}: it starts only in "
            "Celery worker processes (worker_init / worker_process_init). In tests use "
            "tasker_contrib_celery.testing (or start it yourself with get_tasker(app).start())"
        )

    # -- worker hooks ---------------------------------------------------------------

    def on_worker_init(self, worker: Any) -> None:
        """Main process of a worker, before the pool exists: decide per pool."""
        role = process_role()
        kind, name = pool_kind(getattr(worker, "pool_cls", None))
        self.main_pid = os.getpid()
        self.pool = kind
        record_lifecycle("celery.worker_init", framework="celery", pool=kind, serving=bool(role))
        if not role:
            logger.info("not starting Tasker here: %s", role.reason)
            return
        if kind == "unsupported":
            if self.host.mode == "submit-only":
                logger.info("pool %s: Tasker only submits tasks in this worker", name)
                return
            raise UnsupportedPoolError(unsupported_message(name))
        if kind in ("threads", "solo"):
            self.start()

    def on_worker_process_init(self) -> None:
        """A prefork child (or the solo pool's main process) is starting."""
        in_main = self.main_pid == os.getpid()
        record_lifecycle(
            "celery.worker_process_init", framework="celery", pool=self.pool, in_main=in_main
        )
        if in_main:
            if self.pool == "solo":
                self.start()  # already started by worker_init: absorbed (same pid)
            return
        if self.pool not in (None, "prefork"):
            return
        self.start_in_background()

    def on_worker_process_shutdown(self) -> None:
        """A prefork child is exiting: stop its engine within the bound."""
        if self.main_pid == os.getpid():
            return
        record_lifecycle("celery.worker_process_shutdown", framework="celery", pool=self.pool)
        self.stop()

    def on_worker_shutdown(self) -> None:
        """The worker's main process is shutting down (threads and solo engines live here)."""
        record_lifecycle("celery.worker_shutdown", framework="celery", pool=self.pool)
        self.stop()


def install(
    app: Any,
    settings: SettingsInput = None,
    *,
    runtime: Runtime | Callable[[TaskerSettings], Runtime] | None = None,
    sinks: Iterable[Sink] = (),
    log_events: bool = True,
    bootstep: bool = False,
) -> CeleryTasker:
    """Run Tasker inside the worker processes of Celery app ``app``.

    Connects the worker signals and returns the app's :class:`CeleryTasker`;
    starts nothing (safe at import of the module defining the app, which web
    processes, ``celery beat`` and ``celery inspect`` import too).

    ``settings``: a mapping merged over ``app.conf``'s ``tasker_*`` keys, a
    ``TaskerSettings``, a function returning either, or ``None``.
    ``runtime``: a runtime or ``factory(settings)`` instead of the one the
    settings ask for. ``sinks``: extra event sinks; ``log_events=False`` drops
    core's structlog sink. ``bootstep=True``: wire the worker's main process
    through a worker bootstep (:class:`~tasker_contrib_celery.TaskerBootstep`)
    instead of the ``worker_init`` / ``worker_shutdown`` signals.

    Raises ``RuntimeError`` when Tasker is already installed on ``app``.
    """
    if getattr(app, APP_ATTRIBUTE, None) is not None:
        raise RuntimeError(
            f"Tasker is already installed on Celery app {getattr(app, 'main', app)!r}; "
            "one install() per app"
        )
    tasker = CeleryTasker(app, settings, runtime=runtime, sinks=sinks, log_events=log_events)
    setattr(app, APP_ATTRIBUTE, tasker)
    _connect_process_signals(tasker)
    if bootstep:
        from tasker_contrib_celery.bootstep import TaskerBootstep

        app.steps["worker"].add(TaskerBootstep)
    else:
        _connect_worker_signals(tasker)
    _register_tasks(app)
    return tasker


def get_tasker(app: Any = None) -> CeleryTasker:
    """The :class:`CeleryTasker` of ``app`` (default: Celery's current app)."""
    if app is None:
        from celery import current_app

        app = current_app._get_current_object()
    tasker = getattr(app, APP_ATTRIBUTE, None)
    if not isinstance(tasker, CeleryTasker):
        raise TaskerNotInstalledError(
            f"Tasker is not installed on Celery app {getattr(app, 'main', app)!r}: call "
            "tasker_contrib_celery.install(app) where the app is defined"
        )
    return tasker


def _uid(tasker: CeleryTasker, signal: str) -> str:
    return f"tasker_contrib_celery.{signal}.{id(tasker.app)}"


def _connect_process_signals(tasker: CeleryTasker) -> None:
    from celery import signals

    def on_process_init(sender: Any = None, **_: Any) -> None:
        tasker.on_worker_process_init()

    def on_process_shutdown(sender: Any = None, **_: Any) -> None:
        tasker.on_worker_process_shutdown()

    signals.worker_process_init.connect(
        on_process_init, weak=False, dispatch_uid=_uid(tasker, "worker_process_init")
    )
    signals.worker_process_shutdown.connect(
        on_process_shutdown, weak=False, dispatch_uid=_uid(tasker, "worker_process_shutdown")
    )


def _connect_worker_signals(tasker: CeleryTasker) -> None:
    from celery import signals

    def on_worker_init(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "app", tasker.app) is tasker.app:
            tasker.on_worker_init(sender)

    def on_worker_shutdown(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "app", tasker.app) is tasker.app:
            tasker.on_worker_shutdown()

    signals.worker_init.connect(
        on_worker_init, weak=False, dispatch_uid=_uid(tasker, "worker_init")
    )
    signals.worker_shutdown.connect(
        on_worker_shutdown, weak=False, dispatch_uid=_uid(tasker, "worker_shutdown")
    )


def _register_tasks(app: Any) -> None:
    """Make sure the package's own Celery tasks exist on ``app`` (``submit_tasker_task``)."""
    from tasker_contrib_celery import beat  # noqa: F401 - its shared_task registers on every app


__all__ = [
    "APP_ATTRIBUTE",
    "CeleryTasker",
    "TaskerNotInstalledError",
    "TaskerNotStartedError",
    "get_tasker",
    "install",
]
