"""GET api/tasks: newest first, filters, paging, bad parameters (over a real task store)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_core.config import ConsoleSettings
from tasker_contrib_core.console import Console
from tasker_contrib_core.runtime import LocalRuntime
from tasker_contrib_core.templates import load_template

from .conftest import example_settings, get


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    """A local runtime's store with 60 tasks in two namespaces and two template names.

    The store is filled directly (the runtime is never started): the list endpoint
    only reads it through the runtime's real task client.
    """
    local = LocalRuntime(example_settings())
    template = load_template(example.TEMPLATES_DIR / "order_processing.yaml")
    for index in range(60):
        request = TaskRequest(
            namespace="ecommerce" if index % 3 else "billing",
            name="order_processing" if index % 2 else "refund",
            version="1.0.0",
            context={"index": index},
        )
        record = local.store.create(request, template)
        if index % 4 == 0:
            local.store.cancel(record.task_uuid)
    return local


@pytest.fixture
def console(runtime: LocalRuntime) -> Console:
    return Console(runtime.client, ConsoleSettings(enabled=True))


def listing(console: Console, **query: str) -> dict[str, Any]:
    answer = get(console, "api/tasks", **query)
    assert answer.status == 200, answer.json()
    data: dict[str, Any] = answer.json()
    return data


def test_the_default_page_is_the_25_newest_with_progress_and_age(console: Console) -> None:
    data = listing(console)
    tasks = data["tasks"]
    assert len(tasks) == 25
    assert [task["created_at"] for task in tasks] == sorted(
        (task["created_at"] for task in tasks), reverse=True
    )
    first = tasks[0]
    assert set(first) >= {"uuid", "name", "namespace", "version", "status", "created_at",
                          "age_seconds", "progress"}  # fmt: skip
    # Steps created with the task: those behind the decision and the batch come later.
    assert first["progress"]["total"] == 4
    assert first["age_seconds"] >= 0
    assert "context" not in first, "the list shows no user data"
    assert data["pagination"] == {"limit": 25, "offset": 0, "total": 60, "total_complete": True,
                                  "has_previous": False, "has_next": True}  # fmt: skip


def test_pages_follow_each_other_without_gaps(console: Console) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        data = listing(console, limit="7", offset=str(offset))
        seen += [task["uuid"] for task in data["tasks"]]
        if not data["pagination"]["has_next"]:
            break
        offset += 7
    assert len(seen) == 60
    assert len(set(seen)) == 60
    last = listing(console, limit="7", offset="56")
    assert len(last["tasks"]) == 4
    assert last["pagination"]["has_previous"] is True


def test_filters_by_status_namespace_and_name_combine(console: Console) -> None:
    cancelled = listing(console, status="cancelled", limit="100")
    assert cancelled["pagination"]["total"] == 15
    assert {task["status"] for task in cancelled["tasks"]} == {"cancelled"}
    billing = listing(console, namespace="billing", limit="100")
    assert billing["pagination"]["total"] == 20
    refunds = listing(console, name="refund", limit="100")
    assert refunds["pagination"]["total"] == 30
    assert {task["name"] for task in refunds["tasks"]} == {"refund"}
    both = listing(console, name="refund", namespace="billing", limit="3", offset="2")
    assert both["pagination"]["total"] == 10
    assert len(both["tasks"]) == 3
    assert both["filters"] == {"status": None, "namespace": "billing", "name": "refund"}
    assert listing(console, namespace="nowhere")["tasks"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"offset": "-1"},
        {"status": "exploded"},
        {"namespace": "n" * 300},
    ],
)
def test_bad_parameters_are_400(console: Console, query: dict[str, str]) -> None:
    answer = get(console, "api/tasks", **query)
    assert answer.status == 400
    assert answer.json()["error"]["code"] == "bad_request"
