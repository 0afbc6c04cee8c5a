"""Testing Celery apps that run Tasker: core's toolkit plus Celery fixtures.

Everything from :mod:`tasker_contrib_core.testing` is available here
(``build_step_context``, ``call_handler``, ``assert_success``, ``run_task``...),
together with :func:`started_tasker` and the fixtures of
:mod:`tasker_contrib_celery.testing.pytest_plugin` (``tasker_celery``,
``tasker_celery_client``, ``tasker_celery_settings``), which work with
``celery.contrib.pytest``'s ``celery_app`` / ``celery_worker``.
"""

from __future__ import annotations

import importlib
from typing import Any

from tasker_contrib_celery.testing.helpers import started_tasker
from tasker_contrib_celery.testing.pytest_plugin import (
    tasker_celery,
    tasker_celery_client,
    tasker_celery_settings,
)


def __getattr__(name: str) -> Any:
    core = importlib.import_module("tasker_contrib_core.testing")
    if name in getattr(core, "__all__", ()):
        value = getattr(core, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["started_tasker", "tasker_celery", "tasker_celery_client", "tasker_celery_settings"]
