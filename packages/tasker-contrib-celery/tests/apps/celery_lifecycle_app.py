"""The Celery app real workers run in the lifecycle tests.

Configured through the environment: ``TEST_BROKER_URL`` (a Redis database),
``SLOW_START_SECONDS`` (the engine's start sleeps that long first, as a slow
bootstrap would), ``TASKER_*``. Tasks report what they see in their process.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import tasker_contrib_celery
from celery import Celery
from tasker_contrib_celery import get_tasker, tasker_event_task
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.integration import record_lifecycle
from tasker_contrib_core.runtime import LocalRuntime, Runtime

HERE = Path(__file__).resolve().parent

app = Celery("celery_lifecycle_app")
app.conf.broker_url = os.environ.get("TEST_BROKER_URL", "memory://")
app.conf.result_backend = os.environ.get("TEST_BROKER_URL", "cache+memory://")
app.conf.broker_connection_retry_on_startup = True
app.conf.worker_hijack_root_logger = False
app.conf.tasker_runtime = "local"
app.conf.tasker_template_paths = [str(HERE / "templates")]
app.conf.tasker_handler_packages = ["celery_lifecycle_handlers"]
app.conf.tasker_shutdown_timeout_seconds = 5
if os.environ.get("BEAT_EVERY_SECONDS"):
    app.conf.beat_schedule = {
        "ping-often": tasker_contrib_celery.tasker_schedule(
            "ping",
            "celery_lifecycle",
            "1.0.0",
            {},
            schedule=float(os.environ["BEAT_EVERY_SECONDS"]),
        )
    }


class SlowStartRuntime(LocalRuntime):
    """The local runtime, with a start that first sleeps like a slow bootstrap."""

    def start(self) -> None:
        seconds = float(os.environ.get("SLOW_START_SECONDS", "0"))
        record_lifecycle("test.slow_start", seconds=seconds)
        time.sleep(seconds)
        super().start()


def runtime_factory(settings: TaskerSettings) -> Runtime:
    return SlowStartRuntime(settings)


tasker_contrib_celery.install(
    app,
    runtime=runtime_factory if os.environ.get("SLOW_START_SECONDS") else None,
    bootstep=os.environ.get("TASKER_TEST_BOOTSTEP") == "1",
)


@app.task(name="lifecycle.engine_info")
def engine_info() -> dict[str, Any]:
    """Where this task ran and whether the engine of that process runs."""
    host = get_tasker(app).wait_started(timeout=30)
    tasks = host.client.list_tasks(limit=100).tasks
    return {"pid": os.getpid(), "started": host.started, "tasks": len(tasks)}


@app.task(name="lifecycle.run_template")
def run_template(name: str = "ping", context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create a task on this process's engine, wait for it, return its steps."""
    from tasker_contrib_core.client import TaskRequest

    host = get_tasker(app).wait_started(timeout=30)
    task = host.client.create_task(
        TaskRequest(name=name, namespace="celery_lifecycle", version="1.0.0", context=context or {})
    )
    deadline = time.monotonic() + 20
    status = "timeout"
    while time.monotonic() < deadline:
        current = host.client.get_task(task.task_uuid)
        if current.is_terminal:
            status = current.status
            break
        time.sleep(0.02)
    steps = {
        step.name: {"results": step.results, "attempts": step.attempts, "state": step.current_state}
        for step in host.client.list_task_steps(task.task_uuid)
    }
    return {"pid": os.getpid(), "task_uuid": task.task_uuid, "status": status, "steps": steps}


@tasker_event_task("step.execution.completed", app=app, name="lifecycle.on_step_completed")
def on_step_completed(event: dict[str, Any]) -> None:
    """Receives step-completed events through the broker; records what arrived."""
    record_lifecycle(
        "test.event_task",
        name=event["name"],
        step_name=event.get("step_name"),
        task_uuid=event.get("task_uuid"),
        step_uuid=event.get("step_uuid"),
    )
