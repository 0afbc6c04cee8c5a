"""Call a blocking function and give up waiting after a timeout, whatever it does.

Framework hooks must never hang on a runtime: a web server's shutdown hook
that blocks forever keeps the process alive past its supervisor's patience,
and a start that never returns freezes start-up. The runtimes bound their own
``start``/``stop``, but a framework package cannot rely on every runtime (a
user's own, a test double) doing so, and a thread blocked in a bound-less
call must not keep the interpreter alive either.

So the call runs on a fresh **daemon** thread and the caller joins it with a
timeout. If the bound runs out the caller gets a timed-out outcome at once;
the call goes on in the background and dies with the process. When it does
finish after all, ``on_late(value)`` runs on that thread: the place to undo
what nobody is waiting for any more (stop an engine that started too late).
The call sees a copy of the caller's ``contextvars`` (request ids, structlog
context), like ``asyncio.to_thread`` gives it.

(An engine call that holds the GIL cannot be interrupted this way: the caller
regains control only when the engine releases it. That is why the worker
runtime checks the database before bootstrapping.)

This is the only "daemon thread + join with a bound" in the code base; the
runtimes, the preflight probes, the local engine's handler timeouts, the test
watchdog and every framework package use it (publicly through
:mod:`tasker_contrib_core.integration`).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

logger = logging.getLogger("tasker_contrib.bounded_call")


@dataclass(frozen=True)
class BoundedOutcome(Generic[T]):
    """What a bounded call did: finished with a value, raised, or ran out of time."""

    finished: bool
    value: T | None
    error: BaseException | None
    seconds: float

    @property
    def timed_out(self) -> bool:
        return not self.finished

    def result(self) -> T:
        """The value; re-raises the call's exception, or ``TimeoutError`` if it timed out."""
        if self.error is not None:
            raise self.error
        if not self.finished:
            raise TimeoutError(f"the call did not finish within its bound ({self.seconds:.2f}s)")
        return self.value  # type: ignore[return-value]


class _Handoff(Generic[T]):
    """Who gets the result: the waiting caller, or ``on_late`` once the caller gave up."""

    __slots__ = ("_lock", "abandoned", "done", "error", "value")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.done = False
        self.abandoned = False
        self.value: T | None = None
        self.error: BaseException | None = None

    def deliver(self, value: T | None, error: BaseException | None) -> bool:
        """Store the result; False when the caller already gave up (it is late)."""
        with self._lock:
            self.value, self.error, self.done = value, error, True
            return not self.abandoned

    def give_up(self) -> bool:
        """Mark the call abandoned; False when it finished in the meantime (use it)."""
        with self._lock:
            if self.done:
                return False
            self.abandoned = True
            return True


def call_bounded(
    function: Callable[[], T],
    timeout: float,
    *,
    name: str = "tasker-contrib-bounded",
    on_late: Callable[[T], object] | None = None,
) -> BoundedOutcome[T]:
    """Run ``function()`` on a daemon thread and wait at most ``timeout`` seconds.

    ``on_late(value)`` runs (on the daemon thread) when the call returns a
    value after the caller stopped waiting; its own failure is logged. A call
    that finishes exactly as the bound runs out is either handed to the caller
    or to ``on_late``, never both, never neither.
    """
    handoff: _Handoff[T] = _Handoff()
    context = contextvars.copy_context()

    def run() -> None:
        try:
            value = context.run(function)
        except BaseException as exc:  # handed to the caller (or dropped when late)
            if not handoff.deliver(None, exc):
                logger.debug("%s raised after its caller gave up: %r", name, exc)
            return
        if not handoff.deliver(value, None) and on_late is not None:
            try:
                context.run(on_late, value)
            except Exception:
                logger.warning("undoing the late result of %s failed", name, exc_info=True)

    started = time.monotonic()
    thread = threading.Thread(target=run, name=name, daemon=True)
    try:
        thread.start()
    except RuntimeError:
        # At interpreter shutdown some Pythons refuse new threads (gh-113964, 3.12.0
        # and 3.12.1): an atexit stop would then never run. Run the call here; it is
        # as bounded as the function itself (every runtime bounds its own stop).
        logger.debug("%s runs inline: no new thread can start now", name)
        run()
        return _outcome(handoff, time.monotonic() - started)
    thread.join(max(0.0, timeout))
    seconds = time.monotonic() - started
    if thread.is_alive() and handoff.give_up():
        return BoundedOutcome(False, None, None, seconds)
    return _outcome(handoff, seconds)


def _outcome(handoff: _Handoff[T], seconds: float) -> BoundedOutcome[T]:
    """The outcome of a call that finished (with a value or an error)."""
    if handoff.error is not None:
        return BoundedOutcome(True, None, handoff.error, seconds)
    return BoundedOutcome(True, handoff.value, None, seconds)


async def call_bounded_async(
    function: Callable[[], T],
    timeout: float,
    *,
    name: str = "tasker-contrib-bounded",
    on_late: Callable[[T], object] | None = None,
) -> BoundedOutcome[T]:
    """:func:`call_bounded` from async code: the event loop keeps running meanwhile.

    The wait happens on a worker thread of the running async library (anyio:
    asyncio and trio alike), so no coroutine on the loop is delayed by it.
    """
    import anyio.to_thread

    def wait() -> BoundedOutcome[T]:
        return call_bounded(function, timeout, name=name, on_late=on_late)

    outcome: BoundedOutcome[T] = await anyio.to_thread.run_sync(wait)
    return outcome


def run_bounded(function: Callable[[], Any], timeout: float, *, name: str) -> Any:
    """``call_bounded(...).result()``: the value, the call's exception, or ``TimeoutError``."""
    return call_bounded(function, timeout, name=name).result()


__all__ = ["BoundedOutcome", "call_bounded", "call_bounded_async", "run_bounded"]
