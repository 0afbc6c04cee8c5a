"""Retries, backoff on the fake clock, permanent errors, exceptions and timeouts."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, backoff_delay_ms, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import PermanentError, StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import step_handler

Parse = Callable[[str], TaskTemplate]
CALLS: list[str] = []


class Flaky(StepHandler):
    """Fails (retryably) until its attempt number reaches ``succeed_on``."""

    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append(context.task_sequence_step.workflow_step.name)
        if context.retry_count + 1 < context.get_config("succeed_on"):
            return self.failure("not yet", error_type="retryable_error", retryable=True)
        return self.success({"attempt": context.retry_count + 1, "last": context.is_last_retry()})


class Permanent(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append("permanent")
        return self.failure("card declined", error_type="permanent_error", retryable=False)


class Raises(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append("raises")
        raise ValueError("boom")


class RaisesPermanent(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append("raises_permanent")
        raise PermanentError("no such account")


@step_handler("decorated_permanent")
def decorated_permanent() -> dict[str, Any]:
    CALLS.append("decorated_permanent")
    raise PermanentError("no such account")


class Ok(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        CALLS.append(context.task_sequence_step.workflow_step.name)
        return self.success({})


class Slow(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        time.sleep(0.5)
        return self.success({"slow": True})


HANDLERS: dict[str, Any] = {
    "flaky": Flaky,
    "permanent": Permanent,
    "raises": Raises,
    "raises_permanent": RaisesPermanent,
    "decorated_permanent": decorated_permanent,
    "ok": Ok,
    "slow": Slow,
}


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()


def flaky_template(template: Parse, backoff: str, *, max_backoff_ms: int = 30000) -> TaskTemplate:
    return template(
        f"""
        steps:
          - name: flaky
            handler: {{callable: flaky, initialization: {{succeed_on: 4}}}}
            retry:
              max_attempts: 4
              backoff: {backoff}
              backoff_base_ms: 1000
              max_backoff_ms: {max_backoff_ms}
          - name: after
            handler: {{callable: ok}}
            dependencies: [flaky]
        """
    )


@pytest.mark.parametrize(
    ("backoff", "max_backoff_ms", "sleeps"),
    [
        ("none", 30000, []),
        ("linear", 30000, [1.0, 2.0, 3.0]),
        ("exponential", 30000, [1.0, 2.0, 4.0]),
        ("fibonacci", 30000, [1.0, 1.0, 2.0]),
        ("exponential", 3000, [1.0, 2.0, 3.0]),
    ],
)
def test_retry_waits_follow_the_declared_backoff_on_virtual_time(
    template: Parse, backoff: str, max_backoff_ms: int, sleeps: list[float]
) -> None:
    clock = FakeClock()
    run = run_template(
        flaky_template(template, backoff, max_backoff_ms=max_backoff_ms),
        {},
        handlers=HANDLERS,
        clock=clock,
    )
    assert run.status == "complete"
    assert run.attempts("flaky") == 4
    assert run.result("flaky") == {"attempt": 4, "last": True}
    assert clock.sleeps == sleeps
    assert clock.elapsed == sum(sleeps)
    assert run.virtual_seconds == sum(sleeps)
    outcomes = [attempt.outcome for attempt in run.step("flaky").history]
    assert outcomes == ["failure", "failure", "failure", "success"]
    delays = sleeps or [0.0, 0.0, 0.0]
    failed = [e for e in run.events if e.name == "step.execution.failed"]
    assert [e.payload["retry_in_ms"] for e in failed] == [int(d * 1000) for d in delays]
    # each retry starts exactly when its backoff says, in virtual time
    started = [e.timestamp for e in run.events if e.name == "step.execution.started"]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(started[:4])]
    assert gaps == delays


def test_backoff_formulas() -> None:
    assert [backoff_delay_ms("none", n, 500, 10_000) for n in (1, 2, 3)] == [0, 0, 0]
    assert [backoff_delay_ms("linear", n, 500, 10_000) for n in (1, 2, 3)] == [500, 1000, 1500]
    assert [backoff_delay_ms("exponential", n, 500, 10_000) for n in (1, 2, 3, 6)] == [
        500,
        1000,
        2000,
        10_000,
    ]
    assert [backoff_delay_ms("fibonacci", n, 500, 10_000) for n in range(1, 8)] == [
        500,
        500,
        1000,
        1500,
        2500,
        4000,
        6500,
    ]
    assert backoff_delay_ms("exponential", 100, 1000, 3_600_000) == 3_600_000
    with pytest.raises(ValueError, match="unknown backoff"):
        backoff_delay_ms("cubic", 1, 1, 1)
    with pytest.raises(ValueError, match="starts at 1"):
        backoff_delay_ms("linear", 0, 1, 1)


def test_exhausted_retries_fail_the_step_and_the_task(template: Parse) -> None:
    clock = FakeClock()
    tpl = template(
        """
        steps:
          - name: flaky
            handler: {callable: flaky, initialization: {succeed_on: 9}}
            retry: {max_attempts: 3, backoff: exponential, backoff_base_ms: 1000}
          - name: after
            handler: {callable: ok}
            dependencies: [flaky]
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=clock)
    assert run.status == "error"
    assert not run.ok
    assert run.failed_steps == ["flaky"]
    assert run.attempts("flaky") == 3
    assert run.step("after").status == "pending"
    assert run.step("after").attempts == 0
    assert clock.sleeps == [1.0, 2.0]
    assert run.events[-1].name == "task.execution.failed"
    error = run.step("flaky").error
    assert error is not None
    assert (error.error_type, error.message, error.retryable) == (
        "retryable_error",
        "not yet",
        True,
    )


