"""What every framework package's pytest plugin does the same way.

Each framework plugin (FastAPI, Flask, ...) asks the user for an app fixture
and offers ``tasker_local_settings``; the fixture names and the app type differ,
the behaviour does not. The plugins call :func:`fail_undefined_app` and
register :func:`tasker_local_settings` from here, so both are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings


def fail_undefined_app(fixture: str, framework: str) -> NoReturn:
    """Fail the test: the user has not defined ``fixture`` yet; show how to."""
    pytest.fail(
        f"define a `{fixture}` fixture returning the {framework} app to test, for example:\n"
        "\n"
        "    @pytest.fixture\n"
        f"    def {fixture}(tasker_local_settings):\n"
        "        return create_app(tasker_local_settings(\n"
        '            handler_packages=["myapp.handlers"], template_paths=["config/tasks"]))\n',
        pytrace=False,
    )


@pytest.fixture
def tasker_local_settings(
    tasker_settings: Callable[..., TaskerSettings],
) -> Callable[..., TaskerSettings]:
    """``tasker_local_settings(**values)``: isolated settings on the local runtime.

    Core's ``tasker_settings`` with ``runtime="local"`` and ``environment="test"``
    unless the caller says otherwise. Registered by each framework plugin.
    """

    def build(**values: Any) -> TaskerSettings:
        values.setdefault("runtime", "local")
        values.setdefault("environment", "test")
        return tasker_settings(**values)

    return build


__all__ = ["fail_undefined_app", "tasker_local_settings"]
