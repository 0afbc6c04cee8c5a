"""Deliver events on an app's asyncio event loop: the sink async frameworks need.

Events arrive on the engine's threads (the real worker's poller thread, the
local runtime's pool threads). An async app (FastAPI, Starlette, Litestar,
Django under ASGI, aiohttp) wants its callback to run **on its event loop**,
where its async clients, websockets and queues live. :class:`AsyncCallbackSink`
does that: the engine's thread only schedules the callback
(``loop.call_soon_threadsafe``) and goes back to work, so a slow or failing
callback never delays or breaks a step.

A :class:`LoopBoundSink` is bound to the running loop by
:meth:`TaskerHost.astart <tasker_contrib_core.integration.TaskerHost.astart>`
and drained by :meth:`~tasker_contrib_core.integration.TaskerHost.astop`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent

logger = logging.getLogger("tasker_contrib.events.async")

#: What an :class:`AsyncCallbackSink` calls: ``async def cb(event)`` or ``def cb(event)``.
EventCallback = Callable[["TaskerEvent"], Awaitable[object] | object]

#: Seconds between two "events dropped" warnings of one sink.
_DROP_WARNING_INTERVAL = 10.0


@runtime_checkable
class LoopBoundSink(Protocol):
    """A sink that must be attached to the app's event loop to deliver anything."""

    def bind(self, loop: asyncio.AbstractEventLoop) -> None: ...

    async def drain(self, timeout: float) -> bool: ...


class AsyncCallbackSink:
    """Runs ``callback(event)`` on the app's event loop for every matching event.

    Safe to publish to from any thread. At most ``max_pending`` callbacks may
    be scheduled or running at once; events beyond that are dropped and
    counted (a stuck callback must not grow memory without bound). On
    shutdown the lifespan waits for running callbacks up to the shutdown
    timeout, then cancels the rest.
    """

    def __init__(
        self,
        callback: EventCallback,
        *,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        name: str | None = None,
        max_pending: int = 1000,
    ) -> None:
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        self.callback = callback
        self.patterns = _as_tuple(patterns)
        self.exclude = _as_tuple(exclude)
        self.name = name or getattr(callback, "__qualname__", None) or repr(callback)
        self.max_pending = max_pending
        self.delivered = 0
        self.failed = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_drop_warning = 0.0

    def __repr__(self) -> str:
        return f"AsyncCallbackSink({self.name})"

    @property
    def pending(self) -> int:
        """Callbacks scheduled or running right now."""
        return self._pending

    # -- wiring (called by the lifespan, on the loop) -----------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver on ``loop`` from now on."""
        self._loop = loop

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for callbacks in flight, cancel the rest, unbind.

        Call it after the source was detached. True when nothing had to be cancelled.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        await asyncio.sleep(0)  # let callbacks scheduled from other threads start
        while self._tasks:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await asyncio.wait(set(self._tasks), timeout=remaining)
        leftover = set(self._tasks)
        for task in leftover:
            task.cancel()
        if leftover:
            await asyncio.wait(leftover, timeout=1.0)
            logger.warning(
                "%d event callback(s) of %s still running after %.1fs were cancelled",
                len(leftover),
                self.name,
                timeout,
            )
        self._loop = None
        return not leftover

    # -- delivery -----------------------------------------------------------------

    def publish(self, event: TaskerEvent) -> None:
        """Schedule the callback on the loop (any thread). Never blocks, never raises."""
        loop = self._loop
        if loop is None:
            self._drop(event, "the sink is not bound to a running app")
            return
        with self._lock:
            if self._pending >= self.max_pending:
                full = True
            else:
                full = False
                self._pending += 1
        if full:
            self._drop(event, f"{self.max_pending} callbacks are already pending")
            return
        try:
            loop.call_soon_threadsafe(self._spawn, event)
        except RuntimeError:  # the loop is closed: the app is gone
            with self._lock:
                self._pending -= 1
            self._drop(event, "the app's event loop is closed")

    def _spawn(self, event: TaskerEvent) -> None:
        task = asyncio.ensure_future(self._run(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, event: TaskerEvent) -> None:
        from tasker_contrib_core.events.context import event_context

        try:
            with event_context(event):
                result = self.callback(event)
                if inspect.isawaitable(result):
                    await result
            self.delivered += 1
        except Exception:
            self.failed += 1
            if self.failed <= 5 or self.failed % 100 == 0:
                logger.exception(
                    "event callback %s raised on %s (task %s, step %s)",
                    self.name,
                    event.name,
                    event.task_uuid,
                    event.step_name or "-",
                )
        finally:
            with self._lock:
                self._pending -= 1

    def _drop(self, event: TaskerEvent, why: str) -> None:
        with self._lock:
            self.dropped += 1
            now = time.monotonic()
            warn = now - self._last_drop_warning >= _DROP_WARNING_INTERVAL
            if warn:
                self._last_drop_warning = now
        if warn:
            logger.warning(
                "event callback %s dropped %s: %s (%d dropped so far)",
                self.name,
                event.name,
                why,
                self.dropped,
            )


def bind_loop_sinks(
    sinks: Iterable[object], loop: asyncio.AbstractEventLoop
) -> list[LoopBoundSink]:
    """Bind every loop-bound sink of ``sinks`` to ``loop``; returns them for draining."""
    bound: list[LoopBoundSink] = [sink for sink in sinks if isinstance(sink, LoopBoundSink)]
    for sink in bound:
        sink.bind(loop)
    return bound


def running_loop_for(sinks: Iterable[object]) -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop when a sink needs one, else None; a clear error on trio."""
    if not any(isinstance(sink, LoopBoundSink) for sink in sinks):
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "AsyncCallbackSink delivers on an asyncio event loop, and this app is not running "
            "on one (trio?); use CallbackSink from tasker_contrib_core.events, which runs on "
            "the engine's thread"
        ) from None


def _as_tuple(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


__all__ = [
    "AsyncCallbackSink",
    "EventCallback",
    "LoopBoundSink",
    "bind_loop_sinks",
    "running_loop_for",
]
