"""The HTTP orchestration clients pass the task client contract against the fake service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.client import (
    AsyncOrchestrationClient,
    OrchestrationClient,
    RetryPolicy,
)
from tasker_contrib_testsupport.test_modules import load_test_module

contract = load_test_module(Path(__file__).parent, "contract", prefix="tasker_contrib_client")


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
