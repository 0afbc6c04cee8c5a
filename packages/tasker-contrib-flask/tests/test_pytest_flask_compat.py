"""pytest-flask's ``client`` fixture with Tasker running, as docs/flask.md shows.

pytest-flask is not a dependency of the workspace: the module is skipped
when it is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, jsonify
from tasker_contrib_flask import Tasker, host_of, tasker_blueprint

pytest.importorskip("pytest_flask", reason="pytest-flask is not installed")


@pytest.fixture
def tasker_flask_app(tasker_local_settings: Callable[..., Any]) -> Flask:
    app = Flask("pytest_flask_compat")
    Tasker(app, settings=tasker_local_settings(template_paths=[]))
    app.register_blueprint(tasker_blueprint())

    @app.get("/started")
    def started() -> Any:
        return jsonify(started=host_of().started)

    return app


@pytest.fixture
def app(tasker_running_app: Flask) -> Flask:
    """pytest-flask's ``app`` fixture, defined from ours."""
    return tasker_running_app


def test_pytest_flask_client_sees_tasker_running(client: Any) -> None:
    assert client.get("/started").json == {"started": True}
    assert client.get("/tasker/health").status_code == 200
