"""``WorkerRuntime``: the real ``tasker_core`` worker, with its hazards fenced off.

What it adds around ``tasker_core.Worker`` (each point is a hazard listed in
``docs/runtimes.md``):

* the config file, template directory and environment are prepared and
  checked *before* the first ``import tasker_core`` (quiet logs, no
  ``postgres://`` or stray ``.env`` value reaching the engine);
* the database is probed with a short, GIL-free timeout first, so an
  unreachable database fails in seconds instead of freezing the process;
* handler packages are imported up front (the engine would swallow a typo);
* bootstrap runs off the caller's thread, bounded by ``start_timeout_seconds``
  (the engine holds the GIL while it bootstraps, so the bound is enforced
  when the engine hands control back, see ``docs/runtimes.md``);
* one domain-event poller per process, and the step notifications of the
  ``EventBridge`` re-subscribed on every start (its ``stop()`` drops them),
  all translated into :class:`~tasker_contrib_core.events.event.TaskerEvent`;
* ``start()`` idempotent per pid; a fork after start is refused at once with
  :class:`~tasker_contrib_core.errors.RuntimeForkedError`, without calling the
  engine (which would hang in the child);
* ``stop()`` bounded, idempotent, on a daemon thread; no signal handlers.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tasker_contrib_core._internal.bounded_call import call_bounded
from tasker_contrib_core.config.render import remove_render_dir
from tasker_contrib_core.errors import RuntimeStartError
from tasker_contrib_core.runtime.base import (
    EventListener,
    RuntimeKind,
    RuntimeStatus,
    Unsubscribe,
    forked_status,
)
from tasker_contrib_core.runtime.bootstrap_errors import explain_bootstrap_failure
from tasker_contrib_core.runtime.database_check import require_database_ready
from tasker_contrib_core.runtime.domain_poller import start_domain_poller, stop_domain_poller
from tasker_contrib_core.runtime.engine_env import (
    EnginePlan,
    apply_engine_environment,
    plan_engine_environment,
)
from tasker_contrib_core.runtime.event_translation import (
    TranslationFailures,
    WorkerEventTranslator,
)
from tasker_contrib_core.runtime.fork_guard import (
    ProcessOwner,
)
from tasker_contrib_core.runtime.handler_registration import register_handlers_once
from tasker_contrib_core.runtime.preflight import (
    DEFAULT_PREFLIGHT_TIMEOUT,
    check_database_reachable,
)
from tasker_contrib_core.runtime.process_runtime import ProcessRuntime

if TYPE_CHECKING:
    from tasker_contrib_core.client.protocol import AsyncTaskClient, TaskClient
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.events.event import TaskerEvent

logger = logging.getLogger("tasker_contrib_core.runtime")

# EventBridge names (tasker_core.EventNames), spelled out so this module can be
# imported without the engine.
_STEP_RECEIVED = "step.execution.received"
_STEP_COMPLETION = "step.completion.sent"
_STEP_CHECKPOINT = "step.checkpoint_yield.sent"

# The process-wide engine slot: the Rust side allows one worker per process.
_engine_owner = ProcessOwner()
_engine_holder: int | None = None  # id() of the WorkerRuntime holding the engine


@dataclass
class _Session:
    """Everything one successful start created; dropped by stop."""

    core: ModuleType
    worker: Any
    poller: Any
    plan: EnginePlan
    worker_id: str
    started_at: datetime
    bootstrap_seconds: float
    template_namespaces: tuple[str, ...]
    bridge_listeners: list[tuple[str, Callable[..., None]]]
    stop_clean: bool = False
    poller_errors: list[str] = field(default_factory=list)


class WorkerRuntime(ProcessRuntime):
    """The real engine in this process. Build it from settings; start it post-fork."""

    kind: RuntimeKind = "worker"

    def __init__(
        self,
        settings: TaskerSettings,
        *,
        preflight_timeout: float = DEFAULT_PREFLIGHT_TIMEOUT,
        environ: MutableMapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        if preflight_timeout <= 0:
            raise ValueError(f"preflight_timeout must be positive, got {preflight_timeout}")
        super().__init__(settings)
        self.preflight_timeout = preflight_timeout
        self._environ: MutableMapping[str, str] = os.environ if environ is None else environ
        self._cwd = cwd
        self._translation_failures = TranslationFailures(logger)
        self._session: _Session | None = None
        self._stopping: threading.Event | None = None  # set once the last stop finished
        self._client: TaskClient | None = None
        self._async_client: AsyncTaskClient | None = None

    def __repr__(self) -> str:
        state = "running" if self._session is not None else "stopped"
        return f"<WorkerRuntime {state} environment={self.settings.environment!r}>"

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Start the engine here; a no-op when already running in this process.

        Raises :class:`~tasker_contrib_core.errors.RuntimeForkedError` in a
        forked child of the process that started it, and
        :class:`~tasker_contrib_core.errors.RuntimeStartError` (or a subclass
        such as ``DatabaseUnreachableError``) when anything stands in the way.
        """
        # Lock-free checks first: in a forked child a parent thread may have held
        # our lock at fork time, and the engine must not be touched at all.
        self._owner.check(self.kind)
        _engine_owner.check(self.kind)
        if self._session is not None:
            return
        if not self.settings.worker_enabled:
            logger.info("worker runtime not started: worker_enabled is false in the settings")
            return
        with self._lock:
            if self._session is not None:
                return
            if self._stopping is not None and not self._stopping.is_set():
                raise RuntimeStartError(
                    "the worker runtime is still stopping from a previous stop() that ran out "
                    "of time; wait for it (call stop() again) before starting"
                )
            holder = _engine_holder
            if holder is not None and holder != id(self) and _engine_owner.is_current():
                raise RuntimeStartError(
                    "another WorkerRuntime already runs the engine in this process (the engine "
                    "allows one worker per process); share that runtime instead of creating "
                    "a second one"
                )
            try:
                session = self._start_session()
            except RuntimeStartError as exc:
                self._last_error = str(exc)
                raise
            self._last_error = None
            self._session = session
            self._owner.claim()
            _claim_engine(self)
        logger.info(
            "tasker worker %s started in %.2fs (pid %d, namespaces: %s)",
            session.worker_id,
            session.bootstrap_seconds,
            os.getpid(),
            ", ".join(session.template_namespaces) or "none",
        )

    def _start_session(self) -> _Session:
        settings = self.settings
        deadline = time.monotonic() + settings.start_timeout_seconds
        plan = plan_engine_environment(settings, environ=self._environ, cwd=self._cwd)
        probe_timeout = min(self.preflight_timeout, settings.start_timeout_seconds)
        check_database_reachable(plan.database_url, timeout=probe_timeout)
        if plan.pgmq_database_url and plan.pgmq_database_url != plan.database_url:
            check_database_reachable(
                plan.pgmq_database_url, timeout=probe_timeout, key="common.pgmq_database.url"
            )
        # Credentials, database, tasker schema and pgmq (a port that answers is not enough),
        # and room on the server for the pool: bootstrap opens it while holding the GIL.
        require_database_ready(plan.database_url, timeout=probe_timeout, pool=plan.database_pool)
        apply_engine_environment(plan, self._environ)
        return self._bootstrap_bounded(plan, max(0.1, deadline - time.monotonic()))

    def _bootstrap_bounded(self, plan: EnginePlan, timeout: float) -> _Session:
        """Run the bootstrap as a bounded call; a bootstrap finishing too late is undone."""

        def undo_late_start(session: _Session) -> None:
            logger.warning("the engine finished starting after start() gave up; stopping it")
            self._teardown(session, timeout=self.settings.shutdown_timeout_seconds)

        outcome = call_bounded(
            lambda: self._bootstrap(plan),
            timeout,
            name="tasker-contrib-bootstrap",
            on_late=undo_late_start,
        )
        error = outcome.error
        if outcome.finished and error is None and outcome.value is not None:
            session = outcome.value
            session.bootstrap_seconds = outcome.seconds
            return session
        if isinstance(error, RuntimeStartError):
            raise error
        if error is not None:
            raise explain_bootstrap_failure(error, plan.config_path) from error
        raise RuntimeStartError(
            f"the engine did not finish starting within start_timeout_seconds="
            f"{self.settings.start_timeout_seconds:g}; it will be stopped if it finishes later. "
            "Raise start_timeout_seconds, or look for slow imports in the handler packages"
        )

    def _bootstrap(self, plan: EnginePlan) -> _Session:
        """Import the engine and handlers, start the worker, wire up events."""
        core = importlib.import_module("tasker_core")
        _import_handler_packages(self.settings.handler_packages)
        if core.Worker.instance() is not None:
            raise RuntimeStartError(
                "a tasker_core.Worker is already running in this process, started outside "
                "tasker-contrib; stop it, or let this runtime be the only one to start it"
            )
        self._recheck_room_for_pool(plan)
        translator = WorkerEventTranslator()
        bridge = core.EventBridge.instance()
        listeners = self._bridge_listeners(translator)
        # Subscribed before Worker.start so ours run before the step handler does
        # ("started" is then emitted before the handler runs, not after).
        for name, listener in listeners:
            bridge.subscribe(name, listener)
        started = time.monotonic()
        try:
            # Registered here once each, not by Worker.start (which registers every
            # class handler twice and warns for each: see handler_registration).
            register_handlers_once(core, self.settings.handler_packages)
            worker = core.Worker.start(handler_packages=None)
        except BaseException as exc:
            _unsubscribe_all(bridge, listeners)
            _stop_half_started_engine(core)
            raise explain_bootstrap_failure(exc, plan.config_path) from exc
        translator.worker_id = worker.worker_id
        for name, listener in listeners:
            if listener not in bridge.listeners(name):
                bridge.subscribe(name, listener)
        session = _Session(
            core=core,
            worker=worker,
            poller=None,
            plan=plan,
            worker_id=worker.worker_id,
            started_at=datetime.now(timezone.utc),
            bootstrap_seconds=time.monotonic() - started,
            template_namespaces=plan.templates.namespaces(),
            bridge_listeners=listeners,
        )
        try:
            session.poller = start_domain_poller(
                core,
                self._domain_listener(translator),
                lambda error: _record(session.poller_errors, error),
            )
        except BaseException:
            self._teardown(session, timeout=self.settings.shutdown_timeout_seconds)
            raise
        return session

    def _recheck_room_for_pool(self, plan: EnginePlan) -> None:
        """Count the free connection slots again, just before the engine opens its pool.

        Importing the engine and the handler packages takes a second or more
        after the first check; connections other clients opened meanwhile would
        make the bootstrap wait ``acquire_timeout_seconds`` with the GIL held.
        A second login (tens of milliseconds, GIL-free) leaves only the moment
        between it and the engine's own connects uncovered.
        """
        if plan.database_pool is None or importlib.util.find_spec("psycopg") is None:
            return  # the first check already warned that it could not look
        timeout = min(self.preflight_timeout, self.settings.start_timeout_seconds)
        require_database_ready(plan.database_url, timeout=timeout, pool=plan.database_pool)

    def stop(self, timeout: float | None = None) -> bool:
        """Stop within ``timeout`` seconds (default ``shutdown_timeout_seconds``).

        Order: the step poller (the handler in flight finishes), the domain
        event poller, then the engine. Returns False, with a warning, when the
        bound ran out; the rest continues on a daemon thread. In a forked child
        it touches nothing and returns True: nothing of the engine runs here.
        """
        bound = self.settings.shutdown_timeout_seconds if timeout is None else timeout
        if self._owner.is_forked() or _engine_owner.is_forked():
            logger.warning(
                "stop() called in process %d, a fork of the process that started the worker "
                "runtime; nothing to stop here (the engine is never called from a fork)",
                os.getpid(),
            )
            return True
        started = time.monotonic()
        if not self._lock.acquire(timeout=max(0.0, bound)):
            logger.warning("worker runtime stop: another start/stop held the lock for %.1fs", bound)
            return False
        try:
            session, self._session = self._session, None
            stopped = self._stopping
            if session is not None:
                stopped = self._stopping = threading.Event()
        finally:
            self._lock.release()
        if stopped is None:
            return True
        remaining = max(0.0, bound - (time.monotonic() - started))
        if session is None:  # an earlier stop ran out of time: wait for it once more
            done = stopped.wait(remaining)
        else:
            done = call_bounded(
                lambda: self._teardown_then_signal(session, bound, stopped),
                remaining,
                name="tasker-contrib-stop",
            ).finished
        remove_render_dir()  # the rendered config holds the password; the engine has read it
        if not done:
            logger.warning(
                "the worker runtime did not stop within %.1fs (a step handler still running?); "
                "it keeps stopping in the background on a daemon thread",
                bound,
            )
            return False
        return session.stop_clean if session is not None else True

    def _teardown_then_signal(
        self, session: _Session, timeout: float, stopped: threading.Event
    ) -> None:
        """:meth:`_teardown`, then tell a later ``stop()`` / ``start()`` it is over."""
        try:
            self._teardown(session, timeout)
        finally:
            stopped.set()

    def _teardown(self, session: _Session, timeout: float) -> None:
        """Stop everything a session started, in order; runs on a daemon thread."""
        deadline = time.monotonic() + timeout
        clean = True
        try:
            step_poller = getattr(session.worker, "_poller", None)  # Worker keeps no public handle
            if step_poller is not None:
                step_poller.stop(timeout=max(0.0, deadline - time.monotonic()))
                clean = clean and not step_poller.is_running
            if session.poller is not None:
                clean = (
                    stop_domain_poller(
                        session.poller, max(0.0, min(2.0, deadline - time.monotonic()))
                    )
                    and clean
                )
            session.worker.stop()
            clean = clean and not session.core.is_worker_running()
        except BaseException as exc:
            clean = False
            self._last_error = f"stopping the engine failed: {type(exc).__name__}: {exc}"
            logger.warning("%s", self._last_error)
        finally:
            session.stop_clean = clean
            self._owner.release()
            _release_engine(self)

    # -- events ----------------------------------------------------------------

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        """Receive every event of the real worker (on its poller threads)."""
        return self._fanout.subscribe(listener)

    def _emit_safely(self, event_type: str, produce: Callable[[], TaskerEvent]) -> None:
        # Must never raise: the EventBridge calls us inside the worker's own
        # step-completion path, where an exception would be taken for a failed
        # submission and the step reported as failed.
        try:
            event = produce()
        except Exception as exc:
            self._translation_failures.record(event_type, exc)
            return
        try:
            self._fanout.emit(event)
        except Exception:  # pragma: no cover - the fan-out already isolates listeners
            logger.debug("event fan-out failed", exc_info=True)

    def _bridge_listeners(
        self, translator: WorkerEventTranslator
    ) -> list[tuple[str, Callable[..., None]]]:
        def on_received(event: Any, *_: Any) -> None:
            self._emit_safely(_STEP_RECEIVED, lambda: translator.step_received(event))

        def on_completion(result: Any, *_: Any) -> None:
            self._emit_safely(_STEP_COMPLETION, lambda: translator.step_completed(result))

        def on_checkpoint(data: Any, *_: Any) -> None:
            self._emit_safely(_STEP_CHECKPOINT, lambda: translator.checkpoint_yielded(data))

        return [
            (_STEP_RECEIVED, on_received),
            (_STEP_COMPLETION, on_completion),
            (_STEP_CHECKPOINT, on_checkpoint),
        ]

    def _domain_listener(self, translator: WorkerEventTranslator) -> Callable[[Any], None]:
        def on_domain_event(event: Any) -> None:
            self._emit_safely(
                f"domain event {_domain_event_name(event)}", lambda: translator.domain_event(event)
            )

        return on_domain_event

    # -- health ----------------------------------------------------------------

    def status(self) -> RuntimeStatus:
        """Health data; in a forked child it reports not running, with the reason."""
        forked = forked_status(self.kind, self._owner.pid)
        if forked is not None:
            return forked
        pid = os.getpid()
        session = self._session
        details: dict[str, Any] = {
            "worker_enabled": self.settings.worker_enabled,
            "environment": self.settings.environment,
            "listeners": len(self._fanout),
            "listener_failures": self._fanout.failures,
        }
        if session is None:
            stopping = self._stopping is not None and not self._stopping.is_set()
            details["stopping"] = stopping
            return RuntimeStatus(
                kind=self.kind,
                running=False,
                pid=pid,
                last_error=self._last_error,
                details=details,
            )
        engine_running, engine_namespaces, engine_error = _engine_state(session.core)
        step_poller = getattr(session.worker, "_poller", None)
        step_poller_alive = bool(step_poller is not None and step_poller.is_running)
        domain_poller_alive = bool(session.poller is not None and session.poller.is_running)
        details.update(
            {
                "config_path": str(session.plan.config_path),
                "template_dir": str(session.plan.template_dir),
                "template_count": len(session.plan.templates.files),
                "handler_packages": list(self.settings.handler_packages),
                "engine_namespaces": list(engine_namespaces),
                "step_poller_alive": step_poller_alive,
                "domain_poller_alive": domain_poller_alive,
                "bootstrap_seconds": round(session.bootstrap_seconds, 3),
                "poller_errors": len(session.poller_errors),
            }
        )
        if session.poller_errors:
            details["last_poller_error"] = session.poller_errors[-1]
        namespaces = tuple(sorted({*session.template_namespaces, *engine_namespaces}))
        return RuntimeStatus(
            kind=self.kind,
            running=engine_running and session.worker.is_running,
            pid=pid,
            worker_id=session.worker_id,
            namespaces=namespaces,
            poller_alive=step_poller_alive and domain_poller_alive,
            last_event_age_seconds=self._fanout.age_of_last_event(),
            last_error=engine_error or self._last_error,
            started_at=session.started_at,
            details=details,
        )

    # -- clients ---------------------------------------------------------------

    @property
    def client(self) -> TaskClient:
        """An orchestration REST client (``orchestration_url``, else the engine config's
        ``worker.orchestration_client.base_url``). Never ``tasker_core.TaskerClient``,
        which holds the GIL for the whole HTTP request."""
        if self._client is None:
            from tasker_contrib_core.client.http import OrchestrationClient

            self._client = OrchestrationClient.from_settings(self.settings, **self._client_url())
        return self._client

    @property
    def async_client(self) -> AsyncTaskClient:
        """The asyncio flavour of :attr:`client`."""
        if self._async_client is None:
            from tasker_contrib_core.client.http import AsyncOrchestrationClient

            self._async_client = AsyncOrchestrationClient.from_settings(
                self.settings, **self._client_url()
            )
        return self._async_client

    def _client_url(self) -> dict[str, Any]:
        """The engine config's orchestration URL unless ``orchestration_url`` is set.

        Reads the merged configuration (TOML files): build the clients at start-up,
        off any event loop. An invalid configuration raises its ``ConfigErrors``
        here rather than falling back to no URL and a misleading error later.
        """
        if self.settings.orchestration_url:
            return {}
        url = self.settings.effective_config().value("worker.orchestration_client.base_url")
        return {"base_url": url} if isinstance(url, str) and url else {}


