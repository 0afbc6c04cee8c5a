"""The lifespan that runs Tasker inside a FastAPI app, and ``install`` for existing apps.

Why a lifespan and nothing else: uvicorn (``--workers``, ``--reload``) and
gunicorn's ``UvicornWorker`` run an app's lifespan once in every serving
process and never in a supervisor, a reloader parent or a gunicorn master.
That is exactly where an engine may start (it cannot survive a fork). Module
import, by contrast, also happens in those parents, so nothing here reads
settings or starts anything before the lifespan runs.

What one run of the lifespan does, in this order:

1. resolve the settings and build the runtime they ask for (local or worker);
2. build the event dispatcher (structlog sink + yours) and subscribe it;
3. start the runtime on a worker thread, bounded by ``start_timeout_seconds``
   (a failure aborts start-up with the runtime's own explanation);
4. yield ``{"tasker": TaskerState}`` (and set ``app.state.tasker``);
5. on shutdown: stop the runtime within ``shutdown_timeout_seconds``, deliver
   queued events, let async callbacks finish, close the client we opened.

It never installs signal handlers (the server owns them) and never uses
``@app.on_event``, which FastAPI ignores once ``lifespan=`` is set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from tasker_contrib_fastapi.compose import (
    Lifespan,
    StatefulLifespan,
    as_lifespan,
    compose_lifespans,
)
from tasker_contrib_fastapi.control import start_runtime, stop_runtime
from tasker_contrib_fastapi.settings import SettingsInput, resolve_settings
from tasker_contrib_fastapi.state import STATE_KEY, TaskerState

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.events import Sink
    from tasker_contrib_core.runtime import Runtime

logger = logging.getLogger("tasker_contrib.fastapi")

#: Attribute marking a lifespan built here, so ``install`` can refuse a second one.
MARK = "__tasker_lifespan__"


def tasker_lifespan(
    settings: SettingsInput = None,
    *,
    lifespan: Lifespan | Callable[..., Any] | None = None,
    runtime: Runtime | Callable[[TaskerSettings], Runtime] | None = None,
    sinks: Iterable[Sink] = (),
    log_events: bool = True,
    health_timeout: float = 2.0,
) -> StatefulLifespan:
    """A lifespan for ``FastAPI(lifespan=...)`` that runs Tasker in each serving process.

    ``settings``: a ``TaskerSettings``, a mapping, a function returning either,
    or ``None`` (environment variables and ``config/tasker/`` only). Read when
    the lifespan runs, not when this is called.

    ``lifespan``: your own lifespan. It is entered first and exited last, so
    what your step handlers need (pools, clients) exists before the first
    step runs and outlives the last; the state both yield is merged. For the
    other order, use :func:`~tasker_contrib_fastapi.compose_lifespans`.

    ``runtime``: a runtime (or ``factory(settings)``) to use instead of the
    one the settings ask for. A runtime instance is started and stopped here
    like any other, but the client it hands out stays open: you own it.

    ``sinks``: extra event sinks (e.g. :class:`AsyncCallbackSink`);
    ``log_events=False`` drops the default structlog sink.
    ``health_timeout``: bound of each network check of the readiness probe.
    """
    chosen_sinks = tuple(sinks)

    @asynccontextmanager
    async def run_tasker(app: Any) -> AsyncIterator[dict[str, Any]]:
        async with _tasker_session(
            app,
            settings=settings,
            runtime=runtime,
            sinks=chosen_sinks,
            log_events=log_events,
            health_timeout=health_timeout,
        ) as state:
            yield {STATE_KEY: state}

    composed: StatefulLifespan = (
        run_tasker if lifespan is None else compose_lifespans(as_lifespan(lifespan), run_tasker)
    )
    setattr(composed, MARK, True)
    return composed


def install(app: Any, settings: SettingsInput = None, **options: Any) -> None:
    """Add Tasker to an app built without ``lifespan=tasker_lifespan()``.

    Wraps ``app.router.lifespan_context``, so the app's own lifespan (or its
    legacy startup/shutdown handlers) keeps running around Tasker's. Takes the
    same keyword options as :func:`tasker_lifespan`. Call it before serving.
    """
    router: Any = getattr(app, "router", None)
    current = getattr(router, "lifespan_context", None)
    if router is None or current is None:
        raise TypeError(f"install() needs a FastAPI or Starlette app, got {type(app).__name__}")
    if getattr(current, MARK, False):
        raise RuntimeError(
            "Tasker is already installed on this app (lifespan=tasker_lifespan() or an "
            "earlier install()); one runtime per app and process"
        )
    router.lifespan_context = tasker_lifespan(settings, lifespan=current, **options)


@asynccontextmanager
async def _tasker_session(
    app: Any,
    *,
    settings: SettingsInput,
    runtime: Runtime | Callable[[TaskerSettings], Runtime] | None,
    sinks: tuple[Sink, ...],
    log_events: bool,
    health_timeout: float,
) -> AsyncIterator[TaskerState]:
    from tasker_contrib_core.integration import RuntimeHealth
    from tasker_contrib_core.runtime.lifecycle_log import record_lifecycle

    from tasker_contrib_fastapi.events import bind_sinks, build_dispatcher

    resolved = resolve_settings(settings)
    active, owns_runtime = _runtime_for(runtime, resolved)
    dispatcher = build_dispatcher(resolved, sinks, log_events=log_events)
    loop_sinks = bind_sinks(dispatcher.sinks)
    dispatcher.attach(active)

    record_lifecycle("runtime.starting", kind=active.kind, framework="fastapi")
    try:
        seconds = await start_runtime(
            active,
            timeout=resolved.start_timeout_seconds,
            undo_timeout=resolved.shutdown_timeout_seconds,
        )
    except BaseException as exc:
        dispatcher.stop(timeout=0)
        record_lifecycle(
            "runtime.start_failed",
            level=logging.ERROR,
            kind=active.kind,
            error=f"{type(exc).__name__}: {exc}",
        )
        logger.error("Tasker %s runtime failed to start: %s", active.kind, exc)
        raise
    status = await anyio.to_thread.run_sync(active.status)  # the engine's status is an FFI call
    record_lifecycle(
        "runtime.started",
        kind=active.kind,
        running=status.running,
        worker_id=status.worker_id,
        seconds=round(seconds, 3),
    )
    state = TaskerState(
        runtime=active,
        settings=resolved,
        dispatcher=dispatcher,
        health=RuntimeHealth(active, resolved, timeout=health_timeout),
        owns_runtime=owns_runtime,
    )
    app_state = getattr(app, "state", None)
    if app_state is not None:
        setattr(app_state, STATE_KEY, state)
    try:
        yield state
    finally:
        if app_state is not None and getattr(app_state, STATE_KEY, None) is state:
            delattr(app_state, STATE_KEY)
        await _shut_down(state, loop_sinks)


async def _shut_down(state: TaskerState, loop_sinks: list[Any]) -> None:
    """Stop the runtime, then flush events, then close what we opened; all bounded."""
    from tasker_contrib_core.runtime.lifecycle_log import record_lifecycle

    bound = state.settings.shutdown_timeout_seconds
    runtime = state.runtime
    record_lifecycle("runtime.stopping", kind=runtime.kind, timeout=bound)
    started = time.monotonic()
    clean = await stop_runtime(runtime, timeout=bound)
    left = max(0.5, bound - (time.monotonic() - started))
    flush_bound = min(left, 5.0)
    events_flushed = await anyio.to_thread.run_sync(
        lambda: state.dispatcher.stop(timeout=flush_bound)
    )
    for sink in loop_sinks:
        await sink.drain(min(left, 5.0))
    client = state.client_in_use
    if client is not None and state.owns_runtime:
        closer = getattr(client, "aclose", None)
        if closer is not None:
            try:
                await closer()
            except Exception:
                logger.warning("closing the Tasker client failed", exc_info=True)
    record_lifecycle(
        "runtime.stopped",
        level=logging.INFO if clean else logging.WARNING,
        kind=runtime.kind,
        clean=clean,
        events_flushed=events_flushed,
        seconds=round(time.monotonic() - started, 3),
    )


def _runtime_for(
    given: Runtime | Callable[[TaskerSettings], Runtime] | None, settings: TaskerSettings
) -> tuple[Runtime, bool]:
    """The runtime to run, and whether we made it (and so close what it opened)."""
    from tasker_contrib_core.runtime.base import Runtime
    from tasker_contrib_core.runtime.factory import runtime_from_settings

    if given is None:
        return runtime_from_settings(settings), True
    if isinstance(given, Runtime):
        return given, False
    return given(settings), True


__all__ = ["MARK", "install", "tasker_lifespan"]
