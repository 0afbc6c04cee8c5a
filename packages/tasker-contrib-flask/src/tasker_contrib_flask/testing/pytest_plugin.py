"""pytest plugin: fixtures for a Flask app running Tasker.

Loaded through the ``pytest11`` entry point ``tasker_contrib_flask`` (next to
core's ``tasker_contrib`` plugin, whose ``step_context``, ``tasker_run``,
``tasker_events`` and ``tasker_settings`` fixtures stay available). At load
time it imports pytest, the standard library and core's testing fixtures only;
Flask and the runtime load when a fixture runs. Disable it with ``-p no:tasker_contrib_flask``.

Fixtures:

``tasker_flask_app``
    **Yours to define**: return the app under test (the default fails with
    an example). Build it with ``tasker_local_settings`` to run on the
    embedded local runtime whatever the developer's environment says.
``tasker_local_settings``
    A factory of ``TaskerSettings`` on the local runtime, ``environment="test"``,
    with every ``TASKER_*`` / ``DATABASE_URL`` variable hidden for the test.
``tasker_running_app``
    ``tasker_flask_app`` with its runtime started for the test and stopped after.
``tasker_flask_client``
    ``tasker_running_app.test_client()``.
``tasker_flask_runner``
    ``tasker_flask_app.test_cli_runner()`` (``flask tasker ...`` commands; starts nothing).

``tasker_local_settings`` is core's
(``tasker_contrib_core.testing.tasker_local_settings``), the one
tasker-contrib-fastapi registers too. The names do not clash with pytest-flask
(``app``, ``client``, ``runner``);
to use pytest-flask's fixtures with Tasker running, define its ``app``
fixture as ``return tasker_running_app``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from tasker_contrib_core.testing import tasker_local_settings

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient, FlaskCliRunner


@pytest.fixture
def tasker_flask_app() -> Any:
    """The app under test: override this fixture in your conftest.py."""
    from tasker_contrib_core.testing import fail_undefined_app

    fail_undefined_app("tasker_flask_app", "Flask")


@pytest.fixture
def tasker_running_app(tasker_flask_app: Flask) -> Iterator[Flask]:
    """The app with its Tasker runtime started (stopped after the test)."""
    from tasker_contrib_flask.testing.apps import running

    with running(tasker_flask_app) as app:
        yield app


@pytest.fixture
def tasker_flask_client(tasker_running_app: Flask) -> FlaskClient:
    """A Flask test client on the running app."""
    return tasker_running_app.test_client()


@pytest.fixture
def tasker_flask_runner(tasker_flask_app: Flask) -> FlaskCliRunner:
    """A CLI runner for the app's ``flask`` commands (``invoke(args=["tasker", ...])``)."""
    return tasker_flask_app.test_cli_runner()


__all__ = [
    "tasker_flask_app",
    "tasker_flask_client",
    "tasker_flask_runner",
    "tasker_local_settings",
    "tasker_running_app",
]
