"""Fault injection: make a step fail on chosen attempts without touching its handler.

Retry policies, backoff and failure events are hard to exercise with real
handlers (they would need to fail on purpose, and then stop failing). A
:class:`Fault` replaces the handler call for the attempts it names with a
failure result of the given error type, exactly as if the handler had returned
``self.failure(...)``: the step's retry policy, the events and the run result
all see an ordinary failure. The handler is not called for those attempts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

#: Error types that are not worth retrying unless the fault says otherwise.
NON_RETRYABLE_ERROR_TYPES = frozenset({"permanent_error", "validation_error"})


@dataclass(frozen=True)
class Fault:
    """Fail ``step`` on ``attempts`` (1-based; ``None`` means every attempt).

    ``step`` is a step name or an fnmatch pattern (``process_batch_*``); batch
    worker instances also match their template's name. ``retryable`` defaults
    to ``False`` for ``permanent_error``/``validation_error`` and ``True``
    otherwise.
    """

    step: str
    attempts: frozenset[int] | None = None
    error_type: str = "retryable_error"
    message: str | None = None
    retryable: bool | None = None
    error_code: str | None = None

    def __post_init__(self) -> None:
        if not self.step:
            raise ValueError("a fault needs a step name or pattern")
        if self.attempts is not None:
            bad = sorted(number for number in self.attempts if number < 1)
            if bad:
                raise ValueError(f"attempt numbers start at 1; got {bad} for step {self.step!r}")

    @property
    def is_retryable(self) -> bool:
        """Whether the injected failure asks to be retried."""
        if self.retryable is not None:
            return self.retryable
        return self.error_type not in NON_RETRYABLE_ERROR_TYPES

    @property
    def failure_message(self) -> str:
        """The message the injected failure carries."""
        return self.message or f"injected fault ({self.error_type})"

    def matches(self, step_name: str, template_name: str, attempt: int) -> bool:
        """Whether this fault fires for ``step_name`` (or its template) on ``attempt``."""
        if self.attempts is not None and attempt not in self.attempts:
            return False
        return fnmatchcase(step_name, self.step) or (
            template_name != step_name and fnmatchcase(template_name, self.step)
        )


@dataclass(frozen=True)
class FaultPlan:
    """An ordered set of faults; the first match wins."""

    faults: tuple[Fault, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, faults: Iterable[Fault | str] | FaultPlan | None) -> FaultPlan:
        """Build a plan from faults, ``STEP:ATTEMPTS:ERROR_TYPE`` strings or ``None``."""
        if faults is None:
            return cls()
        if isinstance(faults, FaultPlan):
            return faults
        return cls(tuple(parse_fault(f) if isinstance(f, str) else f for f in faults))

    def __bool__(self) -> bool:
        return bool(self.faults)

    def find(self, step_name: str, template_name: str, attempt: int) -> Fault | None:
        """The fault that fires for this step attempt, if any."""
        for fault in self.faults:
            if fault.matches(step_name, template_name, attempt):
                return fault
        return None


def parse_attempts(text: str) -> frozenset[int] | None:
    """Parse ``"1,2"``, ``"1-3"``, ``"2"`` or ``"*"`` (every attempt) into attempt numbers."""
    text = text.strip()
    if text in ("*", "all", ""):
        return None
    numbers: set[int] = set()
    for raw_part in text.split(","):
        part = raw_part.strip()
        low, sep, high = part.partition("-")
        try:
            if sep:
                first, last = int(low), int(high)
                if last < first:
                    raise ValueError
                numbers.update(range(first, last + 1))
            else:
                numbers.add(int(part))
        except ValueError:
            raise ValueError(
                f"bad attempt list {text!r}: use numbers like '1', '1,2', '1-3' or '*'"
            ) from None
    return frozenset(numbers)


def parse_fault(spec: str) -> Fault:
    """Parse ``STEP:ATTEMPTS:ERROR_TYPE`` (``ATTEMPTS`` and ``ERROR_TYPE`` optional).

    ``validate_order:1,2:retryable_error`` fails ``validate_order`` on its first
    two attempts; ``charge:*:permanent_error`` fails every attempt permanently.
    """
    parts = spec.split(":")
    if not parts[0] or len(parts) > 3:
        raise ValueError(
            f"bad fault {spec!r}: expected STEP[:ATTEMPTS[:ERROR_TYPE]], "
            "e.g. 'charge_card:1,2:retryable_error'"
        )
    attempts = parse_attempts(parts[1]) if len(parts) > 1 else None
    error_type = parts[2].strip() if len(parts) > 2 and parts[2].strip() else "retryable_error"
    return Fault(step=parts[0].strip(), attempts=attempts, error_type=error_type)


def fault_plan(specs: Sequence[Fault | str]) -> FaultPlan:
    """Shorthand for :meth:`FaultPlan.of`."""
    return FaultPlan.of(specs)


__all__ = [
    "NON_RETRYABLE_ERROR_TYPES",
    "Fault",
    "FaultPlan",
    "fault_plan",
    "parse_attempts",
    "parse_fault",
]
