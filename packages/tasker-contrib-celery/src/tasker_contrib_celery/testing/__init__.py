"""Testing Celery apps that run Tasker: core's toolkit plus Celery fixtures.

Everything from :mod:`tasker_contrib_core.testing` is available here
(``build_step_context``, ``call_handler``, ``assert_success``, ``run_task``...),
together with :func:`started_tasker` and the fixtures of
:mod:`tasker_contrib_celery.testing.pytest_plugin` (``tasker_celery``,
``tasker_celery_client``, ``tasker_celery_settings``), which work with
``celery.contrib.pytest``'s ``celery_app`` / ``celery_worker``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core import testing as _core_testing
from tasker_contrib_core.integration import lazy_exports

from tasker_contrib_celery.testing.helpers import started_tasker
from tasker_contrib_celery.testing.pytest_plugin import (
    tasker_celery,
    tasker_celery_client,
    tasker_celery_settings,
)

if TYPE_CHECKING:
    from tasker_contrib_core.testing import *  # noqa: F403 - core's toolkit, loaded on first access

#: Core's toolkit under this package's name, each loaded on first access.
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(_core_testing.__all__, _core_testing.__name__), globals()
)

__all__ = [
    "started_tasker",
    "tasker_celery",
    "tasker_celery_client",
    "tasker_celery_settings",
]
__all__ += _core_testing.__all__
