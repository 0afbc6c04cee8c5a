"""When the orchestration client may try a request again, and how long it waits.

Retrying is only safe when repeating the request cannot change the outcome: a
``GET`` reads, and a cancel leaves the task cancelled however often it is
sent. Creating a task is never retried here, because a request that timed out
may still have created the task and a blind retry would run the workflow
twice; callers who want that safety net set ``TaskRequest.idempotency_key`` and
retry themselves.

Only failures that say nothing about the request itself are retried: the
connection could not be made or was dropped, no answer came in time, or the
server answered 5xx. A 4xx is the caller's problem and is raised at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

#: Transport failures worth another attempt. ``UnsupportedProtocol`` and
#: ``ProxyError`` are configuration mistakes that would fail again identically.
RETRYABLE_TRANSPORT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for idempotent calls.

    Attempt ``n`` (1-based) that failed waits ``backoff_base * multiplier **
    (n - 1)`` seconds, capped at ``backoff_max``, before attempt ``n + 1``; with
    ``jitter`` the wait is drawn uniformly from ``[wait / 2, wait]`` so that
    many clients recovering from one outage do not return in lockstep. A
    ``Retry-After`` header from the server (sent with backpressure 503s) takes
    precedence, still capped at ``backoff_max``.
    """

    max_attempts: int = 3
    backoff_base: float = 0.2
    multiplier: float = 2.0
    backoff_max: float = 5.0
    jitter: bool = True
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({500, 502, 503, 504}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1 (1 = no retries)")
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError("RetryPolicy backoff times cannot be negative")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def should_retry_status(self, status_code: int, attempt: int) -> bool:
        """Whether an idempotent call answered ``status_code`` deserves another try."""
        return attempt < self.max_attempts and status_code in self.retry_statuses

    def should_retry_error(self, error: Exception, attempt: int) -> bool:
        """Whether an idempotent call that raised ``error`` deserves another try."""
        return attempt < self.max_attempts and isinstance(error, RETRYABLE_TRANSPORT_ERRORS)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based)."""
        if retry_after is not None:
            return max(0.0, min(retry_after, self.backoff_max))
        wait = min(self.backoff_base * self.multiplier ** (attempt - 1), self.backoff_max)
        if self.jitter:
            wait = random.uniform(wait / 2, wait)
        return wait


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The server's ``Retry-After`` in seconds, when it sent a number."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


__all__ = ["RETRYABLE_TRANSPORT_ERRORS", "RetryPolicy", "retry_after_seconds"]
