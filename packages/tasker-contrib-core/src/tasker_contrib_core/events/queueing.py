"""A bounded hand-off from the engine's thread to one daemon dispatcher thread.

Sinks can be slow (a network log shipper, a Celery broker round-trip); in
synchronous mode that time is spent on the engine's poller thread, which then
stops claiming steps. With a queue the poller only appends the event and moves
on; one daemon thread delivers in order. The queue is bounded so a sink that
falls behind costs memory only up to ``maxsize`` events, and what happens when
it is full is an explicit choice:

``drop_newest``
    the new event is dropped (the engine never waits; the default);
``drop_oldest``
    the oldest queued event is dropped to make room (freshest events win);
``block``
    the publisher waits up to ``block_timeout`` seconds for room, then drops the
    event. This can slow the engine down by up to that much per event: choose it
    only when losing events is worse.

Every drop is counted. The dispatcher thread drains the queue in batches (one
lock round-trip per batch, not per event), starts on the first event rather
than at construction (a queue built before a fork would otherwise have its
thread in the parent only), and is a daemon thread so a missed ``stop()`` can
never keep the interpreter alive. After a fork the child starts with an empty
queue and its own thread; the parent's pending events stay the parent's.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Literal

from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.events.filters import NameMatcher

logger = logging.getLogger("tasker_contrib.events.dispatcher")

OverflowPolicy = Literal["drop_newest", "drop_oldest", "block"]
OVERFLOW_POLICIES: tuple[OverflowPolicy, ...] = ("drop_newest", "drop_oldest", "block")

#: Seconds between two "events dropped" warnings.
DROP_WARNING_INTERVAL = 10.0

_LIVE_QUEUES: weakref.WeakSet[EventQueue] = weakref.WeakSet()


class EventQueue:
    """Bounded queue + one lazily started daemon thread calling ``deliver``."""

    def __init__(
        self,
        deliver: Callable[[TaskerEvent], None],
        *,
        maxsize: int,
        overflow: OverflowPolicy = "drop_newest",
        block_timeout: float = 1.0,
        thread_name: str = "tasker-contrib-events",
    ) -> None:
        if maxsize < 1:
            raise ValueError(f"queue size must be at least 1, got {maxsize}")
        if overflow not in OVERFLOW_POLICIES:
            raise ValueError(
                f"unknown overflow policy {overflow!r}; use one of {', '.join(OVERFLOW_POLICIES)}"
            )
        if block_timeout < 0:
            raise ValueError("block_timeout cannot be negative")
        self._deliver = deliver
        self.maxsize = maxsize
        self.overflow: OverflowPolicy = overflow
        self.block_timeout = block_timeout
        self.thread_name = thread_name
        self.gate: NameMatcher | None = None
        self._init_sync_state()
        self._items: deque[TaskerEvent] = deque()
        self._in_flight = 0
        self._thread: threading.Thread | None = None
        self._idle = False
        self._closing = False
        self._closed = False
        self.enqueued = 0
        self.dropped = 0
        self.filtered = 0
        self.refused = 0
        self._last_drop_warning = 0.0
        _LIVE_QUEUES.add(self)

    def _init_sync_state(self) -> None:
        self._lock = threading.Lock()
        self._has_items = threading.Condition(self._lock)
        self._has_room = threading.Condition(self._lock)
        self._drained = threading.Condition(self._lock)

    # -- publishing (any thread) ------------------------------------------------------

    def put(self, event: TaskerEvent) -> None:
        """Queue one event, applying the overflow policy; never raises."""
        gate = self.gate
        if gate is not None and not gate(event.name):
            self.filtered += 1
            return
        with self._lock:
            if self._closed:
                self.refused += 1
                return
            items = self._items
            if len(items) >= self.maxsize and not self._make_room():
                return
            self._items.append(event)
            self.enqueued += 1
            if self._thread is None:
                self._start_thread()
            elif self._idle:
                self._idle = False
                self._has_items.notify()

    def _make_room(self) -> bool:
        """Called with the lock held and the queue full: True if the event may go in."""
        if self.overflow == "drop_oldest":
            self._items.popleft()
            self.enqueued -= 1  # it is counted as dropped instead
            self._note_drop()
            return True
        if self.overflow == "block" and threading.current_thread() is not self._thread:
            # (A sink publishing from the dispatcher thread would wait for itself.)
            if self._idle:
                self._idle = False
                self._has_items.notify()
            if self._has_room.wait_for(
                lambda: len(self._items) < self.maxsize or self._closed, self.block_timeout
            ):
                if not self._closed:
                    return True
                self.refused += 1
                return False
        self._note_drop()
        return False

    def _note_drop(self) -> None:
        self.dropped += 1
        now = time.monotonic()
        if now - self._last_drop_warning >= DROP_WARNING_INTERVAL:
            self._last_drop_warning = now
            logger.warning(
                "event queue full (%d events, policy %s): %d event(s) dropped so far; "
                "a sink is slower than the engine produces events (raise queue_size or "
                "speed the sink up)",
                self.maxsize,
                self.overflow,
                self.dropped,
            )

    # -- the dispatcher thread --------------------------------------------------------

    def _start_thread(self) -> None:
        thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread = thread
        thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._items and not self._closing:
                    self._idle = True
                    self._has_items.wait()
                self._idle = False
                if not self._items:
                    # Closing and drained: forget this thread so a reopened
                    # queue starts a fresh one on its next event.
                    if self._thread is threading.current_thread():
                        self._thread = None
                    self._drained.notify_all()
                    return
                batch = self._items
                self._items = deque()
                self._in_flight = len(batch)
                self._has_room.notify_all()
            for event in batch:
                try:
                    self._deliver(event)
                except Exception:  # pragma: no cover - deliver contains sink errors itself
                    logger.exception("event delivery failed unexpectedly")
            with self._lock:
                self._in_flight = 0
                if not self._items:
                    self._drained.notify_all()

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Events queued or being delivered right now."""
        return len(self._items) + self._in_flight

    @property
    def closed(self) -> bool:
        return self._closed

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event was delivered; False if ``timeout`` ran out."""
        with self._lock:
            if self._thread is None:
                return not self._items
            if self._idle and self._items:
                self._idle = False
                self._has_items.notify()
            return self._drained.wait_for(lambda: not self._items and self._in_flight == 0, timeout)

    def close(self, timeout: float | None = None) -> bool:
        """Refuse new events, deliver the queued ones within ``timeout``, end the thread.

        Returns True when everything queued was delivered in time. Otherwise
        the daemon thread keeps delivering in the background and the events
        still queued are reported in the warning.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            self._closed = True
            self._closing = True
            self._has_items.notify_all()
            self._has_room.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            thread.join(remaining)
        left = self.pending
        if left:
            logger.warning(
                "event dispatcher did not deliver %d queued event(s) within %.2fs; they "
                "are still being delivered in the background",
                left,
                timeout or 0.0,
            )
            return False
        return True

    def reopen(self) -> None:
        """Accept events again after :meth:`close` (a restarted runtime)."""
        with self._lock:
            self._closed = False
            self._closing = False

    @property
    def thread_alive(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _after_fork_in_child(self) -> None:
        # Locks may have been held by threads that do not exist in the child,
        # and the parent's thread is gone: start over with fresh state.
        self._init_sync_state()
        self._items = deque()
        self._in_flight = 0
        self._thread = None
        self._idle = False


def _reset_queues_in_child() -> None:
    for queue in list(_LIVE_QUEUES):
        queue._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_queues_in_child)


__all__ = ["OVERFLOW_POLICIES", "EventQueue", "OverflowPolicy"]
