"""Item 4 of the first hour: a broken task template is found at start-up.

A fresh project (``install`` + ``generate``), one more template that is broken
(a YAML syntax error, or a handler that does not resolve), and the documented
FastAPI app under a real uvicorn, or ``tasker-contrib worker``:

* development (the default): start-up fails with the validator's message
  (file, line, code, fix);
* production: the app starts, ``/tasker/ready`` is 503 naming the broken
  template, and a task of the good template still runs to completion.
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from .conftest import (
    CLI,
    NewProject,
    clean_env,
    http_json,
    served_app,
    start_uvicorn,
    wait_for_task,
)

pytestmark = pytest.mark.slow

#: Line 6 opens a flow mapping that is never closed.
YAML_ERROR = """name: refund
namespace_name: shop
version: "1.0.0"
steps:
  - name: check
    handler: {callable: myapp.handlers.check.CheckHandler
"""

UNRESOLVABLE = """name: refund
namespace_name: shop
version: "1.0.0"
steps:
  - name: check
    handler:
      callable: myapp.handlers.check.ChekHandler
"""

BROKEN = {
    "yaml-syntax": (YAML_ERROR, "YAML_SYNTAX", "refund.yaml:6"),
    "unresolvable-handler": (UNRESOLVABLE, "UNRESOLVABLE_HANDLER", "refund.yaml:5 [check]"),
}


def _break(project: NewProject, case: str) -> tuple[str, str]:
    text, code, where = BROKEN[case]
    (project.root / "config/tasks/refund.yaml").write_text(text, encoding="utf-8")
    return code, where


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_development_start_up_stops_with_the_validators_message(
    new_project: NewProject, case: str
) -> None:
    code, where = _break(new_project, case)
    server, _ = start_uvicorn(new_project)
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode != 0, output
    assert "Application startup failed" in output, output
    assert f"config/tasks/{where}: error {code}" in output, output
    assert 'template_validation = "strict"' in output, output
    assert "tasker-contrib validate" in output, output
    if case == "unresolvable-handler":
        assert "CheckHandler" in output, output  # the closest existing name, as a fix


def test_production_starts_reports_the_template_and_runs_the_others(
    new_project: NewProject,
) -> None:
    _break(new_project, "yaml-syntax")
    (new_project.root / "config/tasks/refund_handler.yaml").write_text(
        UNRESOLVABLE.replace("name: refund", "name: refund_two"), encoding="utf-8"
    )
    with served_app(new_project, {"TASKER_ENV": "production"}, ready_status=503) as base:
        status, body = http_json(f"{base}/tasker/ready")
        assert status == 503, body
        assert isinstance(body, str)
        import json

        report = json.loads(body)
        checks = {check["name"]: check for check in report["checks"]}
        templates = checks["templates"]
        assert templates["ok"] is False
        assert templates["code"] == "YAML_SYNTAX"
        reason = next(r for r in report["reasons"] if r.startswith("templates: "))
        assert "2 of 3 template file(s) cannot run" in reason, reason
        assert "config/tasks/refund.yaml:6: error YAML_SYNTAX" in reason, reason
        assert "config/tasks/refund_handler.yaml:5 [check]" in reason, reason
        assert "UNRESOLVABLE_HANDLER" in reason, reason
        assert checks["runtime"]["ok"] is True
        # The good template still runs a task to completion.
        code, created = http_json(f"{base}/orders", {"order_id": 7})
        assert code == 202, created
        assert wait_for_task(base, created["task_uuid"])["status"] == "complete"
    assert "task template cannot run" in new_project.server_output, new_project.server_output


def test_worker_command_stops_in_development_and_runs_in_production(
    new_project: NewProject,
) -> None:
    code, where = _break(new_project, "unresolvable-handler")
    done = new_project.cli("worker", "--runtime", "local", timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"config/tasks/{where}: error {code}" in done.stderr, done.stderr
    assert "running" not in done.stdout, done.stdout

    worker = subprocess.Popen(
        [CLI, "worker", "--runtime", "local"],
        cwd=new_project.root,
        env=clean_env({"TASKER_ENV": "production"}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        assert worker.stdout is not None
        line = ""
        while time.monotonic() < deadline and worker.poll() is None:
            line = worker.stdout.readline()
            if "tasker-contrib worker running" in line:
                break
        assert "tasker-contrib worker running" in line, line
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, out + err
    assert f"config/tasks/{where}: error {code}" in err, err
    assert "task template cannot run" in err, err


@pytest.mark.engine
def test_production_worker_runtime_reports_the_template(
    new_project: NewProject, tasker_database_url: str
) -> None:
    """The real worker in production: start-up goes on with the broken file in the
    template directory, and readiness names it."""
    import json

    _break(new_project, "yaml-syntax")
    env = {"TASKER_ENV": "production", "DATABASE_URL": tasker_database_url}
    with served_app(new_project, env, ready_status=503) as base:
        _, body = http_json(f"{base}/tasker/ready")
        report = json.loads(body)
        checks = {check["name"]: check for check in report["checks"]}
        assert report["runtime"]["kind"] == "worker", report
        assert checks["runtime"]["ok"], report
        assert checks["database"]["ok"], report
        assert checks["templates"]["code"] == "YAML_SYNTAX", report
        assert "config/tasks/refund.yaml:6" in checks["templates"]["detail"], report
        assert "shop" in report["runtime"]["namespaces"], report
