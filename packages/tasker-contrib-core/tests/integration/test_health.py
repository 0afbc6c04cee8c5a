"""RuntimeHealth: what live and ready mean, for every runtime mode."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.integration._health import RuntimeHealth, database_url_of
from tasker_contrib_core.runtime import LocalRuntime, WorkerRuntime


def _settings(**values: Any) -> TaskerSettings:
    return TaskerSettings(_environ={}, environment="test", **values)


def test_local_runtime_is_live_and_ready_only_while_running(tmp_path: Path) -> None:
    runtime = LocalRuntime(_settings(runtime="local", template_paths=[tmp_path]))
    health = RuntimeHealth(runtime)
    assert not health.liveness().ok
    runtime.start()
    try:
        ready = health.readiness()
        assert ready.ok, ready.reasons
        assert [check.name for check in ready.checks] == ["runtime", "pollers"]  # no host here
        body = ready.to_dict()
        assert body["status"] == "ok"
        assert "details" not in body["runtime"]
    finally:
        runtime.stop(2.0)
    stopped = health.readiness()
    assert not stopped.ok
    assert stopped.reasons[0].startswith("runtime: local runtime not running")


def test_submit_only_worker_processes_are_always_live() -> None:
    settings = _settings(runtime="worker", worker_enabled=False)
    health = RuntimeHealth(WorkerRuntime(settings))
    assert health.submit_only
    assert health.liveness().ok
    ready = health.readiness()  # no orchestration URL configured: the check explains
    assert [check.name for check in ready.checks] == ["runtime", "orchestration"]
    assert not ready.ok
    assert ready.reasons[0].startswith("orchestration: ")


def test_database_url_is_resolved_like_the_engine_does() -> None:
    settings = TaskerSettings(
        _environ={"DATABASE_URL": "postgresql://u:p@db.example:5433/app"}, runtime="worker"
    )
    assert database_url_of(settings) == "postgresql://u:p@db.example:5433/app"


def test_database_check_is_bounded_and_explains(tmp_path: Path) -> None:
    with socket.socket() as sock:  # accepts, never answers: the slowest failure
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        settings = _settings(
            runtime="worker", common={"database": {"url": f"postgresql://u:pw@127.0.0.1:{port}/d"}}
        )
        health = RuntimeHealth(WorkerRuntime(settings), timeout=0.3)
        started = time.monotonic()
        check = health._database_check()
        assert time.monotonic() - started < 2.0
    assert not check.ok
    assert check.code == "timeout"
    assert f"127.0.0.1:{port}/d: no answer within 0.3s" in check.detail
    assert "pw" not in check.detail


def test_healthy_database_verdict_is_reused_briefly(monkeypatch: Any) -> None:
    """Probes every few seconds must not log in each time: a healthy verdict is kept for
    ``database_cache_seconds``; a failing one never is (the next probe checks again)."""
    from tasker_contrib_core.runtime import database_check
    from tasker_contrib_core.runtime.database_check import DatabaseVerdict

    verdicts = [
        DatabaseVerdict(True, "db: logged in"),
        DatabaseVerdict(False, "db: password authentication failed", "auth_failed"),
        DatabaseVerdict(False, "db: password authentication failed", "auth_failed"),
    ]
    calls: list[str] = []

    def fake_check(url: str, *, timeout: float) -> DatabaseVerdict:
        calls.append(url)
        return verdicts[len(calls) - 1]

    monkeypatch.setattr(database_check, "check_database", fake_check)
    settings = _settings(runtime="worker", common={"database": {"url": "postgresql://u:p@h/d"}})
    health = RuntimeHealth(WorkerRuntime(settings))
    first, second = health._database_check(), health._database_check()
    assert first.ok
    assert second is first
    assert len(calls) == 1
    health._healthy_database = (time.monotonic() - health.database_cache_seconds, first)
    failing = health._database_check()
    assert (failing.ok, failing.code, len(calls)) == (False, "auth_failed", 2)
    assert health._database_check().code == "auth_failed"
    assert len(calls) == 3
