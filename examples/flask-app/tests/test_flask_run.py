"""The README's command: ``flask --app examples/flask-app/flask_orders run``, a real server."""

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

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_flask_run_serves_orders_on_the_local_runtime(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKER_")}
    env.pop("DATABASE_URL", None)
    output = tmp_path / "out.txt"
    with output.open("wb") as sink:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "flask", "--app", "examples/flask-app/flask_orders"),
                *("run", "--port", str(port)),
            ],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                order = json.loads((example.CONTEXTS_DIR / "order.json").read_text("utf-8"))
                status, accepted = call(port, "POST", "/orders", order)
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.1)
        assert status == 202, accepted
        while True:
            status, shown = call(port, "GET", accepted["location"])
            assert status == 200, shown
            if shown["status"] in ("complete", "error"):
                break
            assert time.monotonic() < deadline, shown
            time.sleep(0.1)
        assert shown["status"] == "complete", shown
        assert call(port, "GET", "/tasker/ready")[0] == 200
    finally:
        os.killpg(server.pid, 9)
        server.wait(timeout=10)
