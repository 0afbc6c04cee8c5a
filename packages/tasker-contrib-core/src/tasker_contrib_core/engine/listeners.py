"""Delivery of engine events to listeners that may misbehave.

Listeners are plain callables taking one :class:`~tasker_contrib_core.events.event.TaskerEvent`.
A listener that raises is reported once and otherwise ignored: observing a run
must never change it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from tasker_contrib_core.events.event import TaskerEvent

logger = logging.getLogger(__name__)

Listener = Callable[[TaskerEvent], object]


class ListenerSet:
    """Deliver events to listeners, isolating each one from the others' failures."""

    __slots__ = ("_failed", "_listeners", "problems")

    def __init__(self, listeners: Iterable[Listener] = ()) -> None:
        self._listeners: tuple[Listener, ...] = tuple(listeners)
        self._failed: set[int] = set()
        self.problems: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._listeners)

    def emit(self, event: TaskerEvent) -> None:
        """Call every listener with ``event``; a raising listener is reported, not fatal."""
        for listener in self._listeners:
            try:
                listener(event)
            except Exception as exc:
                key = id(listener)
                if key not in self._failed:
                    self._failed.add(key)
                    message = (
                        f"event listener {_describe(listener)} raised {type(exc).__name__}: "
                        f"{exc} (on {event.name}); further errors from it are not reported"
                    )
                    self.problems.append(message)
                    logger.warning(message, exc_info=True)


def _describe(listener: Listener) -> str:
    return getattr(listener, "__qualname__", None) or repr(listener)


__all__ = ["Listener", "ListenerSet"]
