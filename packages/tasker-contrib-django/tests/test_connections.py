"""Scenario 18: receivers and step handlers using the ORM on the engine's threads
do not leak PostgreSQL connections (measured in ``pg_stat_activity``).

1,000 events (250 one-step tasks on the local runtime), each received by a
receiver that writes and reads a row; each step's handler writes a row too.
With ``CONN_MAX_AGE = 0`` every connection those threads open must be closed
after its dispatch or step, so after each batch the count is back to the
baseline. The control run without ``close_old_connections`` shows the
sampler does see the connections the engine's threads keep otherwise (200 events).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parent / "scripts" / "receiver_connections.py"


def run(servers: ModuleType, env: dict[str, str], tmp_path: Path, *flags: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *flags],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    outcome: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return outcome


def test_orm_receivers_keep_connections_flat_over_1000_events(
    servers: ModuleType, project_env: dict[str, str], postgres_url: str, tmp_path: Path
) -> None:
    env = {**project_env, "TEST_DJANGO_DB_URL": postgres_url, "TEST_RECEIVER_WRITES": "1"}
    outcome = run(servers, env, tmp_path)
    assert outcome["events_written"] == 1000
    assert outcome["handler_rows"] == 250
    assert outcome["samples"] == [outcome["baseline"]] * len(outcome["samples"]), outcome


def test_without_closing_the_engine_threads_keep_their_connections(
    servers: ModuleType, project_env: dict[str, str], postgres_url: str, tmp_path: Path
) -> None:
    env = {**project_env, "TEST_DJANGO_DB_URL": postgres_url, "TEST_RECEIVER_WRITES": "1"}
    outcome = run(servers, env, tmp_path, "--no-hygiene")  # 200 events are enough here
    assert outcome["events_written"] == 200
    assert min(outcome["samples"]) > outcome["baseline"], outcome
