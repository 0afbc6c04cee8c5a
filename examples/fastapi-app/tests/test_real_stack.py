"""The same app on the real stack, changed by configuration only.

* Submit-only web process (``TASKER_RUNTIME=worker``, ``TASKER_WORKER_ENABLED=
  false``, ``TASKER_ORCHESTRATION_URL``): orders go to the orchestration REST
  API. A stand-in orchestration service answers here (core's test fake, which
  speaks the documented API).
* Embedded worker (only ``DATABASE_URL`` set): uvicorn starts the real engine
  against a throwaway PostgreSQL and readiness checks that database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport import fake_orchestration

EXAMPLE_DIR = Path(__file__).resolve().parents[1]


def test_submit_only_configuration_sends_orders_to_the_orchestration_api(
    tasker_settings: Any,
) -> None:
    from fastapi.testclient import TestClient
    from fastapi_orders.main import create_app
    from fastapi_orders.settings import example_settings

    with fake_orchestration.FakeServer() as orchestration:
        environ = {
            "TASKER_RUNTIME": "worker",
            "TASKER_WORKER_ENABLED": "false",
            "TASKER_ORCHESTRATION_URL": orchestration.url,
        }
        app = create_app(example_settings(_environ=environ))
        with TestClient(app) as client:
            order = json.loads((example.CONTEXTS_DIR / "order.json").read_text())
            accepted = client.post("/orders", json=order)
            assert accepted.status_code == 202, accepted.text
            shown = client.get(accepted.json()["location"])
            ready = client.get("/tasker/ready")
        created = orchestration.state.calls("POST", "/v1/tasks")
    assert len(created) == 1
    assert shown.status_code == 200
    assert shown.json()["order_id"] == "ORD-1001"
    assert ready.status_code == 200
    assert [check["name"] for check in ready.json()["checks"]] == ["runtime", "orchestration"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.engine
@pytest.mark.slow
def test_with_a_database_configured_the_app_runs_the_real_worker(
    tasker_database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TASKER_") and key not in ("DATABASE_URL", "RUST_LOG")
    }
    env.update({"DATABASE_URL": tasker_database_url, "TASKER_ENV": "test", "RUST_LOG": "error"})
    command = [
        sys.executable, "-m", "uvicorn", "fastapi_orders.main:app",
        "--app-dir", str(EXAMPLE_DIR), "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    output = tmp_path / "out.txt"
    with output.open("wb") as sink:
        server = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, output.read_text()
            try:
                status, ready = _get(f"http://127.0.0.1:{port}/tasker/ready")
                break
            except OSError:
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
        assert status == 200, ready
        assert ready["runtime"]["kind"] == "worker"
        assert "ecommerce" in ready["runtime"]["namespaces"]
        assert [check["name"] for check in ready["checks"]] == [
            "runtime",
            "pollers",
            "database",
            "templates",
        ]
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
