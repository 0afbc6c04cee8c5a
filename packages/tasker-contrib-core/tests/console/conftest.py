"""A started local host running the shared example workflow, with the console enabled."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.client import TaskResponse
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.console import Console, ConsoleRequest, ConsoleResponse
from tasker_contrib_core.integration import TaskerHost
from tasker_contrib_testsupport.example_tasks import order_context, order_request

MOUNT = "/tasker/console/"


def example_settings(**console: Any) -> TaskerSettings:
    return TaskerSettings(
        runtime="local",
        template_paths=[example.TEMPLATES_DIR],
        handler_packages=list(example.HANDLER_PACKAGES),
        environment="test",
        shutdown_timeout_seconds=5,
        console={"enabled": True, **console},
        _environ={},
    )


def order(**changes: Any) -> dict[str, Any]:
    context = order_context()
    context.update(changes)
    return context


def submit(host: TaskerHost, context: dict[str, Any]) -> TaskResponse:
    return host.client.create_task(order_request(context))


def wait_terminal(host: TaskerHost, task_uuid: str, timeout: float = 30.0) -> TaskResponse:
    deadline = time.monotonic() + timeout
    while True:
        task = host.client.get_task(task_uuid)
        if task.is_terminal:
            return task
        if time.monotonic() > deadline:
            raise AssertionError(f"task {task_uuid} still {task.status} after {timeout}s")
        time.sleep(0.05)


def get(console: Console, path: str, **query: str) -> ConsoleResponse:
    return console.handle(ConsoleRequest("GET", path, MOUNT, query=query))


@pytest.fixture(scope="module")
def host() -> Iterator[TaskerHost]:
    running = TaskerHost(
        example_settings(actions=["cancel", "submit"]), framework="test", log_events=False
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def finished_order(host: TaskerHost) -> str:
    """An express order that completed (standard shipping not taken, 2 batch workers)."""
    task = submit(host, order(customer={"id": "C-1", "email": "a@example.com", "api_token": "T0P"}))
    done = wait_terminal(host, task.task_uuid)
    assert done.status == "complete", done
    return task.task_uuid


@pytest.fixture
def console(host: TaskerHost) -> Console:
    return Console.for_host(host)


ConsoleGet = Callable[..., ConsoleResponse]
