"""Lifecycle scenario 16: a fork after the first-request start fails fast in the child."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType


def test_the_forked_childs_first_request_gets_the_fork_error_at_once(
    servers: ModuleType, tmp_path: Path
) -> None:
    env = servers.server_env(
        tmp_path / "lifecycle.jsonl",
        TASKER_RUNTIME="local",
        FLASK_TASKER_START_ON_FIRST_REQUEST="true",
        PYTHONWARNINGS="ignore::DeprecationWarning",  # the fork warning itself (3.12+)
    )
    done = subprocess.run(
        [sys.executable, str(servers.APPS / "fork_after_start.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["error"] == "RuntimeForkedError", seen
    assert "fork" in seen["message"].lower()
    assert seen["seconds"] < 2.0, seen
