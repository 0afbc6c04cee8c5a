"""Translation of the real worker's notifications into TaskerEvent (no engine started).

Uses the engine's own pydantic models (``tasker_core.types``), so a change in
their shape breaks here rather than in a sink.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.runtime.event_translation import StepMemo, WorkerEventTranslator

FIXTURE = Path(__file__).parents[1] / "engine" / "fixtures" / "worker_event.json"


@pytest.fixture(scope="module")
def types() -> Any:
    os.environ.setdefault("RUST_LOG", "error")
    from tasker_core import types as engine_types

    return engine_types


def test_received_then_completed_carry_step_name_and_namespace(types: Any) -> None:
    raw = json.loads(FIXTURE.read_text())
    ffi_event = types.FfiStepEvent.model_validate(raw)
    translator = WorkerEventTranslator(worker_id="python-worker-1")
    started = translator.step_received(ffi_event)
    assert started.name == "step.execution.started"
    assert started.kind == "lifecycle"
    assert started.step_name == "process_batch_002"
    assert started.namespace == "catalog"
    assert started.task_uuid == raw["task_uuid"]
    assert started.payload["attempt"] == 2  # attempts already made + 1
    assert started.metadata["worker_id"] == "python-worker-1"
    assert started.framework_name == "tasker.step_execution_started"

    result = types.StepExecutionResult.success_result(
        step_uuid=uuid.UUID(raw["step_uuid"]),
        task_uuid=uuid.UUID(raw["task_uuid"]),
        result={"rows": 50},
        execution_time_ms=12,
        worker_id="python-worker-1",
        correlation_id=uuid.UUID(raw["correlation_id"]),
        metadata={},
    )
    completed = translator.step_completed(result)
    assert completed.name == "step.execution.completed"
    assert completed.step_name == "process_batch_002"  # remembered from "received"
    assert completed.namespace == "catalog"
    assert completed.payload == {"attempt": 2, "duration_ms": 12, "result": {"rows": 50}}
    json.dumps(completed.to_dict())


def test_failure_without_a_matching_dispatch_still_translates(types: Any) -> None:
    result = types.StepExecutionResult.failure_result(
        step_uuid=uuid.uuid4(),
        task_uuid=uuid.uuid4(),
        error=types.StepError(error_type="retryable_error", message="later", retryable=True),
        execution_time_ms=3,
        worker_id="w",
        correlation_id=uuid.uuid4(),
        metadata={},
    )
    failed = WorkerEventTranslator().step_completed(result)
    assert failed.name == "step.execution.failed"
    assert failed.step_name is None
    assert failed.payload["error"]["message"] == "later"
    assert failed.payload["error"]["retryable"] is True


def test_domain_event_keeps_the_local_engines_payload_shape(types: Any) -> None:
    task, step, correlation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    event = types.InProcessDomainEvent.model_validate(
        {
            "event_id": str(uuid.uuid4()),
            "event_name": "payment.charged",
            "event_version": "1.0",
            "metadata": {
                "task_uuid": str(task),
                "step_uuid": str(step),
                "step_name": "charge_payment",
                "namespace": "ecommerce",
                "correlation_id": str(correlation),
                "fired_at": "2025-03-18T20:33:52.301122Z",
                "fired_by": "python-worker",
            },
            "payload": {
                "task_sequence_step": {"task": {}},
                "execution_result": {"success": True},
                "payload": {"amount": 10},
            },
        }
    )
    translated = WorkerEventTranslator().domain_event(event)
    assert translated.kind == "domain"
    assert translated.name == "payment.charged"
    assert translated.framework_name == "tasker.payment_charged"
    assert translated.task_uuid == str(task)
    assert translated.step_uuid == str(step)
    assert translated.step_name == "charge_payment"
    assert translated.namespace == "ecommerce"
    assert translated.payload["payload"] == {"amount": 10}
    assert set(translated.payload) >= {"task_sequence_step", "execution_result", "payload"}
    assert translated.timestamp.year == 2025
    assert translated.timestamp.tzinfo is not None
    assert translated.metadata["event_version"] == "1.0"
    assert translated.metadata["fired_by"] == "python-worker"


def test_checkpoint_event_and_plain_dict_inputs() -> None:
    translator = WorkerEventTranslator()
    translator.step_received(
        {
            "event_id": "e1",
            "task_uuid": "t1",
            "step_uuid": "s1",
            "task_sequence_step": {
                "task": {"namespace_name": "ns"},
                "workflow_step": {"name": "load", "attempts": 0},
            },
        }
    )
    checkpoint = translator.checkpoint_yielded({"step_uuid": "s1", "cursor": 100})
    assert checkpoint.name == "step.checkpoint_yield.sent"
    assert (checkpoint.task_uuid, checkpoint.step_name, checkpoint.namespace) == (
        "t1",
        "load",
        "ns",
    )
    assert checkpoint.payload["cursor"] == 100


def test_step_memo_is_bounded() -> None:
    memo = StepMemo(limit=3)
    for index in range(5):
        memo.remember(f"s{index}", "t", "n", "ns", 1)
    assert memo.recall("s0") is None
    assert memo.recall("s4") == ("t", "n", "ns", 1)


def test_an_event_that_cannot_be_translated_is_a_rate_limited_warning_naming_its_type(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import WorkerRuntime

    class ChangedShape:
        """What a future tasker-py might send: no attribute we know."""

    runtime = WorkerRuntime(TaskerSettings(runtime="worker", _environ={}), environ={})
    received: list[Any] = []
    runtime.subscribe(received.append)
    translator = WorkerEventTranslator()
    listeners = dict(runtime._bridge_listeners(translator))
    on_domain = runtime._domain_listener(translator)

    def broken(event: Any) -> Any:
        raise KeyError("task_uuid")

    monkeypatch.setattr(translator, "step_completed", broken)
    monkeypatch.setattr(translator, "domain_event", broken)
    with caplog.at_level(logging.WARNING, logger="tasker_contrib_core.runtime"):
        for _ in range(5):
            listeners["step.completion.sent"](ChangedShape())  # never raises into the engine
        on_domain({"event_name": "order.shipped"})
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # one per event type, not one per event
    assert "step.completion.sent" in warnings[0].getMessage()
    assert "KeyError" in warnings[0].getMessage()
    assert "'order.shipped'" in warnings[1].getMessage()
    assert received == []
    assert runtime._translation_failures.counts == {
        "step.completion.sent": 5,
        "domain event 'order.shipped'": 1,
    }


def test_translation_warnings_repeat_after_the_interval_with_the_count() -> None:
    import logging as stdlib_logging

    from tasker_contrib_core.runtime.event_translation import TranslationFailures

    records: list[str] = []

    class Collect(stdlib_logging.Handler):
        def emit(self, record: stdlib_logging.LogRecord) -> None:
            records.append(record.getMessage())

    log = stdlib_logging.getLogger("test.translation.failures")
    log.addHandler(Collect())
    log.propagate = False
    failures = TranslationFailures(log, interval=0.05)
    assert failures.record("step.completion.sent", ValueError("x")) is True
    assert failures.record("step.completion.sent", ValueError("x")) is False
    time.sleep(0.06)
    assert failures.record("step.completion.sent", ValueError("x")) is True
    assert len(records) == 2
    assert "3 such event(s) lost so far (2 since the last warning)" in records[1]
