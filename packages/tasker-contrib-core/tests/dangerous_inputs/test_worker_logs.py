"""Secrets in the database URL never reach the logs, even at ``RUST_LOG=debug``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest
from tasker_contrib_testsupport.test_modules import load_test_module

READY = "tasker-contrib worker running"


def _support() -> ModuleType:
    """``tests/runtime/support.py``, the same module the runtime tests load."""
    return load_test_module(
        Path(__file__).parents[1] / "runtime", "support", prefix="tasker_contrib_runtime_tests"
    )


@pytest.mark.engine
def test_query_string_password_stays_out_of_debug_logs(
    postgres_url: str, tmp_path: Path, project: Any
) -> None:
    support = _support()
    probe = support.write_probe_project(tmp_path / "probe")
    secret = urlsplit(postgres_url).password
    assert secret, postgres_url
    # The same password twice: in the user info and as a query parameter.
    url = f"{postgres_url}?password={secret}&application_name=masking-test"
    env = support.clean_env(
        {
            "TASKER_ENV": "test",
            "TASKER_TEMPLATE_PATH": str(probe.templates),
            "TASKER_SHUTDOWN_TIMEOUT_SECONDS": "3",
            "PYTHONPATH": str(probe.handlers_root),
            "RUST_LOG": "debug",
            "DATABASE_URL": url,
            "COLUMNS": "400",
        }
    )
    command = [
        str(Path(sys.executable).with_name("tasker-contrib")),
        "worker",
        "--runtime",
        "worker",
        "--handlers",
        "runtime_probe_handlers",
    ]
    explain = support.Spawned(
        [command[0], "config", "show", "--explain"], cwd=project.root, env=env
    )
    code, shown, shown_err = explain.wait(30)
    assert code == 0, shown_err
    assert "password=***" in shown
    spawned = support.Spawned(command, cwd=tmp_path, env=env)
    try:
        ready = spawned.wait_for_line(READY, timeout=45)
        spawned.signal(signal.SIGTERM)
        code, out, err = spawned.wait(15)
    finally:
        spawned.kill()
    assert ready, f"worker never became ready (exit {code}):\n{out}\n{err}"
    assert code == 0, f"{out}\n{err}"
    assert "DEBUG" in out + err or "debug" in out + err  # the engine really logged at debug
    for text in (shown, shown_err, out, err):
        assert secret not in text
