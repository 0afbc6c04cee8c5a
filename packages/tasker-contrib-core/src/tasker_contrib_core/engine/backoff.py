"""How long a failed step waits before its next attempt.

A step's ``retry`` block names a curve (``none``, ``linear``, ``exponential``,
``fibonacci``), a base and a cap. The orchestrator of tasker-core 0.1.8 does not
read the curve: it waits ``common.backoff.default_backoff_seconds[0] *
backoff_multiplier ** attempts`` seconds (capped by ``max_backoff_seconds``,
plus optional jitter) for every step. The local engine honours what the
template declares instead, deterministically and without jitter, so tests can
assert exact timelines; ``docs/local-engine.md`` spells out the difference.

``failures`` below is how many attempts of the step have failed so far, so
the first retry uses ``failures == 1``:

==============  ===============================  =======================
curve           delay before the next attempt    base 1000 ms, failures 1..5
==============  ===============================  =======================
``none``        0                                0, 0, 0, 0, 0
``linear``      base * failures                  1000, 2000, 3000, 4000, 5000
``exponential`` base * 2 ** (failures - 1)       1000, 2000, 4000, 8000, 16000
``fibonacci``   base * fib(failures)             1000, 1000, 2000, 3000, 5000
==============  ===============================  =======================

Every delay is capped at ``max_backoff_ms``.
"""

from __future__ import annotations

from enum import Enum

_CURVES = ("none", "linear", "exponential", "fibonacci")


def _curve_name(strategy: str | Enum) -> str:
    name = strategy.value if isinstance(strategy, Enum) else strategy
    if name not in _CURVES:
        raise ValueError(f"unknown backoff strategy {name!r}; expected one of {', '.join(_CURVES)}")
    return str(name)


def fibonacci(n: int) -> int:
    """The n-th Fibonacci number with ``fibonacci(1) == fibonacci(2) == 1``."""
    if n < 1:
        raise ValueError(f"fibonacci is defined from n=1, got {n}")
    previous, current = 0, 1
    for _ in range(n - 1):
        previous, current = current, previous + current
    return current


def backoff_delay_ms(strategy: str | Enum, failures: int, base_ms: int, max_ms: int) -> int:
    """Milliseconds to wait after the ``failures``-th failed attempt (1-based)."""
    if failures < 1:
        raise ValueError(f"failures counts failed attempts and starts at 1, got {failures}")
    curve = _curve_name(strategy)
    if curve == "none":
        delay = 0
    elif curve == "linear":
        delay = base_ms * failures
    elif curve == "exponential":
        # Cap the exponent so a 100-attempt policy cannot build a huge integer.
        delay = base_ms * (1 << min(failures - 1, 62))
    else:
        delay = base_ms * fibonacci(min(failures, 90))
    return min(delay, max_ms)


__all__ = ["backoff_delay_ms", "fibonacci"]
