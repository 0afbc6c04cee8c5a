"""Record the normalised events of a run and assert on them, in order.

Events are how applications observe workflows (signals, Celery tasks, log
lines), so "did ``payment.charged`` fire after ``charge_payment`` completed,
and ``order.rejected`` never" is a real test. :class:`EventRecorder` is a
plain listener (``listeners=[recorder]`` on a run, or ``publish(event)`` as a
sink) that keeps every :class:`~tasker_contrib_core.events.event.TaskerEvent`
it sees, from any runtime, and offers filters and ordered assertions whose
failures list what was actually recorded.

Events may arrive on another thread (the real worker's poller); recording and
reading are locked, and :meth:`EventRecorder.wait_for` blocks until a matching
event shows up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase
from time import monotonic
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasker_contrib_core.events.event import TaskerEvent

#: An ``assert_order`` entry: an event name pattern, or ``(pattern, step_name)``.
OrderEntry = str | tuple[str, str]


def _matches(
    event: TaskerEvent,
    pattern: str | None,
    step: str | None,
    task: str | None,
    kind: str | None,
) -> bool:
    return (
        (pattern is None or fnmatchcase(event.name, pattern))
        and (step is None or event.step_name == step or fnmatchcase(event.step_name or "", step))
        and (task is None or event.task_uuid == task)
        and (kind is None or event.kind == kind)
    )


def _where(pattern: str, step: str | None, task: str | None, kind: str | None) -> str:
    parts = [repr(pattern)]
    if step is not None:
        parts.append(f"for step {step!r}")
    if task is not None:
        parts.append(f"for task {task}")
    if kind is not None:
        parts.append(f"of kind {kind!r}")
    return " ".join(parts)


class EventRecorder:
    """A listener that keeps every event it receives, with filters and assertions.

    ``pattern`` arguments are fnmatch patterns over event names
    (``"payment.*"``, ``"step.execution.*"``); ``step`` is a step name (or a
    pattern, for batch workers: ``"send_notification_batch_*"``); ``task`` a
    task uuid; ``kind`` is ``"domain"`` or ``"lifecycle"``.
    """

    def __init__(self) -> None:
        self._events: list[TaskerEvent] = []
        self._changed = threading.Condition()

    # -- receiving -------------------------------------------------------------

    def __call__(self, event: TaskerEvent) -> None:
        """Record ``event`` (the listener interface of every runtime)."""
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def publish(self, event: TaskerEvent) -> None:
        """Record ``event`` (the sink interface, so a recorder can sit behind a bridge)."""
        self(event)

    def clear(self) -> None:
        """Forget everything recorded so far."""
        with self._changed:
            self._events.clear()

    # -- reading ---------------------------------------------------------------

    @property
    def events(self) -> list[TaskerEvent]:
        """Every recorded event, in arrival order (a copy)."""
        with self._changed:
            return list(self._events)

    def __len__(self) -> int:
        with self._changed:
            return len(self._events)

    def __iter__(self) -> Iterator[TaskerEvent]:
        return iter(self.events)

    def filter(
        self,
        pattern: str | None = None,
        *,
        step: str | None = None,
        task: str | None = None,
        kind: str | None = None,
    ) -> list[TaskerEvent]:
        """Recorded events matching every given criterion, in order."""
        return [event for event in self.events if _matches(event, pattern, step, task, kind)]

    def names(
        self,
        pattern: str | None = None,
        *,
        step: str | None = None,
        task: str | None = None,
        kind: str | None = None,
    ) -> list[str]:
        """Names of the matching events, in order."""
        return [event.name for event in self.filter(pattern, step=step, task=task, kind=kind)]

    def describe(self) -> str:
        """The recorded events, one per line (``name  [step]``), for failure messages."""
        events = self.events
        if not events:
            return "  (no events were recorded)"
        width = max(len(event.name) for event in events)
        return "\n".join(
            (
                f"  {index:>3}. {event.name:<{width}}"
                + (f"  [{event.step_name}]" if event.step_name else "")
            ).rstrip()
            for index, event in enumerate(events, 1)
        )

    # -- asserting ---------------------------------------------------------------

    def assert_emitted(
        self,
        pattern: str,
        *,
        step: str | None = None,
        task: str | None = None,
        kind: str | None = None,
        times: int | None = None,
    ) -> TaskerEvent:
        """Assert a matching event was recorded (exactly ``times`` times, if given).

        Returns the first match so a test can go on to check its payload.
        """
        __tracebackhide__ = True
        found = self.filter(pattern, step=step, task=task, kind=kind)
        where = _where(pattern, step, task, kind)
        if not found:
            raise AssertionError(
                f"expected an event {where}, but none was recorded; recorded events:\n"
                + self.describe()
            )
        if times is not None and len(found) != times:
            raise AssertionError(
                f"expected {times} event(s) {where}, but {len(found)} were recorded; "
                "recorded events:\n" + self.describe()
            )
        return found[0]

    def assert_not_emitted(
        self,
        pattern: str,
        *,
        step: str | None = None,
        task: str | None = None,
        kind: str | None = None,
    ) -> None:
        """Assert no matching event was recorded."""
        __tracebackhide__ = True
        found = self.filter(pattern, step=step, task=task, kind=kind)
        if found:
            shown = ", ".join(
                event.name + (f" [{event.step_name}]" if event.step_name else "") for event in found
            )
            raise AssertionError(
                f"expected no event {_where(pattern, step, task, kind)}, but recorded "
                f"{len(found)}: {shown}; recorded events:\n" + self.describe()
            )

    def assert_order(self, expected: Sequence[OrderEntry]) -> None:
        """Assert the entries were recorded in this order (other events may come between).

        Each entry is a name pattern or a ``(pattern, step)`` pair::

            recorder.assert_order([
                ("step.execution.completed", "validate_order"),
                "payment.charged",
                "task.execution.completed",
            ])
        """
        __tracebackhide__ = True
        events = self.events
        position = 0
        for index, entry in enumerate(expected):
            pattern, step = (entry, None) if isinstance(entry, str) else entry
            while position < len(events) and not _matches(
                events[position], pattern, step, None, None
            ):
                position += 1
            if position == len(events):
                done = ", ".join(_entry_text(item) for item in expected[:index]) or "(nothing)"
                anywhere = self.filter(pattern, step=step)
                reason = (
                    "it was recorded only before the earlier entries"
                    if anywhere
                    else "it was never recorded"
                )
                raise AssertionError(
                    f"expected {_entry_text(entry)} after {done}, but {reason}; "
                    "recorded events:\n" + self.describe()
                )
            position += 1

    def wait_for(
        self,
        pattern: str,
        *,
        step: str | None = None,
        task: str | None = None,
        kind: str | None = None,
        timeout: float = 5.0,
    ) -> TaskerEvent:
        """Block until a matching event is recorded (for runtimes with their own threads)."""
        __tracebackhide__ = True
        deadline = monotonic() + timeout
        with self._changed:
            while True:
                for event in self._events:
                    if _matches(event, pattern, step, task, kind):
                        return event
                remaining = deadline - monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        raise AssertionError(
            f"no event {_where(pattern, step, task, kind)} within {timeout:g}s; "
            "recorded events:\n" + self.describe()
        )

    def __repr__(self) -> str:
        return f"EventRecorder({len(self)} events)"


def _entry_text(entry: OrderEntry) -> str:
    if isinstance(entry, str):
        return repr(entry)
    return f"{entry[0]!r} for step {entry[1]!r}"


__all__ = ["EventRecorder", "OrderEntry"]
