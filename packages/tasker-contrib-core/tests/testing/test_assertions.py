"""Every assertion helper: it passes quietly when it should, and its failure says why."""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest
from tasker_contrib_core.testing import (
    assert_batches,
    assert_decision,
    assert_failure,
    assert_no_batches,
    assert_no_branches,
    assert_success,
    assert_task_completed,
    assert_task_failed,
    run_task,
)
from tasker_core import ErrorType, StepHandlerResult

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "handlers.py", line 12, in call\n'
    '    raise ValueError("bad sku")\n'
    "ValueError: bad sku\n"
)


def ok(result: dict[str, Any]) -> StepHandlerResult:
    return StepHandlerResult.success(result)


def failed(**kwargs: Any) -> StepHandlerResult:
    kwargs.setdefault("message", "card declined")
    return StepHandlerResult.failure(**kwargs)


def decision(*steps: str) -> StepHandlerResult:
    return ok({"decision_point_outcome": {"type": "create_steps", "step_names": list(steps)}})


NO_BRANCHES = ok({"decision_point_outcome": {"type": "no_branches"}, "reason": "nothing to do"})
NO_BATCHES = ok({"batch_processing_outcome": {"type": "no_batches"}})
TWO_BATCHES = ok(
    {
        "batch_processing_outcome": {
            "type": "create_batches",
            "worker_template_name": "send_batch",
            "worker_count": 2,
            "cursor_configs": [
                {"batch_id": "001", "start_cursor": 0, "end_cursor": 2, "batch_size": 2},
                {"batch_id": "002", "start_cursor": 2, "end_cursor": 3, "batch_size": 1},
            ],
            "total_items": 3,
        }
    }
)


