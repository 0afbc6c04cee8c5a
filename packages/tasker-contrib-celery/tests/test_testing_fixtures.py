"""tasker_contrib_celery.testing with celery.contrib.pytest: eager mode and an in-process worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ("celery.contrib.pytest",)

APPS = Path(__file__).resolve().parent / "apps"


@pytest.fixture
def celery_config() -> dict[str, Any]:
    return {
        "broker_url": "memory://",
        "result_backend": "cache+memory://",
        "task_always_eager": True,
    }


@pytest.fixture
def tasker_celery_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.syspath_prepend(str(APPS))
    return {
        "runtime": "local",
        "environment": "test",
        "template_paths": [str(APPS / "templates")],
        "handler_packages": ["celery_lifecycle_handlers"],
    }


def test_eager_submission_creates_the_task_on_the_test_processs_engine(
    celery_app: Any, tasker_celery: Any, tasker_celery_client: Any
) -> None:
    from tasker_contrib_celery import submit_tasker_task

    submit = celery_app.tasks[submit_tasker_task.name]
    outcome = submit.apply(
        kwargs={"name": "ping", "namespace": "celery_lifecycle", "version": "1.0.0"},
        task_id="eager-1",
    ).get()
    again = submit.apply(
        kwargs={"name": "ping", "namespace": "celery_lifecycle", "version": "1.0.0"},
        task_id="eager-1",
    ).get()
    assert outcome["created"] is True
    assert again["duplicate"] is True
    tasks = tasker_celery_client.list_tasks(namespace="celery_lifecycle").tasks
    assert [task.task_uuid for task in tasks] == [outcome["task_uuid"]]


def test_core_toolkit_names_are_reexported() -> None:
    from tasker_contrib_celery import testing

    assert testing.run_task.__name__ == "run_task"
    assert callable(testing.build_step_context)
