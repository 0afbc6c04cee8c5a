"""Plain Celery tasks (``shared_task``) that the test templates use as steps."""

from __future__ import annotations

import os
from typing import Any

from celery import shared_task

#: How many attempts of fetch_rate fail with ConnectionError before one succeeds.
FAILURES = int(os.environ.get("FETCH_RATE_FAILURES", "2"))


@shared_task(bind=True, autoretry_for=(ConnectionError,), max_retries=10, name="rates.fetch_rate")
def fetch_rate(self: Any, order: dict[str, Any]) -> float:
    """Flaky: the first FAILURES attempts lose the connection."""
    if self.request.retries < FAILURES:
        raise ConnectionError(f"rate service unreachable (attempt {self.request.retries + 1})")
    return float(order.get("rate", 1.25))


@shared_task(name="rates.apply_rate")
def apply_rate(rate: float) -> dict[str, Any]:
    """Uses the previous step's result, like the next task of a chain."""
    return {"rate": rate, "total": round(100 * rate, 2)}


@shared_task(bind=True, name="rates.reject_negative")
def reject_negative(self: Any, order: dict[str, Any]) -> float:
    """Asks for a retry via self.retry, or fails for good on bad input."""
    amount = float(order.get("amount", 0))
    if amount < 0:
        raise ValueError("negative amount")
    if self.request.retries == 0:
        raise self.retry(exc=TimeoutError("slow upstream"))
    return amount
