"""uWSGI with ``install_uwsgi_hooks()``: the app loads in the master, each worker starts.

uWSGI is not a dependency of the workspace (it builds from C sources); the
test runs when a ``uwsgi`` binary is installed next to the interpreter or on
PATH (``pip install uwsgi``) and is skipped otherwise.
"""

from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow

UWSGI = shutil.which("uwsgi", path=str(Path(sys.executable).parent)) or shutil.which("uwsgi")


@pytest.mark.skipif(UWSGI is None, reason="uwsgi is not installed (pip install uwsgi)")
def test_each_uwsgi_worker_starts_once_and_stops_on_sigterm(
    servers: ModuleType, tmp_path: Path
) -> None:
    assert UWSGI is not None
    log = tmp_path / "lifecycle.jsonl"
    port = servers.free_port()
    args = [
        *("--http", f"127.0.0.1:{port}", "--master", "--processes", "2"),
        *("--module", "uwsgi_app:app", "--die-on-term", "--virtualenv", sys.prefix),
    ]
    server = servers.Server(
        args,
        env=servers.server_env(log, TASKER_RUNTIME="local"),
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
        program=UWSGI,
    )
    with server:
        entries = server.wait_for(
            lambda found: len(servers.events(found, "runtime.started")) >= 2,
            timeout=60,
            what="two runtime.started",
        )
        status, ready = server.get("/tasker/ready", timeout=20)
        assert status == 200, ready
        server.send(signal.SIGTERM)
        assert server.wait_exit(timeout=30) == 0, server.describe()
    entries = server.entries()
    master = server.pid
    starts = servers.events(entries, "runtime.started")
    worker_pids = sorted(entry["pid"] for entry in starts)
    assert len(set(worker_pids)) == 2
    assert {entry["ppid"] for entry in starts} == {master}
    assert servers.by_pid(entries, master) == ["app.created"]
    stops = servers.events(entries, "runtime.stopped")
    assert sorted(entry["pid"] for entry in stops) == worker_pids
