"""``LocalRuntime``: tasks run in-process on the embedded local engine.

What a fresh clone, ``tasker-contrib run``, the examples and most tests use:
no database, no orchestration service. Tasks submitted through
:attr:`LocalRuntime.client` are recorded in an in-memory store and run on a
small pool of daemon threads by :class:`~tasker_contrib_core.engine.LocalEngine`
with your real handlers. The client answers with exactly the models the HTTP
orchestration client returns, so code written against it runs unchanged
against the real engine once configuration says ``runtime = "worker"``.

Not durable: a restart forgets every task. Development and tests only.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.client.models import TaskRequest
from tasker_contrib_core.errors import (
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
    RuntimeStartError,
)
from tasker_contrib_core.runtime.base import (
    EventListener,
    RuntimeKind,
    RuntimeStatus,
    Unsubscribe,
    forked_status,
)
from tasker_contrib_core.runtime.daemon_pool import DaemonPool, PoolClosedError
from tasker_contrib_core.runtime.process_runtime import ProcessRuntime
from tasker_contrib_core.runtime.task_store import DEFAULT_MAX_TASKS, TaskRecord, TaskStore
from tasker_contrib_core.runtime.template_index import TemplateIndex

if TYPE_CHECKING:
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.engine.clock import Clock
    from tasker_contrib_core.engine.runner import LocalEngine
    from tasker_contrib_core.events.event import TaskerEvent
    from tasker_contrib_core.runtime.local_client import AsyncLocalTaskClient, LocalTaskClient

logger = logging.getLogger("tasker_contrib_core.runtime")

#: Tasks that may run at once by default (each runs its steps in order).
DEFAULT_MAX_WORKERS = 4

#: Tasks that may wait for a free thread before create_task refuses more.
DEFAULT_MAX_PENDING = 1_000


class LocalRuntime(ProcessRuntime):
    """The embedded local engine behind the runtime interface."""

    kind: RuntimeKind = "local"

    def __init__(
        self,
        settings: TaskerSettings,
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        max_pending: int = DEFAULT_MAX_PENDING,
        max_tasks: int = DEFAULT_MAX_TASKS,
        clock: Clock | None = None,
        handlers: Mapping[str, Any] | None = None,
    ) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        super().__init__(settings)
        self.max_workers = max_workers
        self.max_pending = max_pending
        self.store = TaskStore(max_tasks=max_tasks)
        self.templates = TemplateIndex(settings.template_paths, environment=settings.environment)
        self._clock = clock
        self._handlers = dict(handlers) if handlers else None
        self._pool: DaemonPool | None = None
        self._engine: LocalEngine | None = None
        self._started_at: datetime | None = None
        self._worker_id = f"local-{socket.gethostname()}-{os.getpid()}"
        self._client: LocalTaskClient | None = None
        self._async_client: AsyncLocalTaskClient | None = None

    def __repr__(self) -> str:
        state = "running" if self._pool is not None else "stopped"
        return f"<LocalRuntime {state} templates={self.templates.identifiers()}>"

    @property
    def worker_id(self) -> str:
        """An id for this process's local runtime (shown in status and step audits)."""
        return self._worker_id

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Load the templates and start the pool; a no-op when already running here."""
        self._owner.check(self.kind)
        if self._pool is not None:
            return
        with self._lock:
            if self._pool is not None:
                return
            from tasker_contrib_core.engine.runner import LocalEngine

            try:
                self.templates.load()
            except Exception as exc:
                self._last_error = str(exc)
                raise RuntimeStartError(
                    f"the local runtime cannot load its task templates: {exc}. Check "
                    "template_paths (TASKER_TEMPLATE_PATH)"
                ) from exc
            for problem in self.templates.problems:
                logger.warning("local runtime: %s", problem)
            self._engine = LocalEngine(
                handler_packages=self.settings.handler_packages,
                handlers=self._handlers,
                clock=self._clock,
                listeners=[self._on_engine_event],
                environment=self.settings.environment,
            )
            self._worker_id = f"local-{socket.gethostname()}-{os.getpid()}"
            self._pool = DaemonPool(self.max_workers)
            self._started_at = datetime.now(timezone.utc)
            self._last_error = None
            self._owner.claim()
        logger.info(
            "local runtime started (pid %d, %d template(s): %s)",
            os.getpid(),
            len(self.templates.identifiers()),
            ", ".join(self.templates.identifiers()) or "none",
        )

    def stop(self, timeout: float | None = None) -> bool:
        """Refuse new tasks, cancel queued ones, let running ones finish within ``timeout``."""
        bound = self.settings.shutdown_timeout_seconds if timeout is None else timeout
        if self._owner.is_forked():
            return True
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return True
        clean = pool.shutdown(bound)
        for task in self.store.snapshots(status="pending"):
            cancelled, _ = self.store.cancel(task.task_uuid)
            if cancelled:
                logger.info("task %s cancelled: the local runtime stopped first", task.task_uuid)
        self._owner.release()
        if not clean:
            logger.warning(
                "the local runtime did not finish its running tasks within %.1fs; they go on "
                "in daemon threads and die with the process",
                bound,
            )
        return clean

    # -- work ------------------------------------------------------------------

    def submit(self, request: TaskRequest) -> TaskRecord:
        """Record a task and queue its run; returns a snapshot of the new record.

        Raises ``OrchestrationUnavailableError`` when the runtime is not running
        or its queue is full, and ``OrchestrationHTTPError`` (404) for a
        template that does not exist, as the orchestration service would.
        """
        self._owner.check(self.kind)
        pool = self._pool
        if pool is None:
            raise OrchestrationUnavailableError(
                "the local runtime is not running; call runtime.start() first (framework "
                "packages do this in their startup hook)"
            )
        template = self.templates.find(request.namespace, request.name, request.version)
        if template is None:
            known = ", ".join(self.templates.identifiers()) or "none"
            raise OrchestrationHTTPError(
                f"Task template not found: {request.namespace}/{request.name}:"
                f"{request.version} (templates loaded from {_paths(self.settings)}: {known})",
                status_code=404,
                code="NOT_FOUND",
                server_message="Task template not found",
                method="POST",
                url="local:/v1/tasks",
            )
        if pool.pending >= self.max_pending:
            raise OrchestrationUnavailableError(
                f"the local runtime already has {pool.pending} tasks waiting (max_pending="
                f"{self.max_pending}); retry later or raise max_pending"
            )
        record = self.store.create(request, template)
        try:
            pool.submit(lambda: self._run(record.task_uuid))
        except PoolClosedError:
            self._fail_task(
                record.task_uuid,
                "RuntimeStopped",
                "the local runtime stopped before the task ran",
            )
            raise OrchestrationUnavailableError(
                "the local runtime is stopping; no new tasks are accepted"
            ) from None
        return self.store.snapshot(record.task_uuid)

    def _run(self, task_uuid: str) -> None:
        engine = self._engine
        if engine is None or not self.store.mark_running(task_uuid):
            return
        record = self.store.snapshot(task_uuid)
        try:
            result = engine.run(
                record.template,
                record.request.context,
                task_uuid=task_uuid,
                correlation_id=record.request.correlation_id,
            )
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            logger.warning("local task %s could not run: %s", task_uuid, message)
            self._fail_task(task_uuid, type(exc).__name__, str(exc))
            self._last_error = message
            return
        self.store.finish(task_uuid, result)

    def _fail_task(self, task_uuid: str, error_type: str, message: str) -> None:
        """Put a task that never ran in error and say so with ``task.execution.failed``.

        The engine emits that event for a task whose steps failed; a task that
        could not even start (a handler that does not resolve) must be just as
        visible to event sinks and API clients.
        """
        import uuid

        from tasker_contrib_core.events.event import TASK_FAILED, TaskerEvent

        self.store.fail(task_uuid, error_type, message)
        record = self.store.snapshot(task_uuid)
        event = TaskerEvent(
            name=TASK_FAILED,
            id=str(uuid.uuid4()),
            timestamp=datetime.now(timezone.utc),
            task_uuid=task_uuid,
            kind="lifecycle",
            namespace=record.request.namespace,
            payload={"status": record.status, "failed_steps": []},
            error_type=error_type,
            error_message=message,
            retryable=False,
        )
        self._fanout.emit(event)

    def _on_engine_event(self, event: TaskerEvent) -> None:
        self.store.apply_event(event)
        self._fanout.emit(event)

    # -- interface ---------------------------------------------------------------

    def subscribe(self, listener: EventListener) -> Unsubscribe:
        """Receive every event of every local run (on the pool's threads)."""
        return self._fanout.subscribe(listener)

    def status(self) -> RuntimeStatus:
        forked = forked_status(self.kind, self._owner.pid)
        if forked is not None:
            return forked
        pid = os.getpid()
        pool = self._pool
        details: dict[str, Any] = {
            "templates": self.templates.identifiers(),
            "template_problems": list(self.templates.problems),
            "tasks": self.store.counts(),
            "queued": pool.pending if pool else 0,
            "running_tasks": pool.active if pool else 0,
            "max_workers": self.max_workers,
            "listeners": len(self._fanout),
            "listener_failures": self._fanout.failures,
            "durable": False,
        }
        return RuntimeStatus(
            kind=self.kind,
            running=pool is not None,
            pid=pid,
            worker_id=self._worker_id,
            namespaces=self.templates.namespaces(),
            poller_alive=pool is not None and pool.threads_alive(),
            last_event_age_seconds=self._fanout.age_of_last_event(),
            last_error=self._last_error,
            started_at=self._started_at if pool is not None else None,
            details=details,
        )

    @property
    def client(self) -> LocalTaskClient:
        if self._client is None:
            from tasker_contrib_core.runtime.local_client import LocalTaskClient

            self._client = LocalTaskClient(self)
        return self._client

    @property
    def async_client(self) -> AsyncLocalTaskClient:
        if self._async_client is None:
            from tasker_contrib_core.runtime.local_client import AsyncLocalTaskClient

            self._async_client = AsyncLocalTaskClient(self)
        return self._async_client


def _paths(settings: TaskerSettings) -> str:
    return ", ".join(str(path) for path in settings.template_paths) or "(no template_paths)"


__all__ = ["DEFAULT_MAX_PENDING", "DEFAULT_MAX_WORKERS", "LocalRuntime"]
