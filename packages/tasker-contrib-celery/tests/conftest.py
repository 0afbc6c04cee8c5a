"""Fixtures of the Celery package's tests: the support module, a broker per test."""

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
    module_name = f"tasker_contrib_celery_tests_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, HERE / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


support = _load("support")
sys.modules.setdefault("tasker_contrib_celery_tests_support", support)


@pytest.fixture
def helpers() -> ModuleType:
    return support


@pytest.fixture
def broker_url(redis_server: Any) -> str:
    """A Redis database of the session's broker, flushed for this test."""
    import redis

    url: str = redis_server.new_url()
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def celery_proc(tmp_path: Path, broker_url: str) -> Callable[..., Any]:
    """``celery_proc(args, **env)``: a :class:`support.Proc` sharing one lifecycle log."""
    log = tmp_path / "lifecycle.jsonl"

    def make(args: list[str], **env: str | None) -> Any:
        return support.Proc(
            args, env=support.proc_env(log, broker_url, **env), cwd=tmp_path, log=log
        )

    return make
