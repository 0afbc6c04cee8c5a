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

import importlib
from typing import TYPE_CHECKING, Any

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
    tasker_local_settings,
    tasker_running_app,
)

if TYPE_CHECKING:
    from tasker_contrib_core.testing import (
        EventRecorder,
        TaskRun,
        TaskRunTimeoutError,
        assert_batches,
        assert_decision,
        assert_failure,
        assert_no_batches,
        assert_no_branches,
        assert_success,
        assert_task_completed,
        assert_task_failed,
        batch_worker_inputs,
        build_step_context,
        call_handler,
        clean_tasker_environment,
        fail_undefined_app,
        is_batches,
        is_decision,
        is_failure,
        is_no_batches,
        is_no_branches,
        is_permanent_failure,
        is_retryable_failure,
        is_success,
        isolated_settings,
        run_task,
    )

_CORE_TESTING = "tasker_contrib_core.testing"


def __getattr__(name: str) -> Any:
    core = importlib.import_module(_CORE_TESTING)
    if name not in core.__all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(core, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    core = importlib.import_module(_CORE_TESTING)
    return sorted({*globals(), *core.__all__})


__all__ = [
    "EventRecorder",
    "TaskRun",
    "TaskRunTimeoutError",
    "assert_batches",
    "assert_decision",
    "assert_failure",
    "assert_no_batches",
    "assert_no_branches",
    "assert_success",
    "assert_task_completed",
    "assert_task_failed",
    "batch_worker_inputs",
    "build_step_context",
    "call_handler",
    "clean_tasker_environment",
    "fail_undefined_app",
    "is_batches",
    "is_decision",
    "is_failure",
    "is_no_batches",
    "is_no_branches",
    "is_permanent_failure",
    "is_retryable_failure",
    "is_success",
    "isolated_settings",
    "run_task",
    "running",
    "step_context",
    "tasker_events",
    "tasker_flask_app",
    "tasker_flask_client",
    "tasker_flask_runner",
    "tasker_local_settings",
    "tasker_run",
    "tasker_run_timeout",
    "tasker_running_app",
    "tasker_settings",
]
