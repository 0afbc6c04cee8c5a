"""Fixtures for the orchestration client tests: a real HTTP fake on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tasker_contrib_core.client import RetryPolicy
from tasker_contrib_testsupport import fake_orchestration


@pytest.fixture
def fake() -> Iterator[Any]:
    """A running fake orchestration service; ``fake.state`` holds its tasks and faults."""
    with fake_orchestration.FakeServer() as server:
        yield server


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Three attempts with millisecond backoff, so retry tests stay quick."""
    return RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_max=0.05, jitter=False)
