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

import importlib
from typing import Any

from tasker_contrib_django.testing.helpers import (
    SignalRecorder,
    TaskerTestCaseMixin,
    override_tasker,
    wait_for_task,
)

_OWN = ["SignalRecorder", "TaskerTestCaseMixin", "override_tasker", "wait_for_task"]


def __getattr__(name: str) -> Any:
    core = importlib.import_module("tasker_contrib_core.testing")
    if name in getattr(core, "__all__", ()):
        value = getattr(core, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    core = importlib.import_module("tasker_contrib_core.testing")
    return sorted({*globals(), *getattr(core, "__all__", ())})


__all__ = ["SignalRecorder", "TaskerTestCaseMixin", "override_tasker", "wait_for_task"]
