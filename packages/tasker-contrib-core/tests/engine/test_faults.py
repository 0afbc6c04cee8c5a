"""Fault injection: failing chosen attempts without touching the handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, Fault, FaultPlan, parse_fault, run_template
from tasker_contrib_core.engine.faults import parse_attempts
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]
CALLS: list[tuple[str, int]] = []


class Counted(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append((context.task_sequence_step.workflow_step.name, context.retry_count + 1))
        return self.success({"ok": True})


HANDLERS: dict[str, Any] = {"counted": Counted}

TEMPLATE = """
steps:
  - name: charge
    handler: {callable: counted}
    retry: {max_attempts: 3, backoff: exponential, backoff_base_ms: 1000}
  - name: ship
    handler: {callable: counted}
    dependencies: [charge]
"""


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()


def test_parse_fault_specs() -> None:
    assert parse_fault("charge:1,2:retryable_error") == Fault(
        step="charge", attempts=frozenset({1, 2}), error_type="retryable_error"
    )
    assert parse_fault("charge") == Fault(step="charge")
    assert parse_fault("charge:*:permanent_error").attempts is None
    assert parse_fault("charge:2-4").attempts == frozenset({2, 3, 4})
    assert parse_fault("charge:1:permanent_error").is_retryable is False
    assert parse_fault("charge:1:timeout").is_retryable is True
    assert parse_attempts(" 3 ") == frozenset({3})
    for bad in ("", ":1", "a:b:c:d", "a:x", "a:3-1"):
        with pytest.raises(ValueError, match="bad"):
            parse_fault(bad)
    with pytest.raises(ValueError, match="start at 1"):
        Fault(step="a", attempts=frozenset({0}))


def test_injected_faults_replace_the_handler_on_chosen_attempts(template: Parse) -> None:
    clock = FakeClock()
    run = run_template(
        template(TEMPLATE),
        {},
        handlers=HANDLERS,
        clock=clock,
        faults=["charge:1,2:retryable_error"],
    )
    assert run.status == "complete"
    assert run.attempts("charge") == 3
    assert CALLS == [("charge", 3), ("ship", 1)]
    assert [a.outcome for a in run.step("charge").history] == [
        "injected_fault",
        "injected_fault",
        "success",
    ]
    first = run.step("charge").history[0].error
    assert first is not None
    assert first.metadata == {"injected_fault": True}
    assert clock.sleeps == [1.0, 2.0]


def test_a_permanent_fault_fails_the_task(template: Parse) -> None:
    fault = Fault(
        step="charge",
        attempts=frozenset({1}),
        error_type="validation_error",
        message="bad card",
        error_code="E42",
    )
    run = run_template(
        template(TEMPLATE), {}, handlers=HANDLERS, clock=FakeClock(), faults=FaultPlan.of([fault])
    )
    assert run.status == "error"
    error = run.step("charge").error
    assert error is not None
    assert (error.error_type, error.message, error.retryable, error.error_code) == (
        "validation_error",
        "bad card",
        False,
        "E42",
    )
    assert CALLS == []


def test_faults_match_patterns_and_batch_worker_templates() -> None:
    fault = Fault(step="process_batch")
    assert fault.matches("process_batch_002", "process_batch", 1)
    assert Fault(step="process_batch_00*").matches("process_batch_003", "process_batch", 5)
    assert not Fault(step="charge", attempts=frozenset({2})).matches("charge", "charge", 1)
    assert FaultPlan.of(None).find("x", "x", 1) is None
    assert not FaultPlan.of([])
