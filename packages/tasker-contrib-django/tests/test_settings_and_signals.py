"""Lazy settings with ``override_settings``; events as Django signals, sent robustly."""

from __future__ import annotations

import gc
from datetime import datetime, timezone
from typing import Any

import pytest
from django.test import override_settings
from tasker_contrib_core.events import LIFECYCLE_EVENT_NAMES, TaskerEvent
from tasker_contrib_core.integration import signal_name
from tasker_contrib_django import conf, signals


def event(name: str = "step.execution.completed") -> TaskerEvent:
    return TaskerEvent(
        name=name,
        id="e-1",
        timestamp=datetime.now(timezone.utc),
        task_uuid="t-1",
        kind="lifecycle",
        namespace="notes",
        step_name="record",
    )


def test_settings_follow_override_settings(fresh_tasker: None) -> None:
    with override_settings(TASKER={"shutdown_timeout_seconds": 7}):
        assert conf.tasker_settings().shutdown_timeout_seconds == 7
        host = conf.get_host()
        with override_settings(TASKER={"shutdown_timeout_seconds": 3}):
            assert conf.tasker_settings().shutdown_timeout_seconds == 3
            assert conf.get_host() is not host
        assert conf.tasker_settings().shutdown_timeout_seconds == 7


def test_explain_names_the_django_layer(fresh_tasker: None) -> None:
    with override_settings(TASKER={"common": {"database": {"pool": {"max_connections": 7}}}}):
        rows = {row.path: row for row in conf.tasker_settings().explain()}
    row = rows["common.database.pool.max_connections"]
    assert (row.value, row.layer) == (7, "framework settings")
    assert "django settings.TASKER" in row.source


def test_an_override_stops_a_host_started_with_the_old_settings(fresh_tasker: None) -> None:
    with override_settings(TASKER={"template_paths": []}):
        host = conf.get_host()
        host.start()
        with override_settings(TASKER={"template_paths": [], "shutdown_timeout_seconds": 2}):
            assert not host.started


def test_one_signal_per_lifecycle_event_named_like_every_framework() -> None:
    assert set(signals.LIFECYCLE_SIGNALS) == set(LIFECYCLE_EVENT_NAMES)
    for name, signal in signals.LIFECYCLE_SIGNALS.items():
        attribute = signal_name(name).removeprefix("tasker.")
        assert getattr(signals, attribute) is signal


def test_a_raising_receiver_does_not_stop_the_others_nor_the_sink(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []

    def broken(sender: Any, event: TaskerEvent, **kwargs: Any) -> None:
        raise RuntimeError("receiver bug")

    def on_any(sender: Any, event: TaskerEvent, **kwargs: Any) -> None:
        seen.append(f"any:{event.name}")

    def on_completed(sender: Any, event: TaskerEvent, **kwargs: Any) -> None:
        seen.append(f"completed:{event.step_name}")

    signals.tasker_event.connect(broken, dispatch_uid="t.broken")
    signals.tasker_event.connect(on_any, dispatch_uid="t.any")
    signals.step_execution_completed.connect(on_completed, dispatch_uid="t.completed")
    signals.step_execution_completed.connect(on_completed, dispatch_uid="t.completed")
    try:
        signals.DjangoSignalSink().publish(event())
        signals.DjangoSignalSink().publish(event("order.validated"))
    finally:
        signals.tasker_event.disconnect(dispatch_uid="t.broken")
        signals.tasker_event.disconnect(dispatch_uid="t.any")
        signals.step_execution_completed.disconnect(dispatch_uid="t.completed")
    assert seen == ["any:step.execution.completed", "completed:record", "any:order.validated"]
    assert "receiver bug" in caplog.text
    assert "tasker_event" in caplog.text


def test_the_packages_own_receiver_survives_garbage_collection(fresh_tasker: None) -> None:
    from django.core.signals import setting_changed

    gc.collect()
    keys = [receiver[0][0] for receiver in setting_changed.receivers]  # (lookup_key, ...)
    assert "tasker_contrib_django.conf.on_setting_changed" in keys
    with override_settings(TASKER={"shutdown_timeout_seconds": 9}):
        assert conf.tasker_settings().shutdown_timeout_seconds == 9