def test_permanent_failure_is_not_retried_and_nothing_else_starts(template: Parse) -> None:
    clock = FakeClock()
    tpl = template(
        """
        steps:
          - name: charge
            handler: {callable: permanent}
          - name: ship
            handler: {callable: ok}
            dependencies: [charge]
          - name: unrelated
            handler: {callable: ok}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=clock)
    assert run.status == "error"
    assert run.attempts("charge") == 1
    assert CALLS == ["permanent"]
    assert run.step("ship").status == "pending"
    # the orchestrator stops enqueueing once a step is permanently blocked
    assert run.step("unrelated").status == "pending"
    assert clock.sleeps == []


def test_template_level_retryable_false_disables_retries(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: flaky
            handler: {callable: flaky, initialization: {succeed_on: 2}}
            retry: {retryable: false, max_attempts: 5}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.status == "error"
    assert run.attempts("flaky") == 1


def test_exceptions_are_classified_like_the_worker(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: raises
            handler: {callable: raises}
            retry: {max_attempts: 2, backoff: none}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.attempts("raises") == 2
    error = run.step("raises").error
    assert error is not None
    assert error.error_type == "ValueError"
    assert error.message == "boom"
    assert error.retryable is True
    assert "ValueError: boom" in error.metadata["traceback"]


def test_permanent_error_raised_from_a_class_handler_is_retried_like_the_worker(
    template: Parse,
) -> None:
    tpl = template(
        """
        steps:
          - name: class_style
            handler: {callable: raises_permanent}
            retry: {max_attempts: 3, backoff: none}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.attempts("class_style") == 3
    error = run.step("class_style").error
    assert error is not None
    assert (error.error_type, error.retryable) == ("PermanentError", True)
    assert any("raised PermanentError out of call()" in w for w in run.warnings)


def test_permanent_error_raised_from_a_decorated_handler_is_not_retried(
    template: Parse,
) -> None:
    tpl = template(
        """
        steps:
          - name: decorated
            handler: {callable: decorated_permanent}
            retry: {max_attempts: 3, backoff: none}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.attempts("decorated") == 1
    error = run.step("decorated").error
    assert error is not None
    assert (error.error_type, error.retryable) == ("permanent_error", False)


def test_timeout_fails_the_attempt_and_retries_per_policy(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: slow
            handler: {callable: slow}
            retry: {max_attempts: 2, backoff: none}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock(), step_timeout_default=0.05)
    assert run.status == "error"
    assert run.attempts("slow") == 2
    error = run.step("slow").error
    assert error is not None
    assert error.error_type == "timeout"
    assert error.retryable is True
    assert "could not be stopped" in error.message


def test_timeout_seconds_from_the_template_is_used(template: Parse) -> None:
    from tasker_contrib_core.engine import LocalEngine

    tpl = template(
        """
        steps:
          - name: a
            handler: {callable: ok}
            timeout_seconds: 7
          - name: b
            handler: {callable: ok}
        """
    )
    engine = LocalEngine(handlers=HANDLERS, step_timeout_default=2.5)
    plan = engine.compile(tpl)
    assert plan.step("a").timeout == 7.0
    assert plan.step("b").timeout == 2.5
    assert LocalEngine(handlers=HANDLERS).compile(tpl).step("b").timeout is None
