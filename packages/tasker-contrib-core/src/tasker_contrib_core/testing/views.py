"""One read-only view over the two things a test asserts on.

A unit test holds a handler's ``StepHandlerResult``; a workflow test holds a
``StepRun`` from the local engine (``run.step("charge_payment")``). The
predicates and assertions accept either, so this module reduces both to the
same fields and remembers where they came from for the failure message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tasker_contrib_core.states import StepState


@dataclass(frozen=True)
class ResultView:
    """What a predicate or an assertion needs to know about one step outcome."""

    label: str
    succeeded: bool
    failed: bool
    result: Any = None
    error_message: str | None = None
    error_type: str | None = None
    error_code: str | None = None
    retryable: bool | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    status: str | None = None
    attempts: int | None = None


def error_type_text(value: Any) -> str | None:
    """``ErrorType.PERMANENT_ERROR`` and ``"permanent_error"`` both become the string."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def view_of(outcome: Any) -> ResultView:
    """Read a ``StepHandlerResult`` or a ``StepRun``; anything else is a usage error."""
    if hasattr(outcome, "is_success") and hasattr(outcome, "error_message"):
        succeeded = bool(outcome.is_success)
        return ResultView(
            label="step result",
            succeeded=succeeded,
            failed=not succeeded,
            result=outcome.result,
            error_message=outcome.error_message,
            error_type=error_type_text(outcome.error_type),
            error_code=outcome.error_code,
            retryable=bool(outcome.retryable),
            metadata=dict(outcome.metadata or {}),
        )
    if hasattr(outcome, "status") and hasattr(outcome, "history"):
        error = outcome.error
        status = str(outcome.status)
        return ResultView(
            label=f"step '{outcome.name}'",
            succeeded=status == StepState.COMPLETE,
            failed=status == StepState.ERROR,
            result=outcome.result,
            error_message=error.message if error is not None else None,
            error_type=error.error_type if error is not None else None,
            error_code=error.error_code if error is not None else None,
            retryable=error.retryable if error is not None else None,
            metadata=dict(error.metadata) if error is not None else {},
            status=status,
            attempts=outcome.attempts,
        )
    raise TypeError(
        f"expected a StepHandlerResult (from call_handler) or a StepRun (from "
        f"run.step(name)), got {type(outcome).__name__}: {outcome!r}"
    )


__all__ = ["ResultView", "error_type_text", "view_of"]
