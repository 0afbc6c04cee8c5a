"""Plain yes/no questions about a step outcome, for code that is not a pytest test.

Health checks, smoke scripts and ``unittest`` suites want a boolean, not an
exception. Each predicate accepts a ``StepHandlerResult`` or a ``StepRun`` and
reads decision and batch outcomes with the engine's own parsers, so "is this a
decision" means exactly what the orchestrator would make of the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tasker_contrib_core.engine.outcomes import (
    BatchOutcome,
    DecisionOutcome,
    parse_batch_outcome,
    parse_decision_outcome,
)
from tasker_contrib_core.testing.views import view_of


def is_success(outcome: Any) -> bool:
    """The handler succeeded (or the step completed)."""
    return view_of(outcome).succeeded


def is_failure(outcome: Any) -> bool:
    """The handler failed (or the step ended in error)."""
    return view_of(outcome).failed


def is_retryable_failure(outcome: Any) -> bool:
    """A failure the engine would retry (if the step's retry policy allows)."""
    view = view_of(outcome)
    return view.failed and bool(view.retryable)


def is_permanent_failure(outcome: Any) -> bool:
    """A failure the engine will not retry."""
    view = view_of(outcome)
    return view.failed and view.retryable is False


def decision_of(outcome: Any) -> DecisionOutcome | None:
    """The decision outcome of a successful result, or ``None`` when it holds none."""
    view = view_of(outcome)
    if not view.succeeded:
        return None
    parsed = parse_decision_outcome(view.result)
    return None if isinstance(parsed, str) else parsed


def batches_of(outcome: Any) -> BatchOutcome | None:
    """The batch outcome of a successful result, or ``None`` when it holds none."""
    view = view_of(outcome)
    if not view.succeeded:
        return None
    parsed = parse_batch_outcome(view.result)
    return None if isinstance(parsed, str) else parsed


def is_decision(outcome: Any, steps: Iterable[str] | None = None) -> bool:
    """A ``create_steps`` decision (creating exactly ``steps``, in any order, if given)."""
    decision = decision_of(outcome)
    if decision is None or decision.kind != "create_steps":
        return False
    return steps is None or set(decision.step_names) == set(steps)


def is_no_branches(outcome: Any) -> bool:
    """A decision that creates no branch (``skip_branches``)."""
    decision = decision_of(outcome)
    return decision is not None and decision.kind == "no_branches"


def is_batches(outcome: Any, count: int | None = None) -> bool:
    """A ``create_batches`` outcome (with exactly ``count`` workers, if given)."""
    batches = batches_of(outcome)
    if batches is None or batches.is_no_batches:
        return False
    return count is None or len(batches.cursors) == count


def is_no_batches(outcome: Any) -> bool:
    """A batch analysis that found nothing to do (``no_batches``)."""
    batches = batches_of(outcome)
    return batches is not None and batches.is_no_batches


__all__ = [
    "batches_of",
    "decision_of",
    "is_batches",
    "is_decision",
    "is_failure",
    "is_no_batches",
    "is_no_branches",
    "is_permanent_failure",
    "is_retryable_failure",
    "is_success",
]
