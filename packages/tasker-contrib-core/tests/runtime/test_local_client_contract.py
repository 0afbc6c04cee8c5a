"""The local runtime's clients pass the same contract as the HTTP orchestration clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_testsupport.test_modules import load_test_module

contract = load_test_module(
    Path(__file__).parents[1] / "client", "contract", prefix="tasker_contrib_client"
)


def _slow_request() -> TaskRequest:
    return TaskRequest(name="slow_task", namespace="contract", version="1.0.0", context={})


class TestLocalClientContract(contract.TaskClientContract):  # type: ignore[name-defined,misc]
    @pytest.fixture
    def contract_client(self, local_runtime: Any) -> Any:
        return local_runtime.client

    @pytest.fixture
    def cancellable_request(self) -> TaskRequest:
        return _slow_request()


class TestAsyncLocalClientContract(contract.AsyncTaskClientContract):  # type: ignore[name-defined,misc]
    @pytest.fixture
    def contract_client(self, local_runtime: Any) -> Any:
        return local_runtime.async_client

    @pytest.fixture
    def cancellable_request(self) -> TaskRequest:
        return _slow_request()
