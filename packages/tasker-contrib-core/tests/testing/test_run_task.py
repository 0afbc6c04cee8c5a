"""``run_task``: fake clock, fault spellings, fail-fast tracebacks, the run time limit."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, Fault, RealClock
from tasker_contrib_core.errors import EngineRunError
from tasker_contrib_core.testing import EventRecorder, TaskRunTimeoutError, run_task
from tasker_contrib_core.testing.faults import fault_for, fault_plan_for
from tasker_core import StepContext, StepHandler, StepHandlerResult

TEMPLATE = """
name: checkout
namespace_name: shop
version: "1.0.0"
steps:
  - name: reserve
    handler: {callable: ok}
  - name: charge
    handler: {callable: ok}
    dependencies: [reserve]
    retry: {retryable: true, max_attempts: 4, backoff: exponential, backoff_base_ms: 1000,
            max_backoff_ms: 60000}
  - name: receipt
    handler: {callable: ok}
    dependencies: [charge]
"""

RELEASE = threading.Event()


class Ok(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"step": context.task_sequence_step.workflow_step.name})


class Explodes(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        raise KeyError("missing_field")


class Blocks(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        RELEASE.wait(10)
        return self.success({})


class HeldClock(RealClock):
    """Real time, except that retry waits block until the test releases them."""

    def sleep(self, seconds: float) -> None:
        RELEASE.wait(10)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.yaml"
    path.write_text(TEMPLATE)
    return path


@pytest.fixture(autouse=True)
def _release_blocked_handlers() -> Any:
    RELEASE.clear()
    yield
    RELEASE.set()


def run(template: Path, **options: Any) -> Any:
    handlers = {"ok": Ok, **options.pop("handlers", {})}
    return run_task(template, {"order": 1}, handlers=handlers, **options)


def test_a_clean_run_and_the_run_helpers(template: Path) -> None:
    recorder = EventRecorder()
    result = run(template, listeners=[recorder])
    assert result.ok
    assert result.status == "complete"
    assert list(result.steps) == ["reserve", "charge", "receipt"]
    assert result.step("charge").result == {"step": "charge"}
    assert result.result("receipt") == {"step": "receipt"}
    assert result.attempts("charge") == 1
    assert result.failed_steps == []
    assert result.not_created == []
    assert result.warnings == []
    assert result.event_names("task.*") == ["task.execution.started", "task.execution.completed"]
    assert result.event_names(step="charge") == [
        "step.execution.started",
        "step.execution.completed",
    ]
    assert result.event_names(kind="domain") == []
    assert recorder.names() == [event.name for event in result.events]
    assert repr(result) == "TaskRun(shop/checkout: complete, 3 steps)"
    assert result.to_dict()["status"] == "complete"
    assert result.summary().splitlines()[0] == "task 'shop/checkout' ended 'complete'"
    assert isinstance(result.task_uuid, str)


def test_retries_cost_no_real_time_on_the_default_fake_clock(template: Path) -> None:
    result = run(template, fail={"charge": [1, 2, 3]})
    assert result.ok
    assert result.attempts("charge") == 4
    assert isinstance(result.clock, FakeClock)
    assert result.clock.sleeps == [1.0, 2.0, 4.0]
    assert result.virtual_seconds == 7.0


@pytest.mark.parametrize(
    ("spec", "attempts", "status"),
    [
        ([1, 2], 3, "complete"),
        ({1}, 2, "complete"),
        (1, 2, "complete"),
        ("1-3", 4, "complete"),
        ("1,2", 3, "complete"),
        ("*", 4, "error"),
        (True, 4, "error"),
        (None, 4, "error"),
        ("permanent_error", 1, "error"),
        ({"attempts": [1], "error_type": "validation_error"}, 1, "error"),
        ({"attempts": [1], "error_type": "timeout", "retryable": True}, 2, "complete"),
        (Fault(step="charge", attempts=frozenset({1})), 2, "complete"),
    ],
)
def test_fail_spellings(template: Path, spec: Any, attempts: int, status: str) -> None:
    result = run(template, fail={"charge": spec})
    assert (result.attempts("charge"), result.status) == (attempts, status)


def test_richer_faults_keep_their_details(template: Path) -> None:
    result = run(
        template,
        fail={
            "char*": {"error_type": "permanent_error", "message": "declined", "error_code": "D1"}
        },
    )
    error = result.step("charge").error
    assert error is not None
    assert (error.error_type, error.message, error.error_code, error.retryable) == (
        "permanent_error",
        "declined",
        "D1",
        False,
    )
    assert result.not_created == []
    assert result.step("receipt").status == "pending"


def test_engine_fault_strings_pass_through(template: Path) -> None:
    result = run(template, fail=["charge:1:retryable_error"])
    assert result.attempts("charge") == 2


def test_bad_fail_specs_are_explained() -> None:
    with pytest.raises(ValueError, match="unknown key"):
        fault_for("x", {"attempt": [1]})
    with pytest.raises(ValueError, match="False makes no fault"):
        fault_for("x", False)
    with pytest.raises(ValueError, match="must be integers"):
        fault_for("x", [1, "2"])
    with pytest.raises(ValueError, match="is not an attempt list"):
        fault_for("x", 1.5)
    assert not fault_plan_for(None)


def test_context_from_a_json_file(template: Path, tmp_path: Path) -> None:
    context = tmp_path / "order.json"
    context.write_text(json.dumps({"order": 7}))
    result = run_task(template, context, handlers={"ok": Ok})
    assert result.raw.context == {"order": 7}
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(EngineRunError, match="holds list; a task context is a JSON object"):
        run_task(template, tmp_path / "list.json", handlers={"ok": Ok})
    with pytest.raises(EngineRunError, match="could not be read as JSON"):
        run_task(template, tmp_path / "missing.json", handlers={"ok": Ok})


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_fail_fast_surfaces_the_handler_exception_and_its_traceback(
    template: Path, timeout: float | None
) -> None:
    with pytest.raises(KeyError, match="missing_field") as excinfo:
        run(template, handlers={"charge": Explodes}, fail_fast=True, timeout=timeout)
    frames = [entry.name for entry in excinfo.traceback]
    assert "call" in frames
    assert excinfo.traceback[-1].name == "call"


def test_without_fail_fast_an_exception_is_a_recorded_failure(template: Path) -> None:
    result = run(template, handlers={"charge": Explodes})
    error = result.step("charge").error
    assert error is not None
    assert error.error_type == "KeyError"
    assert result.attempts("charge") == 4


def test_a_stuck_step_fails_the_run_with_its_name(template: Path) -> None:
    with pytest.raises(TaskRunTimeoutError) as excinfo:
        run(template, handlers={"charge": Blocks}, timeout=0.2)
    error = excinfo.value
    assert error.running
    assert error.running[0].startswith("charge (attempt 1, for ")
    assert error.waiting == []
    lines = str(error).splitlines()
    assert lines[0] == "task 'shop/checkout' did not finish within 0.2s"
    assert lines[1].startswith("  still running: charge (attempt 1, for 0.")
    assert "tasker_run_timeout" in lines[2]


def test_a_step_waiting_to_retry_is_named_too(template: Path) -> None:
    with pytest.raises(TaskRunTimeoutError) as excinfo:
        run(template, fail={"charge": [1]}, clock=HeldClock(), timeout=0.2)
    assert excinfo.value.running == []
    assert excinfo.value.waiting == ["charge (retry in 1000 ms)"]
    assert "  waiting to retry: charge (retry in 1000 ms)" in str(excinfo.value)


def test_timeout_must_be_positive(template: Path) -> None:
    with pytest.raises(ValueError, match="timeout must be positive"):
        run(template, timeout=0)
