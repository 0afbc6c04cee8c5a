"""Item 6 of the first hour: ``tasker-contrib worker`` logs its events by default.

A real worker (the CLI in a subprocess, the real tasker-py runtime against a
PostgreSQL with upstream's schema) runs injected steps of the example
workflow: each step event is one log line, a failure names its error type,
message and retryable flag, and ``--no-events`` silences the lines while the
``--event-log`` file still receives every event.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.example_tasks import order_context
from tasker_contrib_testsupport.realstack import Host, RealStack, worker_command

pytestmark = [pytest.mark.realstack, pytest.mark.engine]


def _order(**changes: Any) -> dict[str, Any]:
    order = order_context()
    return {**order, **changes}


def _lines_about(host: Host, step_uuid: str, event: str, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        lines = [
            line for line in host.log().splitlines() if f"] {event} " in line and step_uuid in line
        ]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


@pytest.fixture(scope="module")
def logging_worker(real_stack: RealStack) -> Iterator[Host]:
    host = real_stack.start_host(
        "events_on",
        lambda h: worker_command(h, example.HANDLER_PACKAGES),
        templates=[example.TEMPLATES_DIR],
    )
    yield host
    real_stack.stop_host(host)


def test_worker_logs_step_events_and_failures(real_stack: RealStack, logging_worker: Host) -> None:
    done = real_stack.inject(logging_worker, "order_processing", "validate_order", context=_order())
    assert done.success, done.outcome
    assert _lines_about(logging_worker, done.step_uuid, "step.execution.started")
    completed = _lines_about(logging_worker, done.step_uuid, "step.execution.completed")
    assert len(completed) == 1, logging_worker.log()
    assert "payload=" not in completed[0]
    domain = _lines_about(logging_worker, done.step_uuid, "order.validated")
    assert len(domain) == 1, logging_worker.log()

    failed = real_stack.inject(
        logging_worker, "order_processing", "validate_order", context=_order(items=[])
    )
    assert not failed.success
    lines = _lines_about(logging_worker, failed.step_uuid, "step.execution.failed")
    assert len(lines) == 1, logging_worker.log()
    assert "error_type=validation_error" in lines[0], lines
    assert "retryable=False" in lines[0], lines
    assert "error_message=" in lines[0], lines


def test_no_events_silences_lines_but_not_the_event_log(real_stack: RealStack) -> None:
    host = real_stack.start_host(
        "events_off",
        lambda h: worker_command(h, example.HANDLER_PACKAGES, "--no-events"),
        templates=[example.TEMPLATES_DIR],
    )
    try:
        done = real_stack.inject(host, "order_processing", "validate_order", context=_order())
        assert done.success, done.outcome
        events = host.wait_for_events(
            lambda e: e["step_uuid"] == done.step_uuid and e["name"] == "step.execution.completed"
        )
        assert events, host.step_events(done.step_uuid)
        assert "step.execution" not in host.log(), host.log()
    finally:
        real_stack.stop_host(host)
