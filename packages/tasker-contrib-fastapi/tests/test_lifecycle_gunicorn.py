"""gunicorn with uvicorn workers and ``--preload``: one runtime per worker, none in the master.

``--preload`` imports the app in the master, which then forks the workers.
Anything started at import would run in the master only (the workers get a
dead copy), and on Python >= 3.12 the fork warns "This process is
multi-threaded, use of fork() may lead to deadlocks". The servers run with
``PYTHONWARNINGS=error::DeprecationWarning`` so that any deprecation on the
start-up path fails loudly.

That flag alone is no trip-wire for the fork warning: CPython issues it
after the fork from C code and *discards* it when the filter says "error"
(checked on 3.12 and 3.13: nothing is printed, nothing raised). So the fork
warning gets an ``always`` filter of its own and the test looks for it in the
output; ``test_the_fork_check_catches_a_thread_started_at_import`` proves
that this check fires on an app that does start a thread at import.
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

#: gunicorn's ``--graceful-timeout``: after SIGTERM the master SIGKILLs workers still
#: running this long; a clean shutdown (scenario 2) exits inside it.
GRACEFUL_TIMEOUT = 20

#: Every DeprecationWarning is an error, except that the fork warning is shown.
STRICT_WARNINGS = "error::DeprecationWarning,always:This process:DeprecationWarning"

#: uvicorn deprecates its own bundled gunicorn worker in favour of the
#: uvicorn-worker package; only that one message is let through.
UVICORN_WORKERS_DEPRECATION = "ignore:The `uvicorn.workers` module is deprecated:DeprecationWarning"

WORKER_CLASSES = {
    "uvicorn-worker": ("uvicorn_worker.UvicornWorker", STRICT_WARNINGS),
    "uvicorn.workers": (
        "uvicorn.workers.UvicornWorker",
        f"{STRICT_WARNINGS},{UVICORN_WORKERS_DEPRECATION}",
    ),
}


def gunicorn_server(
    servers: ModuleType, tmp_path: Path, app: str, worker_class: str, warnings: str, **env: str
) -> Any:
    return servers.gunicorn_server(
        tmp_path,
        app,
        "--preload",
        "-w",
        "2",
        "-k",
        worker_class,
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        PYTHONWARNINGS=warnings,
        **env,
    )


@pytest.mark.engine
@pytest.mark.parametrize("flavour", sorted(WORKER_CLASSES))
def test_preloaded_app_starts_one_runtime_per_worker_and_none_in_the_master(
    flavour: str, tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    worker_class, warnings = WORKER_CLASSES[flavour]
    server = gunicorn_server(
        servers,
        tmp_path,
        "lifecycle_app:app",
        worker_class,
        warnings,
        TASKER_RUNTIME="worker",
        DATABASE_URL=tasker_database_url,
    )
    with server:
        entries = server.wait_for(
            lambda found: len(servers.events(found, "runtime.started")) >= 2,
            timeout=90,
            what="two runtime.started",
        )
        starts = servers.events(entries, "runtime.started")
        master = server.pid
        worker_pids = {entry["pid"] for entry in starts}
        assert len(worker_pids) == 2
        assert master not in worker_pids
        assert {entry["ppid"] for entry in starts} == {master}
        assert not [e for e in entries if e["pid"] == master], "the master ran the lifespan"
        status, ready = server.get("/tasker/ready")
        assert status == 200, ready
        assert ready["runtime"]["kind"] == "worker"
        sent = server.send(signal.SIGTERM)
        code = server.wait_exit(timeout=40)
        seconds = time.monotonic() - sent
    output = server.output()
    assert code == 0, server.describe()
    # Scenario 2: every worker stopped its runtime and exited before gunicorn had to kill it.
    assert seconds < GRACEFUL_TIMEOUT, f"exit took {seconds:.1f}s, beyond --graceful-timeout"
    assert "SIGKILL" not in output, output
    assert FORK_WARNING not in output
    assert "DeprecationWarning" not in output
    stops = servers.events(server.entries(), "runtime.stopped")
    assert sorted(entry["pid"] for entry in stops) == sorted(worker_pids)
    assert all(entry["clean"] for entry in stops)
    assert all(entry["seconds"] < GRACEFUL_TIMEOUT for entry in stops), stops
    print(
        f"\ngunicorn --preload -w 2 -k {worker_class} (Python {sys.version_info[0]}."
        f"{sys.version_info[1]}): master {master}, workers {sorted(worker_pids)}, "
        f"exit after SIGTERM {seconds:.2f} s, no fork warning"
    )


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the fork warning exists on 3.12+")
def test_the_fork_check_catches_a_thread_started_at_import(
    servers: ModuleType, tmp_path: Path
) -> None:
    server = gunicorn_server(
        servers, tmp_path, "preload_thread_app:app", "uvicorn_worker.UvicornWorker", STRICT_WARNINGS
    )
    with server:
        deadline = time.monotonic() + 60
        while FORK_WARNING not in server.output():
            assert time.monotonic() < deadline, server.describe()
            time.sleep(0.1)
