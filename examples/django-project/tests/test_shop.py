"""The example project as a user runs it: migrate, runserver, POST an order, watch it finish.

Real ``manage.py`` processes in a fresh directory, the embedded local runtime
(nothing configured), the example workflow's real handlers; the order's row
is marked complete by a Django signal receiver.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
MANAGE = str(PROJECT / "manage.py")


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TASKER_", "DJANGO_")) and k not in ("DATABASE_URL", "RUN_MAIN")
    }
    env.update({"SHOP_SQLITE": str(tmp_path / "db.sqlite3"), "PYTHONUNBUFFERED": "1",
                "RUST_LOG": "error"})  # fmt: skip
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_order_runs_the_example_workflow_in_runserver(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    migrated = subprocess.run([sys.executable, MANAGE, "migrate", "-v0"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    with (tmp_path / "out.txt").open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, MANAGE, "runserver", f"127.0.0.1:{port}"],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, ready = call(port, "GET", "/tasker/ready/")
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, (tmp_path / "out.txt").read_text()
                time.sleep(0.1)
        assert status == 200, ready
        order = json.loads((example.CONTEXTS_DIR / "order.json").read_text())
        status, accepted = call(port, "POST", "/orders/", order)
        assert status == 202, accepted
        assert call(port, "POST", "/orders/", order)[0] == 409
        deadline = time.monotonic() + 30
        while True:
            status, body = call(port, "GET", accepted["location"])
            if body.get("task_status") in ("complete", "error"):
                break
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        assert body["task_status"] == "complete", body
        assert body["status"] == "complete"
        states = {step["name"]: step["state"] for step in body["steps"]}
        assert states["complete_order"] == "complete"
        assert call(port, "POST", "/orders/", {"order_id": "nope"})[0] == 422
    finally:
        os.killpg(server.pid, 9)
        server.wait(timeout=10)
