"""Fixtures for the orchestration client tests: a real HTTP fake on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_core.client import RetryPolicy


def load_sibling(name: str) -> ModuleType:
    """Import ``tests/client/<name>.py`` by path (test dirs are not packages)."""
    module_name = f"tasker_contrib_client_{name}"
    if module_name not in sys.modules:
        path = Path(__file__).with_name(f"{name}.py")
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


fake_orchestration = load_sibling("fake_orchestration")


@pytest.fixture
def fake() -> Iterator[Any]:
    """A running fake orchestration service; ``fake.state`` holds its tasks and faults."""
    with fake_orchestration.FakeServer() as server:
        yield server


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Three attempts with millisecond backoff, so retry tests stay quick."""
    return RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_max=0.05, jitter=False)
