"""The task client of the local runtime: same interface, same models, no network.

:class:`LocalTaskClient` and :class:`AsyncLocalTaskClient` implement
:class:`~tasker_contrib_core.client.protocol.TaskClient` and
:class:`~tasker_contrib_core.client.protocol.AsyncTaskClient` over the local
runtime's in-memory store, raising the same errors as the HTTP client
(``TaskNotFoundError`` for unknown ids, ``OrchestrationHTTPError`` with the
server's status code for refused requests, ``OrchestrationUnavailableError``
when the runtime is not running). Every call is an in-memory operation, so
the asynchronous flavour awaits nothing and never blocks the event loop.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Protocol

from tasker_contrib_core.client import endpoints
from tasker_contrib_core.client.models import (
    HealthResponse,
    StepAuditEntry,
    StepResponse,
    TaskListResponse,
    TaskRequest,
    TaskResponse,
)
from tasker_contrib_core.errors import (
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    TaskNotFoundError,
)
from tasker_contrib_core.runtime.local_responses import (
    audit_entries,
    step_response,
    task_page_response,
    task_response,
)

if TYPE_CHECKING:
    from tasker_contrib_core.runtime.base import RuntimeStatus
    from tasker_contrib_core.runtime.task_store import StepRecord, TaskRecord, TaskStore


class LocalTasks(Protocol):
    """What the clients need of the local runtime (which implements it).

    Typed as a protocol so that imports run one way: ``local`` (the runtime)
    imports this module to hand out clients; this module never imports it.
    """

    store: TaskStore

    @property
    def worker_id(self) -> str: ...

    def submit(self, request: TaskRequest) -> TaskRecord: ...

    def status(self) -> RuntimeStatus: ...


def _step(task: TaskRecord, step_uuid: str) -> StepRecord:
    step = task.steps.get(step_uuid)
    if step is None:
        raise TaskNotFoundError(
            f"task {task.task_uuid} has no workflow step {step_uuid} in the local runtime",
            task_uuid=task.task_uuid,
            step_uuid=step_uuid,
        )
    return step


class LocalTaskClient:
    """Blocking task client bound to a :class:`~tasker_contrib_core.runtime.LocalRuntime`."""

    def __init__(self, runtime: LocalTasks) -> None:
        self.runtime = runtime

    def __repr__(self) -> str:
        return f"<LocalTaskClient {self.runtime!r}>"

    def create_task(self, request: TaskRequest) -> TaskResponse:
        """Queue the task on the local engine; returns it (usually still ``pending``)."""
        return task_response(self.runtime.submit(request))

    def get_task(self, task_uuid: str) -> TaskResponse:
        return task_response(self.runtime.store.snapshot(task_uuid))

    def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        """Newest first, like the server; ``limit`` is bounded the same way (1-100)."""
        endpoints.list_window(limit, offset)
        tasks, total = self.runtime.store.window(
            limit=limit, offset=offset, namespace=namespace, status=status
        )
        return task_page_response(tasks, total_count=total, limit=limit, offset=offset)

    def cancel_task(self, task_uuid: str) -> TaskResponse:
        """Cancel a task that has not finished (a running step still runs to its end)."""
        cancelled, before = self.runtime.store.cancel(task_uuid)
        if not cancelled:
            raise OrchestrationHTTPError(
                f"Task {task_uuid} cannot be cancelled: it is already {before}",
                status_code=400,
                code="BAD_REQUEST",
                server_message="Task cannot be cancelled",
                method="DELETE",
                url=f"local:/v1/tasks/{task_uuid}",
            )
        return task_response(self.runtime.store.snapshot(task_uuid))

    def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        task = self.runtime.store.snapshot(task_uuid)
        return [step_response(task, step) for step in task.steps.values()]

    def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        task = self.runtime.store.snapshot(task_uuid)
        return step_response(task, _step(task, step_uuid))

    def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        task = self.runtime.store.snapshot(task_uuid)
        return audit_entries(task, _step(task, step_uuid), self.runtime.worker_id)

    def health(self) -> HealthResponse:
        """``healthy`` while the runtime runs; ``OrchestrationUnavailableError`` otherwise."""
        if not self.runtime.status().running:
            raise OrchestrationUnavailableError(
                "the local runtime is not running; call runtime.start() first"
            )
        return HealthResponse(status="healthy", timestamp=datetime.now(timezone.utc).isoformat())


class AsyncLocalTaskClient:
    """The asyncio flavour of :class:`LocalTaskClient` (nothing here blocks)."""

    def __init__(self, runtime: LocalTasks) -> None:
        self._sync = LocalTaskClient(runtime)

    @property
    def runtime(self) -> LocalTasks:
        return self._sync.runtime

    def __repr__(self) -> str:
        return f"<AsyncLocalTaskClient {self.runtime!r}>"

    async def create_task(self, request: TaskRequest) -> TaskResponse:
        return self._sync.create_task(request)

    async def get_task(self, task_uuid: str) -> TaskResponse:
        return self._sync.get_task(task_uuid)

    async def list_tasks(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        namespace: str | None = None,
        status: str | None = None,
    ) -> TaskListResponse:
        return self._sync.list_tasks(limit=limit, offset=offset, namespace=namespace, status=status)

    async def cancel_task(self, task_uuid: str) -> TaskResponse:
        return self._sync.cancel_task(task_uuid)

    async def list_task_steps(self, task_uuid: str) -> list[StepResponse]:
        return self._sync.list_task_steps(task_uuid)

    async def get_step(self, task_uuid: str, step_uuid: str) -> StepResponse:
        return self._sync.get_step(task_uuid, step_uuid)

    async def get_step_audit(self, task_uuid: str, step_uuid: str) -> list[StepAuditEntry]:
        return self._sync.get_step_audit(task_uuid, step_uuid)

    async def health(self) -> HealthResponse:
        return self._sync.health()


__all__ = ["AsyncLocalTaskClient", "LocalTaskClient", "LocalTasks"]
