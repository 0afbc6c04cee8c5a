"""Lifecycle and domain events: order, conditions, payloads, listener isolation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tasker_contrib_core.engine import FakeClock, TaskerEvent, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]


class Ok(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"order_id": "A-1", "total": 12.5})


class FailsFirst(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        if not context.is_retry():
            return self.failure("gateway timeout", error_type="timeout", retryable=True)
        return self.success({"order_id": "A-1", "total": 12.5})


class AlwaysPermanent(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.failure("declined", error_type="permanent_error", retryable=False)


HANDLERS: dict[str, Any] = {"ok": Ok, "fails_first": FailsFirst, "permanent": AlwaysPermanent}

EVENTS_BLOCK = """
    publishes_events:
      - name: order.charged
        condition: success
        delivery_mode: fast
        schema: {type: object, required: [order_id]}
      - name: order.charge_failed
        condition: failure
      - name: order.charge_retrying
        condition: retryable_failure
      - name: order.charge_abandoned
        condition: permanent_failure
      - name: order.charge_attempted
        condition: always
        delivery_mode: broadcast
"""


def charge_template(template: Parse, handler: str) -> TaskTemplate:
    steps = (
        "steps:\n"
        "  - name: charge\n"
        f"    handler: {{callable: {handler}}}\n"
        "    retry: {max_attempts: 2, backoff: none}\n"
    )
    return template(steps + EVENTS_BLOCK.strip("\n") + "\n")


def test_lifecycle_events_come_in_order(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: a
            handler: {callable: ok}
          - name: b
            handler: {callable: ok}
            dependencies: [a]
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert [(e.name, e.step_name) for e in run.events] == [
        ("task.execution.started", None),
        ("step.execution.started", "a"),
        ("step.execution.completed", "a"),
        ("step.execution.started", "b"),
        ("step.execution.completed", "b"),
        ("task.execution.completed", None),
    ]
    assert all(e.kind == "lifecycle" for e in run.events)
    assert all(e.task_uuid == run.task_uuid and e.namespace == "tests" for e in run.events)
    assert len({e.id for e in run.events}) == len(run.events)
    assert [e.name for e in run.step("a").events] == [
        "step.execution.started",
        "step.execution.completed",
    ]
    assert run.events[2].payload["result"] == {"order_id": "A-1", "total": 12.5}


def test_domain_event_conditions_on_retry_then_success(template: Parse) -> None:
    run = run_template(
        charge_template(template, "fails_first"), {}, handlers=HANDLERS, clock=FakeClock()
    )
    assert run.ok
    assert run.event_names("domain") == [
        "order.charge_failed",
        "order.charge_retrying",
        "order.charge_attempted",
        "order.charged",
        "order.charge_attempted",
    ]
    assert [e.metadata["attempt"] for e in run.events if e.kind == "domain"] == [1, 1, 1, 2, 2]


def test_domain_event_conditions_on_permanent_failure(template: Parse) -> None:
    run = run_template(
        charge_template(template, "permanent"), {}, handlers=HANDLERS, clock=FakeClock()
    )
    assert run.status == "error"
    assert run.event_names("domain") == [
        "order.charge_failed",
        "order.charge_abandoned",
        "order.charge_attempted",
    ]
    assert run.events[-1].name == "task.execution.failed"


def test_domain_event_payload_has_the_real_shape(template: Parse) -> None:
    run = run_template(
        charge_template(template, "ok"), {"cart": 3}, handlers=HANDLERS, clock=FakeClock()
    )
    charged = next(e for e in run.events if e.name == "order.charged")
    assert charged.kind == "domain"
    assert charged.step_name == "charge"
    assert charged.step_uuid == run.step("charge").step_uuid
    assert set(charged.payload) == {"task_sequence_step", "execution_result", "payload"}
    assert charged.payload["payload"] == {"order_id": "A-1", "total": 12.5}
    assert charged.payload["execution_result"]["success"] is True
    tss = charged.payload["task_sequence_step"]
    assert tss["task"]["task"]["context"] == {"cart": 3}
    assert tss["workflow_step"]["name"] == "charge"
    assert charged.metadata["delivery_mode"] == "fast"
    assert charged.metadata["correlation_id"] == run.correlation_id
    attempted = next(e for e in run.events if e.name == "order.charge_attempted")
    assert attempted.metadata["delivery_mode"] == "broadcast"
    assert charged.framework_name == "tasker.order_charged"
    json.dumps(charged.to_dict())


def test_events_whose_payload_breaks_the_schema_are_skipped_with_a_warning(
    template: Parse,
) -> None:
    class NoOrderId(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({"total": 1})

    run = run_template(
        charge_template(template, "no_order_id"),
        {},
        handlers={"no_order_id": NoOrderId},
        clock=FakeClock(),
    )
    assert run.event_names("domain") == ["order.charge_attempted"]
    assert any("order.charged" in w and "'order_id' is a required" in w for w in run.warnings)


def test_a_failing_listener_never_breaks_the_run(template: Parse) -> None:
    received: list[TaskerEvent] = []

    def broken(event: TaskerEvent) -> None:
        raise RuntimeError("sink down")

    run = run_template(
        charge_template(template, "ok"),
        {},
        handlers=HANDLERS,
        clock=FakeClock(),
        listeners=[broken, received.append],
    )
    assert run.ok
    assert [e.name for e in received] == run.event_names()
    problems = [w for w in run.warnings if "sink down" in w]
    assert len(problems) == 1
    assert "broken" in problems[0]


def test_event_timestamps_use_the_engine_clock(template: Parse) -> None:
    clock = FakeClock()
    run = run_template(charge_template(template, "fails_first"), {}, handlers=HANDLERS, clock=clock)
    assert all(e.timestamp == clock.now() for e in run.events)
    assert run.started_at == run.finished_at == clock.now()


def _shape(event: TaskerEvent) -> tuple[Any, ...]:
    """What two runs of the same template share (ids, uuids and durations differ)."""
    return (
        event.name, event.kind, event.timestamp, event.namespace, event.step_name,
        sorted(event.payload), sorted(event.metadata), event.payload.get("attempt"),
        event.error_type, event.error_message, event.retryable,
    )  # fmt: skip


def test_events_recorded_without_listeners_match_the_ones_listeners_get(
    template: Parse,
) -> None:
    """Without listeners events are built when first read; they must be the same events."""
    tpl = charge_template(template, "fails_first")
    heard: list[TaskerEvent] = []
    with_listener = run_template(
        tpl, {}, handlers=HANDLERS, clock=FakeClock(), listeners=[heard.append]
    )
    quiet = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    # A step's events read first: the run's list still comes out whole and in order.
    step_events = quiet.step("charge").events
    assert [event.name for event in step_events] == [
        event.name for event in with_listener.step("charge").events
    ]
    assert [_shape(event) for event in quiet.events] == [_shape(e) for e in with_listener.events]
    assert heard == with_listener.events
    assert any(event.error_type == "timeout" for event in quiet.events)
    assert all(event.task_uuid == quiet.task_uuid for event in quiet.events)
    assert step_events == [event for event in quiet.events if event.step_name == "charge"]
    assert quiet.events is quiet.events  # built once
    ids = [event.id for event in quiet.events]
    assert len(set(ids)) == len(ids)
    assert json.loads(json.dumps(quiet.to_dict()))["events"][0]["name"] == "task.execution.started"
