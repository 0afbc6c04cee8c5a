"""Fixtures for the ``tasker-contrib worker`` / ``doctor`` tests (helpers shared with runtime/)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

support = load_test_module(
    Path(__file__).parents[1] / "runtime", "support", prefix="tasker_contrib_runtime_tests"
)

#: The installed console script, exactly as a user (or systemd) runs it.
CONSOLE_SCRIPT = Path(sys.executable).with_name("tasker-contrib")
LAUNCHER = Path(__file__).with_name("launcher.py")


@pytest.fixture
def helpers() -> ModuleType:
    return support


@pytest.fixture
def probe(tmp_path: Path) -> Any:
    return support.write_probe_project(tmp_path / "project")


@pytest.fixture
def console_script() -> Path:
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} missing: is the workspace installed?"
    return CONSOLE_SCRIPT


@pytest.fixture
def postgres_url(real_stack: Any) -> str:
    """A database with upstream's schema: the worker runtime refuses to start on one
    without the tasker schema and pgmq (see runtime/database_check.py)."""
    return str(real_stack.database_url)
