"""``TaskerHost``: the one runtime of one process, run the way lifecycle.md says.

Every framework package needs the same mechanism around a runtime, and each
piece of it is easy to get subtly wrong: start it off the caller's thread and
bounded (the real engine's bootstrap blocks and holds the GIL), undo a start
that finished after the caller gave up, start once per process id and refuse
at once in a fork of the process that started it, stop bounded and
idempotent, wire the event dispatcher with the framework's sinks before the
first event, record each step for operators and lifecycle tests, answer health
probes and hand out the client for the current mode. The host does all of it;
a framework package only decides *when* (which hook, which process) to call
:meth:`TaskerHost.start` and :meth:`TaskerHost.stop`.

Constructing a host reads nothing heavy and starts nothing: it may be built in
``init_app``, ``AppConfig.ready()`` or at import; the runtime is created on
first use and started only by :meth:`~TaskerHost.start`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Literal

from tasker_contrib_core._internal.bounded_call import call_bounded
from tasker_contrib_core.errors import RuntimeStartError
from tasker_contrib_core.runtime.fork_guard import ProcessOwner, reset_in_forked_children
from tasker_contrib_core.runtime.lifecycle_log import record_lifecycle

if TYPE_CHECKING:
    from types import TracebackType

    from tasker_contrib_core.client.protocol import AsyncTaskClient, TaskClient
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.console import ConsoleEvents
    from tasker_contrib_core.events import EventDispatcher, Sink
    from tasker_contrib_core.integration._health import HealthReport, RuntimeHealth
    from tasker_contrib_core.integration._loop_sinks import LoopBoundSink
    from tasker_contrib_core.runtime import Runtime, RuntimeStatus

logger = logging.getLogger("tasker_contrib.integration")

#: What the process does with Tasker: runs the local engine, runs the real
#: worker, or only submits tasks to the orchestration API (worker mode with
#: ``worker_enabled = false``).
HostMode = Literal["local", "worker", "submit-only"]


class TaskerHost:
    """Owns the runtime of this process for one framework integration.

    ``settings``: resolved settings (see
    :func:`~tasker_contrib_core.integration.resolve_settings`).
    ``framework``: short name recorded with every lifecycle step (``"flask"``).
    ``runtime``: a runtime or ``factory(settings)`` instead of the one the
    settings ask for. A runtime *instance* is started and stopped here, but
    its clients are yours to close.
    ``sinks``: event sinks of the framework (signals, callbacks), attached
    before the runtime starts; ``log_events=False`` drops the default
    structlog sink (names and ids, no payloads).
    ``health_timeout``: bound of each network check of :meth:`readiness`.
    """

    #: Extra seconds the host waits on top of a runtime's own bound, so the
    #: runtime's more precise error wins when both run out together.
    grace_seconds: float = 2.0

    def __init__(
        self,
        settings: TaskerSettings,
        *,
        framework: str,
        runtime: Runtime | Callable[[TaskerSettings], Runtime] | None = None,
        sinks: Iterable[Sink] = (),
        log_events: bool = True,
        health_timeout: float = 2.0,
    ) -> None:
        if health_timeout <= 0:
            raise ValueError(f"health_timeout must be positive, got {health_timeout}")
        self.settings = settings
        self.framework = framework
        self.sinks: tuple[Sink, ...] = tuple(sinks)
        self.log_events = log_events
        self.health_timeout = health_timeout
        self._runtime_choice = runtime
        self._runtime: Runtime | None = None
        self._owns_runtime = True
        self._health: RuntimeHealth | None = None
        self._dispatcher: EventDispatcher | None = None
        self._loop_sinks: list[LoopBoundSink] = []
        self._client: TaskClient | None = None
        self._async_client: AsyncTaskClient | None = None
        self._console_events: ConsoleEvents | None = None
        self._owner = ProcessOwner()
        self._lock = threading.RLock()
        reset_in_forked_children(self, _new_lock)

    def __repr__(self) -> str:
        state = "started" if self.started else "forked" if self.forked else "idle"
        return f"<TaskerHost {self.framework} {state} runtime={self._runtime!r}>"

    # -- what the host holds ----------------------------------------------------------

    @property
    def runtime(self) -> Runtime:
        """The runtime of this process (built on first access, not started)."""
        runtime = self._runtime
        if runtime is None:
            with self._lock:
                runtime = self._runtime
                if runtime is None:
                    runtime = self._runtime = self._build_runtime()
        return runtime

    @property
    def owns_runtime(self) -> bool:
        """False when a runtime instance was passed in: its clients are not closed here."""
        self.runtime  # noqa: B018 - decides ownership
        return self._owns_runtime

    @property
    def mode(self) -> HostMode:
        """``"local"``, ``"worker"``, or ``"submit-only"`` (worker, ``worker_enabled = false``)."""
        if self.runtime.kind == "local":
            return "local"
        return "worker" if self.settings.worker_enabled else "submit-only"

    @property
    def dispatcher(self) -> EventDispatcher | None:
        """The event dispatcher while started (the framework's sinks attached), else None."""
        return self._dispatcher

    @property
    def console_events(self) -> ConsoleEvents | None:
        """Recent events for the console (attached at start when ``console.enabled``)."""
        return self._console_events

    @property
    def health(self) -> RuntimeHealth:
        """The liveness/readiness decisions for this host's runtime."""
        health = self._health
        if health is None:
            from tasker_contrib_core.integration._health import RuntimeHealth

            health = self._health = RuntimeHealth(
                self.runtime, self.settings, timeout=self.health_timeout
            )
        return health

    @property
    def started(self) -> bool:
        """True when :meth:`start` succeeded in *this* process and :meth:`stop` did not run."""
        return self._owner.is_current()

    @property
    def forked(self) -> bool:
        """True in a process forked from the one that started the runtime (it cannot run here)."""
        return self._owner.is_forked()

    @property
    def client(self) -> TaskClient:
        """The blocking task client of the current mode (created on first use).

        Local: tasks run in this process. Worker and submit-only: the
        orchestration REST client (never ``tasker_core.TaskerClient``, which
        holds the GIL for a whole HTTP request).
        """
        client = self._client
        if client is None:
            client = self._client = self.runtime.client
        return client

    @property
    def async_client(self) -> AsyncTaskClient:
        """The asyncio task client of the current mode (created on first use)."""
        client = self._async_client
        if client is None:
            client = self._async_client = self.runtime.async_client
        return client

    @property
    def async_client_in_use(self) -> AsyncTaskClient | None:
        """The asyncio client if anything asked for it, else None (nothing to close)."""
        return self._async_client

    def status(self) -> RuntimeStatus:
        """The runtime's status; a call into the engine, keep it off event loops."""
        return self.runtime.status()

    def liveness(self) -> HealthReport:
        """Should this process be restarted? (see ``HealthReport.http_status``)."""
        return self.health.liveness()

    def readiness(self) -> HealthReport:
        """Can it work right now? Runs bounded network checks: blocking."""
        return self.health.readiness()

    async def aliveness(self) -> HealthReport:
        """:meth:`liveness` from async code, off the event loop."""
        import anyio.to_thread

        report: HealthReport = await anyio.to_thread.run_sync(self.liveness)
        return report

    async def areadiness(self) -> HealthReport:
        """:meth:`readiness` from async code, off the event loop."""
        import anyio.to_thread

        report: HealthReport = await anyio.to_thread.run_sync(self.readiness)
        return report

    # -- start ----------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> float:
        """Start the runtime in this process; returns the seconds it took (0.0 if it ran).

        Bounded by ``timeout`` (default ``start_timeout_seconds``) plus
        :attr:`grace_seconds`, on a daemon thread: the caller gets control back
        even if the runtime ignores its own bound, and a start that finishes
        after that is stopped again. Idempotent per process id; in a fork of
        the process that started it raises
        :class:`~tasker_contrib_core.errors.RuntimeForkedError` at once (no
        lock taken, the engine not touched). Raises what the runtime raised,
        or :class:`~tasker_contrib_core.errors.RuntimeStartError`.

        Before the runtime starts, every task template it will load is
        validated (``template_validation``): in ``strict`` mode an error raises
        :class:`~tasker_contrib_core.errors.TemplateValidationError` with the
        validator's findings; in ``report`` mode it is logged and
        :meth:`readiness` fails on it while the runtime runs the others.
        """
        self._owner.check(self._runtime.kind if self._runtime is not None else "Tasker")
        if self._owner.is_current():
            return 0.0
        with self._lock:
            if self._owner.is_current():
                return 0.0
            bound = self.settings.start_timeout_seconds if timeout is None else timeout
            return self._start_locked(bound)

    def _start_locked(self, timeout: float) -> float:
        runtime = self.runtime
        dispatcher = self._dispatcher = self._build_dispatcher()
        dispatcher.attach(runtime)
        record_lifecycle("runtime.starting", kind=runtime.kind, framework=self.framework)
        undo_bound = self.settings.shutdown_timeout_seconds

        def undo_late_start(_: object) -> None:
            logger.warning("the Tasker runtime finished starting after start-up gave up; stopping")
            runtime.stop(undo_bound)

        def validate_then_start() -> None:
            self._validate_templates(runtime)
            runtime.start()

        outcome = call_bounded(
            validate_then_start,
            timeout + self.grace_seconds,
            name="tasker-contrib-start",
            on_late=undo_late_start,
        )
        error = outcome.error
        if outcome.timed_out:
            error = RuntimeStartError(
                f"the Tasker {runtime.kind} runtime did not start within "
                f"start_timeout_seconds={timeout:g} (+{self.grace_seconds:g}s grace); start-up "
                "is aborted. Raise start_timeout_seconds, or look for slow imports in the "
                "handler packages"
            )
        if error is not None:
            dispatcher.stop(timeout=0)
            self._dispatcher = None
            record_lifecycle(
                "runtime.start_failed",
                level=logging.ERROR,
                kind=runtime.kind,
                framework=self.framework,
                error=f"{type(error).__name__}: {error}",
            )
            logger.error("Tasker %s runtime failed to start: %s", runtime.kind, error)
            raise error
        self._owner.claim()
        status = runtime.status()
        record_lifecycle(
            "runtime.started",
            kind=runtime.kind,
            framework=self.framework,
            running=status.running,
            worker_id=status.worker_id,
            seconds=round(outcome.seconds, 3),
        )
        return outcome.seconds

    def _validate_templates(self, runtime: Runtime) -> None:
        """Start-up template validation (``template_validation``); raises in strict mode.

        Skipped in a submit-only process, which runs no template here.
        """
        from tasker_contrib_core.integration._template_gate import validate_templates_at_start

        if runtime.kind == "worker" and not self.settings.worker_enabled:
            return
        gate = validate_templates_at_start(self.settings, kind=runtime.kind)
        self.health.template_check = gate.health_check() if gate is not None else None

    def start_soon(self, timeout: float | None = None) -> Future[float]:
        """Begin :meth:`start` on a daemon thread and return at once.

        For hooks with a deadline of their own that a slow bootstrap must not
        miss (Celery kills a prefork child whose ``worker_process_init`` takes
        more than ~4 s). The future holds the seconds :meth:`start` took, or
        its exception (already logged and recorded as ``runtime.start_failed``).
        A :meth:`stop` meanwhile waits for the start to finish or fail first.
        """
        future: Future[float] = Future()
        future.set_running_or_notify_cancel()

        def run() -> None:
            try:
                future.set_result(self.start(timeout))
            except BaseException as exc:  # handed to whoever awaits the future
                future.set_exception(exc)

        threading.Thread(target=run, name="tasker-contrib-start-soon", daemon=True).start()
        return future

    async def astart(self, timeout: float | None = None) -> float:
        """:meth:`start` from async code: the event loop keeps serving meanwhile.

        Also binds the loop-bound sinks (``AsyncCallbackSink``) to the running
        loop first, so their callbacks run on it.
        """
        import anyio.to_thread

        from tasker_contrib_core.integration._loop_sinks import bind_loop_sinks, running_loop_for

        loop = running_loop_for(self.sinks)
        if loop is not None:
            self._loop_sinks = bind_loop_sinks(self.sinks, loop)
        try:
            seconds: float = await anyio.to_thread.run_sync(lambda: self.start(timeout))
        except BaseException:
            sinks, self._loop_sinks = self._loop_sinks, []
            for sink in sinks:  # unbind: nothing will be delivered to them
                await sink.drain(0)
            raise
        return seconds

    # -- stop -----------------------------------------------------------------------

    def stop(self, timeout: float | None = None) -> bool:
        """Stop within ``timeout`` (default ``shutdown_timeout_seconds``); True when clean.

        Never raises and never blocks much longer than the bound: a failing
        or overrunning stop is logged as a warning and the caller's shutdown
        goes on. Then queued events are delivered (within what is left of the
        bound, at most 5 s) and the blocking client the host opened is closed.
        Idempotent; in a forked child or a process that never started it does
        nothing and returns True.
        """
        if self.forked:
            logger.warning(
                "stop() called in process %d, a fork of the process that started the Tasker "
                "runtime; nothing to stop here",
                os.getpid(),
            )
            return True
        bound = self.settings.shutdown_timeout_seconds if timeout is None else timeout
        with self._lock:
            if not self._owner.is_current():
                return True
            self._owner.release()
            return self._stop_locked(bound)

    def _stop_locked(self, bound: float) -> bool:
        runtime = self.runtime
        record_lifecycle(
            "runtime.stopping", kind=runtime.kind, framework=self.framework, timeout=bound
        )
        started = time.monotonic()
        outcome = call_bounded(
            lambda: runtime.stop(bound), bound + self.grace_seconds, name="tasker-contrib-stop"
        )
        clean = False
        if outcome.error is not None:
            error = outcome.error
            logger.warning(
                "stopping the Tasker runtime failed: %s: %s", type(error).__name__, error
            )
        elif outcome.timed_out:
            logger.warning(
                "the Tasker runtime did not return from stop() within %.1fs; shutdown goes on "
                "and what is left runs on daemon threads until the process exits",
                bound + self.grace_seconds,
            )
        else:
            clean = bool(outcome.value)
        left = max(0.5, bound - (time.monotonic() - started))
        dispatcher, self._dispatcher = self._dispatcher, None
        events_flushed = False
        try:
            events_flushed = dispatcher.stop(timeout=min(left, 5.0)) if dispatcher else True
        except Exception:
            logger.warning("delivering the queued Tasker events failed", exc_info=True)
        finally:
            self._close_sync_client()  # even when the flush failed
        record_lifecycle(
            "runtime.stopped",
            level=logging.INFO if clean else logging.WARNING,
            kind=runtime.kind,
            framework=self.framework,
            clean=clean,
            events_flushed=events_flushed,
            seconds=round(time.monotonic() - started, 3),
        )
        return clean

    async def astop(self, timeout: float | None = None) -> bool:
        """:meth:`stop` from async code, then drain loop-bound sinks and close the async client."""
        import anyio.to_thread

        bound = self.settings.shutdown_timeout_seconds if timeout is None else timeout
        started = time.monotonic()
        try:
            clean: bool = await anyio.to_thread.run_sync(lambda: self.stop(timeout))
            left = max(0.5, bound - (time.monotonic() - started))
            sinks, self._loop_sinks = self._loop_sinks, []
            for sink in sinks:
                try:
                    await sink.drain(min(left, 5.0))
                except Exception:
                    logger.warning("draining the event sink %r failed", sink, exc_info=True)
        finally:
            await self._close_async_client()  # even when a drain failed
        return clean

    # -- context managers -------------------------------------------------------------

    def __enter__(self) -> TaskerHost:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> TaskerHost:
        await self.astart()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.astop()

    # -- building blocks --------------------------------------------------------------

    def _build_runtime(self) -> Runtime:
        from tasker_contrib_core.runtime import Runtime, runtime_from_settings

        given = self._runtime_choice
        if given is None:
            return runtime_from_settings(self.settings)
        if isinstance(given, Runtime):
            self._owns_runtime = False
            return given
        return given(self.settings)

    def _build_dispatcher(self) -> EventDispatcher:
        from tasker_contrib_core.events import EventDispatcher, StructlogSink

        chosen: list[Sink] = [StructlogSink(include_payload=False)] if self.log_events else []
        chosen.extend(self.sinks)
        console = self.settings.console
        if console.enabled:
            from tasker_contrib_core.console import ConsoleEvents

            if self._console_events is None:
                self._console_events = ConsoleEvents(console.event_buffer_size)
            chosen.append(self._console_events)
        return EventDispatcher.from_settings(self.settings, chosen)

    def _close_sync_client(self) -> None:
        client, self._client = self._client, None
        if client is None or not self._owns_runtime:
            return
        closer: Any = getattr(client, "close", None)
        if callable(closer):
            try:
                closer()
            except Exception:
                logger.warning("closing the Tasker client failed", exc_info=True)

    async def _close_async_client(self) -> None:
        client, self._async_client = self._async_client, None
        if client is None or not self._owns_runtime:
            return
        closer: Any = getattr(client, "aclose", None)
        if callable(closer):
            try:
                await closer()
            except Exception:
                logger.warning("closing the Tasker client failed", exc_info=True)


def _new_lock(target: object) -> None:
    if isinstance(target, TaskerHost):
        target._lock = threading.RLock()


__all__ = ["HostMode", "TaskerHost"]
