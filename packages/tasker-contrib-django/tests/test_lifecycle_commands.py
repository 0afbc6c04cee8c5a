"""Scenario 11: management commands never start the engine nor reach its database.

Each command runs as the user runs it (``python manage.py ...`` in a fresh
directory) with the real worker configured (``TASKER_RUNTIME=worker``) and
``DATABASE_URL`` pointing at a listener that counts connections: a start
would show up in the lifecycle log, a connection attempt (the worker's
preflight probe, a bootstrap) in the counter.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

COMMANDS = {
    "migrate": ["migrate", "--noinput"],
    "check": ["check"],
    "check --deploy": ["check", "--deploy"],
    "shell -c": ["shell", "-c", "import tasker_contrib_django; print('shell ran')"],
    "collectstatic": ["collectstatic", "--noinput"],
    "makemigrations --check": ["makemigrations", "--check", "--dry-run"],
    "test": ["test", "notes", "--noinput"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_makes_zero_starts_and_zero_connection_attempts(
    name: str, servers: ModuleType, project_env: dict[str, str], tmp_path: Path
) -> None:
    counter = servers.ConnectionCounter()
    try:
        env = {**project_env, "TASKER_RUNTIME": "worker", "DATABASE_URL": counter.url}
        result = servers.manage(COMMANDS[name], env=env, cwd=tmp_path)
    finally:
        counter.close()
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    entries = servers.read_entries(tmp_path / "lifecycle.jsonl")
    assert [e for e in entries if e["event"].startswith("runtime.")] == []
    assert counter.accepted == 0
    if name == "shell -c":
        assert "shell ran" in result.stdout


def test_the_counter_sees_a_worker_that_does_try_to_connect(
    servers: ModuleType, project_env: dict[str, str], tmp_path: Path
) -> None:
    """The same set-up notices a start: tasker_worker probes the database and fails fast."""
    counter = servers.ConnectionCounter()
    try:
        env = {
            **project_env,
            "TASKER_RUNTIME": "worker",
            "DATABASE_URL": counter.url,
            "TASKER_START_TIMEOUT_SECONDS": "5",
        }
        result = servers.manage(["tasker_worker"], env=env, cwd=tmp_path, timeout=60)
    finally:
        counter.close()
    assert result.returncode == 1, f"{result.stdout}\n{result.stderr}"
    events = [e["event"] for e in servers.read_entries(tmp_path / "lifecycle.jsonl")]
    assert events[:2] == ["runtime.starting", "runtime.start_failed"]
    assert counter.accepted >= 1