def _domain_event_name(event: Any) -> str:
    """The name of a raw domain event, for a warning about it (never raises)."""
    try:
        name = event.get("event_name") if isinstance(event, dict) else event.event_name
    except Exception:
        name = None
    return repr(name) if name else f"of type {type(event).__name__}"


def _release_engine(runtime: WorkerRuntime) -> None:
    global _engine_holder
    if _engine_holder == id(runtime):
        _engine_holder = None
        _engine_owner.release()


def _claim_engine(runtime: WorkerRuntime) -> None:
    global _engine_holder
    _engine_holder = id(runtime)
    _engine_owner.claim()


def _import_handler_packages(packages: list[str]) -> None:
    """Import each package now: the engine logs and ignores an import failure."""
    for package in packages:
        try:
            importlib.import_module(package)
        except Exception as exc:
            raise RuntimeStartError(
                f"handler package '{package}' (handler_packages / --handlers) cannot be "
                f"imported: {type(exc).__name__}: {exc}. Check the name and that it is "
                "installed in this environment"
            ) from exc


def _unsubscribe_all(bridge: Any, listeners: list[tuple[str, Callable[..., None]]]) -> None:
    for name, listener in listeners:
        try:
            bridge.unsubscribe(name, listener)
        except Exception:
            logger.debug("could not unsubscribe %s", name, exc_info=True)


def _stop_half_started_engine(core: ModuleType) -> None:
    """Worker.start can fail after the Rust side bootstrapped; undo that part."""
    try:
        if core.is_worker_running():
            core.stop_worker()
        core.EventBridge.instance().stop()
    except Exception:
        logger.warning("could not clean up after a failed start", exc_info=True)


def _engine_state(core: ModuleType) -> tuple[bool, tuple[str, ...], str | None]:
    try:
        status = core.get_worker_status()
    except Exception as exc:
        return False, (), f"engine status unavailable: {type(exc).__name__}: {exc}"
    namespaces = tuple(status.supported_namespaces or ())
    return bool(status.running), namespaces, status.error


def _record(errors: list[str], error: BaseException) -> None:
    errors.append(f"{type(error).__name__}: {error}")
    del errors[:-20]


__all__ = ["WorkerRuntime"]
