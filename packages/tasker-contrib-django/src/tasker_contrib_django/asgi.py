"""``get_asgi_application()``: Django's ASGI app, plus the lifespan protocol Django lacks.

Django's ASGI handler refuses the ``lifespan`` scope, so ASGI servers
(uvicorn, hypercorn, daphne) cannot tell it when a process starts serving.
This wrapper answers the lifespan itself: ``lifespan.startup`` starts the
engine off the event loop (a failure is reported as
``lifespan.startup.failed`` with the engine's message, and the server does
not start serving), ``lifespan.shutdown`` stops it within
``shutdown_timeout_seconds``. Every other scope goes to Django; a server that
never sends the lifespan gets the engine started on the first request.

    from tasker_contrib_django.asgi import get_asgi_application
    application = get_asgi_application()
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from tasker_contrib_django import conf, lifecycle

logger = logging.getLogger("tasker_contrib.django")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TaskerASGIApplication:
    """Answers ``lifespan`` (start / stop the engine) and hands the rest to Django."""

    def __init__(self, application: ASGIApp) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if not conf.get_host().started:
            await lifecycle.astart()
        await self.application(scope, receive, send)

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "lifespan.startup":
                try:
                    await lifecycle.astart()
                except Exception as exc:
                    logger.error("Tasker did not start: %s", exc)
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif kind == "lifespan.shutdown":
                await lifecycle.astop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def get_asgi_application() -> TaskerASGIApplication:
    """Django's ASGI application wrapped (calls ``django.setup()`` like Django's own)."""
    from django.core.asgi import get_asgi_application as django_asgi_application

    return TaskerASGIApplication(django_asgi_application())


__all__ = ["TaskerASGIApplication", "get_asgi_application"]
