"""Fixtures of the Flask package's tests: helper modules and test settings."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

HERE = Path(__file__).resolve().parent


support = load_test_module(HERE, "support", prefix="tasker_contrib_flask_tests")


@pytest.fixture
def servers() -> ModuleType:
    """``tests/support.py``: real servers in child processes."""
    return support
