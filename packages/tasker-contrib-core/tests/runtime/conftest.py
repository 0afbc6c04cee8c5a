"""Fixtures for the runtime tests: the helper module and a scratch probe project."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

support = load_test_module(Path(__file__).parent, "support", prefix="tasker_contrib_runtime_tests")


@pytest.fixture
def helpers() -> ModuleType:
    """``tests/runtime/support.py`` (test directories are not packages)."""
    return support


@pytest.fixture
def probe(tmp_path: Path) -> Any:
    """A template directory with one ``runtime_probe`` template and its handler package."""
    return support.write_probe_project(tmp_path / "project")


local_fixtures = support.load("local_fixtures")


@pytest.fixture
def local_runtime(tmp_path: Path) -> Any:
    """A started LocalRuntime serving the contract templates; stopped afterwards."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import LocalRuntime

    templates = local_fixtures.write_templates(tmp_path / "templates")
    settings = TaskerSettings(
        _environ={}, environment="test", runtime="local", template_paths=[templates]
    )
    local_fixtures.RELEASE.clear()
    runtime = LocalRuntime(settings, handlers=local_fixtures.handlers())
    runtime.start()
    yield runtime
    local_fixtures.RELEASE.set()
    runtime.stop(5.0)


@pytest.fixture
def postgres_url(real_stack: Any) -> str:
    """A database with upstream's schema: the worker runtime refuses to start on one
    without the tasker schema and pgmq (see runtime/database_check.py)."""
    return str(real_stack.database_url)
