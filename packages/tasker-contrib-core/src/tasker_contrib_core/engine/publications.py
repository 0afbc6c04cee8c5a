"""Decide which declared domain events a step attempt publishes, and with what payload.

After every attempt result the worker walks the step's ``publishes_events``,
keeps those whose ``condition`` matches, validates the business payload (the
step's ``result``) against the declared ``schema`` and skips the event with a
warning when it does not validate. The local engine does the same, with one
difference documented in ``docs/local-engine.md``: conditions are evaluated
as declared. ``retryable_failure`` fires for a failure that will be retried
and ``permanent_failure`` for one that will not, whereas the 0.1.8 worker's
generic publisher evaluates them without retry information and so never
publishes them.

All delivery modes reach local listeners (``metadata["delivery_mode"]`` says
which one was declared); with the real worker only ``fast`` and ``broadcast``
events reach Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tasker_contrib_core.templates.model import EventDeclaration, PublicationCondition

#: ``event_version`` the engine stamps on domain events.
EVENT_VERSION = "1.0"


def condition_matches(condition: PublicationCondition, succeeded: bool, will_retry: bool) -> bool:
    """Whether an event with ``condition`` fires for this attempt outcome."""
    if condition is PublicationCondition.ALWAYS:
        return True
    if condition is PublicationCondition.SUCCESS:
        return succeeded
    if succeeded:
        return False
    if condition is PublicationCondition.FAILURE:
        return True
    if condition is PublicationCondition.RETRYABLE_FAILURE:
        return will_retry
    return not will_retry  # PERMANENT_FAILURE


class PayloadValidators:
    """Compiled JSON Schema validators for event declarations, built on first use."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[int, Any] = {}

    def problem(self, declaration: EventDeclaration, payload: Any) -> str | None:
        """Why ``payload`` does not match the declared schema, or ``None`` when it does."""
        schema = declaration.schema_
        if not schema:
            return None
        key = id(declaration)
        validator = self._cache.get(key)
        if validator is None:
            import jsonschema  # imported on first declared schema: it is slow to import

            validator_class = jsonschema.validators.validator_for(schema)
            validator = validator_class(schema)
            self._cache[key] = validator
        errors = sorted(validator.iter_errors(payload), key=lambda error: list(error.path))
        if not errors:
            return None
        return "; ".join(
            f"{error.message} at /{'/'.join(str(part) for part in error.path)}"
            for error in errors[:3]
        )


def event_payload(
    task_sequence_step: Mapping[str, Any],
    execution_result: Mapping[str, Any],
    business_payload: Any,
) -> dict[str, Any]:
    """The payload shape of a real domain event: tss, execution result, business payload."""
    return {
        "task_sequence_step": task_sequence_step,
        "execution_result": execution_result,
        "payload": business_payload,
    }


__all__ = [
    "EVENT_VERSION",
    "PayloadValidators",
    "condition_matches",
    "event_payload",
]
