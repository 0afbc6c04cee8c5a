"""Testing a Flask app that runs Tasker: core's toolkit plus app fixtures.

Everything from :mod:`tasker_contrib_core.testing` is available here (so
``from tasker_contrib_flask.testing import step_context, call_handler,
assert_success`` works), together with:

* the pytest fixtures of core (``step_context``, ``tasker_run``,
  ``tasker_events``, ``tasker_settings``) and of this package (``tasker_flask_app``,
  ``tasker_local_settings``, ``tasker_running_app``, ``tasker_flask_client``,
  ``tasker_flask_runner``); both plugins load on their own;
* :func:`running` for code that starts an app's runtime by hand.

The fixture names never clash with pytest-flask's ``app`` / ``client``:
define pytest-flask's ``app`` as ``return tasker_running_app`` to use both.
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

from tasker_contrib_flask.testing.apps import running
from tasker_contrib_flask.testing.pytest_plugin import (
    tasker_flask_app,
    tasker_flask_client,
    tasker_flask_runner,
    tasker_running_app,
)

if TYPE_CHECKING:
    from tasker_contrib_core.testing import *  # noqa: F403 - core's toolkit, loaded on first access

#: Core's toolkit under this package's name, each loaded on first access.
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(_core_testing.__all__, _core_testing.__name__), globals()
)

__all__ = [
    "running",
    "step_context",
    "tasker_events",
    "tasker_flask_app",
    "tasker_flask_client",
    "tasker_flask_runner",
    "tasker_run",
    "tasker_run_timeout",
    "tasker_running_app",
    "tasker_settings",
]
__all__ += _core_testing.__all__
