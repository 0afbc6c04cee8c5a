"""Time for the local engine: a real clock for runs, a fake one for tests.

Retries wait out their backoff on the engine's clock, never inside a handler
thread, so swapping the clock changes *when* a retry happens without changing
*what* happens. With :class:`FakeClock` a run that backs off for minutes
finishes in microseconds and its virtual timeline is exact and repeatable,
which is what makes retry behaviour assertable in a unit test.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

#: Where a :class:`FakeClock` starts unless told otherwise: fixed, so runs repeat.
FAKE_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)


@runtime_checkable
class Clock(Protocol):
    """What the engine needs from time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (origin unspecified)."""
        ...

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware (UTC)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (a fake clock advances instead of waiting)."""
        ...


class RealClock:
    """The machine's clocks; ``sleep`` really sleeps."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def __repr__(self) -> str:
        return "RealClock()"


class FakeClock:
    """Virtual time that only moves when someone sleeps or calls :meth:`advance`.

    ``sleep`` never blocks: it adds to the virtual time and records the call in
    :attr:`sleeps`, so a test can assert the exact backoff delays a run used.
    Handler execution takes no virtual time, so the virtual duration of a run is
    exactly the sum of its waits.
    """

    def __init__(self, start: datetime = FAKE_EPOCH) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock start must be timezone-aware (e.g. tzinfo=timezone.utc)")
        self._start = start
        self._elapsed = 0.0
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    @property
    def elapsed(self) -> float:
        """Virtual seconds since the clock was created."""
        return self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"cannot sleep a negative time ({seconds}s)")
        with self._lock:
            self.sleeps.append(seconds)
            self._move(seconds)

    def advance(self, seconds: float) -> None:
        """Move virtual time forward without recording a sleep."""
        if seconds < 0:
            raise ValueError(f"cannot move a clock backwards ({seconds}s)")
        with self._lock:
            self._move(seconds)

    def _move(self, seconds: float) -> None:
        self._elapsed += seconds
        self._now = self._start + timedelta(seconds=self._elapsed)

    def __repr__(self) -> str:
        return f"FakeClock(elapsed={self._elapsed!r})"


__all__ = ["FAKE_EPOCH", "Clock", "FakeClock", "RealClock"]
