"""Testing a FastAPI app that runs Tasker: core's toolkit plus app fixtures.

Everything from :mod:`tasker_contrib_core.testing` is available here (so
``from tasker_contrib_fastapi.testing import step_context, call_handler,
assert_success`` works), together with:

* the pytest fixtures of core (``step_context``, ``tasker_run``,
  ``tasker_events``, ``tasker_settings``) and of this package (``tasker_app``,
  ``tasker_local_settings``, ``tasker_client``, ``tasker_async_client``); both
  plugins load on their own, importing the fixtures into a ``conftest.py`` or
  test module works too;
* :func:`lifespan_test_client` / :func:`lifespan_async_client` for code that
  builds its clients by hand.

Toolkit names load on first access, like core's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core import testing as _core_testing
from tasker_contrib_core.integration import lazy_exports
from tasker_contrib_core.testing.pytest_plugin import (
    step_context,
    tasker_events,
    tasker_run,
    tasker_run_timeout,
    tasker_settings,
)

from tasker_contrib_fastapi.testing.clients import lifespan_async_client, lifespan_test_client
from tasker_contrib_fastapi.testing.pytest_plugin import (
    tasker_app,
    tasker_async_client,
    tasker_client,
)

if TYPE_CHECKING:
    from tasker_contrib_core.testing import *  # noqa: F403 - core's toolkit, loaded on first access

#: Core's toolkit under this package's name, each loaded on first access.
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(_core_testing.__all__, _core_testing.__name__), globals()
)

__all__ = [
    "lifespan_async_client",
    "lifespan_test_client",
    "step_context",
    "tasker_app",
    "tasker_async_client",
    "tasker_client",
    "tasker_events",
    "tasker_run",
    "tasker_run_timeout",
    "tasker_settings",
]
__all__ += _core_testing.__all__
