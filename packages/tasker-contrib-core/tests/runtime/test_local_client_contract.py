"""The local runtime's clients pass the same contract as the HTTP orchestration clients."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_core.client import TaskRequest


def load_contract() -> ModuleType:
    name = "tasker_contrib_client_contract"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "client" / "contract.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


contract = load_contract()


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
