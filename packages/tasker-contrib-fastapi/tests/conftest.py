"""Fixtures of the FastAPI package's tests: helper modules, fake runtimes, test settings."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

HERE = Path(__file__).resolve().parent


support = load_test_module(HERE, "support", prefix="tasker_contrib_fastapi_tests")


@pytest.fixture
def servers() -> ModuleType:
    """``tests/support.py``: real servers in child processes."""
    return support


@pytest.fixture
def fake() -> ModuleType:
    """Runtimes and clients whose behaviour a test decides (shared test support)."""
    from tasker_contrib_testsupport import fake_runtime

    return fake_runtime
