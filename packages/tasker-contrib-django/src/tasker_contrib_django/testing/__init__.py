"""Testing a Django project that runs Tasker: core's toolkit plus Django helpers.

Everything from :mod:`tasker_contrib_core.testing` is available here
(``step_context``-style builders, ``call_handler``, ``assert_success``,
``run_task``...), together with:

* :func:`override_tasker`: ``override_settings(TASKER=...)`` on the local
  runtime, keeping the project's other ``TASKER`` keys;
* :class:`TaskerTestCaseMixin` for ``django.test.TestCase`` classes: a started
  local engine in ``self.tasker``, the events its signals carried in
  ``self.tasker_events``, :meth:`~TaskerTestCaseMixin.wait_for_task`;
* :func:`wait_for_task` and :class:`SignalRecorder` for any test;
* pytest fixtures (plugin ``tasker_contrib_django``, loaded on its own; they
  need pytest-django: ``pip install tasker-contrib-django[testing]``):
  ``tasker_host``, ``tasker_signals``.

Toolkit names load on first access, like core's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core import testing as _core_testing
from tasker_contrib_core.integration import lazy_exports

from tasker_contrib_django.testing.helpers import (
    SignalRecorder,
    TaskerTestCaseMixin,
    override_tasker,
    wait_for_task,
)

if TYPE_CHECKING:
    from tasker_contrib_core.testing import *  # noqa: F403 - core's toolkit, loaded on first access

#: Core's toolkit under this package's name, each loaded on first access.
__getattr__, __dir__ = lazy_exports(
    __name__, dict.fromkeys(_core_testing.__all__, _core_testing.__name__), globals()
)

__all__ = [
    "SignalRecorder",
    "TaskerTestCaseMixin",
    "override_tasker",
    "wait_for_task",
]
__all__ += _core_testing.__all__