def message_of(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return str(excinfo.value)


# -- assert_success ------------------------------------------------------------------


def test_assert_success_passes_and_returns_the_result() -> None:
    result = ok({"status": "processed", "order": {"id": "ORD-1", "lines": 2}, "at": "now"})
    data = assert_success(result, status="processed", order={"id": "ORD-1"}, at=ANY)
    assert data["order"]["lines"] == 2


def test_assert_success_on_a_failure_shows_the_error() -> None:
    result = failed(
        message="bad sku",
        error_type="ValueError",
        retryable=True,
        error_code="E42",
        metadata={"traceback": TRACEBACK, "sku": "X"},
    )
    with pytest.raises(AssertionError) as excinfo:
        assert_success(result)
    assert message_of(excinfo) == (
        "expected step result to succeed, but it failed\n"
        "  error_type: ValueError\n"
        "  error_code: E42\n"
        "  retryable:  True\n"
        "  message:    bad sku\n"
        "  metadata:   {'sku': 'X'}\n"
        "  traceback (captured from the handler):\n"
        "    Traceback (most recent call last):\n"
        '      File "handlers.py", line 12, in call\n'
        '        raise ValueError("bad sku")\n'
        "    ValueError: bad sku"
    )


def test_assert_success_reports_each_differing_key_with_its_path() -> None:
    result = ok({"status": "held", "order": {"id": "ORD-1"}, "total": 10})
    with pytest.raises(AssertionError) as excinfo:
        assert_success(result, status="processed", order={"id": "ORD-2"}, currency="EUR")
    assert message_of(excinfo) == (
        "step result succeeded, but its result does not match:\n"
        "  result['status']: expected 'processed', got 'held'\n"
        "  result['order']['id']: expected 'ORD-2', got 'ORD-1'\n"
        "  result['currency']: missing (expected 'EUR')\n"
        "actual:\n"
        "  result: {'status': 'held', 'order': {'id': 'ORD-1'}, 'total': 10}"
    )


def test_assert_success_expecting_an_object_where_the_result_has_a_scalar() -> None:
    with pytest.raises(AssertionError, match=r"result\['order'\]: expected \{'id': 1\}, got 7"):
        assert_success(ok({"order": 7}), order={"id": 1})


def test_long_results_are_wrapped_below_their_label() -> None:
    result = ok({f"key_{n}": "x" * 20 for n in range(6)})
    with pytest.raises(AssertionError) as excinfo:
        assert_success(result, key_0="y")
    lines = message_of(excinfo).splitlines()
    assert lines[2:4] == ["actual:", "  result:"]
    assert lines[4].startswith("    {'key_0': ")


def test_assert_success_rejects_things_that_are_not_results() -> None:
    with pytest.raises(TypeError, match=r"expected a StepHandlerResult .* got dict"):
        assert_success({"status": "ok"})


# -- assert_failure ------------------------------------------------------------------


def test_assert_failure_passes_on_matching_details() -> None:
    result = failed(error_type=ErrorType.PERMANENT_ERROR, retryable=False, error_code="declined")
    assert_failure(result)
    assert_failure(
        result,
        error_type=ErrorType.PERMANENT_ERROR,
        retryable=False,
        message_contains="declined",
        error_code="declined",
    )
    assert_failure(result, error_type="permanent_error")


def test_assert_failure_on_a_success_shows_the_result() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_failure(ok({"charged": 10}), error_type="permanent_error")
    assert message_of(excinfo) == (
        "expected step result to fail, but it succeeded\n  result: {'charged': 10}"
    )


def test_assert_failure_lists_every_mismatch_then_the_actual_failure() -> None:
    result = failed(message="gateway timeout", error_type="retryable_error", retryable=True)
    with pytest.raises(AssertionError) as excinfo:
        assert_failure(
            result,
            error_type="permanent_error",
            retryable=False,
            message_contains="declined",
            error_code="card_declined",
        )
    assert message_of(excinfo) == (
        "step result failed, but not as expected:\n"
        "  error_type: expected 'permanent_error', got 'retryable_error'\n"
        "  error_code: expected 'card_declined', got None\n"
        "  retryable:  expected False, got True\n"
        "  message:    expected to contain 'declined', got 'gateway timeout'\n"
        "actual:\n"
        "  error_type: retryable_error\n"
        "  retryable:  True\n"
        "  message:    gateway timeout"
    )


# -- decisions -----------------------------------------------------------------------


def test_assert_decision_passes_in_any_order_and_returns_the_steps() -> None:
    assert assert_decision(decision("b", "a"), steps=["a", "b"]) == ["b", "a"]
    assert assert_decision(decision("a")) == ["a"]


def test_assert_decision_names_missing_and_unexpected_steps() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_decision(decision("standard_shipping"), steps=["express_shipping"])
    assert message_of(excinfo) == (
        "expected step result to be a decision creating ['express_shipping'], but it creates "
        "['standard_shipping']\n"
        "  missing:    express_shipping\n"
        "  unexpected: standard_shipping\n"
        "actual:\n"
        "  result:\n"
        "    {'decision_point_outcome': {'type': 'create_steps',\n"
        "                                'step_names': ['standard_shipping']}}"
    )


def test_assert_decision_on_no_branches() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_decision(NO_BRANCHES, steps=["a"])
    assert message_of(excinfo).splitlines()[0] == (
        "expected step result to be a decision creating ['a'], but it creates no branches "
        "(no_branches)"
    )


def test_assert_decision_on_a_result_without_an_outcome_says_how_to_return_one() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_decision(ok({"speed": "express"}))
    assert message_of(excinfo).splitlines()[0] == (
        "expected step result to be a decision, but the decision step's result has no "
        "'decision_point_outcome'; return self.decision_success([...]) or "
        "self.skip_branches(reason) from a DecisionHandler"
    )


def test_assert_decision_on_a_failure() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_decision(failed(error_type="handler_error"), steps=["a"])
    assert message_of(excinfo).splitlines()[0] == (
        "expected step result to be a decision creating ['a'], but it failed"
    )


def test_assert_no_branches() -> None:
    assert_no_branches(NO_BRANCHES)
    with pytest.raises(AssertionError) as excinfo:
        assert_no_branches(decision("a"))
    assert message_of(excinfo).splitlines()[0] == (
        "expected step result to skip every branch, but it creates ['a']"
    )
    with pytest.raises(AssertionError, match="to skip every branch, but it failed"):
        assert_no_branches(failed())
    with pytest.raises(AssertionError, match="has no 'decision_point_outcome'"):
        assert_no_branches(ok({}))


# -- batches -------------------------------------------------------------------------


def test_assert_batches_passes() -> None:
    assert_batches(TWO_BATCHES)
    assert_batches(TWO_BATCHES, count=2, total_items=3, worker_template="send_batch")
    assert_batches(NO_BATCHES, count=0)
    assert_no_batches(NO_BATCHES)


def test_assert_batches_lists_every_mismatch_and_the_cursors() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_batches(TWO_BATCHES, count=3, total_items=5, worker_template="other")
    assert message_of(excinfo) == (
        "step result has a batch outcome, but not the expected one:\n"
        "  count:           expected 3, got 2\n"
        "  total_items:     expected 5, got 3\n"
        "  worker_template: expected 'other', got 'send_batch'\n"
        "batch outcome:\n"
        "  outcome: 2 batch(es)\n"
        "  cursors: 001 [0, 2), 002 [2, 3)"
    )


def test_assert_no_batches_on_real_batches() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_no_batches(TWO_BATCHES)
    assert message_of(excinfo).splitlines()[:2] == [
        "step result has a batch outcome, but not the expected one:",
        "  count: expected 0, got 2",
    ]


def test_assert_batches_expecting_batches_on_no_batches() -> None:
    with pytest.raises(AssertionError) as excinfo:
        assert_batches(NO_BATCHES, count=1)
    assert message_of(excinfo) == (
        "step result has a batch outcome, but not the expected one:\n"
        "  count: expected 1, got 0\n"
        "batch outcome:\n"
        "  outcome: no_batches"
    )


def test_assert_batches_without_an_outcome_or_on_a_failure() -> None:
    with pytest.raises(AssertionError, match="has no 'batch_processing_outcome'"):
        assert_batches(ok({"rows": 3}))
    with pytest.raises(AssertionError, match="expected step result to create batches, but it"):
        assert_batches(failed())


# -- step runs and task runs -----------------------------------------------------------

TEMPLATE = """
name: pay
namespace_name: tests
version: "1.0.0"
steps:
  - name: charge
    handler: {callable: charge}
    retry: {retryable: true, max_attempts: 2, backoff: none}
  - name: receipt
    handler: {callable: receipt}
    dependencies: [charge]
"""


class Charge:
    def call(self, context: Any) -> StepHandlerResult:
        return StepHandlerResult.success({"charged": context.get_input("amount")})


class Receipt:
    def call(self, context: Any) -> StepHandlerResult:
        return StepHandlerResult.success({"sent": True})


@pytest.fixture
def template_path(tmp_path: Any) -> Any:
    path = tmp_path / "pay.yaml"
    path.write_text(TEMPLATE)
    return path


def run(template_path: Any, **options: Any) -> Any:
    return run_task(
        template_path, {"amount": 5}, handlers={"charge": Charge, "receipt": Receipt}, **options
    )


def test_step_runs_are_accepted_and_labelled(template_path: Any) -> None:
    passed = run(template_path)
    assert_success(passed.step("charge"), charged=5)
    broken = run(template_path, fail={"charge": {"error_type": "permanent_error"}})
    assert_failure(broken.step("charge"), error_type="permanent_error", retryable=False)
    with pytest.raises(AssertionError) as excinfo:
        assert_success(broken.step("charge"))
    assert message_of(excinfo) == (
        "expected step 'charge' to succeed, but it failed\n"
        "  status:     error\n"
        "  attempts:   1\n"
        "  error_type: permanent_error\n"
        "  retryable:  False\n"
        "  message:    injected fault (permanent_error)\n"
        "  metadata:   {'injected_fault': True}"
    )
    with pytest.raises(AssertionError) as excinfo:
        assert_failure(broken.step("receipt"))
    assert message_of(excinfo) == (
        "expected step 'receipt' to fail, but it ended with status 'pending'\n"
        "  status:   pending\n"
        "  attempts: 0"
    )


def test_assert_task_completed(template_path: Any) -> None:
    assert_task_completed(run(template_path))
    broken = run(template_path, fail={"charge": "*"})
    with pytest.raises(AssertionError) as excinfo:
        assert_task_completed(broken)
    assert message_of(excinfo) == (
        "expected task 'pay' to complete, but it ended 'error'\n"
        "task 'tests/pay' ended 'error'\n"
        "  charge   error     2 attempts  retryable_error: injected fault (retryable_error)\n"
        "  receipt  pending   0 attempts\n"
        "step 'charge' failed:\n"
        "  status:     error\n"
        "  attempts:   2\n"
        "  error_type: retryable_error\n"
        "  retryable:  True\n"
        "  message:    injected fault (retryable_error)\n"
        "  metadata:   {'injected_fault': True}"
    )


def test_assert_task_failed(template_path: Any) -> None:
    broken = run(template_path, fail={"charge": "permanent_error"})
    assert_task_failed(broken)
    assert_task_failed(broken, step="charge", error_type="permanent_error")
    assert_task_failed(broken.raw, step="charge")
    with pytest.raises(AssertionError) as excinfo:
        assert_task_failed(broken, step="receipt")
    assert message_of(excinfo).splitlines()[0] == (
        "expected step 'receipt' of task 'pay' to fail, but the failed step(s) are: charge"
    )
    with pytest.raises(AssertionError) as excinfo:
        assert_task_failed(broken, error_type="timeout")
    assert message_of(excinfo).splitlines()[0] == (
        "expected task 'pay' to fail with error_type 'timeout', but got charge: permanent_error"
    )
    with pytest.raises(AssertionError) as excinfo:
        assert_task_failed(run(template_path))
    assert message_of(excinfo) == (
        "expected task 'pay' to fail, but it completed\n"
        "task 'tests/pay' ended 'complete'\n"
        "  charge   complete  1 attempt\n"
        "  receipt  complete  1 attempt"
    )
