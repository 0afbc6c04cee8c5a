"""Items 1 and 2 of the first hour: after ``install`` and ``generate`` the documented
FastAPI app runs the generated workflow on the local engine, finding the handlers
recorded in pyproject.toml; a configured database is what switches to the worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import NewProject, clean_env, free_port

pytestmark = pytest.mark.slow

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


def _http(url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_documented_app_runs_generated_workflow_on_local_engine(new_project: NewProject) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (new_project.root / "config/tasker").rglob("common.toml")
    )
    assert '\nurl = "postgresql://' not in text, "install wrote a database URL"
    (new_project.root / "main.py").write_text(APP, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "main:app", "--port", str(port)],
        cwd=new_project.root,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        status: int | None = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = _http(f"{base}/tasker/ready")
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, f"the app never became ready (exit {server.poll()})"
        code, created = _http(f"{base}/orders", {"order_id": 1})
        assert code == 202, created
        task: Any = None
        while time.monotonic() < deadline:
            _, task = _http(f"{base}/orders/{created['task_uuid']}")
            if isinstance(task, dict) and task.get("status") in ("complete", "error"):
                break
            time.sleep(0.1)
        assert isinstance(task, dict), task
        assert task["status"] == "complete", task
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert "task.execution.completed" in output, output


def _runtime(project: NewProject, env: dict[str, str] | None = None) -> dict[str, Any]:
    probe = (
        "import json; from tasker_contrib_core.config import TaskerSettings; "
        "s = TaskerSettings(); print(json.dumps({'runtime': s.resolved_runtime(), "
        "'handlers': s.handler_packages, 'templates': [str(p) for p in s.template_paths]}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=project.root,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_configured_database_switches_to_worker(new_project: NewProject) -> None:
    assert _runtime(new_project) == {
        "runtime": "local",
        "handlers": ["myapp.handlers"],
        "templates": ["config/tasks"],
    }
    url = "postgresql://tasker:secret@127.0.0.1:5432/shop"
    assert _runtime(new_project, {"DATABASE_URL": url})["runtime"] == "worker"
    common = new_project.root / "config/tasker/environments/development/common.toml"
    text = common.read_text(encoding="utf-8")
    common.write_text(
        text.replace('# url = "postgresql://localhost:5432/tasker_development"', f'url = "{url}"'),
        encoding="utf-8",
    )
    assert _runtime(new_project)["runtime"] == "worker"


def test_recorded_handlers_reach_every_command(new_project: NewProject, tmp_path: Path) -> None:
    pyproject = (new_project.root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'handlers-package = "myapp.handlers"' in pyproject
    new_project.ok("generate", "step-handler", "refund", "--namespace", "shop")
    assert (new_project.root / "myapp/handlers/refund.py").is_file()
    assert not (new_project.root / "workflows").exists()
    assert "no problems found" in new_project.ok("validate")
    ran = new_project.ok("run", "config/tasks/order.yaml", "--context", "{}", "--json")
    assert json.loads(ran)["status"] == "complete"
    doctor = new_project.cli("doctor")
    assert "myapp.handlers" in doctor.stdout + doctor.stderr, doctor.stdout + doctor.stderr
