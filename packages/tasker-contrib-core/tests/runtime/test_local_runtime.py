"""LocalRuntime: tasks submitted through its client run on the local engine."""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tasker_contrib_core.client import TaskRequest, TaskResponse
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.errors import (
    OrchestrationHTTPError,
    OrchestrationUnavailableError,
)
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.runtime import LocalRuntime

REPO = Path(__file__).resolve().parents[4]
EXAMPLE = REPO / "shared" / "example-workflow"


def settle(runtime: Any, task_uuid: str, timeout: float = 10.0) -> tuple[TaskResponse, list[str]]:
    """Poll until terminal; also return every distinct status seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        task = runtime.client.get_task(task_uuid)
        if not seen or seen[-1] != task.status:
            seen.append(task.status)
        if task.is_terminal:
            return task, seen
        assert time.monotonic() < deadline, f"still {task.status}"
        time.sleep(0.005)


def test_example_workflow_runs_to_completion_with_events(tmp_path: Path) -> None:
    settings = TaskerSettings(
        _environ={},
        environment="test",
        runtime="local",
        template_paths=[EXAMPLE / "templates"],
        handler_packages=["tasker_contrib_example.handlers"],
        config_dir=tmp_path,
    )
    runtime = LocalRuntime(settings)
    events: list[TaskerEvent] = []
    runtime.subscribe(events.append)
    runtime.start()
    try:
        assert runtime.status().namespaces == ("ecommerce",)
        context = json.loads((EXAMPLE / "contexts" / "order.json").read_text())
        created = runtime.client.create_task(
            TaskRequest(
                name="order_processing", namespace="ecommerce", version="1.0.0", context=context
            )
        )
        assert created.status == "pending"
        assert created.total_steps >= 1
        done, seen = settle(runtime, created.task_uuid)
        assert done.status == "complete", done
        assert seen[0] == "pending"
        assert seen[-1] == "complete"
        assert done.completed_steps == done.total_steps
        assert done.execution_status == "all_complete"
        assert done.health_status == "healthy"
        names = [step.name for step in runtime.client.list_task_steps(done.task_uuid)]
        assert "send_notification_batch_001" in names  # batch workers appear once created
        lifecycle = [e.name for e in events if e.kind == "lifecycle"]
        assert lifecycle[0] == "task.execution.started"
        assert lifecycle[-1] == "task.execution.completed"
        assert "step.execution.started" in lifecycle
        assert "order.completed" in [e.name for e in events if e.kind == "domain"]
        assert {e.task_uuid for e in events} == {done.task_uuid}
        status = runtime.status()
        assert status.running
        assert status.poller_alive
        assert status.last_event_age_seconds is not None
        assert status.details["tasks"] == {"complete": 1}
    finally:
        assert runtime.stop(5.0) is True


def test_statuses_progress_and_steps_follow(local_runtime: Any, helpers: ModuleType) -> None:
    fixtures = helpers.load("local_fixtures")
    created = local_runtime.client.create_task(
        TaskRequest(name="slow_task", namespace="contract", version="1.0.0")
    )
    deadline = time.monotonic() + 5
    while local_runtime.client.get_task(created.task_uuid).status != "steps_in_process":
        assert time.monotonic() < deadline
        time.sleep(0.005)
    running = local_runtime.client.get_task(created.task_uuid)
    states = {step.name: step.current_state for step in running.steps}
    assert states == {"wait": "in_progress", "after": "pending"}
    assert running.execution_status == "processing"
    fixtures.RELEASE.set()
    done, _ = settle(local_runtime, created.task_uuid)
    assert {step.name: step.current_state for step in done.steps} == {
        "wait": "complete",
        "after": "complete",
    }
    assert done.completed_at is not None


def test_a_failing_step_puts_the_task_in_error(local_runtime: Any) -> None:
    created = local_runtime.client.create_task(
        TaskRequest(name="failing_task", namespace="contract", version="1.0.0")
    )
    done, _ = settle(local_runtime, created.task_uuid)
    assert done.status == "error"
    assert done.execution_status == "blocked_by_failures"
    assert done.recommended_action == "handle_failures"
    assert done.health_status == "blocked"
    states = {step.name: step.current_state for step in done.steps}
    assert states == {"first": "complete", "explode": "error", "never": "pending"}
    explode = next(s for s in done.steps if s.name == "explode")
    audit = local_runtime.client.get_step_audit(done.task_uuid, explode.workflow_step_uuid)
    assert audit[0].success is False
    assert audit[0].to_state == "error"
    step = local_runtime.client.get_step(done.task_uuid, explode.workflow_step_uuid)
    assert step.results["error"]["message"] == "it broke"


def test_queued_task_can_be_cancelled_and_never_runs(tmp_path: Path, helpers: ModuleType) -> None:
    fixtures = helpers.load("local_fixtures")
    templates = fixtures.write_templates(tmp_path / "templates")
    settings = TaskerSettings(_environ={}, runtime="local", template_paths=[templates])
    fixtures.RELEASE.clear()
    runtime = LocalRuntime(settings, handlers=fixtures.handlers(), max_workers=1)
    runtime.start()
    try:
        blocker = runtime.client.create_task(
            TaskRequest(name="slow_task", namespace="contract", version="1.0.0")
        )
        queued = runtime.client.create_task(
            TaskRequest(name="contract_task", namespace="contract", version="1.0.0")
        )
        cancelled = runtime.client.cancel_task(queued.task_uuid)
        assert cancelled.status == "cancelled"
        fixtures.RELEASE.set()
        settle(runtime, blocker.task_uuid)
        time.sleep(0.05)
        after = runtime.client.get_task(queued.task_uuid)
        assert after.status == "cancelled"
        assert all(step.current_state == "pending" for step in after.steps)  # never ran
        with pytest.raises(OrchestrationHTTPError) as info:
            runtime.client.cancel_task(blocker.task_uuid)
        assert info.value.status_code == 400
    finally:
        fixtures.RELEASE.set()
        runtime.stop(5.0)


def test_unknown_template_is_a_404_naming_what_exists(local_runtime: Any) -> None:
    with pytest.raises(OrchestrationHTTPError) as info:
        local_runtime.client.create_task(
            TaskRequest(name="nope", namespace="contract", version="9.9.9")
        )
    assert info.value.status_code == 404
    assert "contract/contract_task:1.0.0" in str(info.value)


def test_lifecycle_start_is_idempotent_and_stop_is_bounded(
    tmp_path: Path, helpers: ModuleType
) -> None:
    fixtures = helpers.load("local_fixtures")
    templates = fixtures.write_templates(tmp_path / "templates")
    settings = TaskerSettings(_environ={}, runtime="local", template_paths=[templates])
    fixtures.RELEASE.clear()
    runtime = LocalRuntime(settings, handlers=fixtures.handlers(), max_workers=1)
    request = TaskRequest(name="contract_task", namespace="contract", version="1.0.0")
    with pytest.raises(OrchestrationUnavailableError, match="not running"):
        runtime.client.create_task(request)
    runtime.start()
    started_at = runtime.status().started_at
    runtime.start()
    assert runtime.status().started_at == started_at
    stuck = runtime.client.create_task(
        TaskRequest(name="slow_task", namespace="contract", version="1.0.0")
    )
    queued = runtime.client.create_task(request)
    began = time.monotonic()
    assert runtime.stop(0.3) is False  # the slow handler is still running
    assert time.monotonic() - began < 1.0
    assert runtime.client.get_task(queued.task_uuid).status == "cancelled"
    assert runtime.status().running is False
    assert runtime.stop() is True  # idempotent
    with pytest.raises(OrchestrationUnavailableError):
        runtime.client.create_task(request)
    fixtures.RELEASE.set()
    settle(runtime, stuck.task_uuid)


def test_fork_after_start_and_exit_without_stop(helpers: ModuleType, tmp_path: Path) -> None:
    fixtures = helpers.load("local_fixtures")
    templates = fixtures.write_templates(tmp_path / "templates")
    began = time.monotonic()
    result = helpers.fresh_interpreter(
        f"""
        import os, sys, time, json
        os.environ["CONTRACT_WAIT_SECONDS"] = "60"
        from tasker_contrib_core.config import TaskerSettings
        from tasker_contrib_core.errors import RuntimeForkedError
        from tasker_contrib_core.runtime import LocalRuntime
        from tasker_contrib_core.client import TaskRequest
        sys.path.insert(0, {str(Path(fixtures.__file__).parent)!r})
        import importlib.util
        spec = importlib.util.spec_from_file_location("lf", {fixtures.__file__!r})
        lf = importlib.util.module_from_spec(spec); spec.loader.exec_module(lf)
        settings = TaskerSettings(
            _environ={{}}, runtime="local", template_paths=[{str(templates)!r}]
        )
        runtime = LocalRuntime(settings, handlers=lf.handlers())
        runtime.start()
        # A task that would run for a minute; we leave without stopping.
        slow = TaskRequest(name="slow_task", namespace="contract", version="1.0.0")
        runtime.client.create_task(slow)
        pid = os.fork()
        if pid == 0:
            try:
                runtime.start()
                os._exit(3)
            except RuntimeForkedError:
                os._exit(0 if runtime.status().running is False else 4)
        _, status = os.waitpid(pid, 0)
        print("CHILD", os.waitstatus_to_exitcode(status))
        """,
        timeout=30,
    )
    elapsed = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    assert "CHILD 0" in result.stdout
    assert elapsed < 20  # nowhere near the minute: pool threads never hold up exit
