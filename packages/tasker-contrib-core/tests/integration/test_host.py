"""TaskerHost: bounded, per-pid idempotent start/stop, late starts undone, forks refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.errors import RuntimeStartError
from tasker_contrib_core.integration import (
    LIFECYCLE_LOG_ENV,
    AsyncCallbackSink,
    TaskerHost,
    read_lifecycle_log,
    resolve_settings,
)
from tasker_contrib_core.runtime import Runtime, RuntimeStatus


class ScriptedRuntime(Runtime):
    """A runtime whose start/stop take as long as a test says; records threads."""

    kind = "local"

    def __init__(self, *, start_seconds: float = 0.0, stop_seconds: float = 0.0) -> None:
        self.start_seconds = start_seconds
        self.stop_seconds = stop_seconds
        self.calls: list[tuple[str, str]] = []
        self.running_flag = False
        self.listeners: list[Any] = []

    def start(self) -> None:
        self.calls.append(("start", threading.current_thread().name))
        time.sleep(self.start_seconds)
        self.running_flag = True

    def stop(self, timeout: float | None = None) -> bool:
        self.calls.append(("stop", threading.current_thread().name))
        time.sleep(self.stop_seconds)
        self.running_flag = False
        return True

    def status(self) -> RuntimeStatus:
        return RuntimeStatus(kind="local", running=self.running_flag, pid=0, poller_alive=True)

    @property
    def client(self) -> Any:
        return object()

    @property
    def async_client(self) -> Any:
        return object()

    def subscribe(self, listener: Any) -> Any:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)


@pytest.fixture
def settings(tasker_settings: Any) -> TaskerSettings:
    settings: TaskerSettings = tasker_settings(
        runtime="local", start_timeout_seconds=0.3, shutdown_timeout_seconds=0.3
    )
    return settings


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TaskerHost, "grace_seconds", 0.1)


def test_start_is_idempotent_and_runs_off_the_callers_thread(
    settings: TaskerSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    monkeypatch.setenv(LIFECYCLE_LOG_ENV, str(log))
    runtime = ScriptedRuntime()
    host = TaskerHost(settings, framework="demo", runtime=runtime, log_events=False)
    assert not host.started
    host.start()
    assert host.started
    assert host.dispatcher is not None
    assert host.start() == 0.0  # second call in this pid: nothing happens
    assert host.stop() is True
    assert host.stop() is True  # idempotent
    assert [call for call, _ in runtime.calls] == ["start", "stop"]
    assert {thread for _, thread in runtime.calls} == {
        "tasker-contrib-start",
        "tasker-contrib-stop",
    }
    entries = read_lifecycle_log(log)
    assert [e["event"] for e in entries] == [
        "runtime.starting",
        "runtime.started",
        "runtime.stopping",
        "runtime.stopped",
    ]
    assert {e["framework"] for e in entries} == {"demo"}
    assert not host.owns_runtime  # an instance was passed in


def test_a_late_start_fails_within_the_bound_and_is_undone(
    settings: TaskerSettings, short_grace: None
) -> None:
    runtime = ScriptedRuntime(start_seconds=1.0)
    host = TaskerHost(settings, framework="demo", runtime=runtime, log_events=False)
    began = time.monotonic()
    with pytest.raises(RuntimeStartError, match=r"start_timeout_seconds=0\.3"):
        host.start()
    assert time.monotonic() - began < 0.9
    assert not host.started
    deadline = time.monotonic() + 5
    while len(runtime.calls) < 2:
        assert time.monotonic() < deadline, runtime.calls
        time.sleep(0.02)
    assert [call for call, _ in runtime.calls] == ["start", "stop"]


def test_a_stop_that_hangs_returns_after_its_bound(
    settings: TaskerSettings, short_grace: None, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = ScriptedRuntime(stop_seconds=5.0)
    host = TaskerHost(settings, framework="demo", runtime=runtime, log_events=False)
    host.start()
    began = time.monotonic()
    assert host.stop() is False
    assert time.monotonic() - began < 1.5
    assert "did not return from stop()" in caplog.text


def test_mode_follows_the_settings(tasker_settings: Any) -> None:
    assert TaskerHost(tasker_settings(runtime="local"), framework="x").mode == "local"
    submit = tasker_settings(
        runtime="worker", worker_enabled=False, orchestration_url="http://127.0.0.1:1"
    )
    assert TaskerHost(submit, framework="x").mode == "submit-only"


def test_the_real_local_runtime_serves_health_and_a_client(settings: TaskerSettings) -> None:
    with TaskerHost(settings, framework="demo") as host:
        assert host.mode == "local"
        report = host.readiness()
        assert report.ok
        assert report.http_status == 200
        assert report.to_dict()["runtime"]["kind"] == "local"
        assert host.client is host.client  # one client per host
    assert host.liveness().http_status == 503


def test_async_entry_points_bind_loop_sinks_and_never_block_the_loop(
    settings: TaskerSettings,
) -> None:
    runtime = ScriptedRuntime(start_seconds=0.3, stop_seconds=0.2)
    delivered: list[tuple[str, str]] = []

    async def on_event(event: Any) -> None:
        delivered.append((event.name, threading.current_thread().name))

    sink = AsyncCallbackSink(on_event)

    async def main() -> int:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.ensure_future(tick())
        host = TaskerHost(
            settings, framework="demo", runtime=runtime, sinks=[sink], log_events=False
        )
        async with host:
            from tasker_contrib_core.events import TaskerEvent

            event = TaskerEvent(
                name="step.execution.completed",
                id="e1",
                timestamp=datetime.now(timezone.utc),
                task_uuid="t1",
                kind="lifecycle",
                namespace="demo",
            )
            await asyncio.to_thread(runtime.listeners[0], event)
            await asyncio.sleep(0.05)
        ticker.cancel()
        return ticks

    loop_thread = threading.current_thread().name
    ticks = asyncio.run(main())
    assert ticks >= 30  # the loop kept running through 0.5 s of start + stop
    assert delivered == [("step.execution.completed", loop_thread)]


def test_a_fork_of_the_starting_process_is_refused_at_once(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys, time
        from tasker_contrib_core.errors import RuntimeForkedError
        from tasker_contrib_core.integration import TaskerHost, resolve_settings

        settings = resolve_settings({"runtime": "local"}, layer="demo", environ={})
        host = TaskerHost(settings, framework="demo", log_events=False)
        host.start()
        pid = os.fork()
        if pid == 0:
            began = time.monotonic()
            try:
                host.start()
                code = 3
            except RuntimeForkedError as exc:
                code = 0 if "fork" in str(exc) and time.monotonic() - began < 1 else 4
            if host.stop() is not True or not host.forked:
                code = 5
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        host.stop()
        print("CHILD", os.waitstatus_to_exitcode(status))
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["CHILD", "0"], result.stdout + result.stderr


def test_settings_from_a_framework_mapping_name_the_layer(tmp_path: Path) -> None:
    settings = resolve_settings(
        {"COMMON": {"database": {"pool": {"max_connections": 7}}}},
        layer="flask app.config['TASKER']",
        environ={},
    )
    rows = {row.path: row for row in settings.explain()}
    assert rows["common.database.pool.max_connections"].source == "flask app.config['TASKER']"
    assert settings.settings_source == "flask app.config['TASKER']"
    with pytest.raises(TypeError, match=r"celery app.conf: Tasker settings must be"):
        resolve_settings(42, layer="celery app.conf")  # type: ignore[arg-type]
    assert resolve_settings(
        lambda: None, layer="django settings.TASKER", environ={}
    ).settings_source == ("django settings.TASKER")


def test_start_soon_returns_at_once_and_reports_through_a_future(
    settings: TaskerSettings,
) -> None:
    runtime = ScriptedRuntime(start_seconds=0.2)
    host = TaskerHost(settings, framework="demo", runtime=runtime, log_events=False)
    began = time.monotonic()
    future = host.start_soon()
    assert time.monotonic() - began < 0.1  # a hook with a deadline is not held
    assert future.result(timeout=5) > 0.1
    assert host.started
    assert host.stop() is True


def test_start_soon_hands_a_failure_to_the_future(
    settings: TaskerSettings, short_grace: None
) -> None:
    host = TaskerHost(
        settings, framework="demo", runtime=ScriptedRuntime(start_seconds=1.0), log_events=False
    )
    with pytest.raises(RuntimeStartError, match="did not start within"):
        host.start_soon().result(timeout=5)
    assert not host.started
