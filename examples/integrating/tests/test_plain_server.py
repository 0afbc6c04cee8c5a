"""docs/integrating.md's example, run as the user runs it: a real server in a child process.

Once on the embedded local runtime (an order runs the whole workflow), once
on the real ``tasker_core`` worker against the throwaway PostgreSQL (the
engine starts, readiness checks that database, SIGTERM stops it cleanly).
Step execution on the real worker needs the orchestration service, which the
realstack suite covers; here the worker path proves the kit hosts the engine.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.servers import Server, clean_env, events, free_port

EXAMPLE = Path(__file__).resolve().parents[1] / "plain_server.py"

pytestmark = pytest.mark.slow


def started(entries: list[dict[str, Any]]) -> bool:
    return bool(events(entries, "runtime.started"))


def serve(tmp_path: Path, **env: str) -> Server:
    log = tmp_path / "lifecycle.jsonl"
    port = free_port()
    return Server(
        [str(EXAMPLE), str(port)],
        env=clean_env(log, **env),
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    )


def stop_and_check(server: Server, kind: str) -> None:
    server.send(signal.SIGTERM)
    assert server.wait_exit(30) == 0, server.describe()
    entries = server.entries()
    assert [e["event"] for e in entries if e["event"].startswith("runtime.")] == [
        "runtime.starting",
        "runtime.started",
        "runtime.stopping",
        "runtime.stopped",
    ], server.describe()
    stopped = events(entries, "runtime.stopped")[0]
    assert stopped["clean"] is True
    assert stopped["kind"] == kind
    assert {e["framework"] for e in entries} == {"http.server"}
    assert {e["pid"] for e in entries} == {server.pid}


def test_the_example_runs_an_order_on_the_local_runtime(tmp_path: Path) -> None:
    order = json.loads((example.CONTEXTS_DIR / "order.json").read_text(encoding="utf-8"))
    with serve(tmp_path) as server:
        server.wait_for(started, timeout=60, what="runtime.started")
        status, body = server.request("POST", "/orders", body=order)
        assert status == 202, body
        location = f"/orders/{body['task_uuid']}"
        deadline = time.monotonic() + 30
        while (answer := server.get(location))[1]["status"] not in ("complete", "error"):
            assert time.monotonic() < deadline, answer
            time.sleep(0.05)
        assert answer == (200, {"status": "complete", "percent": 100.0})
        assert server.get("/orders/00000000-0000-0000-0000-000000000000")[0] == 404
        status, ready = server.get("/ready")
        assert status == 200, ready
        assert ready["runtime"]["kind"] == "local"
        stop_and_check(server, "local")


@pytest.mark.engine
def test_the_example_hosts_the_real_worker(tmp_path: Path, tasker_database_url: str) -> None:
    with serve(tmp_path, TASKER_RUNTIME="worker", DATABASE_URL=tasker_database_url) as server:
        entries = server.wait_for(started, timeout=90, what="runtime.started")
        assert events(entries, "runtime.started")[0]["kind"] == "worker"
        status, ready = server.get("/ready")
        assert status == 200, ready
        assert {check["name"]: check["ok"] for check in ready["checks"]} == {
            "runtime": True,
            "pollers": True,
            "database": True,
            "templates": True,
        }
        assert server.get("/health")[0] == 200
        stop_and_check(server, "worker")


def test_the_example_is_short() -> None:
    code = [
        line
        for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(code) <= 60, len(code)
