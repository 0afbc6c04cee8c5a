"""compose_lifespans: nesting order, state merging, partial start-up failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from tasker_contrib_fastapi import compose_lifespans

pytestmark = pytest.mark.anyio


def recorder(name: str, log: list[str], state: dict[str, Any] | None = None, *, fail: bool = False):
    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[dict[str, Any] | None]:
        log.append(f"{name}.enter")
        if fail:
            raise RuntimeError(f"{name} cannot start")
        try:
            yield state
        finally:
            log.append(f"{name}.exit")

    lifespan.__qualname__ = name
    return lifespan


async def test_entered_in_order_exited_in_reverse_with_merged_state() -> None:
    log: list[str] = []
    composed = compose_lifespans(
        recorder("a", log, {"a": 1}), recorder("b", log, None), recorder("c", log, {"c": 3})
    )
    async with composed(object()) as state:
        log.append("serving")
        assert state == {"a": 1, "c": 3}
    assert log == ["a.enter", "b.enter", "c.enter", "serving", "c.exit", "b.exit", "a.exit"]


async def test_no_state_at_all_yields_none() -> None:
    log: list[str] = []
    async with compose_lifespans(recorder("a", log), recorder("b", log))(object()) as state:
        assert state is None


async def test_a_failing_start_exits_only_what_was_entered() -> None:
    log: list[str] = []
    composed = compose_lifespans(
        recorder("a", log), recorder("b", log, fail=True), recorder("c", log)
    )
    with pytest.raises(RuntimeError, match="b cannot start"):
        async with composed(object()):
            pass
    assert log == ["a.enter", "b.enter", "a.exit"]


async def test_conflicting_state_keys_are_refused() -> None:
    log: list[str] = []
    composed = compose_lifespans(recorder("a", log, {"k": 1}), recorder("b", log, {"k": 2}))
    with pytest.raises(ValueError, match="'k'"):
        async with composed(object()):
            pass
    assert log == ["a.enter", "b.enter", "b.exit", "a.exit"]


async def test_bare_async_generator_functions_are_accepted() -> None:
    log: list[str] = []

    async def plain(app: Any) -> AsyncIterator[dict[str, Any]]:
        log.append("plain.enter")
        yield {"plain": True}
        log.append("plain.exit")

    async with compose_lifespans(plain)(object()) as state:
        assert state == {"plain": True}
    assert log == ["plain.enter", "plain.exit"]


async def test_a_non_mapping_state_is_refused() -> None:
    @asynccontextmanager
    async def odd(app: Any) -> AsyncIterator[Any]:
        yield ["not", "a", "mapping"]

    with pytest.raises(TypeError, match="only yield a mapping"):
        async with compose_lifespans(odd)(object()):
            pass
