"""pytest plugin: fixtures for a FastAPI app running Tasker, lifespan included.

Loaded through the ``pytest11`` entry point ``tasker_contrib_fastapi`` (next to
core's ``tasker_contrib`` plugin, whose ``step_context``, ``tasker_run``,
``tasker_events`` and ``tasker_settings`` fixtures stay available). pytest loads
it in every session of every project that has this package installed, so at
load time it imports pytest, standard-library modules and core's testing
fixtures only; FastAPI, httpx and the runtime load when a fixture runs. Disable it with
``-p no:tasker_contrib_fastapi``.

Fixtures:

``tasker_app``
    **Yours to define**: return the app under test (the default fails with
    an example). Build it with ``tasker_local_settings`` to run on the
    embedded local runtime whatever the developer's environment says.
``tasker_local_settings``
    A factory of ``TaskerSettings`` on the local runtime, ``environment="test"``,
    with every ``TASKER_*`` / ``DATABASE_URL`` variable hidden for the test.
``tasker_client``
    ``TestClient(tasker_app)`` entered with ``with``: started and stopped around the test.
``tasker_async_client``
    An ``httpx.AsyncClient`` on ``tasker_app`` inside ``asgi_lifespan.LifespanManager``.
    Async: use it from ``@pytest.mark.anyio`` tests (anyio's own pytest plugin).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from tasker_contrib_core.testing import tasker_local_settings

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient


@pytest.fixture
def tasker_app() -> Any:
    """The app under test: override this fixture in your conftest.py."""
    from tasker_contrib_core.testing import fail_undefined_app

    fail_undefined_app("tasker_app", "FastAPI")


@pytest.fixture
def tasker_client(tasker_app: Any) -> Iterator[TestClient]:
    """A ``TestClient`` with the app's lifespan (and so Tasker) running."""
    from tasker_contrib_fastapi.testing.clients import lifespan_test_client

    with lifespan_test_client(tasker_app) as client:
        yield client


@pytest.fixture
async def tasker_async_client(tasker_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` with the app's lifespan running (anyio tests)."""
    from tasker_contrib_fastapi.testing.clients import lifespan_async_client

    async with lifespan_async_client(tasker_app) as client:
        yield client


__all__ = ["tasker_app", "tasker_async_client", "tasker_client", "tasker_local_settings"]
