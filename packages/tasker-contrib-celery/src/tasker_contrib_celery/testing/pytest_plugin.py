"""pytest plugin: Tasker fixtures for Celery apps, next to ``celery.contrib.pytest``'s.

Loaded through the ``pytest11`` entry point ``tasker_contrib_celery``; at load
time it imports pytest only (Celery and the runtime load when a fixture
runs). Disable it with ``-p no:tasker_contrib_celery``.

Fixtures:

``tasker_celery``
    The :class:`~tasker_contrib_celery.CeleryTasker` of ``celery_app`` (the
    fixture of ``celery.contrib.pytest``; enable that plugin with ``-p
    celery.contrib.pytest`` or ``pytest-celery``), installed with
    ``tasker_celery_settings`` if the app has no Tasker yet, started in the
    test process and stopped after the test. Works with ``celery_worker``
    (an in-process worker thread) and in eager mode.
``tasker_celery_settings``
    The settings mapping ``tasker_celery`` installs with: the local runtime,
    ``environment="test"``. Override it to add ``handler_packages`` and
    ``template_paths``.
``tasker_celery_client``
    The blocking task client of that engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def tasker_celery_settings() -> dict[str, Any]:
    """Settings mapping for ``tasker_celery``: override to name handlers and templates."""
    return {"runtime": "local", "environment": "test"}


@pytest.fixture
def tasker_celery(
    request: pytest.FixtureRequest, tasker_celery_settings: dict[str, Any]
) -> Iterator[Any]:
    """Tasker on ``celery_app``, started in this process for the test."""
    try:
        app = request.getfixturevalue("celery_app")
    except pytest.FixtureLookupError:
        pytest.fail(
            "tasker_celery needs the celery_app fixture of celery.contrib.pytest: add "
            "`pytest_plugins = ('celery.contrib.pytest',)` to your conftest.py (or define a "
            "celery_app fixture returning your app)",
            pytrace=False,
        )
    from tasker_contrib_celery.testing.helpers import started_tasker

    with started_tasker(app, tasker_celery_settings) as tasker:
        yield tasker


@pytest.fixture
def tasker_celery_client(tasker_celery: Any) -> Any:
    """The blocking task client of ``tasker_celery``'s engine."""
    return tasker_celery.client


__all__ = ["tasker_celery", "tasker_celery_client", "tasker_celery_settings"]
