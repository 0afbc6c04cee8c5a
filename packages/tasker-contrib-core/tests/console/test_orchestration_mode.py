"""The console over the orchestration REST client (worker and submit-only mode).

The client talks HTTP to the shared fake orchestration service on 127.0.0.1
(upstream's response shapes); the console code is the same one the local
runtime uses, so this checks it depends on the task client protocol only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tasker_contrib_core.client import OrchestrationClient, RetryPolicy
from tasker_contrib_core.config import ConsoleSettings
from tasker_contrib_core.console import Console, ConsoleRequest
from tasker_contrib_testsupport import fake_orchestration
from tasker_contrib_testsupport.servers import closed_port

from .conftest import MOUNT, get

NO_RETRY = RetryPolicy(max_attempts=1, backoff_base=0.01, backoff_max=0.01, jitter=False)


@pytest.fixture
def service() -> Iterator[Any]:
    with fake_orchestration.FakeServer() as server:
        yield server


@pytest.fixture
def console(service: Any) -> Iterator[Console]:
    with OrchestrationClient(service.url, retry=NO_RETRY, timeout=2.0) as client:
        settings = ConsoleSettings(enabled=True, actions=["cancel", "submit"])
        yield Console(client, settings, mode="submit-only")


def submit(console: Console, **context: Any) -> str:
    body = {"namespace": "ecommerce", "name": "order_processing", "version": "1.0.0",
            "context": context}  # fmt: skip
    answer = console.handle(
        ConsoleRequest(
            "POST",
            "api/tasks",
            MOUNT,
            body=json.dumps(body).encode(),
            permissions=frozenset({"submit"}),
            csrf_ok=True,
        )
    )
    assert answer.status == 201, answer.json()
    return str(answer.json()["task"]["uuid"])


def test_list_detail_and_steps_come_over_http(console: Console, service: Any) -> None:
    first = submit(console, order_id="ORD-1", password="hunter2")
    second = submit(console, order_id="ORD-2")
    listing = get(console, "api/tasks").json()
    assert [task["uuid"] for task in listing["tasks"]] == [second, first]
    assert listing["pagination"]["total"] == 2
    assert service.state.calls("GET", "/v1/tasks")

    detail = get(console, f"api/tasks/{first}").json()
    assert detail["task"]["context"] == {"order_id": "ORD-1", "password": "***"}
    assert [step["name"] for step in detail["steps"]] == ["validate", "process", "notify"]
    completed = [step for step in detail["steps"] if step["state"] == "complete"]
    assert completed
    assert completed[0]["history"][0]["execution_time_ms"] == 3
    # No template for it in this process: the steps are drawn without their edges.
    assert detail["dag"]["template_found"] is False
    assert [node["name"] for node in detail["dag"]["nodes"]] == ["validate", "process", "notify"]
    assert detail["poll_after_seconds"] == 1.5


def test_cancel_goes_to_the_service(console: Console, service: Any) -> None:
    task_uuid = submit(console, order_id="ORD-3")
    answer = console.handle(
        ConsoleRequest(
            "POST",
            f"api/tasks/{task_uuid}/cancel",
            MOUNT,
            permissions=frozenset({"cancel"}),
            csrf_ok=True,
        )
    )
    assert answer.status == 200
    assert answer.json()["task"]["status"] == "cancelled"
    assert service.state.calls("DELETE", f"/v1/tasks/{task_uuid}")


def test_unknown_tasks_are_404_and_an_unreachable_service_is_503_without_its_url() -> None:
    port = closed_port()
    with OrchestrationClient(f"http://127.0.0.1:{port}", retry=NO_RETRY, timeout=1.0) as client:
        console = Console(client, ConsoleSettings(enabled=True))
        answer = get(console, "api/tasks")
    assert answer.status == 503
    assert answer.json()["error"]["code"] == "upstream_unavailable"
    assert str(port).encode() not in answer.body
    assert b"127.0.0.1" not in answer.body


def test_a_task_the_service_does_not_know_is_404(console: Console) -> None:
    answer = get(console, "api/tasks/00000000-0000-4000-8000-000000000000")
    assert answer.status == 404
    assert answer.json()["error"]["code"] == "not_found"
