"""The HTTP orchestration clients pass the task client contract against the fake service."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_core.client import (
    AsyncOrchestrationClient,
    OrchestrationClient,
    RetryPolicy,
)


def load_contract() -> ModuleType:
    name = "tasker_contrib_client_contract"
    if name not in sys.modules:
        path = Path(__file__).with_name("contract.py")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


contract = load_contract()


class TestOrchestrationClientContract(contract.TaskClientContract):  # type: ignore[name-defined,misc]
    @pytest.fixture
    def contract_client(self, fake: Any, fast_retry: RetryPolicy) -> Iterator[OrchestrationClient]:
        with OrchestrationClient(fake.url, retry=fast_retry, timeout=5.0) as client:
            yield client


class TestAsyncOrchestrationClientContract(contract.AsyncTaskClientContract):  # type: ignore[name-defined,misc]
    @pytest.fixture
    async def contract_client(
        self, fake: Any, fast_retry: RetryPolicy
    ) -> AsyncIterator[AsyncOrchestrationClient]:
        async with AsyncOrchestrationClient(fake.url, retry=fast_retry, timeout=5.0) as client:
            yield client
