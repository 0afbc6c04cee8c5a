"""LocalRuntime: a repeated idempotency_key is refused like the orchestration service does."""

from __future__ import annotations

from typing import Any

import pytest
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_core.errors import OrchestrationHTTPError


def request(key: str | None) -> TaskRequest:
    return TaskRequest(
        name="contract_task", namespace="contract", version="1.0.0", idempotency_key=key
    )


def test_same_idempotency_key_creates_one_task_and_answers_409(local_runtime: Any) -> None:
    first = local_runtime.client.create_task(request("nightly-2026-12-03"))
    with pytest.raises(OrchestrationHTTPError) as info:
        local_runtime.client.create_task(request("nightly-2026-12-03"))
    assert info.value.status_code == 409
    assert info.value.code == "CONFLICT"
    assert first.task_uuid in str(info.value)
    tasks = local_runtime.client.list_tasks(namespace="contract").tasks
    assert [task.task_uuid for task in tasks] == [first.task_uuid]


def test_other_keys_and_no_key_each_create_a_task(local_runtime: Any) -> None:
    created = {
        local_runtime.client.create_task(request(key)).task_uuid for key in ("a", "b", None, None)
    }
    assert len(created) == 4
