"""Start and stop a runtime from async code without blocking the event loop.

The real engine's bootstrap blocks, and holds the GIL while it does; run on
the event loop it would freeze every request of the process. So both calls
go to a worker thread (``anyio.to_thread``), and inside it to a daemon thread
joined with a bound (:func:`~tasker_contrib_core.runtime.bounded_call.call_bounded`):
the lifespan gets control back when the bound runs out even if a runtime
ignores its own timeout, and a stuck call can never keep the process alive.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import anyio.to_thread
from tasker_contrib_core.errors import RuntimeStartError
from tasker_contrib_core.integration import BoundedOutcome, call_bounded

if TYPE_CHECKING:
    from tasker_contrib_core.runtime import Runtime

logger = logging.getLogger("tasker_contrib.fastapi")

#: Extra seconds the lifespan waits on top of the runtime's own bound, so the
#: runtime's more precise error wins when both run out together.
GRACE_SECONDS = 2.0


async def start_runtime(runtime: Runtime, *, timeout: float, undo_timeout: float) -> float:
    """Start ``runtime`` in a thread; returns the seconds it took.

    Raises what ``start()`` raised, or :class:`RuntimeStartError` when it did
    not return within ``timeout`` (+ a grace period). A start that finishes
    after we gave up is stopped again (bounded by ``undo_timeout``), so no
    runtime is left running that nobody will stop.
    """
    handoff = threading.Lock()
    flags = {"abandoned": False, "finished": False}

    def start() -> None:
        runtime.start()
        with handoff:
            late = flags["abandoned"]
            flags["finished"] = True
        if late:
            logger.warning("the Tasker runtime finished starting after start-up gave up; stopping")
            runtime.stop(undo_timeout)

    outcome: BoundedOutcome[None] = await anyio.to_thread.run_sync(
        lambda: call_bounded(start, timeout + GRACE_SECONDS, name="tasker-contrib-start")
    )
    if outcome.error is not None:
        raise outcome.error
    if outcome.timed_out:
        with handoff:
            flags["abandoned"] = not flags["finished"]
        if flags["abandoned"]:
            raise RuntimeStartError(
                f"the Tasker {runtime.kind} runtime did not start within "
                f"start_timeout_seconds={timeout:g} (+{GRACE_SECONDS:g}s grace); start-up "
                "is aborted. Raise start_timeout_seconds, or look for slow imports in the "
                "handler packages"
            )
    return outcome.seconds


async def stop_runtime(runtime: Runtime, *, timeout: float) -> bool:
    """Stop ``runtime`` in a thread within ``timeout``; True when it stopped cleanly.

    Never raises: a failing or overrunning stop is logged as a warning and the
    shutdown goes on, because the host server is exiting either way.
    """
    outcome: BoundedOutcome[bool] = await anyio.to_thread.run_sync(
        lambda: call_bounded(
            lambda: runtime.stop(timeout), timeout + GRACE_SECONDS, name="tasker-contrib-stop"
        )
    )
    if outcome.error is not None:
        error = outcome.error
        logger.warning("stopping the Tasker runtime failed: %s: %s", type(error).__name__, error)
        return False
    if outcome.timed_out:
        logger.warning(
            "the Tasker runtime did not return from stop() within %.1fs; shutdown goes on "
            "and what is left runs on daemon threads until the process exits",
            timeout + GRACE_SECONDS,
        )
        return False
    return bool(outcome.value)


__all__ = ["GRACE_SECONDS", "start_runtime", "stop_runtime"]
