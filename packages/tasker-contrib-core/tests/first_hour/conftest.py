"""A new user's project in a fresh directory, built with the real ``tasker-contrib`` CLI.

Every command runs as a subprocess with the engine and database variables
removed from the environment, from the project directory, as a user runs it.
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
CLI = str(BIN / "tasker-contrib")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any Tasker or database setting, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TASKER_", "PG")) and key not in ("DATABASE_URL", "PYTHONPATH")
    }
    env["RUST_LOG"] = "warn"
    env.update(extra or {})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class NewProject:
    root: Path
    server_output: str = ""

    def cli(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args],
            cwd=self.root,
            env=clean_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        done = self.cli(*args, env=env)
        command = " ".join(args)
        assert done.returncode == 0, f"tasker-contrib {command}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def new_project(tmp_path: Path) -> NewProject:
    """``install --handlers-package myapp.handlers`` and one generated template (2 steps)."""
    root = tmp_path / "shop"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "0.1.0"\n', encoding="utf-8"
    )
    project = NewProject(root)
    project.ok("install", "--handlers-package", "myapp.handlers")
    project.ok("generate", "task-template", "order", "--namespace", "shop", "--steps", "check,ship")
    return project


APP = """
from fastapi import FastAPI
from tasker_contrib_fastapi import TaskerClientDep, tasker_lifespan, tasker_router
from tasker_contrib_core.client import TaskRequest

app = FastAPI(lifespan=tasker_lifespan())
app.include_router(tasker_router())


@app.post("/orders", status_code=202)
async def submit_order(order: dict, tasker: TaskerClientDep) -> dict[str, str]:
    task = await tasker.create_task(
        TaskRequest(name="order", namespace="shop", version="1.0.0", context=order)
    )
    return {"task_uuid": task.task_uuid}


@app.get("/orders/{task_uuid}")
async def order_status(task_uuid: str, tasker: TaskerClientDep) -> dict:
    return (await tasker.get_task(task_uuid)).model_dump(mode="json")
"""


def http_json(url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def start_uvicorn(
    project: NewProject, env: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """``uvicorn main:app`` of the documented FastAPI app in ``project``: (process, base URL)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    (project.root / "main.py").write_text(APP, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "main:app", "--port", str(port)],
        cwd=project.root,
        env=clean_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return server, f"http://127.0.0.1:{port}"


@contextmanager
def served_app(
    project: NewProject, env: Mapping[str, str] | None = None, *, ready_status: int = 200
) -> Iterator[str]:
    """The documented FastAPI app under uvicorn in ``project``; yields its base URL
    once ``/tasker/ready`` answers ``ready_status``.

    The server's output lands in ``project.server_output`` once it has stopped.
    """
    server, base = start_uvicorn(project, env)
    try:
        deadline = time.monotonic() + 60
        status: int | None = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = http_json(f"{base}/tasker/ready")
            except OSError:
                status = None
            if status == ready_status:
                break
            time.sleep(0.2)
        assert status == ready_status, (
            f"/tasker/ready never answered {ready_status} (last {status}, exit {server.poll()})"
        )
        yield base
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
        project.server_output = output


def wait_for_task(base: str, task_uuid: str, timeout: float = 30) -> dict[str, Any]:
    """Poll ``GET /orders/{uuid}`` until the task is terminal; returns its JSON."""
    deadline = time.monotonic() + timeout
    task: Any = None
    while time.monotonic() < deadline:
        _, task = http_json(f"{base}/orders/{task_uuid}")
        if isinstance(task, dict) and task.get("status") in ("complete", "error", "cancelled"):
            return dict(task)
        time.sleep(0.1)
    raise AssertionError(f"task {task_uuid} never finished: {task}")
