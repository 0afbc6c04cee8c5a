"""Events reach blinker receivers: per event name and catch-all, isolated, in app context."""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Any

import pytest
from flask import Flask, current_app
from tasker_contrib_flask import (
    Tasker,
    event_signal,
    start_tasker,
    step_execution_completed,
    stop_tasker,
    tasker_client,
    tasker_event,
)
from tasker_contrib_flask.signals import log_event
from tasker_contrib_testsupport.example_tasks import order_request


def run_order(app: Flask, timeout: float = 20.0) -> str:
    task = tasker_client(app).create_task(order_request())
    deadline = time.monotonic() + timeout
    while True:
        status = tasker_client(app).get_task(task.task_uuid).status
        if status in ("complete", "error") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


@pytest.fixture
def app(example_settings: Any) -> Any:
    app = Flask("signals_app")
    Tasker(app, settings=example_settings)
    start_tasker(app)
    yield app
    stop_tasker(app)


def test_lifecycle_and_domain_events_reach_receivers_with_an_app_context(app: Flask) -> None:
    seen: list[tuple[str, str, str, bool]] = []
    lock = threading.Lock()

    def on_completed(sender: Flask, event: Any) -> None:
        with lock:
            seen.append(("completed", event.step_name, current_app.name, sender is app))

    def on_any(sender: Flask, event: Any) -> None:
        with lock:
            seen.append(("any", event.name, current_app.name, sender is app))

    def on_domain(sender: Flask, event: Any) -> None:
        with lock:
            seen.append(("domain", event.name, current_app.name, sender is app))

    with (
        step_execution_completed.connected_to(on_completed, sender=app),
        tasker_event.connected_to(on_any, sender=app),
        event_signal("order.validated").connected_to(on_domain, sender=app),
    ):
        assert run_order(app) == "complete"
        time.sleep(0.2)
    completed = {step for kind, step, _, _ in seen if kind == "completed"}
    assert {"validate_order", "charge_payment", "complete_order"} <= completed
    names = {name for kind, name, _, _ in seen if kind == "any"}
    assert {"step.execution.started", "task.execution.completed", "order.validated"} <= names
    assert ("domain", "order.validated", "signals_app", True) in seen
    assert all(app_name == "signals_app" and is_app for _, _, app_name, is_app in seen)


def test_a_raising_receiver_and_a_collected_one_harm_nothing(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def raises(sender: Flask, event: Any) -> None:
        raise RuntimeError("receiver bug")

    def records(sender: Flask, event: Any) -> None:
        calls.append(event.step_name)

    class Owner:
        def method(self, sender: Flask, event: Any) -> None:  # pragma: no cover - collected
            calls.append("collected receiver ran")

    owner = Owner()
    step_execution_completed.connect(raises, sender=app)
    step_execution_completed.connect(records, sender=app)
    step_execution_completed.connect(owner.method, sender=app)  # weak: goes with owner
    del owner
    gc.collect()
    try:
        with caplog.at_level(logging.ERROR):
            assert run_order(app) == "complete"
            # the engine's thread survived: a second task runs and is delivered too
            assert run_order(app) == "complete"
        time.sleep(0.2)
    finally:
        step_execution_completed.disconnect(raises, sender=app)
        step_execution_completed.disconnect(records, sender=app)
    assert calls.count("complete_order") == 2
    assert "collected receiver ran" not in calls
    assert "receiver bug" in caplog.text
    assert "tasker.step_execution_completed" in caplog.text


def test_the_packages_own_receiver_survives_gc(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    gc.collect()
    assert any(receiver is log_event for receiver in tasker_event.receivers_for(app))
    app.logger.setLevel(logging.DEBUG)
    with caplog.at_level(logging.DEBUG, logger=app.logger.name):
        assert run_order(app) == "complete"
        time.sleep(0.2)
    assert "tasker event step.execution.completed" in caplog.text
