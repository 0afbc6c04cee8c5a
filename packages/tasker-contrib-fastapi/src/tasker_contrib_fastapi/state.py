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
    from tasker_contrib_core.client.protocol import AsyncTaskClient
    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.events import EventDispatcher
    from tasker_contrib_core.runtime import Runtime
    from tasker_contrib_core.integration import RuntimeHealth

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
    """The runtime of this process and what the integration built around it."""

    __slots__ = ("_client", "dispatcher", "health", "owns_runtime", "runtime", "settings")

    def __init__(
        self,
        *,
        runtime: Runtime,
        settings: TaskerSettings,
        dispatcher: EventDispatcher,
        health: RuntimeHealth,
        owns_runtime: bool,
    ) -> None:
        self.runtime = runtime
        self.settings = settings
        self.dispatcher = dispatcher
        self.health = health
        self.owns_runtime = owns_runtime
        self._client: AsyncTaskClient | None = None

    @property
    def client(self) -> AsyncTaskClient:
        """The runtime's asyncio task client, created on first use.

        Local runtime: tasks run in this process. Worker runtime: the
        orchestration REST client (never ``tasker_core.TaskerClient``, which
        holds the GIL for a whole HTTP request).
        """
        client = self._client
        if client is None:
            client = self._client = self.runtime.async_client
        return client

    @property
    def client_in_use(self) -> AsyncTaskClient | None:
        """The client if anything asked for it, else None (nothing to close)."""
        return self._client

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
