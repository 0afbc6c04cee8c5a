"""Fan events out to subscribers without letting any of them hurt the source.

Events are emitted on the engine's own threads (the local runtime's pool
threads, the real worker's poller thread, which also runs step handlers). A
subscriber that raises must not kill that thread, and subscribing or
unsubscribing from another thread must not make emission take a lock that a
slow subscriber holds. So the listener list is an immutable tuple replaced
under a lock (copy on write) and read without one.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from tasker_contrib_core.runtime.base import EventListener, Unsubscribe

if TYPE_CHECKING:
    from tasker_contrib_core.events.event import TaskerEvent

logger = logging.getLogger("tasker_contrib_core.runtime")


class EventFanout:
    """Subscribers of one runtime, plus counters a health check can read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: tuple[EventListener, ...] = ()
        self._reported: set[int] = set()
        self.delivered = 0
        self.failures = 0
        self.last_event_monotonic: float | None = None

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        """Add ``listener``; the returned callable removes it (idempotently)."""
        if not callable(listener):
            raise TypeError(f"an event listener must be callable, got {listener!r}")
        with self._lock:
            self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            with self._lock:
                remaining = list(self._listeners)
                for index, candidate in enumerate(remaining):
                    if candidate is listener:
                        del remaining[index]
                        break
                self._listeners = tuple(remaining)

        return unsubscribe

    def __len__(self) -> int:
        return len(self._listeners)

    def emit(self, event: TaskerEvent) -> None:
        """Deliver ``event`` to every listener; failures are logged once per listener."""
        self.last_event_monotonic = time.monotonic()
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                self.failures += 1
                key = id(listener)
                if key not in self._reported:
                    self._reported.add(key)
                    logger.warning(
                        "event listener %s raised on %s (task %s); the engine carries on and "
                        "further errors from this listener are counted, not logged",
                        getattr(listener, "__qualname__", repr(listener)),
                        event.name,
                        event.task_uuid,
                        exc_info=True,
                    )
            else:
                self.delivered += 1

    def reset_after_fork(self) -> None:
        """Give a forked child a fresh lock (the parent's may have been held)."""
        self._lock = threading.Lock()

    def age_of_last_event(self) -> float | None:
        """Seconds since the last event was emitted, or None when none was."""
        last = self.last_event_monotonic
        return None if last is None else max(0.0, time.monotonic() - last)


__all__ = ["EventFanout"]
