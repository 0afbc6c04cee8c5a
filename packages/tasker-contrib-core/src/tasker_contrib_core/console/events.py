"""``ConsoleEvents``: the recent engine events the console shows, in a bounded buffer.

The host attaches it to its event dispatcher when the console is enabled. It
runs on the engine's thread, so ``publish`` only appends to a ring buffer
under a lock: constant time, bounded memory, nothing that can block.
Masking happens when the console reads the buffer, with the settings of that
moment.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasker_contrib_core.events import TaskerEvent


class ConsoleEvents:
    """A thread-safe ring buffer of the last ``size`` events (a ``Sink``)."""

    name = "tasker-console"

    def __init__(self, size: int = 500) -> None:
        if size < 1:
            raise ValueError(f"the console's event buffer needs room for one event, got {size}")
        self.size = size
        self._events: deque[TaskerEvent] = deque(maxlen=size)
        self._lock = threading.Lock()
        self.received = 0

    def __repr__(self) -> str:
        return f"<ConsoleEvents {len(self)}/{self.size} received={self.received}>"

    def __len__(self) -> int:
        return len(self._events)

    def publish(self, event: TaskerEvent) -> None:
        """Keep ``event``; the oldest one goes when the buffer is full."""
        with self._lock:
            self._events.append(event)
            self.received += 1

    def recent(self, *, task_uuid: str | None = None, limit: int = 100) -> list[TaskerEvent]:
        """Up to ``limit`` events, newest first, optionally of one task only."""
        with self._lock:
            events = list(self._events)
        chosen: list[TaskerEvent] = []
        for event in reversed(events):
            if task_uuid is None or event.task_uuid == task_uuid:
                chosen.append(event)
                if len(chosen) >= limit:
                    break
        return chosen

    def clear(self) -> None:
        with self._lock:
            self._events.clear()


__all__ = ["ConsoleEvents"]
