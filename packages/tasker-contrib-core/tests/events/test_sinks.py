"""The sinks core ships: structlog, stdlib logging, callables."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars
from structlog.testing import LogCapture
from tasker_contrib_core.events import (
    CallbackSink,
    EventDispatcher,
    LoggingSink,
    Sink,
    StructlogSink,
    event_context,
)


@pytest.fixture
def captured() -> Iterator[LogCapture]:
    """structlog configured as an app would (merge_contextvars first), capturing entries."""
    capture = LogCapture()
    structlog.configure(processors=[structlog.contextvars.merge_contextvars, capture])
    clear_contextvars()
    try:
        yield capture
    finally:
        clear_contextvars()
        structlog.reset_defaults()


def test_sinks_satisfy_the_protocol() -> None:
    for sink in (StructlogSink(), LoggingSink(), CallbackSink(print)):
        assert isinstance(sink, Sink)


def test_structlog_sink_binds_context_per_event_and_clears_it(
    make_event: Any, captured: LogCapture
) -> None:
    sink = StructlogSink()
    sink.publish(make_event("step.execution.completed", task_uuid="t-1", step_name="charge"))
    sink.publish(make_event("payment.captured", task_uuid="t-2", step_uuid=None, step_name=None))
    first, second = captured.entries
    assert first["event"] == "step.execution.completed"
    assert first["task_uuid"] == "t-1"
    assert first["step_name"] == "charge"
    assert first["step_uuid"] == "step-1"
    assert first["namespace"] == "payments"
    assert first["tasker_event_kind"] == "lifecycle"
    assert first["payload"] == {"amount": 10}
    assert first["log_level"] == "info"
    # nothing from the first event leaks into the second
    assert second["task_uuid"] == "t-2"
    assert "step_name" not in second  # absent fields are left out of the line
    assert "step_uuid" not in second
    assert get_contextvars() == {}


def test_structlog_sink_restores_what_the_host_had_bound(
    make_event: Any, captured: LogCapture
) -> None:
    bind_contextvars(request_id="r-9", task_uuid="host-value")
    StructlogSink().publish(make_event(task_uuid="from-event"))
    assert captured.entries[0]["task_uuid"] == "from-event"
    assert captured.entries[0]["request_id"] == "r-9"
    assert get_contextvars() == {"request_id": "r-9", "task_uuid": "host-value"}


def test_structlog_sink_context_is_cleared_even_when_logging_fails(make_event: Any) -> None:
    class Exploding:
        def log(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("log backend down")

    clear_contextvars()
    with pytest.raises(RuntimeError):
        StructlogSink(Exploding()).publish(make_event())
    assert get_contextvars() == {}


def test_structlog_sink_on_the_dispatcher_thread(make_event: Any, captured: LogCapture) -> None:
    # contextvars do not cross threads: the sink must bind them where it runs.
    bind_contextvars(request_id="main-thread-only")
    dispatcher = EventDispatcher(
        [StructlogSink(level="warning", include_payload=False, message="framework_name")],
        queue_size=10,
    )
    dispatcher.publish(make_event("step.execution.failed", task_uuid="t-bg"))
    assert dispatcher.stop(5)
    (entry,) = captured.entries
    assert entry["event"] == "tasker.step_execution_failed"
    assert entry["task_uuid"] == "t-bg"
    assert entry["log_level"] == "warning"
    assert "request_id" not in entry
    assert "payload" not in entry


def test_event_context_helper(make_event: Any) -> None:
    clear_contextvars()
    with event_context(make_event(task_uuid="t-ctx")) as fields:
        assert get_contextvars()["task_uuid"] == "t-ctx"
        assert fields["tasker_event"] == "step.execution.completed"
    assert get_contextvars() == {}


def test_logging_sink_record_carries_the_event(
    make_event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sink = LoggingSink("app.tasker", level="warning", include_payload=True)
    with caplog.at_level(logging.DEBUG, logger="app.tasker"):
        sink.publish(make_event("payment.captured", task_uuid="t-7"))
    (record,) = caplog.records
    assert record.name == "app.tasker"
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "tasker event payment.captured"
    assert record.task_uuid == "t-7"  # type: ignore[attr-defined]
    assert record.step_name == "charge_card"  # type: ignore[attr-defined]
    assert record.tasker_event_kind == "domain"  # type: ignore[attr-defined]
    assert record.tasker_payload == {"amount": 10}  # type: ignore[attr-defined]


def test_logging_sink_skips_work_below_the_level(
    make_event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sink = LoggingSink(level=logging.DEBUG)
    with caplog.at_level(logging.INFO, logger="tasker_contrib.events"):
        sink.publish(make_event())
    assert caplog.records == []


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        LoggingSink(level="loud")
    with pytest.raises(ValueError, match="message"):
        StructlogSink(message="other")


def test_callback_sink(make_event: Any) -> None:
    seen: list[str] = []
    sink = CallbackSink(lambda e: seen.append(e.framework_name), patterns=["step.*"])
    assert sink.patterns == ("step.*",)
    dispatcher = EventDispatcher([sink])
    dispatcher.publish(make_event("step.execution.completed"))
    dispatcher.publish(make_event("task.execution.completed"))
    assert seen == ["tasker.step_execution_completed"]
    assert "lambda" in sink.name


def test_sinks_run_on_the_publisher_thread_without_a_queue(make_event: Any) -> None:
    threads: list[str] = []
    dispatcher = EventDispatcher(
        [CallbackSink(lambda e: threads.append(threading.current_thread().name))]
    )
    dispatcher.publish(make_event())
    assert threads == [threading.current_thread().name]
