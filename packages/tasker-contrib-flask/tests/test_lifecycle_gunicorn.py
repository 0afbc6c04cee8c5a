"""gunicorn with the package's hooks: one runtime per worker, none in the master.

``--preload`` imports the app in the master (``init_app`` runs there and
starts nothing); the hooks start each worker's runtime after the fork and
stop it in ``worker_exit``. The servers run with every DeprecationWarning
an error, except that the fork warning ("This process is multi-threaded,
use of fork() may lead to deadlocks") gets an ``always`` filter so it is
printed and the test can look for it: CPython discards that warning when
the filter says "error" (see tasker-contrib-fastapi's gunicorn tests).
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.slow

FORK_WARNING = "use of fork() may lead to deadlocks"
STRICT_WARNINGS = "error::DeprecationWarning,always:This process:DeprecationWarning"


def gunicorn_server(servers: ModuleType, tmp_path: Path, *extra: str, **env: str) -> Any:
    return servers.gunicorn_server(
        tmp_path,
        "lifecycle_app:app",
        "-c",
        str(servers.APPS / "gunicorn_conf.py"),
        "--graceful-timeout",
        "20",
        *extra,
        PYTHONWARNINGS=STRICT_WARNINGS,
        **env,
    )


@pytest.mark.engine
def test_preload_starts_one_real_worker_per_process_and_sigterm_stops_each(
    tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    server = gunicorn_server(
        servers,
        tmp_path,
        "--preload",
        "-w",
        "2",
        TASKER_RUNTIME="worker",
        DATABASE_URL=tasker_database_url,
    )
    with server:
        entries = server.wait_for(
            lambda found: len(servers.events(found, "runtime.started")) >= 2,
            timeout=90,
            what="two runtime.started",
        )
        master = server.pid
        starts = servers.events(entries, "runtime.started")
        worker_pids = {entry["pid"] for entry in starts}
        assert len(worker_pids) == 2
        assert master not in worker_pids
        assert {entry["ppid"] for entry in starts} == {master}
        assert all(entry["framework"] == "flask" for entry in starts)
        # the master built the app (preload) and nothing else
        assert servers.by_pid(entries, master) == ["app.created"]
        status, ready = server.get("/tasker/ready")
        assert status == 200, ready
        assert ready["runtime"]["kind"] == "worker"
        # gunicorn's own SIGTERM handler is still in place in the worker (scenario 19)
        status, worker = server.get("/debug/pid")
        assert status == 200
        assert "handle_exit" in worker["sigterm"], worker
        sent = server.send(signal.SIGTERM)
        code = server.wait_exit(timeout=40)
        seconds = time.monotonic() - sent
    output = server.output()
    assert code == 0, server.describe()
    assert seconds < 20, f"exit took {seconds:.1f}s, beyond --graceful-timeout"
    assert FORK_WARNING not in output
    assert "DeprecationWarning" not in output
    stops = servers.events(server.entries(), "runtime.stopped")
    assert sorted(entry["pid"] for entry in stops) == sorted(worker_pids)
    assert all(entry["clean"] for entry in stops)
    print(
        f"\ngunicorn --preload -w 2 + tasker_contrib_flask.gunicorn hooks (Python "
        f"{sys.version_info[0]}.{sys.version_info[1]}): master {master}, workers "
        f"{sorted(worker_pids)}, exit after SIGTERM {seconds:.2f} s, no fork warning"
    )


def test_max_requests_recycling_keeps_starts_equal_to_stops_plus_live_workers(
    servers: ModuleType, tmp_path: Path
) -> None:
    server = gunicorn_server(
        servers,
        tmp_path,
        "-w",
        "2",
        "--max-requests",
        "3",
        TASKER_RUNTIME="local",
    )
    with server:
        server.wait_for(
            lambda found: len(servers.events(found, "runtime.started")) >= 2,
            timeout=60,
            what="two runtime.started",
        )
        served: set[int] = set()
        for _ in range(16):
            # A request may wait for a recycled worker's replacement to boot; on a
            # busy machine that takes longer than the usual 10 s request bound.
            status, body = server.get("/debug/pid", timeout=45)
            assert status == 200
            served.add(body["pid"])
        # wait until every recycled worker's replacement has started
        deadline = time.monotonic() + 30
        while True:
            entries = server.entries()
            starts = servers.events(entries, "runtime.started")
            stops = servers.events(entries, "runtime.stopped")
            if len(starts) - len(stops) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        live = {e["pid"] for e in starts} - {e["pid"] for e in stops}
        assert len(stops) >= 2, server.describe()
        assert len(starts) == len(stops) + len(live), server.describe()
        assert len(live) == 2, server.describe()
        assert len({e["pid"] for e in starts}) == len(starts), "a pid started twice"
        server.send(signal.SIGTERM)
        assert server.wait_exit(timeout=30) == 0, server.describe()
    entries = server.entries()
    starts = servers.events(entries, "runtime.started")
    stops = servers.events(entries, "runtime.stopped")
    assert sorted(e["pid"] for e in starts) == sorted(e["pid"] for e in stops)
    print(f"\nmax_requests=3, 16 requests: {len(starts)} starts, {len(stops)} stops")
