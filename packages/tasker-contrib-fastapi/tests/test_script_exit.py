"""Lifecycle scenario 20: a script that starts Tasker and returns must exit at once.

The script runs the app's lifespan start-up with the real worker runtime and
falls off its end without shutting anything down. Every thread left behind
(the engine's pollers, the start helper) must be a daemon thread, so the
interpreter exits promptly with status 0 instead of hanging at shutdown.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from tasker_contrib_testsupport.servers import run_script_to_exit

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def test_a_script_that_starts_tasker_and_returns_exits_promptly(
    tasker_database_url: str, servers: ModuleType, tmp_path: Path
) -> None:
    log = tmp_path / "lifecycle.jsonl"
    env = servers.server_env(log, TASKER_RUNTIME="worker", DATABASE_URL=tasker_database_url)
    run = run_script_to_exit(
        servers.APPS / "start_and_return.py", env=env, cwd=tmp_path, log=log, timeout=40
    )
    assert run.code == 0, run.description
    assert [entry["event"] for entry in run.entries] == [
        "user.enter",
        "runtime.starting",
        "runtime.started",
        "script.returning",
    ]
    assert run.entries[2]["running"] is True
    assert run.lag < 5.0, run.description  # interpreter shutdown did not wait for anything
    print(
        "\nscript left a running worker runtime behind and exited 0 "
        f"{run.lag:.2f} s after returning"
    )
