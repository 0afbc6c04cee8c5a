"""``EventRecorder``: filters, ordered assertions and their failure messages."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.testing import EventRecorder

WHEN = datetime(2025, 1, 1, tzinfo=timezone.utc)


def event(
    name: str, step: str | None = None, task: str = "t1", kind: str = "lifecycle"
) -> TaskerEvent:
    return TaskerEvent(
        name=name,
        id=f"{name}-{step}",
        timestamp=WHEN,
        task_uuid=task,
        kind="domain" if kind == "domain" else "lifecycle",
        namespace="tests",
        step_name=step,
    )


@pytest.fixture
def recorder() -> EventRecorder:
    recorder = EventRecorder()
    for item in (
        event("task.execution.started"),
        event("step.execution.started", "validate"),
        event("step.execution.completed", "validate"),
        event("order.validated", "validate", kind="domain"),
        event("step.execution.started", "charge"),
        event("step.execution.failed", "charge"),
        event("step.execution.started", "charge"),
        event("step.execution.completed", "charge"),
        event("payment.charged", "charge", kind="domain"),
        event("task.execution.completed", task="t1"),
        event("task.execution.started", task="t2"),
    ):
        recorder(item)
    return recorder


def test_filters(recorder: EventRecorder) -> None:
    assert len(recorder) == 11
    assert recorder.names("step.execution.*", step="charge") == [
        "step.execution.started",
        "step.execution.failed",
        "step.execution.started",
        "step.execution.completed",
    ]
    assert recorder.names(kind="domain") == ["order.validated", "payment.charged"]
    assert recorder.names(task="t2") == ["task.execution.started"]
    assert recorder.names("*.charged") == ["payment.charged"]
    assert [e.step_name for e in recorder.filter(step="ch*")][:1] == ["charge"]


def test_assert_emitted(recorder: EventRecorder) -> None:
    found = recorder.assert_emitted("payment.charged", step="charge")
    assert found.kind == "domain"
    recorder.assert_emitted("step.execution.started", step="charge", times=2)


def test_assert_emitted_failure_lists_the_recorded_events(recorder: EventRecorder) -> None:
    with pytest.raises(AssertionError) as excinfo:
        recorder.assert_emitted("order.rejected", step="validate")
    lines = str(excinfo.value).splitlines()
    assert lines[0] == (
        "expected an event 'order.rejected' for step 'validate', but none was recorded; "
        "recorded events:"
    )
    assert lines[1] == "    1. task.execution.started"
    assert lines[5] == "    5. step.execution.started    [charge]"
    with pytest.raises(AssertionError, match=r"expected 1 event\(s\) .* but 2 were recorded"):
        recorder.assert_emitted("step.execution.started", step="charge", times=1)


def test_assert_not_emitted(recorder: EventRecorder) -> None:
    recorder.assert_not_emitted("order.rejected")
    with pytest.raises(AssertionError) as excinfo:
        recorder.assert_not_emitted("step.execution.failed")
    assert str(excinfo.value).splitlines()[0] == (
        "expected no event 'step.execution.failed', but recorded 1: step.execution.failed "
        "[charge]; recorded events:"
    )


def test_assert_order(recorder: EventRecorder) -> None:
    recorder.assert_order(
        [
            ("step.execution.completed", "validate"),
            "order.validated",
            ("step.execution.failed", "charge"),
            "payment.charged",
            "task.execution.completed",
        ]
    )


def test_assert_order_failures_say_which_entry_broke(recorder: EventRecorder) -> None:
    with pytest.raises(AssertionError) as excinfo:
        recorder.assert_order(["payment.charged", "order.validated"])
    assert str(excinfo.value).splitlines()[0] == (
        "expected 'order.validated' after 'payment.charged', but it was recorded only before "
        "the earlier entries; recorded events:"
    )
    with pytest.raises(AssertionError) as excinfo:
        recorder.assert_order([("step.execution.completed", "ship")])
    assert str(excinfo.value).splitlines()[0] == (
        "expected 'step.execution.completed' for step 'ship' after (nothing), but it was never "
        "recorded; recorded events:"
    )


def test_empty_recorder_message_and_clear(recorder: EventRecorder) -> None:
    recorder.clear()
    with pytest.raises(AssertionError) as excinfo:
        recorder.assert_emitted("*")
    assert str(excinfo.value).endswith("recorded events:\n  (no events were recorded)")


def test_publish_and_wait_for_from_another_thread() -> None:
    recorder = EventRecorder()
    timer = threading.Timer(0.05, recorder.publish, args=(event("step.execution.completed", "x"),))
    timer.start()
    try:
        found = recorder.wait_for("step.execution.completed", step="x", timeout=5)
    finally:
        timer.join()
    assert found.step_name == "x"
    with pytest.raises(AssertionError, match=r"no event 'never' within 0.01s"):
        recorder.wait_for("never", timeout=0.01)
    assert repr(recorder) == "EventRecorder(1 events)"
