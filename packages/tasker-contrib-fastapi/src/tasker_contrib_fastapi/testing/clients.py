"""Clients that run an app's lifespan, so Tasker is started in tests as in production.

The two classic ways to get this wrong, both silent: ``TestClient(app)``
used without ``with`` never runs the lifespan, and httpx's ``ASGITransport``
never runs it at all. Either way every Tasker dependency then fails with
``TaskerNotStartedError``. These helpers run it, and shut it down after.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

#: Seconds the lifespan may take to start or stop under the async client.
#: Generous: the real worker runtime can take several seconds to bootstrap.
DEFAULT_LIFESPAN_TIMEOUT = 60.0


@contextmanager
def lifespan_test_client(app: Any, **options: Any) -> Iterator[TestClient]:
    """``with TestClient(app) as client``: the lifespan runs around the block."""
    from fastapi.testclient import TestClient

    with TestClient(app, **options) as client:
        yield client


@asynccontextmanager
async def lifespan_async_client(
    app: Any,
    *,
    base_url: str = "http://testserver",
    startup_timeout: float | None = DEFAULT_LIFESPAN_TIMEOUT,
    shutdown_timeout: float | None = DEFAULT_LIFESPAN_TIMEOUT,
    **options: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` on the app, inside ``asgi_lifespan.LifespanManager``."""
    try:
        from asgi_lifespan import LifespanManager
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "lifespan_async_client needs asgi-lifespan: "
            "pip install 'tasker-contrib-fastapi[testing]'"
        ) from None
    import httpx

    async with LifespanManager(
        app, startup_timeout=startup_timeout, shutdown_timeout=shutdown_timeout
    ) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url, **options) as client:
            yield client


__all__ = ["DEFAULT_LIFESPAN_TIMEOUT", "lifespan_async_client", "lifespan_test_client"]
