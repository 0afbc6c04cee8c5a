"""The lifespan that runs Tasker inside a FastAPI app, and ``install`` for existing apps.

Why a lifespan and nothing else: uvicorn (``--workers``, ``--reload``) and
gunicorn's ``UvicornWorker`` run an app's lifespan once in every serving
process and never in a supervisor, a reloader parent or a gunicorn master.
That is exactly where an engine may start (it cannot survive a fork). Module
import, by contrast, also happens in those parents, so nothing here reads
settings or starts anything before the lifespan runs.

What one run of the lifespan does, in this order:

1. resolve the settings (layer "FastAPI app settings"), on a worker thread
   (they read TOML files), and build core's
   :class:`~tasker_contrib_core.integration.TaskerHost` around the runtime
   they ask for (local or worker), with the structlog sink and yours;
2. ``await host.astart()``: the task templates are validated and the runtime
   starts on a worker thread, bounded by ``start_timeout_seconds`` (a failure
   aborts start-up with the runtime's own explanation; a start finishing too
   late is undone); then the task client is built, also off the loop, so a
   configuration error stops start-up instead of failing a request;
3. yield ``{"tasker": TaskerState}`` (and set ``app.state.tasker``);
4. on shutdown ``await host.astop()``: stop the runtime within
   ``shutdown_timeout_seconds``, deliver queued events, let async callbacks
   finish, close the client we opened.

Everything but the FastAPI glue (when to start, where the state goes) is the
kit's, so every framework package starts, stops and records the same way.

It never installs signal handlers (the server owns them) and never uses
``@app.on_event``, which FastAPI ignores once ``lifespan=`` is set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.integration import SettingsInput, TaskerHost, resolve_settings

from tasker_contrib_fastapi.compose import (
    Lifespan,
    StatefulLifespan,
    as_lifespan,
    compose_lifespans,
)
from tasker_contrib_fastapi.state import STATE_KEY, TaskerState

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.events import Sink
    from tasker_contrib_core.runtime import Runtime

#: Attribute marking a lifespan built here, so ``install`` can refuse a second one.
MARK = "__tasker_lifespan__"

#: The layer name settings passed in code get in errors and ``explain()``.
SETTINGS_LAYER = "FastAPI app settings"


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
        import anyio.to_thread

        # Settings read TOML files and the environment: off the event loop, once.
        resolved = await anyio.to_thread.run_sync(
            lambda: resolve_settings(settings, layer=SETTINGS_LAYER)
        )
        host = TaskerHost(
            resolved,
            framework="fastapi",
            runtime=runtime,
            sinks=chosen_sinks,
            log_events=log_events,
            health_timeout=health_timeout,
        )
        await host.astart()
        try:
            # Build the client now, off the loop: it may read the engine config, and
            # a configuration error must stop start-up, not surface on a request.
            await anyio.to_thread.run_sync(lambda: host.async_client)
        except BaseException:
            await host.astop()
            raise
        state = TaskerState(host)
        app_state = getattr(app, "state", None)
        if app_state is not None:
            setattr(app_state, STATE_KEY, state)
        try:
            yield {STATE_KEY: state}
        finally:
            if app_state is not None and getattr(app_state, STATE_KEY, None) is state:
                delattr(app_state, STATE_KEY)
            await host.astop()

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


__all__ = ["MARK", "SETTINGS_LAYER", "install", "tasker_lifespan"]
