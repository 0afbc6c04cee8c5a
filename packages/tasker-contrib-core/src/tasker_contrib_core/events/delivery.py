"""Calling sinks: filters, isolation, failure accounting. The hot path.

Delivery runs once per event on the engine's poller thread (synchronous mode)
or on the dispatcher thread (queued mode), so it is written for speed:

* the per-event function is a closure whose configuration lives in closure
  cells, so reconfiguring (adding a sink) never changes the function object a
  source holds, and reading the configuration costs what reading a local does;
* a dispatcher with one sink (the common case) skips the loop entirely;
* per-event bookkeeping is a single counter increment; a sink's ``delivered``
  count is derived (events it saw minus those it skipped or failed on) instead
  of being counted on every call;
* a sink's filter answer is a C-level dictionary lookup once the name is known.

Counters are plain integer increments, which the GIL makes atomic on CPython's
default build; on a free-threaded build they can under-count under heavy
contention (delivery itself stays correct).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from tasker_contrib_core.events.context import event_fields
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.events.filters import EventFilter, NameMatcher
from tasker_contrib_core.events.sinks import Sink

logger = logging.getLogger("tasker_contrib.events.dispatcher")

#: Failures per sink logged with a full traceback before switching to a summary.
FULL_FAILURE_LOGS = 5
#: After that, one summary line every this many failures.
FAILURE_LOG_EVERY = 100


@dataclass(frozen=True)
class SinkStats:
    """Counters of one sink: events it handled, raised on, or filtered out."""

    name: str
    delivered: int
    failed: int
    skipped: int


class SinkRoute:
    """One sink with its filter and counters, as the dispatcher holds it."""

    __slots__ = ("baseline", "failed", "filter", "name", "publish", "sink", "skipped", "wants")

    def __init__(self, sink: Sink, event_filter: EventFilter, name: str, baseline: int) -> None:
        self.sink = sink
        self.filter = event_filter
        self.name = name
        self.publish: Callable[[TaskerEvent], object] = sink.publish
        # None means "wants everything": the hot path then skips the lookup.
        self.wants: NameMatcher | None = (
            None if event_filter.matches_everything else event_filter.matches
        )
        self.baseline = baseline
        self.failed = 0
        self.skipped = 0

    def stats(self, dispatched: int) -> SinkStats:
        seen = dispatched - self.baseline
        delivered = max(seen - self.skipped - self.failed, 0)
        return SinkStats(self.name, delivered, self.failed, self.skipped)

    def __repr__(self) -> str:
        return f"SinkRoute({self.name!r}, {self.filter!r})"


def report_failure(route: SinkRoute, event: TaskerEvent, error: Exception) -> None:
    """Count a sink's failure and log it with the event's context.

    The first few failures of a sink are logged with their traceback; after
    that one line per :data:`FAILURE_LOG_EVERY` so a sink failing on every
    event cannot flood the logs. Never raises: logging trouble must not reach
    the engine's thread either.
    """
    route.failed += 1
    count = route.failed
    try:
        if count <= FULL_FAILURE_LOGS or count % FAILURE_LOG_EVERY == 0:
            extra = event_fields(event)
            extra["sink"] = route.name
            extra["sink_failures"] = count
            note = (
                ""
                if count < FULL_FAILURE_LOGS
                else f" (failure #{count}; logging every {FAILURE_LOG_EVERY}th from now on)"
            )
            logger.error(
                "event sink %s raised %s on %s (task %s, step %s)%s",
                route.name,
                type(error).__name__,
                event.name,
                event.task_uuid,
                event.step_name or event.step_uuid or "-",
                note,
                exc_info=error if count <= FULL_FAILURE_LOGS else None,
                extra=extra,
            )
    except Exception:  # pragma: no cover - a broken logging setup
        pass


class Delivery:
    """Holds the delivery closure and the knobs that reconfigure it.

    ``deliver(event)`` hands an event to every route that wants it.
    ``configure`` swaps the routes, the optional name gate (events no sink can
    want are counted as filtered and go no further) and the closed flag
    (events after ``stop()`` are counted as refused).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.routes: tuple[SinkRoute, ...] = ()
        (
            self.deliver,
            self._configure,
            self._counts,
        ) = _build()

    def configure(
        self,
        *,
        routes: tuple[SinkRoute, ...],
        gate: NameMatcher | None,
        closed: bool,
    ) -> None:
        with self._lock:
            self.routes = routes
            self._configure(routes, gate, closed)

    def counts(self) -> tuple[int, int, int]:
        """``(dispatched, filtered, refused)`` so far."""
        return self._counts()


def _build() -> tuple[
    Callable[[TaskerEvent], None],
    Callable[[tuple[SinkRoute, ...], NameMatcher | None, bool], None],
    Callable[[], tuple[int, int, int]],
]:
    routes: tuple[SinkRoute, ...] = ()
    gate: NameMatcher | None = None
    closed = False
    # The fast path: exactly one sink, no dispatcher-level gate, not closed.
    fast_route: SinkRoute | None = None
    fast_publish: Callable[[TaskerEvent], object] | None = None
    fast_wants: NameMatcher | None = None
    dispatched = 0
    filtered = 0
    refused = 0

    def deliver(event: TaskerEvent) -> None:
        nonlocal dispatched
        if fast_publish is not None:
            dispatched += 1
            if fast_wants is None or fast_wants(event.name):
                try:
                    fast_publish(event)
                except Exception as exc:
                    report_failure(fast_route, event, exc)  # type: ignore[arg-type]
            else:
                fast_route.skipped += 1  # type: ignore[union-attr]
            return
        deliver_general(event)

    def deliver_general(event: TaskerEvent) -> None:
        nonlocal dispatched, filtered, refused
        if closed:
            refused += 1
            return
        if gate is not None and not gate(event.name):
            filtered += 1
            return
        dispatched += 1
        for route in routes:
            wants = route.wants
            if wants is None or wants(event.name):
                try:
                    route.publish(event)
                except Exception as exc:
                    report_failure(route, event, exc)
            else:
                route.skipped += 1

    def configure(
        new_routes: tuple[SinkRoute, ...], new_gate: NameMatcher | None, new_closed: bool
    ) -> None:
        nonlocal routes, gate, closed, fast_route, fast_publish, fast_wants
        # Leave the fast path first, so a concurrent deliver() never sees a
        # half-updated configuration: it takes the general path meanwhile.
        fast_publish = None
        routes = new_routes
        gate = new_gate
        closed = new_closed
        if len(new_routes) == 1 and new_gate is None and not new_closed:
            fast_route = new_routes[0]
            fast_wants = fast_route.wants
            fast_publish = fast_route.publish

    def counts() -> tuple[int, int, int]:
        return dispatched, filtered, refused

    return deliver, configure, counts


__all__ = [
    "FAILURE_LOG_EVERY",
    "FULL_FAILURE_LOGS",
    "Delivery",
    "SinkRoute",
    "SinkStats",
    "report_failure",
]
