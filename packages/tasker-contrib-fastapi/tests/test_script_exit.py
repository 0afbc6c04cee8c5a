"""Lifecycle scenario 20: a script that starts Tasker and returns must exit at once.

The script runs the app's lifespan start-up with the real worker runtime and
falls off its end without shutting anything down. Every thread left behind
(the engine's pollers, the start helper) must be a daemon thread, so the
interpreter exits promptly with status 0 instead of hanging at shutdown.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def test_a_script_that_starts_tasker_and_returns_exits_promptly(
    tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    env = servers.server_env(log, TASKER_RUNTIME="worker", DATABASE_URL=tasker_database_url)
    script = servers.APPS / "start_and_return.py"
    with servers.Server(
        [str(script)], env=env, cwd=tmp_path, log=log, output=tmp_path / "out.txt"
    ) as server:
        code = server.wait_exit(timeout=40)
        exited_at = time.time()
    entries = server.entries()
    assert code == 0, server.describe()
    assert [entry["event"] for entry in entries] == [
        "user.enter",
        "runtime.starting",
        "runtime.started",
        "script.returning",
    ]
    assert entries[2]["running"] is True
    lag = exited_at - entries[-1]["time"]
    assert lag < 5.0, server.describe()  # interpreter shutdown did not wait for anything
    print(f"\nscript left a running worker runtime behind and exited 0 {lag:.2f} s after returning")
