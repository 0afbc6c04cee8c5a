"""Items 1 and 2 of the first hour: after ``install`` and ``generate`` the documented
FastAPI app runs the generated workflow on the local engine, finding the handlers
recorded in pyproject.toml; a configured database is what switches to the worker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import NewProject, clean_env, http_json, served_app, wait_for_task

pytestmark = pytest.mark.slow


def test_documented_app_runs_generated_workflow_on_local_engine(new_project: NewProject) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (new_project.root / "config/tasker").rglob("common.toml")
    )
    assert '\nurl = "postgresql://' not in text, "install wrote a database URL"
    with served_app(new_project) as base:
        code, created = http_json(f"{base}/orders", {"order_id": 1})
        assert code == 202, created
        task = wait_for_task(base, created["task_uuid"])
        assert task["status"] == "complete", task
    output = new_project.server_output
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
