"""tasker_contrib_fastapi.testing: core's toolkit re-exported, and the app fixtures."""

from __future__ import annotations

import textwrap
import time
from typing import Any

import pytest
import tasker_contrib_example as example
from fastapi import FastAPI
from tasker_contrib_fastapi import TaskerClientDep, tasker_lifespan, tasker_router
from tasker_contrib_fastapi.testing import step_context  # the seed's import keeps working
from tasker_contrib_testsupport.example_tasks import order_context, order_request

#: Options of the in-process pytest runs below. When the whole workspace runs in one
#: process, the Django package's tests have configured Django, and pytest-django (installed
#: for them) would set up a Django test environment a second time in the inner run.
INNER_RUN_OPTIONS = ("-p", "no:cacheprovider", "-p", "no:django")

pytest_plugins = ["pytester"]


@pytest.fixture
def tasker_app(tasker_local_settings: Any) -> FastAPI:
    settings = tasker_local_settings(
        handler_packages=list(example.HANDLER_PACKAGES), template_paths=[example.TEMPLATES_DIR]
    )
    app = FastAPI(lifespan=tasker_lifespan(settings, log_events=False))
    app.include_router(tasker_router())

    @app.post("/orders")
    async def order(tasker: TaskerClientDep) -> dict[str, str]:
        task = await tasker.create_task(order_request())
        return {"task_uuid": task.task_uuid}

    return app


def test_step_context_fixture_from_the_seed_import(step_context: Any) -> None:
    from tasker_contrib_example.handlers.validation import ValidateOrderHandler
    from tasker_contrib_fastapi.testing import assert_success, call_handler

    context = step_context(
        task_fields=order_context(),
        step_config={"max_items": 50},
    )
    assert_success(call_handler(ValidateOrderHandler, context), order_id="ORD-1001")


def test_the_whole_core_toolkit_is_re_exported() -> None:
    import tasker_contrib_core.testing as core
    import tasker_contrib_fastapi.testing as ours

    for name in core.__all__:
        assert getattr(ours, name) is getattr(core, name), name
    assert set(core.__all__) <= set(ours.__all__)
    assert callable(step_context)


def test_tasker_client_runs_the_lifespan(tasker_client: Any) -> None:
    assert tasker_client.get("/tasker/ready").status_code == 200
    assert tasker_client.post("/orders").status_code == 200


@pytest.mark.anyio
async def test_tasker_async_client_runs_the_lifespan(tasker_async_client: Any) -> None:
    assert (await tasker_async_client.get("/tasker/ready")).status_code == 200
    task_uuid = (await tasker_async_client.post("/orders")).json()["task_uuid"]
    assert task_uuid


def test_tasker_local_settings_ignore_the_environment(
    tasker_local_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://x:y@db.invalid:5432/z")
    settings = tasker_local_settings()
    assert settings.resolved_runtime() == "local"
    assert settings.environment == "test"


def test_an_app_without_tasker_app_fixture_gets_told_what_to_write(pytester: Any) -> None:
    pytester.makepyfile(
        test_app=textwrap.dedent(
            """
            def test_needs_app(tasker_client):
                pass
            """
        )
    )
    started = time.monotonic()
    result = pytester.runpytest(*INNER_RUN_OPTIONS)
    assert time.monotonic() - started < 30
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*define a `tasker_app` fixture*", "*tasker_local_settings*"])
