"""The blueprint's probes and task routes, and ``flask tasker`` commands on the app's config."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import tasker_contrib_example as example
from flask import Flask, abort, request
from tasker_contrib_flask import Tasker, tasker_blueprint
from tasker_contrib_flask.cli import app_layout
from tasker_contrib_testsupport.example_tasks import order_context


def order_body() -> dict[str, Any]:
    order = order_context()
    return {
        "name": example.TEMPLATE_NAME,
        "namespace": example.NAMESPACE,
        "version": example.TEMPLATE_VERSION,
        "context": order,
    }


@pytest.fixture
def tasker_flask_app(example_settings: Any) -> Flask:
    app = Flask("bp_app")
    Tasker(app, settings=example_settings)

    def require_token() -> None:
        if request.headers.get("x-token") != "secret":
            abort(401)

    app.register_blueprint(tasker_blueprint(include_task_routes=True, auth=require_token))
    return app


def test_probes_answer_503_before_the_start_and_200_after(tasker_flask_app: Flask) -> None:
    client = tasker_flask_app.test_client()
    headers = {"x-token": "secret"}
    health = client.get("/tasker/health", headers=headers)
    assert health.status_code == 503
    assert health.json["probe"] == "liveness"
    from tasker_contrib_flask.testing import running

    with running(tasker_flask_app):
        ready = client.get("/tasker/ready", headers=headers)
        assert ready.status_code == 200, ready.json
        assert ready.json["runtime"]["kind"] == "local"
        assert "ecommerce" in ready.json["runtime"]["namespaces"]


def test_the_auth_callable_guards_every_route(tasker_flask_client: Any) -> None:
    assert tasker_flask_client.get("/tasker/health").status_code == 401
    assert tasker_flask_client.post("/tasker/tasks", json=order_body()).status_code == 401


def test_task_routes_create_and_show_a_task(tasker_flask_client: Any) -> None:
    headers = {"x-token": "secret"}
    created = tasker_flask_client.post("/tasker/tasks", json=order_body(), headers=headers)
    assert created.status_code == 201, created.json
    task_uuid = created.json["task_uuid"]
    deadline = time.monotonic() + 20
    while True:
        shown = tasker_flask_client.get(f"/tasker/tasks/{task_uuid}", headers=headers)
        assert shown.status_code == 200
        if shown.json["task"]["status"] == "complete" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert shown.json["task"]["status"] == "complete"
    assert {step["name"] for step in shown.json["steps"]} >= {"validate_order", "complete_order"}
    missing = tasker_flask_client.get(
        "/tasker/tasks/00000000-0000-0000-0000-000000000000", headers=headers
    )
    assert missing.status_code == 404
    bad = tasker_flask_client.post("/tasker/tasks", json={"name": 3}, headers=headers)
    assert bad.status_code == 422


def test_flask_tasker_commands_use_the_apps_settings(tasker_flask_runner: Any) -> None:
    shown = tasker_flask_runner.invoke(args=["tasker", "validate"])
    assert shown.exit_code == 0, shown.output
    assert "no problems found" in shown.output
    assert "1 template checked" in shown.output
    ran = tasker_flask_runner.invoke(
        args=[
            "tasker",
            "run",
            str(example.TEMPLATES_DIR / "order_processing.yaml"),
            "--context",
            f"@{example.CONTEXTS_DIR / 'order.json'}",
        ]
    )
    assert ran.exit_code == 0, ran.output
    assert "complete" in ran.output


def test_the_config_command_shows_app_config_values() -> None:
    app = Flask("cfg_app")
    app.config["TASKER"] = {
        "runtime": "local",
        "common": {"database": {"pool": {"max_connections": 7}}},
    }
    Tasker(app)
    result = app.test_cli_runner().invoke(args=["tasker", "config", "show"])
    assert result.exit_code == 0, result.output
    assert "max_connections = 7" in result.output


def test_generated_files_go_to_the_apps_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from flask import Flask\nfrom tasker_contrib_flask import Tasker\n"
        "def create_app():\n    app = Flask(__name__)\n    Tasker(app)\n    return app\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    shop = importlib.import_module("shop")
    app = shop.create_app()
    layout = app_layout(app, tmp_path)
    assert layout.handlers_package == "shop.handlers"
    assert layout.subscribers_package == "shop.subscribers"
    result = app.test_cli_runner().invoke(
        args=["tasker", "generate", "step-handler", "charge_card", "--namespace", "shop"]
    )
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "shop" / "handlers").glob("*.py")), result.output
