"""The plain predicates agree with the assertions, on results and on step runs."""

from __future__ import annotations

import pytest
from tasker_contrib_core.testing import (
    is_batches,
    is_decision,
    is_failure,
    is_no_batches,
    is_no_branches,
    is_permanent_failure,
    is_retryable_failure,
    is_success,
)
from tasker_contrib_core.testing.predicates import batches_of, decision_of
from tasker_core import StepHandlerResult

OK = StepHandlerResult.success({"a": 1})
RETRYABLE = StepHandlerResult.failure("timeout", error_type="retryable_error", retryable=True)
PERMANENT = StepHandlerResult.failure("declined", error_type="permanent_error", retryable=False)
DECISION = StepHandlerResult.success(
    {"decision_point_outcome": {"type": "create_steps", "step_names": ["a", "b"]}}
)
NO_BRANCHES = StepHandlerResult.success({"decision_point_outcome": {"type": "no_branches"}})
BATCHES = StepHandlerResult.success(
    {
        "batch_processing_outcome": {
            "type": "create_batches",
            "worker_template_name": "w",
            "cursor_configs": [
                {"batch_id": "001", "start_cursor": 0, "end_cursor": 1, "batch_size": 1}
            ],
            "total_items": 1,
        }
    }
)
NO_BATCHES = StepHandlerResult.success({"batch_processing_outcome": {"type": "no_batches"}})


def test_success_and_failure() -> None:
    assert is_success(OK)
    assert not is_failure(OK)
    assert is_failure(RETRYABLE)
    assert not is_success(RETRYABLE)
    assert is_retryable_failure(RETRYABLE)
    assert not is_permanent_failure(RETRYABLE)
    assert is_permanent_failure(PERMANENT)
    assert not is_retryable_failure(PERMANENT)
    assert not is_retryable_failure(OK)
    assert not is_permanent_failure(OK)


def test_decisions() -> None:
    assert is_decision(DECISION)
    assert is_decision(DECISION, steps=["b", "a"])
    assert not is_decision(DECISION, steps=["a"])
    assert not is_decision(NO_BRANCHES)
    assert is_no_branches(NO_BRANCHES)
    assert not is_no_branches(DECISION)
    assert not is_decision(OK)
    assert not is_no_branches(OK)
    assert not is_decision(PERMANENT)
    outcome = decision_of(DECISION)
    assert outcome is not None
    assert outcome.step_names == ("a", "b")


def test_batches() -> None:
    assert is_batches(BATCHES)
    assert is_batches(BATCHES, count=1)
    assert not is_batches(BATCHES, count=2)
    assert not is_batches(NO_BATCHES)
    assert is_no_batches(NO_BATCHES)
    assert not is_no_batches(BATCHES)
    assert not is_no_batches(OK)
    assert not is_batches(PERMANENT)
    assert batches_of(OK) is None


def test_non_results_are_a_usage_error() -> None:
    with pytest.raises(TypeError, match="got NoneType"):
        is_success(None)
