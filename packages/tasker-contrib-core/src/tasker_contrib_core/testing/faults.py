"""Turn a test's ``fail=`` argument into the local engine's fault plan.

Tests say which attempts of which steps should fail in the shortest form
that reads well: ``fail={"charge_payment": [1, 2]}``. This module only maps
that spelling (and a few richer ones) onto
:class:`~tasker_contrib_core.engine.faults.Fault`; what a fault does is the
engine's business.

Accepted values per step (the key is a step name or an fnmatch pattern):

* ``[1, 2]`` / ``{1, 2}`` / ``3``: fail those attempts (1-based) with a
  retryable ``retryable_error``;
* ``"*"``, ``True`` or ``None``: fail every attempt;
* ``"1,2"`` / ``"1-3"``: attempt lists as on the command line;
* ``"permanent_error"`` (any non-numeric string): every attempt, that error type;
* a mapping with any of ``attempts``, ``error_type``, ``message``,
  ``retryable``, ``error_code``;
* a ready :class:`Fault` (its own ``step`` is kept).

A sequence of ``Fault`` objects or ``"STEP:ATTEMPTS:ERROR_TYPE"`` strings is
passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tasker_contrib_core.engine.faults import Fault, FaultPlan, parse_attempts

FailArg = Mapping[str, Any] | Iterable[Fault | str] | FaultPlan | None

_FAULT_KEYS = frozenset({"attempts", "error_type", "message", "retryable", "error_code"})


def _attempts(step: str, value: Any) -> frozenset[int] | None:
    if value is None or value is True or value == "*":
        return None
    if isinstance(value, bool):
        raise ValueError(f"fail[{step!r}] = False makes no fault; leave the step out instead")
    if isinstance(value, int):
        return frozenset({value})
    if isinstance(value, str):
        return parse_attempts(value)
    if isinstance(value, Iterable):
        numbers = list(value)
        if not all(isinstance(number, int) and not isinstance(number, bool) for number in numbers):
            raise ValueError(f"fail[{step!r}]: attempt numbers must be integers, got {numbers!r}")
        return frozenset(numbers)
    raise ValueError(
        f"fail[{step!r}] = {value!r} is not an attempt list; use e.g. [1, 2], 1, '*' or "
        "{'attempts': [1], 'error_type': 'permanent_error'}"
    )


def _is_attempt_text(value: str) -> bool:
    return (
        value.strip() in ("*", "all", "")
        or value.replace(",", "").replace("-", "").replace(" ", "").isdigit()
    )


def fault_for(step: str, value: Any) -> Fault:
    """The fault for one ``fail=`` entry."""
    if isinstance(value, Fault):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - _FAULT_KEYS)
        if unknown:
            raise ValueError(
                f"fail[{step!r}] has unknown key(s) {unknown}; use {sorted(_FAULT_KEYS)}"
            )
        return Fault(
            step=step,
            attempts=_attempts(step, value.get("attempts")),
            error_type=str(value.get("error_type") or "retryable_error"),
            message=value.get("message"),
            retryable=value.get("retryable"),
            error_code=value.get("error_code"),
        )
    if isinstance(value, str) and not _is_attempt_text(value):
        return Fault(step=step, attempts=None, error_type=value)
    return Fault(step=step, attempts=_attempts(step, value))


def fault_plan_for(fail: FailArg) -> FaultPlan:
    """A fault plan from any accepted ``fail=`` spelling (``None`` means no faults)."""
    if fail is None:
        return FaultPlan()
    if isinstance(fail, FaultPlan):
        return fail
    if isinstance(fail, Mapping):
        return FaultPlan(tuple(fault_for(step, value) for step, value in fail.items()))
    return FaultPlan.of(fail)


__all__ = ["FailArg", "fault_for", "fault_plan_for"]
