"""``Tasker`` / ``init_app``: config layers, one registration per app, nothing started."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from tasker_contrib_core.errors import ConfigError
from tasker_contrib_core.integration import TaskerHost
from tasker_contrib_flask import Tasker, host_of, start_tasker, stop_tasker, tasker_client
from tasker_contrib_flask.extension import TaskerNotInitializedError, registered_apps
from tasker_contrib_testsupport.example_tasks import order_context


def make_app(name: str = "demo", **config: Any) -> Flask:
    app = Flask(name)
    app.config.update(config)
    return app


@pytest.fixture(autouse=True)
def _no_tasker_env(clean_environment: None) -> None:
    """Every test reads only what it sets."""


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("TASKER_") or key in ("DATABASE_URL", "PGMQ_DATABASE_URL"):
            monkeypatch.delenv(key)


def test_init_app_reads_the_tasker_dict_and_tasker_keys_and_starts_nothing() -> None:
    app = make_app(
        TASKER={"handler_packages": ["orders.handlers"], "runtime": "local"},
        TASKER_SHUTDOWN_TIMEOUT_SECONDS=3,
    )
    Tasker(app)
    host = app.extensions["tasker"]
    assert isinstance(host, TaskerHost)
    assert host.framework == "flask"
    assert host.settings.handler_packages == ["orders.handlers"]
    assert host.settings.shutdown_timeout_seconds == 3
    assert not host.started
    assert host.dispatcher is None
    # defaults of the extension's own keys are visible in app.config
    assert app.config["TASKER_START_ON_FIRST_REQUEST"] is False
    assert app.config["TASKER_LOG_EVENTS"] is True


def test_a_tasker_key_wins_over_the_same_setting_in_the_dict() -> None:
    app = make_app(TASKER={"shutdown_timeout_seconds": 9}, TASKER_SHUTDOWN_TIMEOUT_SECONDS=2)
    Tasker(app)
    assert host_of(app).settings.shutdown_timeout_seconds == 2


def test_explain_names_the_flask_layer() -> None:
    app = make_app(
        TASKER={"runtime": "local", "common": {"database": {"pool": {"max_connections": 7}}}}
    )
    Tasker(app)
    rows = {row.path: row for row in host_of(app).settings.explain()}
    row = rows["common.database.pool.max_connections"]
    assert row.value == 7
    assert "flask app.config" in f"{row.layer} {row.source}", row


def test_a_bad_value_names_the_flask_layer() -> None:
    app = make_app(TASKER={"shutdown_timeout_seconds": "soon"})
    with pytest.raises(ConfigError) as caught:
        Tasker(app)
    assert "flask app.config" in str(caught.value)
    assert "shutdown_timeout_seconds" in str(caught.value)


def test_tasker_must_be_a_dict() -> None:
    app = make_app(TASKER=["runtime=local"])
    with pytest.raises(TypeError, match=r"app.config\['TASKER'\] must be a dict"):
        Tasker(app)


def test_a_second_registration_is_refused() -> None:
    app = make_app()
    tasker = Tasker(app)
    with pytest.raises(RuntimeError, match="already registered"):
        tasker.init_app(app)
    with pytest.raises(RuntimeError, match="already registered"):
        Tasker(app)


def test_one_extension_serves_several_apps_each_with_its_own_host(example_settings: Any) -> None:
    tasker = Tasker(settings=example_settings)
    first, second = make_app("first"), make_app("second")
    tasker.init_app(first)
    tasker.init_app(second)
    assert host_of(first) is not host_of(second)
    assert not hasattr(tasker, "app")
    assert {first, second} <= set(registered_apps())
    start_tasker(first)
    try:
        assert host_of(first).started
        assert not host_of(second).started
    finally:
        assert stop_tasker(first)


def test_settings_passed_in_code_replace_app_config(example_settings: Any) -> None:
    app = make_app(TASKER={"handler_packages": ["ignored"]})
    Tasker(app, settings=example_settings)
    assert host_of(app).settings is example_settings


def test_helpers_on_an_app_without_tasker_say_what_to_do() -> None:
    app = make_app()
    with pytest.raises(TaskerNotInitializedError, match=r"init_app\(app\)"):
        host_of(app)
    with app.app_context(), pytest.raises(TaskerNotInitializedError):
        tasker_client()


def test_the_view_client_runs_a_task_on_the_local_runtime(example_settings: Any) -> None:

    import tasker_contrib_example as example
    from tasker_contrib_core.client import TaskRequest

    app = make_app()
    tasker = Tasker(app, settings=example_settings)
    order = order_context()
    start_tasker(app)
    try:
        with app.app_context():
            assert tasker.client is tasker_client()
            task = tasker_client().create_task(
                TaskRequest(
                    name=example.TEMPLATE_NAME,
                    namespace=example.NAMESPACE,
                    version=example.TEMPLATE_VERSION,
                    context=order,
                )
            )
            done = _wait_for_status(app, task.task_uuid)
        assert done == "complete"
    finally:
        stop_tasker(app)


def test_first_request_start_runs_once_per_process(example_settings: Any) -> None:
    app = make_app(TASKER_START_ON_FIRST_REQUEST=True)
    Tasker(app, settings=example_settings)

    @app.get("/ping")
    def ping() -> str:
        return "pong"

    host = host_of(app)
    assert not host.started
    client = app.test_client()
    try:
        assert client.get("/ping").status_code == 200
        assert host.started
        assert client.get("/ping").status_code == 200
    finally:
        host.stop()


def _wait_for_status(app: Flask, task_uuid: str, timeout: float = 20.0) -> str:
    import time

    deadline = time.monotonic() + timeout
    while True:
        status = tasker_client(app).get_task(task_uuid).status
        if status in ("complete", "error") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)
