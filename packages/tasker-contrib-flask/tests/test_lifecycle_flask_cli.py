"""Real ``flask`` processes: the reloader, the worker command, commands that start nothing.

Each runs ``python -m flask --app lifecycle_app ...`` in its own session with
a lifecycle log of ``{event, pid, ppid}`` lines (see ``support.py``).
"""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def flask_server(
    servers: ModuleType,
    tmp_path: Path,
    *command: str,
    port: int | None = None,
    stat_reloader: bool = False,
    **env: str,
) -> Any:
    log = tmp_path / "lifecycle.jsonl"
    # The app is copied next to the test, so touching it reloads only this server.
    shutil.copy(servers.APPS / "lifecycle_app.py", tmp_path / "lifecycle_app.py")
    args = servers.flask_args(*command)
    if stat_reloader:
        args = [str(servers.APPS / "flask_stat_reloader.py"), *args[2:]]
    return servers.Server(
        args,
        env=servers.server_env(log, **env),
        cwd=tmp_path,
        log=log,
        output=tmp_path / "out.txt",
        port=port,
    )


def test_debug_run_starts_only_in_the_serving_child_and_again_after_a_reload(
    servers: ModuleType, tmp_path: Path
) -> None:
    port = servers.free_port()
    server = flask_server(
        servers,
        tmp_path,
        "--debug",
        "run",
        "--port",
        str(port),
        port=port,
        stat_reloader=True,
        FLASK_TASKER_START_ON_FIRST_REQUEST="true",
        TASKER_RUNTIME="local",
    )
    with server:
        status, first = server.get("/debug/pid", timeout=30)
        assert status == 200, server.describe()
        child_a = first["pid"]
        server.wait_for(
            lambda found: any(
                e["pid"] == child_a for e in servers.events(found, "runtime.started")
            ),
            timeout=30,
            what="runtime.started in the first serving child",
        )
        app_file = tmp_path / "lifecycle_app.py"
        app_file.write_text(app_file.read_text(encoding="utf-8") + "\n# touched\n", "utf-8")
        deadline = time.monotonic() + 30
        child_b = child_a
        while child_b == child_a:
            assert time.monotonic() < deadline, server.describe()
            time.sleep(0.2)
            try:
                status, body = server.get("/debug/pid", timeout=5)
            except OSError:
                continue
            if status == 200:
                child_b = body["pid"]
        entries = server.wait_for(
            lambda found: any(
                e["pid"] == child_b for e in servers.events(found, "runtime.started")
            ),
            timeout=30,
            what="runtime.started in the reloaded child",
        )
    parent = server.pid
    starts = servers.events(entries, "runtime.started")
    assert [entry["pid"] for entry in starts] == [child_a, child_b]
    assert {entry["ppid"] for entry in starts} == {parent}
    # the reloader parent built the app (init_app ran there) and started nothing
    assert "app.created" in servers.by_pid(entries, parent)
    assert not [e for e in entries if e["pid"] == parent and e["event"].startswith("runtime.")]
    # the first child stopped its runtime on its way out (bounded atexit stop)
    assert "runtime.stopped" in servers.by_pid(entries, child_a)


def test_flask_tasker_worker_exits_0_on_sigterm(servers: ModuleType, tmp_path: Path) -> None:
    server = flask_server(servers, tmp_path, "tasker", "worker", TASKER_RUNTIME="local")
    with server:
        entries = server.wait_for(
            lambda found: bool(servers.events(found, "runtime.started")),
            timeout=60,
            what="runtime.started",
        )
        assert servers.events(entries, "runtime.started")[0]["pid"] == server.pid
        assert servers.events(entries, "runtime.started")[0]["framework"] == "flask"
        server.send(signal.SIGTERM)
        code = server.wait_exit(timeout=20)
    assert code == 0, server.describe()
    assert "stopped cleanly" in server.output()
    stops = servers.events(server.entries(), "runtime.stopped")
    assert [entry["pid"] for entry in stops] == [server.pid]
    assert stops[0]["clean"]


@pytest.mark.parametrize(
    "command",
    # ``flask shell`` has no ``-c``: with stdin closed it opens the shell and leaves at EOF.
    [("routes",), ("shell",), ("tasker", "validate")],
    ids=["routes", "shell", "tasker-validate"],
)
def test_commands_that_do_not_serve_start_nothing(
    command: tuple[str, ...], servers: ModuleType, tmp_path: Path
) -> None:
    # Pointed at a database that does not answer: any start would fail loudly.
    server = flask_server(
        servers,
        tmp_path,
        *command,
        FLASK_TASKER_START_ON_FIRST_REQUEST="true",
        TASKER_RUNTIME="worker",
        DATABASE_URL=f"postgresql://nobody@127.0.0.1:{servers.closed_port()}/none",
    )
    with server:
        code = server.wait_exit(timeout=60)
    entries = server.entries()
    assert code == 0, server.describe()
    assert "app.created" in servers.by_pid(entries, server.pid)
    assert not [e for e in entries if e["event"].startswith("runtime.")], server.describe()
