"""Scenarios 12 and 1: Django under uvicorn (ASGI lifespan) and gunicorn (WSGI wrapper).

uvicorn runs ``testproject.asgi:application`` with ``--lifespan on``, which
makes uvicorn refuse to serve an app that does not answer the lifespan
(Django's own ASGI handler does not). gunicorn runs the WSGI wrapper with two
workers: without ``--preload`` the wrapper starts the engine in each worker
as it loads the app; with ``--preload`` (the app imported in the master, then
forked) the master must not start it and the ``post_worker_init`` hook of
``tasker_contrib_django.gunicorn`` starts it in each worker.
"""

from __future__ import annotations

import signal
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

FORK_WARNING = "use of fork() may lead to deadlocks"


def server(servers: ModuleType, tmp_path: Path, env: dict[str, str], args: list[str]) -> object:
    return servers.Server(
        args,
        env=env,
        cwd=tmp_path,
        log=tmp_path / "lifecycle.jsonl",
        output=tmp_path / "out.txt",
        port=int(args[args.index("--port") + 1]) if "--port" in args else None,
    )


def starts(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for e in entries if e["event"] == "runtime.started"]


def test_uvicorn_lifespan_is_answered_and_starts_and_stops_the_engine(
    servers: ModuleType, project_env: dict[str, str], tmp_path: Path
) -> None:
    port = servers.free_port()
    args = servers.uvicorn_args("testproject.asgi:application", port, "--lifespan", "on")
    with server(servers, tmp_path, project_env, args) as uvicorn:
        entries = uvicorn.wait_for(lambda e: bool(starts(e)), timeout=60, what="start")
        assert starts(entries)[0]["pid"] == uvicorn.pid
        status, body = uvicorn.get("/tasker/health/")
        assert status == 200, body
        assert body["runtime"]["pid"] == uvicorn.pid
        uvicorn.send(signal.SIGTERM)
        # uvicorn (>= 0.29) re-raises the signal it caught once it shut down cleanly.
        assert uvicorn.wait_exit(30) in (0, -signal.SIGTERM)
    output = uvicorn.output()
    assert "Application startup complete." in output
    assert "ASGI 'lifespan' protocol appears unsupported" not in output
    events = [e["event"] for e in uvicorn.entries() if e["event"].startswith("runtime.")]
    assert events == ["runtime.starting", "runtime.started", "runtime.stopping", "runtime.stopped"]


def test_uvicorn_start_failure_is_reported_through_the_lifespan(
    servers: ModuleType, project_env: dict[str, str], tmp_path: Path
) -> None:
    port = servers.free_port()
    env = {
        **project_env,
        "TASKER_RUNTIME": "worker",
        "DATABASE_URL": f"postgresql://u:p@127.0.0.1:{servers.closed_port()}/db",
    }
    args = servers.uvicorn_args("testproject.asgi:application", port, "--lifespan", "on")
    with server(servers, tmp_path, env, args) as uvicorn:
        code = uvicorn.wait_exit(60)
    assert code != 0
    output = uvicorn.output()
    assert "Application startup failed" in output or "startup failed" in output.lower()
    assert "127.0.0.1" in output  # the engine's own explanation names the address


@pytest.mark.parametrize("preload", [False, True], ids=["no-preload", "preload+hooks"])
def test_gunicorn_starts_one_engine_per_worker_and_none_in_the_master(
    preload: bool, servers: ModuleType, project_env: dict[str, str], tmp_path: Path
) -> None:
    port = servers.free_port()
    extra = ["-w", "2", "--graceful-timeout", "20"]
    if preload:
        extra += ["--preload", "-c", "python:tasker_contrib_django.gunicorn"]
    args = servers.gunicorn_args("testproject.wsgi:application", port, *extra)
    env = {**project_env, "PYTHONWARNINGS": "always:This process:DeprecationWarning"}
    with servers.Server(
        args,
        env=env,
        cwd=tmp_path,
        log=tmp_path / "lifecycle.jsonl",
        output=tmp_path / "out.txt",
        port=port,
    ) as gunicorn:
        entries = gunicorn.wait_for(
            lambda e: len(starts(e)) >= 2, timeout=60, what="two worker starts"
        )
        started = starts(entries)
        pids = {e["pid"] for e in started}
        assert len(pids) == 2
        assert gunicorn.pid not in pids
        assert {e["ppid"] for e in started} == {gunicorn.pid}
        status, body = gunicorn.get("/tasker/health/")
        assert status == 200, body
        assert body["runtime"]["pid"] in pids
        gunicorn.send(signal.SIGTERM)
        assert gunicorn.wait_exit(30) == 0
    entries = gunicorn.entries()
    assert [
        e for e in entries if e["pid"] == gunicorn.pid and e["event"].startswith("runtime.")
    ] == []
    assert len(starts(entries)) == 2
    if preload:  # the hooks stop each worker's engine on the way out
        stopped = {e["pid"] for e in entries if e["event"] == "runtime.stopped"}
        assert stopped == pids
    assert FORK_WARNING not in gunicorn.output()
