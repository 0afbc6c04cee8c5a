"""``tasker-contrib worker`` as a real process: start-up summary, SIGTERM, SIGTERM twice.

Each test runs the installed console script (or a launcher that sabotages the
shutdown) in its own process group with hard timeouts.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SHUTDOWN_TIMEOUT = 3.0
READY = "tasker-contrib worker running"
LAUNCHER = Path(__file__).with_name("launcher.py")


def worker_env(helpers: ModuleType, probe: Any, **extra: str | None) -> dict[str, str]:
    return helpers.clean_env(
        {
            "TASKER_ENV": "test",
            "TASKER_TEMPLATE_PATH": str(probe.templates),
            "TASKER_SHUTDOWN_TIMEOUT_SECONDS": str(SHUTDOWN_TIMEOUT),
            "PYTHONPATH": str(probe.handlers_root),
            "RUST_LOG": "error",
            **extra,
        }
    )


def start(helpers: ModuleType, command: list[str], cwd: Path, env: dict[str, str]) -> Any:
    spawned = helpers.Spawned(command, cwd=cwd, env=env)
    if not spawned.wait_for_line(READY, timeout=45):
        code, out, err = spawned.wait(5)
        pytest.fail(f"worker never became ready (exit {code}):\n{out}\n{err}")
    return spawned


def worker_args(runtime: str) -> list[str]:
    return ["worker", "--runtime", runtime, "--handlers", "runtime_probe_handlers"]


def sigterm_and_wait(spawned: Any) -> tuple[int | None, float, str, str]:
    sent = spawned.signal(signal.SIGTERM)
    code, out, err = spawned.wait(SHUTDOWN_TIMEOUT + 10)
    return code, time.monotonic() - sent, out, err


def test_local_runtime_sigterm_exits_zero(
    helpers: ModuleType, probe: Any, console_script: Path, tmp_path: Path
) -> None:
    spawned = start(
        helpers, [str(console_script), *worker_args("local")], tmp_path, worker_env(helpers, probe)
    )
    try:
        code, took, out, err = sigterm_and_wait(spawned)
    finally:
        spawned.kill()
    assert code == 0, f"{out}\n{err}"
    assert took < SHUTDOWN_TIMEOUT + 2
    assert "runtime:          local" in out
    assert "runtime_probe" in out  # namespaces line
    assert "handler packages: runtime_probe_handlers" in out
    assert "SIGTERM: stopping" in out
    assert "stopped cleanly" in out
    print(f"\nworker --runtime local: SIGTERM -> exit 0 in {took:.2f}s")


def test_local_runtime_in_flight_step_past_the_bound_exits_one(
    helpers: ModuleType, probe: Any, tmp_path: Path
) -> None:
    env = worker_env(helpers, probe, LAUNCHER_SUBMIT_SLOW="1")
    spawned = start(helpers, [sys.executable, str(LAUNCHER), *worker_args("local")], tmp_path, env)
    try:
        assert spawned.wait_for_line("LINGER STARTED", timeout=30)  # the step is in flight
        code, took, out, err = sigterm_and_wait(spawned)
    finally:
        spawned.kill()
    assert code == 1, f"{out}\n{err}"
    assert SHUTDOWN_TIMEOUT - 0.5 < took < SHUTDOWN_TIMEOUT + 2
    assert "work still running" in err


def test_local_runtime_second_sigterm_exits_at_once(
    helpers: ModuleType, probe: Any, tmp_path: Path
) -> None:
    env = worker_env(helpers, probe, LAUNCHER_SUBMIT_SLOW="1")
    spawned = start(helpers, [sys.executable, str(LAUNCHER), *worker_args("local")], tmp_path, env)
    try:
        assert spawned.wait_for_line("LINGER STARTED", timeout=30)
        spawned.signal(signal.SIGTERM)
        assert spawned.wait_for_line("SIGTERM: stopping", timeout=5)
        second = spawned.signal(signal.SIGTERM)
        code, _, err = spawned.wait(5)
        took = time.monotonic() - second
    finally:
        spawned.kill()
    assert code == 128 + signal.SIGTERM, err
    assert took < 1.0
    print(f"\nworker --runtime local: second SIGTERM -> exit {code} in {took:.3f}s")


@pytest.mark.engine
def test_worker_runtime_sigterm_exits_zero(
    postgres_url: str, helpers: ModuleType, probe: Any, console_script: Path, tmp_path: Path
) -> None:
    env = worker_env(helpers, probe, DATABASE_URL=postgres_url)
    spawned = start(helpers, [str(console_script), *worker_args("worker")], tmp_path, env)
    try:
        code, took, out, err = sigterm_and_wait(spawned)
    finally:
        spawned.kill()
    assert code == 0, f"{out}\n{err}"
    assert took < SHUTDOWN_TIMEOUT + 2
    assert "runtime:          worker" in out
    assert "worker id:        python-worker-" in out
    assert "config file:      " in out
    assert "runtime_probe" in out
    assert "stopped cleanly" in out
    print(f"\nworker --runtime worker: SIGTERM -> exit 0 in {took:.2f}s")


@pytest.mark.engine
def test_worker_runtime_second_sigterm_exits_at_once(
    postgres_url: str, helpers: ModuleType, probe: Any, tmp_path: Path
) -> None:
    env = worker_env(helpers, probe, DATABASE_URL=postgres_url, LAUNCHER_STUCK_TEARDOWN="30")
    spawned = start(helpers, [sys.executable, str(LAUNCHER), *worker_args("worker")], tmp_path, env)
    try:
        spawned.signal(signal.SIGTERM)
        assert spawned.wait_for_line("SIGTERM: stopping", timeout=5)
        time.sleep(0.2)  # the stop is now stuck in the (sabotaged) teardown
        second = spawned.signal(signal.SIGTERM)
        code, _, err = spawned.wait(5)
        took = time.monotonic() - second
    finally:
        spawned.kill()
    assert code == 128 + signal.SIGTERM, err
    assert took < 1.0
    print(f"\nworker --runtime worker: second SIGTERM -> exit {code} in {took:.3f}s")


@pytest.mark.engine
def test_worker_runtime_unreachable_database_fails_fast(
    helpers: ModuleType, probe: Any, console_script: Path, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = worker_env(helpers, probe, DATABASE_URL=f"postgresql://u:p@127.0.0.1:{port}/db")
    outcome = helpers.run_python(
        ["-c", "from tasker_contrib_core.cli import main; main()", *worker_args("worker")],
        cwd=tmp_path,
        env=env,
        timeout=30,
    )
    assert outcome.returncode == 1, outcome.describe()
    assert "database preflight failed" in outcome.stderr
    assert outcome.seconds < 10
