"""The event dispatcher: from a runtime's event stream to sinks, safely.

Named ``EventDispatcher`` so it is not confused with ``tasker_core.EventBridge``
(the engine's own in-process emitter, one of the sources this reads from).

What it guarantees, whatever the sinks do:

* **The source is never stopped.** ``publish`` does not raise; a sink's
  exception is caught, counted against that sink and logged with the event's
  task and step, and delivery goes on to the other sinks.
* **Sinks only see what they asked for.** Each sink has fnmatch include and
  exclude patterns; the dispatcher's own patterns (``settings.event_bridge
  .patterns``) drop unwanted events before any work is done for them.
* **A slow sink cannot stall the engine** when ``queue_size > 0``: events go
  through a bounded queue to one daemon dispatcher thread, with an explicit
  overflow policy (see :mod:`tasker_contrib_core.events.queueing`).
* **Nothing queued is lost on a clean stop**: ``stop(timeout)`` detaches from
  the sources, then delivers what is queued within the timeout.
* **Everything is counted**: ``stats()``.

Usage::

    dispatcher = EventDispatcher([StructlogSink()], queue_size=1000)
    dispatcher.add_sink(CallbackSink(notify_ops, patterns="*.failed"))
    dispatcher.attach(runtime)            # anything with subscribe(listener)
    ...
    dispatcher.stop(timeout=5)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from tasker_contrib_core.events.delivery import Delivery, SinkRoute, SinkStats
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.events.filters import EventFilter, as_filter
from tasker_contrib_core.events.queueing import EventQueue, OverflowPolicy
from tasker_contrib_core.events.sinks import Sink

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import EventBridgeOptions, TaskerSettings

logger = logging.getLogger("tasker_contrib.events.dispatcher")

Listener = Callable[[TaskerEvent], object]


@runtime_checkable
class EventSource(Protocol):
    """Anything events can be read from: register a listener, get back its undo."""

    def subscribe(self, listener: Listener) -> Callable[[], object]:
        """Call ``listener(event)`` for every event until the returned callable is called."""
        ...


@dataclass(frozen=True)
class DispatcherStats:
    """A snapshot of the dispatcher's counters.

    ``published`` = ``filtered`` + ``dropped`` + ``refused`` + ``dispatched`` +
    ``pending``, where ``filtered`` events matched none of the dispatcher's
    patterns, ``dropped`` ones overflowed the queue, ``refused`` ones arrived
    after ``stop()``, and ``pending`` ones are still queued. ``delivered`` and
    ``failed`` add up the per-sink counters (an event delivered to two sinks
    counts twice).
    """

    published: int
    dispatched: int
    delivered: int
    failed: int
    filtered: int
    dropped: int
    refused: int
    pending: int
    queued: bool
    queue_size: int
    overflow: str
    running: bool
    thread_alive: bool
    sinks: tuple[SinkStats, ...]

    def sink(self, name: str) -> SinkStats:
        """The counters of the sink called ``name``."""
        for entry in self.sinks:
            if entry.name == name:
                return entry
        raise KeyError(f"no sink named {name!r}; sinks: {[s.name for s in self.sinks]}")


class EventDispatcher:
    """Connects event sources to sinks with filters, isolation and an optional queue.

    ``publish`` is the listener sources call; it is a stable callable (adding
    or removing sinks later does not change it), safe to call from any number
    of threads at once, and never raises.
    """

    #: The listener to give a source: ``source.subscribe(dispatcher.publish)``.
    publish: Callable[[TaskerEvent], None]

    def __init__(
        self,
        sinks: Iterable[Sink] = (),
        *,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        queue_size: int = 0,
        overflow: OverflowPolicy = "drop_newest",
        block_timeout: float = 1.0,
        enabled: bool = True,
        thread_name: str = "tasker-contrib-events",
    ) -> None:
        if queue_size < 0:
            raise ValueError(f"queue_size cannot be negative, got {queue_size}")
        self.enabled = enabled
        self.filter = as_filter(patterns, exclude)
        self._lock = threading.RLock()
        self._routes: tuple[SinkRoute, ...] = ()
        self._detachers: list[Callable[[], object]] = []
        self._running = True
        self._delivery = Delivery()
        self._queue: EventQueue | None = None
        if queue_size:
            self._queue = EventQueue(
                self._delivery.deliver,
                maxsize=queue_size,
                overflow=overflow,
                block_timeout=block_timeout,
                thread_name=thread_name,
            )
            self._queue.gate = self._gate()
        self.overflow: str = overflow if queue_size else "none"
        self.queue_size = queue_size
        if not enabled:
            self.publish = _discard
        elif self._queue is not None:
            self.publish = self._queue.put
        else:
            self.publish = self._delivery.deliver
        self._reconfigure()
        for sink in sinks:
            self.add_sink(sink)

    # -- construction from settings -------------------------------------------------

    @classmethod
    def from_settings(
        cls,
        settings: TaskerSettings | EventBridgeOptions,
        sinks: Iterable[Sink] = (),
        *,
        block_timeout: float = 1.0,
    ) -> EventDispatcher:
        """Build from ``settings.event_bridge`` (enabled, patterns, queue_size, overflow)."""
        options = cast("EventBridgeOptions", getattr(settings, "event_bridge", settings))
        return cls(
            sinks,
            patterns=options.patterns,
            queue_size=options.queue_size,
            overflow=options.overflow,
            block_timeout=block_timeout,
            enabled=options.enabled,
        )

    # -- sinks ---------------------------------------------------------------------------

    def add_sink(
        self,
        sink: Sink,
        *,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        name: str | None = None,
    ) -> Sink:
        """Deliver matching events to ``sink`` from now on; returns the sink.

        Patterns default to the sink's own ``patterns``/``exclude`` attributes,
        else every event. ``name`` (default: the sink's ``name`` attribute, else
        its class name, made unique) labels it in stats and logs.
        """
        if not callable(getattr(sink, "publish", None)):
            raise TypeError(f"{sink!r} is not a sink: it has no publish(event) method")
        include = patterns if patterns is not None else getattr(sink, "patterns", None)
        excluded = exclude if exclude is not None else getattr(sink, "exclude", None)
        event_filter: EventFilter = as_filter(include, excluded)
        with self._lock:
            label = self._unique_name(name or getattr(sink, "name", None) or type(sink).__name__)
            dispatched = self._delivery.counts()[0]
            self._routes = (*self._routes, SinkRoute(sink, event_filter, label, dispatched))
            self._reconfigure()
        return sink

    def remove_sink(self, sink: Sink) -> bool:
        """Stop delivering to ``sink``; False if it was not added."""
        with self._lock:
            kept = tuple(r for r in self._routes if r.sink is not sink)
            removed = len(kept) != len(self._routes)
            self._routes = kept
            self._reconfigure()
        return removed

    @property
    def sinks(self) -> tuple[Sink, ...]:
        return tuple(route.sink for route in self._routes)

    def _unique_name(self, base: str) -> str:
        taken = {route.name for route in self._routes}
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        return name

    def _gate(self) -> Callable[[str], bool] | None:
        return None if self.filter.matches_everything else self.filter.matches

    def _reconfigure(self) -> None:
        # In queued mode the gate runs before queueing, so delivery skips it.
        gate = None if self._queue is not None else self._gate()
        closed = not self._running and self._queue is None
        self._delivery.configure(routes=self._routes, gate=gate, closed=closed)

    # -- sources -----------------------------------------------------------------------

    def attach(self, source: EventSource | Callable[[Listener], Callable[[], object]]) -> None:
        """Subscribe to ``source`` (an object with ``subscribe`` or the function itself).

        Detached again by :meth:`detach` or :meth:`stop`.
        """
        subscribe = getattr(source, "subscribe", source)
        if not callable(subscribe):
            raise TypeError(f"{source!r} has no subscribe(listener) method")
        if not self.enabled:
            return
        undo = subscribe(self.publish)
        with self._lock:
            self._detachers.append(undo if callable(undo) else _nothing)

    def detach(self) -> None:
        """Unsubscribe from every attached source (events already queued stay queued)."""
        with self._lock:
            detachers, self._detachers = self._detachers, []
        for undo in detachers:
            try:
                undo()
            except Exception:  # a source that cannot unsubscribe must not block shutdown
                logger.warning("could not unsubscribe from an event source", exc_info=True)

    def __call__(self, event: TaskerEvent) -> None:
        """The dispatcher is itself a listener: ``source.subscribe(dispatcher)``."""
        self.publish(event)

    # -- lifecycle ------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Wait for queued events to be delivered (always True without a queue)."""
        return True if self._queue is None else self._queue.flush(timeout)

    def stop(self, timeout: float | None = 5.0) -> bool:
        """Detach from sources, deliver what is queued within ``timeout``, refuse the rest.

        Returns True when every queued event was delivered in time. Idempotent.
        Events published after ``stop`` are counted as ``refused``.
        """
        self.detach()
        with self._lock:
            self._running = False
            self._reconfigure()
        return True if self._queue is None else self._queue.close(timeout)

    def start(self) -> None:
        """Accept events again after :meth:`stop` (sources must be attached again)."""
        with self._lock:
            self._running = True
            if self._queue is not None:
                self._queue.reopen()
            self._reconfigure()

    @property
    def running(self) -> bool:
        return self._running

    def stats(self) -> DispatcherStats:
        """A consistent-enough snapshot of every counter (no lock on the hot path)."""
        dispatched, filtered, refused = self._delivery.counts()
        routes = self._routes
        sinks = tuple(route.stats(dispatched) for route in routes)
        queue = self._queue
        dropped = pending = 0
        thread_alive = False
        published = dispatched + filtered + refused
        if queue is not None:
            dropped = queue.dropped
            pending = queue.pending
            filtered += queue.filtered
            refused += queue.refused
            thread_alive = queue.thread_alive
            published = queue.enqueued + queue.filtered + queue.dropped + queue.refused
        return DispatcherStats(
            published=published,
            dispatched=dispatched,
            delivered=sum(s.delivered for s in sinks),
            failed=sum(s.failed for s in sinks),
            filtered=filtered,
            dropped=dropped,
            refused=refused,
            pending=pending,
            queued=queue is not None,
            queue_size=self.queue_size,
            overflow=self.overflow,
            running=self._running,
            thread_alive=thread_alive,
            sinks=sinks,
        )

    def __repr__(self) -> str:
        mode = f"queue_size={self.queue_size}, overflow={self.overflow}" if self._queue else "sync"
        return f"EventDispatcher({[r.name for r in self._routes]}, {mode})"


def _discard(event: TaskerEvent) -> None:
    """The listener of a disabled dispatcher."""


def _nothing() -> None:
    """Stand-in undo for sources whose subscribe returns nothing."""


__all__ = ["DispatcherStats", "EventDispatcher", "EventSource", "Listener"]
