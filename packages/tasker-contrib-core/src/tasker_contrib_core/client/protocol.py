"""The task client interface every runtime and the HTTP client implement.

Application code (a FastAPI route, a Django view, a Celery task) submits and
inspects tasks through this interface only, so switching from the embedded
local runtime to the real orchestration service is configuration, not code.
Both the synchronous and the asynchronous flavour answer with the same models
(:mod:`tasker_contrib_core.client.models`).

Errors every implementation raises (from :mod:`tasker_contrib_core.errors`):

* :class:`~tasker_contrib_core.errors.TaskNotFoundError` for an unknown task
  or step id;
* :class:`~tasker_contrib_core.errors.OrchestrationHTTPError` (or another
  :class:`~tasker_contrib_core.errors.OrchestrationClientError`) for anything
  else the server refused;
* :class:`~tasker_contrib_core.errors.OrchestrationUnavailableError` when the
  service could not be reached.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from tasker_contrib_core.client.models import (
    HealthResponse,
    StepAuditEntry,
    StepResponse,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)


@runtime_checkable
class TaskClient(Protocol):
    """Submit and inspect tasks, blocking the calling thread."""

    def create_task(self, request: TaskRequest) -> TaskResponse:
        """Create a task from a template; returns it as ``get_task`` would."""
        ...

    def get_task(self, task_uuid: str) -> TaskResponse:
        """The task with its execution summary and step readiness."""
        ...

    def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        """At most ``limit`` tasks starting at ``offset``, optionally filtered."""
        ...

    def cancel_task(self, task_uuid: str) -> TaskResponse:
        """Cancel a task that can still be cancelled; returns the updated task.

        The server answers ``DELETE /v1/tasks/{uuid}`` with the task itself
        (status ``cancelled``); a task that cannot be cancelled any more is an
        :class:`~tasker_contrib_core.errors.OrchestrationHTTPError` (400).
        """
        ...

    def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        """Every workflow step of the task."""
        ...

    def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        """One workflow step of the task."""
        ...

    def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        """The step's execution audit trail, most recent first."""
        ...

    def health(self) -> HealthResponse:
        """Whether the service answering is up."""
        ...


@runtime_checkable
class AsyncTaskClient(Protocol):
    """The same operations as :class:`TaskClient`, for event loops."""

    async def create_task(self, request: TaskRequest) -> TaskResponse:
        """Create a task from a template; returns it as ``get_task`` would."""
        ...

    async def get_task(self, task_uuid: str) -> TaskResponse:
        """The task with its execution summary and step readiness."""
        ...

    async def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        """At most ``limit`` tasks starting at ``offset``, optionally filtered."""
        ...

    async def cancel_task(self, task_uuid: str) -> TaskResponse:
        """Cancel a task that can still be cancelled; returns the updated task."""
        ...

    async def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        """Every workflow step of the task."""
        ...

    async def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        """One workflow step of the task."""
        ...

    async def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        """The step's execution audit trail, most recent first."""
        ...

    async def health(self) -> HealthResponse:
        """Whether the service answering is up."""
        ...


__all__ = ["AsyncTaskClient", "TaskClient"]
