"""Test Tasker step handlers and whole workflows with real engine types.

One handler in three lines, a whole workflow in five, with no database, no
server and failures that explain themselves::

    from tasker_contrib_core.testing import assert_success, build_step_context, call_handler

    def test_validate_order() -> None:
        context = build_step_context(task_fields={"order_id": "ORD-1", ...})
        assert_success(call_handler(ValidateOrderHandler, context), order_id="ORD-1")

The same helpers are pytest fixtures (``step_context``, ``tasker_run``,
``tasker_events``, ``tasker_settings``) through the plugin in
:mod:`tasker_contrib_core.testing.pytest_plugin`, which pytest loads on its own
once this package is installed.

The plugin imports this package for every test session of every project that
has tasker-contrib installed, so nothing is imported here up front: each name
is loaded from its module on first access (``tasker_core`` itself only when a
context is built or a handler called).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core._internal.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from tasker_contrib_core.testing.app_fixtures import fail_undefined_app, tasker_local_settings
    from tasker_contrib_core.testing.assertions import (
        assert_batches,
        assert_decision,
        assert_failure,
        assert_no_batches,
        assert_no_branches,
        assert_success,
        assert_task_completed,
        assert_task_failed,
    )
    from tasker_contrib_core.testing.calling import call_handler
    from tasker_contrib_core.testing.context import batch_worker_inputs, build_step_context
    from tasker_contrib_core.testing.environment import clean_tasker_environment, isolated_settings
    from tasker_contrib_core.testing.errors import TaskRunTimeoutError
    from tasker_contrib_core.testing.events import EventRecorder
    from tasker_contrib_core.testing.predicates import (
        is_batches,
        is_decision,
        is_failure,
        is_no_batches,
        is_no_branches,
        is_permanent_failure,
        is_retryable_failure,
        is_success,
    )
    from tasker_contrib_core.testing.run import TaskRun, run_task

_HOMES: dict[str, str] = {
    "fail_undefined_app": "app_fixtures",
    "tasker_local_settings": "app_fixtures",
    "assert_batches": "assertions",
    "assert_decision": "assertions",
    "assert_failure": "assertions",
    "assert_no_batches": "assertions",
    "assert_no_branches": "assertions",
    "assert_success": "assertions",
    "assert_task_completed": "assertions",
    "assert_task_failed": "assertions",
    "call_handler": "calling",
    "batch_worker_inputs": "context",
    "build_step_context": "context",
    "clean_tasker_environment": "environment",
    "isolated_settings": "environment",
    "TaskRunTimeoutError": "errors",
    "EventRecorder": "events",
    "is_batches": "predicates",
    "is_decision": "predicates",
    "is_failure": "predicates",
    "is_no_batches": "predicates",
    "is_no_branches": "predicates",
    "is_permanent_failure": "predicates",
    "is_retryable_failure": "predicates",
    "is_success": "predicates",
    "TaskRun": "run",
    "run_task": "run",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


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
    "tasker_local_settings",
]
