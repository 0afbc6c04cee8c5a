"""The HTTP status a web framework answers when the task client raised.

Every framework's task routes map the client's errors the same way, so a
caller sees the same answer from a FastAPI, Flask or Django app: unknown
task 404, the orchestration API's own 4xx passed on, engine or API
unavailable 503, anything else from upstream 502.
"""

from __future__ import annotations


def client_error_status(error: BaseException) -> int:
    """The status code for an error raised by a ``TaskClient`` / ``AsyncTaskClient``."""
    from tasker_contrib_core.errors import (
        OrchestrationHTTPError,
        OrchestrationUnavailableError,
        TaskNotFoundError,
    )

    if isinstance(error, TaskNotFoundError):
        return 404
    if isinstance(error, OrchestrationUnavailableError):
        return 503
    if isinstance(error, OrchestrationHTTPError) and 400 <= error.status_code < 500:
        return int(error.status_code)
    return 502


__all__ = ["client_error_status"]
