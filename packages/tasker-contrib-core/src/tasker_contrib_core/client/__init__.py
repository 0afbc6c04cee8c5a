"""Submit and inspect Tasker tasks: one interface, local or remote.

:class:`TaskClient` / :class:`AsyncTaskClient` are what application code uses;
the local runtime implements them in-process, and :class:`OrchestrationClient`
/ :class:`AsyncOrchestrationClient` implement them over the orchestration REST
API for processes that only submit tasks. All answer with the models below,
shaped after upstream's OpenAPI document.

Importing this package never imports ``tasker_core``.
"""

from __future__ import annotations

from tasker_contrib_core.client.http import (
    DEFAULT_API_KEY_HEADER,
    AsyncOrchestrationClient,
    OrchestrationClient,
)
from tasker_contrib_core.client.models import (
    TERMINAL_TASK_STATUSES,
    HealthResponse,
    PaginationInfo,
    StepAuditEntry,
    StepReadinessStatus,
    StepResponse,
    TaskError,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)
from tasker_contrib_core.client.protocol import AsyncTaskClient, TaskClient
from tasker_contrib_core.client.retry import RetryPolicy
from tasker_contrib_core.errors import (
    OrchestrationClientError,
    OrchestrationConfigError,
    OrchestrationHTTPError,
    OrchestrationResponseError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)

__all__ = [
    "DEFAULT_API_KEY_HEADER",
    "TERMINAL_TASK_STATUSES",
    "AsyncOrchestrationClient",
    "AsyncTaskClient",
    "HealthResponse",
    "OrchestrationClient",
    "OrchestrationClientError",
    "OrchestrationConfigError",
    "OrchestrationHTTPError",
    "OrchestrationResponseError",
    "OrchestrationUnavailableError",
    "PaginationInfo",
    "RetryPolicy",
    "StepAuditEntry",
    "StepReadinessStatus",
    "StepResponse",
    "TaskClient",
    "TaskError",
    "TaskListResponse",
    "TaskNotFoundError",
    "TaskRequest",
    "TaskResponse",
]
