"""What the lifespan hands to requests, and how a request finds it.

The lifespan yields ``{"tasker": TaskerState}``; Starlette copies that into
every request's ``request.state``, which is the per-app, per-process place
FastAPI intends for such objects (no module globals, so two apps in one test
session never see each other's runtime). The state is also put on
``app.state.tasker`` for servers without lifespan state and for code that
only has the app at hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasker_contrib_core.errors import TaskerContribError

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection
    from tasker_contrib_core.client import AsyncTaskClient
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.events import EventDispatcher
    from tasker_contrib_core.integration import RuntimeHealth, TaskerHost
    from tasker_contrib_core.runtime import Runtime

#: The key of the lifespan state dict (and the ``app.state`` attribute).
STATE_KEY = "tasker"


class TaskerNotStartedError(TaskerContribError, RuntimeError):
    """A Tasker dependency was used but the app's lifespan never ran."""


NOT_STARTED_HINT = (
    "Tasker is not running in this app: its lifespan did not run. Create the app with "
    "FastAPI(lifespan=tasker_lifespan()) or call install(app) before serving it. In tests, "
    "use `with TestClient(app) as client:` (TestClient runs the lifespan only inside "
    "`with`) or asgi_lifespan.LifespanManager around httpx's ASGITransport, which never "
    "runs it; tasker_contrib_fastapi.testing has fixtures doing both."
)


class TaskerState:
    """The runtime of this process and what the integration built around it.

    A view of the lifespan's :class:`~tasker_contrib_core.integration.TaskerHost`
    (``host``), which owns the runtime, its events, health and clients.
    """

    __slots__ = ("host",)

    def __init__(self, host: TaskerHost) -> None:
        self.host = host

    @property
    def runtime(self) -> Runtime:
        return self.host.runtime

    @property
    def settings(self) -> TaskerSettings:
        return self.host.settings

    @property
    def dispatcher(self) -> EventDispatcher | None:
        return self.host.dispatcher

    @property
    def health(self) -> RuntimeHealth:
        return self.host.health

    @property
    def owns_runtime(self) -> bool:
        return self.host.owns_runtime

    @property
    def client(self) -> AsyncTaskClient:
        """The runtime's asyncio task client, created on first use.

        Local runtime: tasks run in this process. Worker runtime: the
        orchestration REST client (never ``tasker_core.TaskerClient``, which
        holds the GIL for a whole HTTP request).
        """
        return self.host.async_client

    @property
    def client_in_use(self) -> AsyncTaskClient | None:
        """The client if anything asked for it, else None (nothing to close)."""
        return self.host.async_client_in_use

    def __repr__(self) -> str:
        return f"<TaskerState runtime={self.runtime!r}>"


def state_of(connection: HTTPConnection) -> TaskerState:
    """The :class:`TaskerState` for a request or websocket; raises a clear error if absent."""
    state: Any = getattr(connection.state, STATE_KEY, None)
    if state is None:
        state = getattr(connection.app.state, STATE_KEY, None)
    if not isinstance(state, TaskerState):
        raise TaskerNotStartedError(NOT_STARTED_HINT)
    return state


__all__ = [
    "NOT_STARTED_HINT",
    "STATE_KEY",
    "TaskerNotStartedError",
    "TaskerState",
    "state_of",
]
