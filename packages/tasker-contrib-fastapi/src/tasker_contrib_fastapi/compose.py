"""Run several lifespans as one, the way nested ``async with`` blocks would.

FastAPI takes exactly one ``lifespan=``; an app with its own (a database
pool, an HTTP client) must not lose it when Tasker's is added, which is what
happens with integrations that replace the user's lifespan, and with
``@app.on_event`` handlers once ``lifespan=`` is set. Composition keeps the
semantics of nesting: entered in the order given, exited in reverse (also
when start-up fails half-way, only what was entered is exited), and the
state dicts they yield merged into one.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

#: A lifespan as FastAPI/Starlette accept it: ``lifespan(app)`` is an async
#: context manager yielding a state mapping or ``None`` (typed ``Any`` so that
#: both kinds, and what this module returns, fit ``FastAPI(lifespan=...)``).
Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]

#: A lifespan that always yields state, like :func:`tasker_lifespan`'s.
StatefulLifespan = Callable[[Any], AbstractAsyncContextManager[Mapping[str, Any]]]


def as_lifespan(candidate: Any) -> Lifespan:
    """Accept an ``@asynccontextmanager`` function or a bare async generator function."""
    if inspect.isasyncgenfunction(candidate):
        return asynccontextmanager(candidate)
    if not callable(candidate):
        raise TypeError(f"a lifespan must be callable as lifespan(app), got {candidate!r}")
    return candidate  # type: ignore[no-any-return]


def merge_state(merged: dict[str, Any], yielded: Mapping[str, Any] | None, origin: str) -> None:
    """Add one lifespan's state to ``merged``; refuse to overwrite another's key."""
    if yielded is None:
        return
    if not isinstance(yielded, Mapping):
        raise TypeError(
            f"lifespan {origin} yielded {type(yielded).__name__}; a lifespan may only "
            "yield a mapping (its state) or nothing"
        )
    for key, value in yielded.items():
        if key in merged and merged[key] is not value:
            raise ValueError(
                f"lifespan {origin} yields state key {key!r}, which an earlier lifespan "
                "already set; rename one of them"
            )
        merged[key] = value


def compose_lifespans(*lifespans: Lifespan | Callable[..., Any]) -> Lifespan:
    """One lifespan running ``lifespans`` nested, first given = outermost.

    The composed lifespan yields the merged state, or ``None`` when none of
    them yielded any (servers without lifespan-state support keep working).
    """
    parts = [as_lifespan(lifespan) for lifespan in lifespans]

    @asynccontextmanager
    async def composed(app: Any) -> AsyncIterator[dict[str, Any] | None]:
        state: dict[str, Any] = {}
        any_state = False
        async with AsyncExitStack() as stack:
            for part in parts:
                yielded = await stack.enter_async_context(part(app))
                any_state = any_state or yielded is not None
                merge_state(state, yielded, _name(part))
            yield state if any_state else None

    composed.__qualname__ = "compose_lifespans(" + ", ".join(_name(p) for p in parts) + ")"
    return composed


def _name(lifespan: Any) -> str:
    return str(getattr(lifespan, "__qualname__", None) or type(lifespan).__name__)


__all__ = ["Lifespan", "StatefulLifespan", "as_lifespan", "compose_lifespans", "merge_state"]
