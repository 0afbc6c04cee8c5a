"""celery_task_step: Celery tasks run as steps on the local engine, with Tasker's retries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

APPS = Path(__file__).resolve().parent / "apps"


@pytest.fixture
def tasks_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(APPS))
    import celery_lifecycle_tasks

    return celery_lifecycle_tasks


def test_autoretry_for_becomes_tasker_retries_and_the_result_reaches_the_next_step(
    tasks_module: Any,
) -> None:
    from tasker_contrib_celery import celery_task_step
    from tasker_contrib_core.testing import run_task

    run = run_task(
        APPS / "templates" / "adapted.yaml",
        {"rate": 1.5},
        handlers={
            "celery_lifecycle_handlers.FetchRate": celery_task_step(tasks_module.fetch_rate),
            "celery_lifecycle_handlers.ApplyRate": celery_task_step(tasks_module.apply_rate),
        },
        timeout=30,
    )
    assert run.ok, run.summary()
    assert run.attempts("fetch_rate") == 3  # two ConnectionErrors, retried by Tasker
    assert run.result("fetch_rate") == {"return_value": 1.5}
    assert run.result("apply_rate") == {"rate": 1.5, "total": 150.0}


def test_retries_stop_at_the_templates_max_attempts(
    tasks_module: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasker_contrib_celery import celery_task_step
    from tasker_contrib_core.testing import run_task

    monkeypatch.setattr(tasks_module, "FAILURES", 10)
    run = run_task(
        APPS / "templates" / "adapted.yaml",
        {},
        handlers={
            "celery_lifecycle_handlers.FetchRate": celery_task_step(tasks_module.fetch_rate),
            "celery_lifecycle_handlers.ApplyRate": celery_task_step(tasks_module.apply_rate),
        },
        timeout=30,
    )
    assert run.status == "error"
    assert run.attempts("fetch_rate") == 4  # the template's max_attempts, not Celery's 10
    assert "ConnectionError" in str(run.step("fetch_rate").error)
    assert "apply_rate" not in run.steps or run.result("apply_rate") is None


def test_self_retry_is_retryable_and_other_exceptions_are_permanent(tasks_module: Any) -> None:
    from tasker_contrib_celery import celery_task_step
    from tasker_contrib_core.testing import build_step_context, call_handler

    handler = celery_task_step(tasks_module.reject_negative, "rates.RejectNegative")
    first = call_handler(handler, build_step_context(task_fields={"amount": 3}))
    assert not first.is_success
    assert first.retryable
    assert "TimeoutError: slow upstream" in str(first.error_message)
    retried = call_handler(handler, build_step_context(task_fields={"amount": 3}, attempts=1))
    assert retried.is_success
    assert retried.result == {"return_value": 3.0}
    bad = call_handler(handler, build_step_context(task_fields={"amount": -1}))
    assert not bad.is_success
    assert bad.retryable is False
    assert bad.error_type == "permanent_error"


def test_a_non_task_is_refused() -> None:
    from tasker_contrib_celery import celery_task_step

    with pytest.raises(TypeError, match="needs a Celery task"):
        celery_task_step(lambda order: order)


def test_import_path_does_not_leak(tasks_module: Any) -> None:
    assert "celery_lifecycle_tasks" in sys.modules
