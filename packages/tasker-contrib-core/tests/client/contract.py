"""What every task client must do, whichever runtime answers.

Application code is written against ``TaskClient`` / ``AsyncTaskClient`` and
must behave the same when the local runtime replaces the orchestration
service, so the same behavioural tests run against every implementation.

Use it by subclassing and providing fixtures::

    contract = load_contract()  # see below: test dirs are not packages

    class TestMyClient(contract.TaskClientContract):
        @pytest.fixture
        def contract_client(self) -> Iterator[TaskClient]:
            ...

Fixtures a subclass provides (``contract_client`` is required):

* ``contract_client``: the client under test (for the async contract, an
  ``AsyncTaskClient``; an async generator fixture is fine);
* ``contract_request``: a ``TaskRequest`` the client can run to completion
  (default: ``contract/contract_task`` 1.0.0 with a small context);
* ``cancellable_request``: a request whose task is still running right after
  ``create_task`` returns, so it can be cancelled (default: ``contract_request``);
* ``contract_settle_timeout``: seconds to wait for a task to finish (default 10).

Because test directories are not packages (``--import-mode=importlib``),
load this file by path, under the one name every suite uses::

    from pathlib import Path
    from tasker_contrib_testsupport.test_modules import load_test_module

    contract = load_test_module(
        Path(__file__).parents[1] / "client", "contract", prefix="tasker_contrib_client"
    )
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import anyio
import pytest
from tasker_contrib_core.client import (
    AsyncTaskClient,
    StepResponse,
    TaskClient,
    TaskListResponse,
    TaskNotFoundError,
    TaskRequest,
    TaskResponse,
)

DEFAULT_CONTEXT: dict[str, Any] = {"order_id": 42, "items": [{"sku": "A", "qty": 2}]}


def _default_request() -> TaskRequest:
    return TaskRequest(
        name="contract_task",
        namespace="contract",
        version="1.0.0",
        context=dict(DEFAULT_CONTEXT),
        tags=["contract"],
    )


def _uuids(listing: TaskListResponse) -> list[str]:
    return [task.task_uuid for task in listing.tasks]


def _assert_same_task(created: TaskResponse, fetched: TaskResponse, request: TaskRequest) -> None:
    assert fetched.task_uuid == created.task_uuid
    assert (fetched.name, fetched.namespace, fetched.version) == (
        request.name,
        request.namespace,
        request.version,
    )
    assert fetched.context == request.context
    assert fetched.correlation_id == request.correlation_id


def _assert_summary_consistent(task: TaskResponse) -> None:
    assert task.total_steps == len(task.steps)
    assert 0 <= task.completed_steps <= task.total_steps
    assert 0 <= task.failed_steps <= task.total_steps
    assert 0.0 <= task.completion_percentage <= 100.0
    for step in task.steps:
        assert step.task_uuid == task.task_uuid


def _assert_steps_match(task: TaskResponse, steps: list[StepResponse]) -> None:
    assert steps, "a created task has workflow steps"
    assert {s.task_uuid for s in steps} == {task.task_uuid}
    assert sorted(s.step_uuid for s in steps) == sorted(s.step_uuid for s in task.steps)
    assert sorted(s.name for s in steps) == sorted(s.name for s in task.steps)


class TaskClientContract:
    """Behaviour every synchronous ``TaskClient`` shares."""

    @pytest.fixture
    def contract_client(self) -> TaskClient:
        raise NotImplementedError("subclasses provide the client under test")

    @pytest.fixture
    def contract_request(self) -> TaskRequest:
        return _default_request()

    @pytest.fixture
    def cancellable_request(self, contract_request: TaskRequest) -> TaskRequest:
        return contract_request

    @pytest.fixture
    def contract_settle_timeout(self) -> float:
        return 10.0

    @staticmethod
    def settle(client: TaskClient, task_uuid: str, timeout: float) -> TaskResponse:
        """Poll until the task reaches a terminal status."""
        deadline = time.monotonic() + timeout
        task = client.get_task(task_uuid)
        while not task.is_terminal:
            assert time.monotonic() < deadline, f"task still {task.status} after {timeout}s"
            time.sleep(0.02)
            task = client.get_task(task_uuid)
        return task

    def test_implements_the_protocol(self, contract_client: TaskClient) -> None:
        assert isinstance(contract_client, TaskClient)

    def test_create_then_get_returns_the_same_task(
        self, contract_client: TaskClient, contract_request: TaskRequest
    ) -> None:
        created = contract_client.create_task(contract_request)
        _assert_same_task(created, created, contract_request)
        fetched = contract_client.get_task(created.task_uuid)
        _assert_same_task(created, fetched, contract_request)
        _assert_summary_consistent(fetched)

    def test_task_runs_to_completion(
        self,
        contract_client: TaskClient,
        contract_request: TaskRequest,
        contract_settle_timeout: float,
    ) -> None:
        created = contract_client.create_task(contract_request)
        done = self.settle(contract_client, created.task_uuid, contract_settle_timeout)
        assert done.status == "complete"
        assert done.completed_steps == done.total_steps > 0
        assert done.completion_percentage == pytest.approx(100.0)
        assert done.completed_at is not None

    def test_created_task_is_listed(
        self, contract_client: TaskClient, contract_request: TaskRequest
    ) -> None:
        created = contract_client.create_task(contract_request)
        everything = contract_client.list_tasks(limit=100)
        assert created.task_uuid in _uuids(everything)
        same_namespace = contract_client.list_tasks(limit=100, namespace=contract_request.namespace)
        assert created.task_uuid in _uuids(same_namespace)
        assert {t.namespace for t in same_namespace.tasks} == {contract_request.namespace}
        other = contract_client.list_tasks(limit=100, namespace="no_such_namespace_x")
        assert created.task_uuid not in _uuids(other)

    def test_list_filters_by_status(
        self,
        contract_client: TaskClient,
        contract_request: TaskRequest,
        contract_settle_timeout: float,
    ) -> None:
        created = contract_client.create_task(contract_request)
        self.settle(contract_client, created.task_uuid, contract_settle_timeout)
        complete = contract_client.list_tasks(limit=100, status="complete")
        assert created.task_uuid in _uuids(complete)
        assert {t.status for t in complete.tasks} == {"complete"}
        cancelled = contract_client.list_tasks(limit=100, status="cancelled")
        assert created.task_uuid not in _uuids(cancelled)

    def test_list_pages_with_limit_and_offset(
        self, contract_client: TaskClient, contract_request: TaskRequest
    ) -> None:
        for _ in range(3):
            contract_client.create_task(contract_request)
        ns = contract_request.namespace
        whole = _uuids(contract_client.list_tasks(limit=100, namespace=ns))
        assert len(whole) >= 3
        first = contract_client.list_tasks(limit=2, namespace=ns)
        assert len(first.tasks) == 2
        assert first.pagination.per_page == 2
        assert first.pagination.total_count == len(whole)
        assert first.pagination.has_next
        shifted = contract_client.list_tasks(limit=2, offset=1, namespace=ns)
        assert _uuids(shifted) == whole[1:3]

    def test_steps_are_listed_and_fetched(
        self,
        contract_client: TaskClient,
        contract_request: TaskRequest,
        contract_settle_timeout: float,
    ) -> None:
        created = contract_client.create_task(contract_request)
        task = self.settle(contract_client, created.task_uuid, contract_settle_timeout)
        steps = contract_client.list_task_steps(task.task_uuid)
        _assert_steps_match(task, steps)
        for step in steps:
            fetched = contract_client.get_step(task.task_uuid, step.step_uuid)
            assert (fetched.step_uuid, fetched.name) == (step.step_uuid, step.name)
            assert fetched.current_state == "complete"

    def test_completed_steps_have_an_audit_trail(
        self,
        contract_client: TaskClient,
        contract_request: TaskRequest,
        contract_settle_timeout: float,
    ) -> None:
        created = contract_client.create_task(contract_request)
        task = self.settle(contract_client, created.task_uuid, contract_settle_timeout)
        for step in contract_client.list_task_steps(task.task_uuid):
            audit = contract_client.get_step_audit(task.task_uuid, step.step_uuid)
            assert audit, f"step {step.name} completed but has no audit entry"
            for entry in audit:
                assert entry.workflow_step_uuid == step.step_uuid
                assert entry.task_uuid == task.task_uuid
                assert entry.step_name == step.name
            assert audit[0].success is True

    def test_cancel_returns_the_cancelled_task(
        self, contract_client: TaskClient, cancellable_request: TaskRequest
    ) -> None:
        created = contract_client.create_task(cancellable_request)
        cancelled = contract_client.cancel_task(created.task_uuid)
        assert cancelled.task_uuid == created.task_uuid
        assert cancelled.status == "cancelled"
        assert contract_client.get_task(created.task_uuid).status == "cancelled"

    def test_health(self, contract_client: TaskClient) -> None:
        assert contract_client.health().status

    def test_unknown_ids_raise_not_found(
        self, contract_client: TaskClient, contract_request: TaskRequest
    ) -> None:
        missing = str(uuid.uuid4())
        with pytest.raises(TaskNotFoundError) as info:
            contract_client.get_task(missing)
        assert info.value.task_uuid == missing
        with pytest.raises(TaskNotFoundError):
            contract_client.cancel_task(missing)
        with pytest.raises(TaskNotFoundError):
            contract_client.get_step(missing, str(uuid.uuid4()))
        created = contract_client.create_task(contract_request)
        with pytest.raises(TaskNotFoundError) as step_info:
            contract_client.get_step(created.task_uuid, missing)
        assert step_info.value.step_uuid == missing


class AsyncTaskClientContract:
    """Behaviour every ``AsyncTaskClient`` shares (run under anyio on asyncio)."""

    pytestmark = pytest.mark.anyio

    @pytest.fixture
    def anyio_backend(self) -> str:
        return "asyncio"

    @pytest.fixture
    def contract_client(self) -> AsyncTaskClient:
        raise NotImplementedError("subclasses provide the client under test")

    @pytest.fixture
    def contract_request(self) -> TaskRequest:
        return _default_request()

    @pytest.fixture
    def cancellable_request(self, contract_request: TaskRequest) -> TaskRequest:
        return contract_request

    @pytest.fixture
    def contract_settle_timeout(self) -> float:
        return 10.0

    @staticmethod
    async def settle(client: AsyncTaskClient, task_uuid: str, timeout: float) -> TaskResponse:
        """Poll until the task reaches a terminal status."""
        with anyio.fail_after(timeout):
            task = await client.get_task(task_uuid)
            while not task.is_terminal:
                await anyio.sleep(0.02)
                task = await client.get_task(task_uuid)
        return task

    async def test_implements_the_protocol(self, contract_client: AsyncTaskClient) -> None:
        assert isinstance(contract_client, AsyncTaskClient)

    async def test_create_then_get_returns_the_same_task(
        self, contract_client: AsyncTaskClient, contract_request: TaskRequest
    ) -> None:
        created = await contract_client.create_task(contract_request)
        fetched = await contract_client.get_task(created.task_uuid)
        _assert_same_task(created, fetched, contract_request)
        _assert_summary_consistent(fetched)

    async def test_created_task_is_listed(
        self, contract_client: AsyncTaskClient, contract_request: TaskRequest
    ) -> None:
        created = await contract_client.create_task(contract_request)
        listing = await contract_client.list_tasks(limit=100, namespace=contract_request.namespace)
        assert created.task_uuid in _uuids(listing)

    async def test_steps_audit_and_completion(
        self,
        contract_client: AsyncTaskClient,
        contract_request: TaskRequest,
        contract_settle_timeout: float,
    ) -> None:
        created = await contract_client.create_task(contract_request)
        task = await self.settle(contract_client, created.task_uuid, contract_settle_timeout)
        assert task.status == "complete"
        steps = await contract_client.list_task_steps(task.task_uuid)
        _assert_steps_match(task, steps)
        first = steps[0]
        fetched = await contract_client.get_step(task.task_uuid, first.step_uuid)
        assert fetched.step_uuid == first.step_uuid
        audit = await contract_client.get_step_audit(task.task_uuid, first.step_uuid)
        assert audit
        assert audit[0].workflow_step_uuid == first.step_uuid

    async def test_cancel_returns_the_cancelled_task(
        self, contract_client: AsyncTaskClient, cancellable_request: TaskRequest
    ) -> None:
        created = await contract_client.create_task(cancellable_request)
        cancelled = await contract_client.cancel_task(created.task_uuid)
        assert cancelled.status == "cancelled"
        assert (await contract_client.get_task(created.task_uuid)).status == "cancelled"

    async def test_health(self, contract_client: AsyncTaskClient) -> None:
        assert (await contract_client.health()).status

    async def test_unknown_ids_raise_not_found(self, contract_client: AsyncTaskClient) -> None:
        missing = str(uuid.uuid4())
        with pytest.raises(TaskNotFoundError):
            await contract_client.get_task(missing)
        with pytest.raises(TaskNotFoundError):
            await contract_client.cancel_task(missing)
