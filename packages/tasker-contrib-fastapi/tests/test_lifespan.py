"""The lifespan in-process, with runtimes that start, fail, hang or refuse to stop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from tasker_contrib_core.errors import RuntimeStartError
from tasker_contrib_core.integration import LIFECYCLE_LOG_ENV, TaskerHost, read_lifecycle_log
from tasker_contrib_fastapi import (
    TaskerNotStartedError,
    TaskerState,
    TaskerStateDep,
    install,
    tasker_lifespan,
)


@pytest.fixture
def settings(tasker_local_settings: Callable[..., Any]) -> Any:
    return tasker_local_settings(shutdown_timeout_seconds=0.5, start_timeout_seconds=0.5)


@pytest.fixture
def lifecycle_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "lifecycle.jsonl"
    monkeypatch.setenv(LIFECYCLE_LOG_ENV, str(path))
    return path


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TaskerHost, "grace_seconds", 0.2)


def user_lifespan(log: list[str]) -> Any:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        log.append("user.enter")
        try:
            yield {"db": "pool"}
        finally:
            log.append("user.exit")

    return lifespan


def test_runtime_starts_and_stops_off_the_event_loop(settings: Any, fake: ModuleType) -> None:
    runtime = fake.FakeRuntime()
    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=runtime, log_events=False))
    loop_threads: list[str] = []

    @app.get("/where")
    async def where(state: TaskerStateDep) -> dict[str, Any]:
        loop_threads.append(threading.current_thread().name)
        return {"running": state.runtime.status().running}

    with TestClient(app) as client:
        assert client.get("/where").json() == {"running": True}
        assert isinstance(app.state.tasker, TaskerState)
    assert [call for call, _ in runtime.calls] == ["start", "stop"]
    assert {thread for _, thread in runtime.calls} == {
        "tasker-contrib-start",
        "tasker-contrib-stop",
    }
    assert loop_threads
    assert loop_threads[0] not in {"tasker-contrib-start", "tasker-contrib-stop"}
    assert runtime.stop_timeouts == [0.5]  # the configured shutdown bound
    assert not hasattr(app.state, "tasker")  # removed on shutdown


def test_user_lifespan_wraps_tasker_and_states_merge(settings: Any, fake: ModuleType) -> None:
    log: list[str] = []
    runtime = fake.FakeRuntime()
    original_start, original_stop = runtime.start, runtime.stop

    def start() -> None:
        log.append("tasker.start")
        original_start()

    def stop(timeout: float | None = None) -> bool:
        log.append("tasker.stop")
        return original_stop(timeout)

    runtime.start, runtime.stop = start, stop  # type: ignore[method-assign]
    app = FastAPI(
        lifespan=tasker_lifespan(
            settings, lifespan=user_lifespan(log), runtime=runtime, log_events=False
        )
    )

    @app.get("/state")
    async def state(request: Request) -> dict[str, Any]:
        return {"db": request.state.db, "tasker": type(request.state.tasker).__name__}

    with TestClient(app) as client:
        log.append("serving")
        assert client.get("/state").json() == {"db": "pool", "tasker": "TaskerState"}
    assert log == ["user.enter", "tasker.start", "serving", "tasker.stop", "user.exit"]


def test_start_failure_aborts_start_up_with_the_runtimes_message(
    settings: Any, fake: ModuleType, lifecycle_log: Path
) -> None:
    log: list[str] = []
    error = RuntimeStartError("database preflight failed for common.database.url = ...")
    runtime = fake.FakeRuntime(fake.Behaviour(start_error=error))
    app = FastAPI(
        lifespan=tasker_lifespan(
            settings, lifespan=user_lifespan(log), runtime=runtime, log_events=False
        )
    )
    with pytest.raises(RuntimeStartError, match="database preflight failed"), TestClient(app):
        pass
    assert log == ["user.enter", "user.exit"]  # the user's lifespan is unwound too
    assert [entry["event"] for entry in read_lifecycle_log(lifecycle_log)] == [
        "runtime.starting",
        "runtime.start_failed",
    ]
    assert "database preflight failed" in read_lifecycle_log(lifecycle_log)[1]["error"]


def test_a_start_that_overruns_its_bound_fails_and_is_undone_later(
    settings: Any, fake: ModuleType, short_grace: None
) -> None:
    runtime = fake.FakeRuntime(fake.Behaviour(start_seconds=1.2))
    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=runtime, log_events=False))
    started = time.monotonic()
    with pytest.raises(RuntimeStartError, match=r"start_timeout_seconds=0\.5"), TestClient(app):
        pass
    assert time.monotonic() - started < 1.1  # 0.5 s bound + 0.2 s grace, not 1.2 s
    deadline = time.monotonic() + 5
    while runtime.running_flag or len(runtime.calls) < 2:
        assert time.monotonic() < deadline, runtime.calls
        time.sleep(0.05)
    assert [call for call, _ in runtime.calls] == ["start", "stop"]  # stopped once it finished


def test_a_stop_that_ignores_its_timeout_cannot_hold_shutdown(
    settings: Any,
    fake: ModuleType,
    short_grace: None,
    lifecycle_log: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = fake.FakeRuntime(fake.Behaviour(stop_seconds=30, stop_ignores_timeout=True))
    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=runtime, log_events=False))
    with caplog.at_level(logging.WARNING, logger="tasker_contrib.fastapi"), TestClient(app):
        entered = time.monotonic()
    assert time.monotonic() - entered < 3.0  # 0.5 s bound + 0.2 s grace (+ TestClient)
    assert "did not return from stop()" in caplog.text
    stopped = [e for e in read_lifecycle_log(lifecycle_log) if e["event"] == "runtime.stopped"]
    assert stopped[0]["clean"] is False


def test_install_wraps_the_apps_own_lifespan(settings: Any, fake: ModuleType) -> None:
    log: list[str] = []
    app = FastAPI(lifespan=user_lifespan(log))
    runtime = fake.FakeRuntime()
    install(app, settings, runtime=runtime, log_events=False)

    @app.get("/state")
    async def state(request: Request) -> dict[str, Any]:
        return {"db": request.state.db, "running": request.state.tasker.runtime.running}

    with TestClient(app) as client:
        assert client.get("/state").json() == {"db": "pool", "running": True}
    assert log == ["user.enter", "user.exit"]
    assert [call for call, _ in runtime.calls] == ["start", "stop"]


def test_install_keeps_legacy_startup_handlers(settings: Any, fake: ModuleType) -> None:
    log: list[str] = []
    app = FastAPI(on_startup=[lambda: log.append("startup")])
    install(app, settings, runtime=fake.FakeRuntime(), log_events=False)
    with TestClient(app):
        pass
    assert log == ["startup"]


def test_a_second_installation_is_refused(settings: Any, fake: ModuleType) -> None:
    app = FastAPI(lifespan=tasker_lifespan(settings, runtime=fake.FakeRuntime()))
    with pytest.raises(RuntimeError, match="already installed"):
        install(app, settings)
    other = FastAPI()
    install(other, settings)
    with pytest.raises(RuntimeError, match="already installed"):
        install(other, settings)
    with pytest.raises(TypeError, match="FastAPI or Starlette app"):
        install(object(), settings)


def test_settings_may_be_a_mapping_or_a_factory(
    tasker_settings: Callable[..., Any], fake: ModuleType
) -> None:
    seen: list[Any] = []

    def runtime_factory(settings: Any) -> Any:
        seen.append(settings)
        return fake.FakeRuntime(settings=settings)

    mapping = {"RUNTIME": "local", "shutdown_timeout_seconds": 1.5}
    for given in (mapping, lambda: mapping):
        app = FastAPI(lifespan=tasker_lifespan(given, runtime=runtime_factory, log_events=False))
        with TestClient(app):
            pass
    assert [(s.runtime, s.shutdown_timeout_seconds) for s in seen] == [("local", 1.5)] * 2
    assert seen[0].settings_source == "FastAPI app settings"

    with (
        pytest.raises(TypeError, match="settings must be"),
        TestClient(
            FastAPI(lifespan=tasker_lifespan(42))  # type: ignore[arg-type]
        ),
    ):
        pass


@pytest.mark.anyio
async def test_dependencies_explain_a_lifespan_that_never_ran(settings: Any) -> None:
    app = FastAPI(lifespan=tasker_lifespan(settings))

    @app.get("/needs-tasker")
    async def needs(state: TaskerStateDep) -> dict[str, str]:
        return {}

    transport = httpx.ASGITransport(app=app)  # runs no lifespan
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        with pytest.raises(TaskerNotStartedError, match="LifespanManager"):
            await client.get("/needs-tasker")
