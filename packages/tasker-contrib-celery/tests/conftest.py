"""Fixtures of the Celery package's tests: the support module, a broker per test."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

HERE = Path(__file__).resolve().parent


support = load_test_module(HERE, "support", prefix="tasker_contrib_celery_tests")
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
