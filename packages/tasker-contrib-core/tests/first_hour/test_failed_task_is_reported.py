"""Items 3 and 8 of the first hour: a task that fails says why, in its record and its events.

Through the documented FastAPI app on the local engine: a task whose handler
does not resolve and a task whose step raises a permanent error both read
``status: error`` with ``execution_status: blocked_by_failures``, carry an
``error`` with type and message, and log ``task.execution.failed``; the
default event lines name the error and leave absent fields out.
"""

from __future__ import annotations

import pytest

from .conftest import NewProject, http_json, served_app, wait_for_task

pytestmark = pytest.mark.slow

FAILING_HANDLER = """
from tasker_core import StepContext, StepHandler, StepHandlerResult


class CheckHandler(StepHandler):
    handler_name = "shop.check"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.failure("card declined", error_type="CardDeclined", retryable=False)
"""


def _lines(output: str, event: str) -> list[str]:
    return [line for line in output.splitlines() if f"] {event} " in line]


def test_unresolvable_handler_fails_the_task_visibly(new_project: NewProject) -> None:
    template = new_project.root / "config/tasks/order.yaml"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("myapp.handlers.check.CheckHandler", "myapp.handlers.check.Missing"),
        encoding="utf-8",
    )
    # Start-up validation would stop the app on this template (item 4); switched
    # off, the task reaches the local engine, which must report the failure itself.
    with served_app(new_project, {"TASKER_TEMPLATE_VALIDATION": "off"}) as base:
        code, created = http_json(f"{base}/orders", {})
        assert code == 202, created
        task = wait_for_task(base, created["task_uuid"])
    assert task["status"] == "error", task
    assert task["execution_status"] == "blocked_by_failures", task
    assert task["recommended_action"] == "handle_failures", task
    assert task["health_status"] == "blocked", task
    assert task["error"]["error_type"], task
    assert "Missing" in task["error"]["message"], task
    failed = _lines(new_project.server_output, "task.execution.failed")
    assert failed, new_project.server_output
    assert "error_type=" in failed[0], failed
    assert "step_name=None" not in failed[0], failed


def test_failing_step_names_its_error_on_default_lines(new_project: NewProject) -> None:
    handler = new_project.root / "myapp/handlers/check.py"
    handler.write_text(FAILING_HANDLER, encoding="utf-8")
    with served_app(new_project) as base:
        _, created = http_json(f"{base}/orders", {})
        task = wait_for_task(base, created["task_uuid"])
    assert task["status"] == "error", task
    assert task["execution_status"] == "blocked_by_failures", task
    assert task["error"] == {
        "error_type": "CardDeclined",
        "message": "card declined",
        "step_name": "check",
        "retryable": False,
    }, task
    output = new_project.server_output
    step_failed = _lines(output, "step.execution.failed")
    assert step_failed, output
    assert "error_type=CardDeclined" in step_failed[0], step_failed
    assert "card declined" in step_failed[0], step_failed
    assert "retryable=False" in step_failed[0], step_failed
    task_failed = _lines(output, "task.execution.failed")
    assert task_failed, output
    assert "error_type=CardDeclined" in task_failed[0], task_failed
    for line in _lines(output, "task.execution.started") + task_failed:
        assert "step_name" not in line, line
        assert "step_uuid" not in line, line
