"""Call a blocking function and give up waiting after a timeout, whatever it does.

Framework hooks must never hang on a runtime: a web server's shutdown hook
that blocks forever keeps the process alive past its supervisor's patience,
and a start that never returns freezes start-up. The runtimes bound their own
``start``/``stop``, but a framework package cannot rely on every runtime (a
user's own, a test double) doing so, and a thread blocked in a bound-less
call must not keep the interpreter alive either.

So the call runs on a fresh **daemon** thread and the caller joins it with a
timeout. If the bound runs out the caller gets a timed-out outcome at once;
the call goes on in the background and dies with the process. (An engine
call that holds the GIL cannot be interrupted this way: the caller regains
control only when the engine releases it. That is why the worker runtime
checks the database before bootstrapping.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


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


def call_bounded(
    function: Callable[[], T], timeout: float, *, name: str = "tasker-contrib-bounded"
) -> BoundedOutcome[T]:
    """Run ``function()`` on a daemon thread and wait at most ``timeout`` seconds."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = function()
        except BaseException as exc:  # handed to the caller
            box["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    thread.join(max(0.0, timeout))
    seconds = time.monotonic() - started
    if thread.is_alive():
        return BoundedOutcome(False, None, None, seconds)
    error = box.get("error")
    if isinstance(error, BaseException):
        return BoundedOutcome(True, None, error, seconds)
    return BoundedOutcome(True, box.get("value"), None, seconds)  # type: ignore[arg-type]


__all__ = ["BoundedOutcome", "call_bounded"]
