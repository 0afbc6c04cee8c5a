"""The dispatcher delivering on the publisher's thread: isolation, filters, counting."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.config.settings import EventBridgeOptions
from tasker_contrib_core.events import CallbackSink, EventDispatcher, Sink
from tasker_contrib_core.events.delivery import FAILURE_LOG_EVERY, FULL_FAILURE_LOGS

DISPATCHER_LOGGER = "tasker_contrib.events.dispatcher"


def test_every_sink_gets_every_event_in_order(make_event: Any, recorder_type: Any) -> None:
    first, second = recorder_type("first"), recorder_type("second")
    dispatcher = EventDispatcher([first, second])
    events = [make_event(f"domain.e{i}") for i in range(5)]
    for event in events:
        dispatcher.publish(event)
    assert first.events == events
    assert second.events == events
    stats = dispatcher.stats()
    assert (stats.published, stats.dispatched, stats.delivered, stats.failed) == (5, 5, 10, 0)
    assert stats.sink("first").delivered == 5


def test_a_failing_sink_does_not_affect_the_others(
    make_event: Any, recorder_type: Any, caplog: pytest.LogCaptureFixture
) -> None:
    before, broken, after = (
        recorder_type("before"),
        recorder_type("broken", fail=True),
        recorder_type("after"),
    )
    dispatcher = EventDispatcher([before, broken, after])
    event = make_event("step.execution.failed", task_uuid="task-42", step_name="ship")
    with caplog.at_level(logging.ERROR, logger=DISPATCHER_LOGGER):
        dispatcher.publish(event)  # must not raise
        dispatcher.publish(make_event())
    assert len(before.events) == len(after.events) == 2
    stats = dispatcher.stats()
    assert stats.sink("broken").failed == 2
    assert stats.sink("broken").delivered == 0
    assert stats.sink("after").delivered == 2
    assert stats.failed == 2

    record = caplog.records[0]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    # the record carries the event's context for formatters and JSON handlers
    assert record.task_uuid == "task-42"  # type: ignore[attr-defined]
    assert record.step_name == "ship"  # type: ignore[attr-defined]
    assert record.step_uuid == "step-1"  # type: ignore[attr-defined]
    assert record.tasker_event == "step.execution.failed"  # type: ignore[attr-defined]
    assert record.sink == "broken"  # type: ignore[attr-defined]
    assert "task-42" in record.getMessage()
    assert "broken" in record.getMessage()


def test_a_sink_failing_on_every_event_cannot_flood_the_logs(
    make_event: Any, recorder_type: Any, caplog: pytest.LogCaptureFixture
) -> None:
    dispatcher = EventDispatcher([recorder_type("broken", fail=True)])
    with caplog.at_level(logging.ERROR, logger=DISPATCHER_LOGGER):
        for _ in range(FAILURE_LOG_EVERY * 2):
            dispatcher.publish(make_event())
    assert dispatcher.stats().failed == FAILURE_LOG_EVERY * 2
    assert len(caplog.records) == FULL_FAILURE_LOGS + 2
    assert sum(r.exc_info is not None for r in caplog.records) == FULL_FAILURE_LOGS


def test_the_source_never_sees_a_sink_exception(
    make_event: Any, recorder_type: Any, source: Any
) -> None:
    good = recorder_type("good")
    dispatcher = EventDispatcher([recorder_type("bad", fail=True), good])
    dispatcher.attach(source)
    for _ in range(3):
        source.emit(make_event())  # would raise here if isolation failed
    assert len(good.events) == 3


def test_sink_patterns_and_excludes(make_event: Any, recorder_type: Any) -> None:
    steps, payments, quiet = (
        recorder_type("steps"),
        recorder_type("payments"),
        recorder_type("quiet"),
    )
    dispatcher = EventDispatcher()
    dispatcher.add_sink(steps, patterns="step.execution.*")
    dispatcher.add_sink(payments, patterns=["payment.*"])
    dispatcher.add_sink(quiet, exclude=["*.started"])
    names = [
        "step.execution.started",
        "step.execution.completed",
        "payment.captured",
        "task.execution.started",
    ]
    for name in names:
        dispatcher.publish(make_event(name))
    assert steps.names == names[:2]
    assert payments.names == ["payment.captured"]
    assert quiet.names == ["step.execution.completed", "payment.captured"]
    stats = dispatcher.stats()
    assert stats.sink("steps").skipped == 2
    assert stats.sink("payments").skipped == 3
    assert stats.sink("quiet").delivered == 2


def test_single_filtered_sink(make_event: Any, recorder_type: Any) -> None:
    only = recorder_type()
    dispatcher = EventDispatcher()
    dispatcher.add_sink(only, patterns="payment.*")
    dispatcher.publish(make_event("payment.captured"))
    dispatcher.publish(make_event("step.execution.completed"))
    assert only.names == ["payment.captured"]
    assert dispatcher.stats().sink("recorder").skipped == 1


def test_sink_default_patterns_come_from_the_sink(make_event: Any) -> None:
    got: list[str] = []
    dispatcher = EventDispatcher([CallbackSink(lambda e: got.append(e.name), patterns="a.*")])
    dispatcher.publish(make_event("a.x"))
    dispatcher.publish(make_event("b.x"))
    assert got == ["a.x"]


def test_dispatcher_patterns_filter_before_any_sink(make_event: Any, recorder_type: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink], patterns=["payment.*"], exclude=["payment.debug"])
    for name in ("payment.captured", "payment.debug", "step.execution.completed"):
        dispatcher.publish(make_event(name))
    assert sink.names == ["payment.captured"]
    stats = dispatcher.stats()
    assert (stats.published, stats.filtered, stats.dispatched) == (3, 2, 1)


def test_sinks_can_be_added_and_removed_while_attached(
    make_event: Any, recorder_type: Any, source: Any
) -> None:
    dispatcher = EventDispatcher()
    dispatcher.attach(source)
    first = recorder_type("first")
    source.emit(make_event())  # no sinks yet: counted, goes nowhere
    dispatcher.add_sink(first)
    source.emit(make_event())
    second = dispatcher.add_sink(recorder_type("second"))
    source.emit(make_event())
    assert dispatcher.remove_sink(first)
    assert not dispatcher.remove_sink(first)
    source.emit(make_event())
    assert len(first.events) == 2
    assert len(second.events) == 2  # type: ignore[attr-defined]
    stats = dispatcher.stats()
    assert stats.dispatched == 4
    assert stats.sink("second").delivered == 2  # counted from when it was added


def test_duplicate_sink_names_are_made_unique(recorder_type: Any) -> None:
    dispatcher = EventDispatcher([recorder_type("same"), recorder_type("same")])
    assert [s.name for s in dispatcher.stats().sinks] == ["same", "same-2"]


def test_not_a_sink_is_refused() -> None:
    with pytest.raises(TypeError, match="publish"):
        EventDispatcher().add_sink(object())  # type: ignore[arg-type]


def test_stop_detaches_and_refuses(make_event: Any, recorder_type: Any, source: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink])
    dispatcher.attach(source)
    source.emit(make_event())
    assert dispatcher.stop(timeout=1) is True
    assert source.listeners == []
    dispatcher.publish(make_event())  # direct publish after stop
    assert len(sink.events) == 1
    assert dispatcher.stats().refused == 1
    assert dispatcher.stop() is True  # idempotent
    dispatcher.start()
    dispatcher.publish(make_event())
    assert len(sink.events) == 2


def test_disabled_dispatcher_does_nothing(make_event: Any, recorder_type: Any, source: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink], enabled=False)
    dispatcher.attach(source)
    assert source.listeners == []
    dispatcher.publish(make_event())
    assert sink.events == []


def test_attach_accepts_a_subscribe_function(make_event: Any, recorder_type: Any) -> None:
    listeners: list[Any] = []

    def subscribe(listener: Any) -> None:  # returns no undo at all
        listeners.append(listener)

    sink = recorder_type()
    dispatcher = EventDispatcher([sink])
    dispatcher.attach(subscribe)
    listeners[0](make_event())
    dispatcher.detach()
    assert len(sink.events) == 1


def test_dispatcher_is_itself_a_listener(make_event: Any, recorder_type: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink])
    dispatcher(make_event())
    assert len(sink.events) == 1
    assert isinstance(sink, Sink)


def test_concurrent_publishers_lose_nothing(make_event: Any) -> None:
    lock = threading.Lock()
    seen: list[str] = []

    def record(event: Any) -> None:
        with lock:
            seen.append(event.id)

    dispatcher = EventDispatcher([CallbackSink(record, name="a"), CallbackSink(record, name="b")])
    threads_n, per_thread = 8, 2_000
    events = [[make_event() for _ in range(per_thread)] for _ in range(threads_n)]
    start = threading.Barrier(threads_n)

    def publisher(batch: list[Any]) -> None:
        start.wait()
        for event in batch:
            dispatcher.publish(event)

    threads = [threading.Thread(target=publisher, args=(b,)) for b in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    total = threads_n * per_thread
    assert len(seen) == 2 * total
    assert len(set(seen)) == total
    stats = dispatcher.stats()
    assert stats.published == stats.dispatched == total
    assert stats.delivered == 2 * total


def test_from_settings(make_event: Any, recorder_type: Any) -> None:
    settings = TaskerSettings(
        event_bridge={"patterns": ["payment.*"], "queue_size": 0}, _environ={}
    )
    sink = recorder_type()
    dispatcher = EventDispatcher.from_settings(settings, [sink])
    dispatcher.publish(make_event("payment.captured"))
    dispatcher.publish(make_event("step.execution.started"))
    assert sink.names == ["payment.captured"]
    assert dispatcher.stats().queued is False

    queued = EventDispatcher.from_settings(
        EventBridgeOptions(queue_size=10, overflow="drop_oldest")
    )
    stats = queued.stats()
    assert (stats.queued, stats.queue_size, stats.overflow) == (True, 10, "drop_oldest")
    disabled = EventDispatcher.from_settings(EventBridgeOptions(enabled=False), [sink])
    disabled.publish(make_event("payment.captured"))
    assert len(sink.events) == 1
