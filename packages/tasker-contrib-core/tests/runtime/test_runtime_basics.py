"""The runtime interface pieces: status data, factory choice, event fan-out, daemon pool."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.runtime import (
    LocalRuntime,
    Runtime,
    RuntimeStatus,
    WorkerRuntime,
    runtime_from_settings,
)
from tasker_contrib_core.runtime.daemon_pool import DaemonPool, PoolClosedError
from tasker_contrib_core.runtime.listeners import EventFanout


def event(name: str = "step.execution.completed") -> TaskerEvent:
    return TaskerEvent(
        name=name,
        id="e",
        timestamp=datetime.now(timezone.utc),
        task_uuid="t",
        kind="lifecycle",
        namespace="ns",
    )


def test_status_to_dict_is_json_ready() -> None:
    status = RuntimeStatus(
        kind="worker",
        running=True,
        pid=1,
        worker_id="w",
        namespaces=("a", "b"),
        poller_alive=True,
        last_event_age_seconds=1.23456,
        started_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        details={"config_path": "/x"},
    )
    data = json.loads(json.dumps(status.to_dict()))
    assert data["healthy"] is True
    assert data["namespaces"] == ["a", "b"]
    assert data["last_event_age_seconds"] == 1.235
    assert data["started_at"] == "2025-01-01T00:00:00+00:00"
    assert RuntimeStatus(kind="local", running=True, pid=1).healthy is False  # pool not alive


def test_factory_picks_by_configuration_only(tmp_path: Path) -> None:
    local = runtime_from_settings(TaskerSettings(_environ={}, config_dir=tmp_path))
    assert isinstance(local, LocalRuntime)
    configured = TaskerSettings(
        _environ={"DATABASE_URL": "postgresql://u:p@db/app"}, config_dir=tmp_path
    )
    assert isinstance(runtime_from_settings(configured), WorkerRuntime)
    forced = TaskerSettings(
        _environ={"TASKER_RUNTIME": "local", "DATABASE_URL": "postgresql://u:p@db/app"}
    )
    assert isinstance(runtime_from_settings(forced), LocalRuntime)
    for runtime in (local, runtime_from_settings(configured)):
        assert isinstance(runtime, Runtime)


def test_fanout_isolates_a_failing_listener() -> None:
    fanout = EventFanout()
    seen: list[str] = []

    def broken(_: TaskerEvent) -> None:
        raise ValueError("boom")

    fanout.subscribe(broken)
    unsubscribe = fanout.subscribe(lambda e: seen.append(e.name))
    fanout.emit(event())
    fanout.emit(event("step.execution.failed"))
    assert seen == ["step.execution.completed", "step.execution.failed"]
    assert fanout.failures == 2
    assert fanout.age_of_last_event() is not None
    unsubscribe()
    unsubscribe()  # idempotent
    fanout.emit(event())
    assert len(seen) == 2
    with pytest.raises(TypeError):
        fanout.subscribe("not callable")  # type: ignore[arg-type]


def test_daemon_pool_runs_bounded_and_never_blocks_exit() -> None:
    pool = DaemonPool(2)
    gate = threading.Event()
    futures = [pool.submit(gate.wait) for _ in range(4)]
    time.sleep(0.1)
    assert pool.active == 2
    assert pool.pending == 2
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("tasker-contrib-local"))
    gate.set()
    assert [f.result(timeout=2) for f in futures] == [True] * 4
    assert pool.shutdown(1.0) is True
    with pytest.raises(PoolClosedError):
        pool.submit(lambda: None)


def test_daemon_pool_shutdown_is_bounded_and_cancels_queued_work() -> None:
    pool = DaemonPool(1)
    gate = threading.Event()
    running = pool.submit(gate.wait)
    queued = pool.submit(lambda: "never")
    time.sleep(0.05)
    started = time.monotonic()
    assert pool.shutdown(0.2) is False  # the running job ignores us
    assert time.monotonic() - started < 0.5
    assert queued.cancelled()
    gate.set()
    assert running.result(timeout=2) is True


def test_worker_runtime_client_is_the_rest_client_never_the_engines() -> None:
    from tasker_contrib_core.client import AsyncOrchestrationClient, OrchestrationClient

    explicit = WorkerRuntime(
        TaskerSettings(_environ={}, runtime="worker", orchestration_url="http://orch:8080")
    )
    assert isinstance(explicit.client, OrchestrationClient)
    assert explicit.client.base_url == "http://orch:8080"
    assert isinstance(explicit.async_client, AsyncOrchestrationClient)
    # Without orchestration_url: the engine config's worker.orchestration_client.base_url.
    fallback = WorkerRuntime(TaskerSettings(_environ={}, runtime="worker"))
    assert fallback.client.base_url == "http://localhost:8080"
    assert explicit.client is explicit.client  # built once


def test_worker_runtime_with_worker_disabled_starts_nothing() -> None:
    runtime = WorkerRuntime(TaskerSettings(_environ={}, runtime="worker", worker_enabled=False))
    runtime.start()
    status = runtime.status()
    assert status.running is False
    assert status.details["worker_enabled"] is False
    assert runtime.stop() is True
