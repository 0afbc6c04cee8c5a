"""pytest fixtures for Django projects running Tasker (needs pytest-django).

Loaded through the ``pytest11`` entry point ``tasker_contrib_django``; at
load time it imports pytest only (Django and the runtime load when a fixture
runs; disable it with ``-p no:tasker_contrib_django``). Core's fixtures
(``step_context``, ``tasker_run``, ``tasker_events``) load on their own
through core's plugin.

``tasker_host``
    This process's host on the local runtime (``settings.TASKER`` plus
    ``runtime="local"``), every ``TASKER_*`` / ``DATABASE_URL`` variable
    hidden, started for the test and stopped after it.
``tasker_signals``
    A :class:`~tasker_contrib_django.testing.SignalRecorder` connected to
    ``tasker_event`` for the test (``tasker_signals.names()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tasker_contrib_core.integration import TaskerHost

    from tasker_contrib_django.testing.helpers import SignalRecorder


@pytest.fixture
def tasker_host(settings: Any) -> Iterator[TaskerHost]:
    """A started local-runtime host for one test (``settings`` is pytest-django's)."""
    from tasker_contrib_core.testing import clean_tasker_environment

    from tasker_contrib_django import conf

    current = getattr(settings, conf.SETTINGS_NAME, None) or {}
    with clean_tasker_environment():
        settings.TASKER = {**current, "runtime": "local"}  # fires setting_changed
        conf.reset()
        host = conf.get_host()
        host.start()
        try:
            yield host
        finally:
            conf.reset()


@pytest.fixture
def tasker_signals() -> Iterator[SignalRecorder]:
    from tasker_contrib_django.testing.helpers import SignalRecorder

    recorder = SignalRecorder()
    recorder.__enter__()
    try:
        yield recorder
    finally:
        recorder.__exit__()


__all__ = ["tasker_host", "tasker_signals"]
