"""Real uvicorn servers, real processes: where and when the runtime starts and stops.

Scenarios from reference/lifecycle.md, each asserted on the ``{event, pid,
ppid}`` lines the lifespan writes (``TASKER_CONTRIB_LIFECYCLE_LOG``):

* ``--workers 2``: one start per worker pid, none in the supervisor; the host's
  SIGTERM handler is still uvicorn's; SIGTERM exits within the shutdown bound
  (real engine against a throwaway PostgreSQL);
* ``--reload`` + a touched file: stop(A) before start(B), A != B;
* a user lifespan wraps Tasker's: entered first, exited last;
* a bad database fails start-up in seconds with the runtime's explanation
  (real engine: nothing listening, and a wrong password);
* a step handler that never returns: stop gives up after its timeout with a
  warning and the process exits anyway.

Every server is killed (its whole process group) when its test ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

SHUTDOWN_BOUND = 5.0  # TASKER_SHUTDOWN_TIMEOUT_SECONDS set by support.server_env

#: Exit statuses of a graceful stop on SIGTERM: uvicorn (>= 0.29) re-raises the
#: signal it caught once shut down, so a single process reports -SIGTERM.
GRACEFUL = (0, -signal.SIGTERM)


def started(count: int):
    return lambda entries: sum(e["event"] == "runtime.started" for e in entries) >= count


@pytest.mark.engine
def test_workers_start_once_per_worker_keep_signals_and_stop_on_sigterm(
    tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    env = servers.server_env(log, TASKER_RUNTIME="worker", DATABASE_URL=tasker_database_url)
    args = servers.uvicorn_args("lifecycle_app:app", port, "--workers", "2")
    with servers.Server(
        args, env=env, cwd=tmp_path, log=log, output=tmp_path / "out.txt", port=port
    ) as server:
        entries = server.wait_for(started(2), timeout=90, what="two runtime.started")
        starts = servers.events(entries, "runtime.started")
        worker_pids = {entry["pid"] for entry in starts}
        assert len(worker_pids) == 2, server.describe()
        assert server.pid not in worker_pids
        assert {entry["ppid"] for entry in starts} == {server.pid}
        assert all(entry["kind"] == "worker" and entry["running"] for entry in starts)
        assert not [e for e in entries if e["pid"] == server.pid], "the supervisor ran the lifespan"

        status, ready = server.get("/tasker/ready")
        assert status == 200, ready
        assert ready["runtime"]["kind"] == "worker"
        assert [check["name"] for check in ready["checks"]] == [
            "runtime",
            "pollers",
            "database",
            "templates",
        ]

        # The host owns SIGTERM: the handler after Tasker started is the one the
        # app saw before (uvicorn's), in whichever worker answers.
        status, signals = server.get("/debug/signals")
        assert status == 200
        before = {e["pid"]: e["sigterm"] for e in servers.events(entries, "user.enter")}
        assert signals["sigterm"] == before[signals["pid"]]
        assert signals["sigterm"].startswith("uvicorn."), signals

        sent = server.send(signal.SIGTERM)
        code = server.wait_exit(timeout=SHUTDOWN_BOUND + 15)
        exit_seconds = time.monotonic() - sent
    assert code in GRACEFUL, server.describe()
    assert exit_seconds < SHUTDOWN_BOUND + 5, server.describe()
    entries = server.entries()
    stops = servers.events(entries, "runtime.stopped")
    assert sorted(entry["pid"] for entry in stops) == sorted(worker_pids)
    assert all(entry["clean"] for entry in stops), stops
    for pid in worker_pids:
        assert servers.by_pid(entries, pid) == [
            "user.enter",
            "runtime.starting",
            "runtime.started",
            "runtime.stopping",
            "runtime.stopped",
            "user.exit",
        ]
    print(
        f"\nuvicorn --workers 2: supervisor {server.pid}, workers {sorted(worker_pids)}, "
        f"start {[e['seconds'] for e in starts]} s, exit after SIGTERM {exit_seconds:.2f} s"
    )


def test_reload_stops_the_old_process_before_starting_the_new_one(
    servers: ModuleType, tmp_path: Path
) -> None:
    app_dir = tmp_path / "app"
    shutil.copytree(servers.APPS, app_dir, ignore=shutil.ignore_patterns("__pycache__"))
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    env = servers.server_env(
        log,
        TASKER_RUNTIME="local",
        PYTHONPATH=str(app_dir),
        TASKER_TEMPLATE_PATH=str(app_dir / "templates"),
    )
    args = servers.uvicorn_args("lifecycle_app:app", port, "--reload", "--reload-dir", str(app_dir))
    with servers.Server(
        args, env=env, cwd=app_dir, log=log, output=tmp_path / "out.txt", port=port
    ) as server:
        first = servers.events(
            server.wait_for(started(1), timeout=60, what="first start"), "runtime.started"
        )
        time.sleep(0.6)  # let the reloader record the files' modification times first
        target = app_dir / "lifecycle_app.py"
        stamp = time.time() + 2
        os.utime(target, (stamp, stamp))
        entries = server.wait_for(started(2), timeout=60, what="start after reload")
        server.send(signal.SIGTERM)
        server.wait_exit(timeout=30)
    starts = servers.events(entries, "runtime.started")
    pid_a, pid_b = starts[0]["pid"], starts[1]["pid"]
    assert pid_a == first[0]["pid"]
    assert pid_a != pid_b
    assert server.pid not in (pid_a, pid_b)  # never in the reloader
    sequence = [(e["event"], e["pid"]) for e in entries if e["event"].startswith("runtime.")]
    assert sequence == [
        ("runtime.starting", pid_a),
        ("runtime.started", pid_a),
        ("runtime.stopping", pid_a),
        ("runtime.stopped", pid_a),
        ("runtime.starting", pid_b),
        ("runtime.started", pid_b),
    ], server.describe()
    stopped_a = servers.events(entries, "runtime.stopped")[0]
    assert stopped_a["time"] <= starts[1]["time"]
    assert servers.events(server.entries(), "runtime.stopped")[-1]["pid"] == pid_b
    print(f"\nuvicorn --reload: reloader {server.pid}, A={pid_a} stopped, then B={pid_b} started")


def test_user_lifespan_is_entered_first_and_exited_last(
    servers: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    env = servers.server_env(log, TASKER_RUNTIME="local")
    with servers.Server(
        servers.uvicorn_args("lifecycle_app:app", port),
        env=env,
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    ) as server:
        server.wait_for(started(1), timeout=60, what="start")
        status, state = server.get("/debug/state")
        assert status == 200
        assert state["user_resource"] == f"ready in {state['pid']}"  # merged state
        server.send(signal.SIGTERM)
        assert server.wait_exit(timeout=30) in GRACEFUL
    assert servers.by_pid(server.entries(), state["pid"]) == [
        "user.enter",
        "runtime.starting",
        "runtime.started",
        "runtime.stopping",
        "runtime.stopped",
        "user.exit",
    ]


@pytest.mark.engine
@pytest.mark.parametrize("problem", ["nothing listening", "wrong password"])
def test_a_bad_database_fails_start_up_fast_with_a_clear_message(
    problem: str, tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    if problem == "nothing listening":
        url = f"postgresql://tasker:s3cret-pw@127.0.0.1:{servers.closed_port()}/tasker"
        expected = ["database preflight failed", "connection refused"]
    else:
        url = tasker_database_url.replace("tasker-test-password", "s3cret-pw")
        expected = ["password authentication failed", "rejected the user or password"]
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    env = servers.server_env(log, TASKER_RUNTIME="worker", DATABASE_URL=url)
    with servers.Server(
        servers.uvicorn_args("lifecycle_app:app", port),
        env=env,
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    ) as server:
        code = server.wait_exit(timeout=30)
        seconds = time.monotonic() - server.started_at
    output = server.output()
    assert code == 3, server.describe()  # uvicorn: application start-up failed
    assert seconds < 15, server.describe()  # interpreter + imports included; never a 30 s freeze
    assert "Application startup failed" in output
    for text in expected:
        assert text in output, server.describe()
    assert "s3cret-pw" not in output  # the password is masked everywhere
    entries = server.entries()
    assert [e["event"] for e in entries] == [
        "user.enter",
        "runtime.starting",
        "runtime.start_failed",
        "user.exit",
    ]
    failed = servers.events(entries, "runtime.start_failed")[0]
    assert "s3cret-pw" not in failed["error"]
    starting = servers.events(entries, "runtime.starting")[0]
    failing = failed["time"] - starting["time"]
    assert failing < 5.0  # the start itself, without interpreter start-up and imports
    print(
        f"\nbad database ({problem}): start failed {failing:.2f} s after it began; "
        f"uvicorn exited {code} after {seconds:.2f} s"
    )


def test_a_stuck_step_cannot_hold_shutdown_past_its_bound(
    servers: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    env = servers.server_env(
        log, TASKER_RUNTIME="local", TASKER_SHUTDOWN_TIMEOUT_SECONDS="1.5", LINGER_SECONDS="120"
    )
    with servers.Server(
        servers.uvicorn_args("lifecycle_app:app", port),
        env=env,
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    ) as server:
        server.wait_for(started(1), timeout=60, what="start")
        status, body = server.request("POST", "/debug/linger")
        assert status == 200, body
        server.wait_for(
            lambda entries: bool(servers.events(entries, "handler.started")),
            timeout=30,
            what="the lingering handler to start",
        )
        sent = server.send(signal.SIGTERM)
        code = server.wait_exit(timeout=30)
        seconds = time.monotonic() - sent
    assert code in GRACEFUL, server.describe()
    assert 1.4 < seconds < 1.5 + 6, server.describe()
    stopped = servers.events(server.entries(), "runtime.stopped")
    assert stopped[0]["clean"] is False
    assert "did not finish its running tasks within 1.5s" in server.output()
    print(f"\nstuck handler: SIGTERM -> exit in {seconds:.2f} s (bound 1.5 s), clean=False")
