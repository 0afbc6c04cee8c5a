"""Fixtures of the FastAPI package's tests: helper modules, fake runtimes, test settings."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _load(name: str) -> ModuleType:
    """Import ``tests/<name>.py`` by path, once (test directories are not packages)."""
    module_name = f"tasker_contrib_fastapi_tests_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


support = _load("support")


@pytest.fixture
def servers() -> ModuleType:
    """``tests/support.py``: real servers in child processes."""
    return support


@pytest.fixture
def fake() -> ModuleType:
    """Runtimes and clients whose behaviour a test decides (shared test support)."""
    from tasker_contrib_testsupport import fake_runtime

    return fake_runtime


@pytest.fixture
def example_settings(tasker_local_settings: Callable[..., Any]) -> Any:
    """Local-runtime settings serving the shared example workflow."""
    import tasker_contrib_example as example

    return tasker_local_settings(
        handler_packages=list(example.HANDLER_PACKAGES),
        template_paths=[example.TEMPLATES_DIR],
        shutdown_timeout_seconds=5,
    )
