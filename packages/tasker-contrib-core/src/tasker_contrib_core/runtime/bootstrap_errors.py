"""Turn the engine's terse bootstrap failures into errors that say what to do.

``bootstrap_worker()`` raises a plain ``RuntimeError`` whose text is a chain
of Rust error messages. The common ones have an obvious fix that the text does
not spell out; this module adds it, keeping the engine's own words.
"""

from __future__ import annotations

from pathlib import Path

from tasker_contrib_core.errors import RuntimeStartError

#: (substring of the engine's message, what to do), most specific first.
_HINTS: tuple[tuple[str, str], ...] = (
    (
        "password authentication failed",
        "the database rejected the user or password in common.database.url (DATABASE_URL)",
    ),
    (
        "does not exist",
        "the database (or a role) named in common.database.url does not exist; create it, "
        "and run the tasker-core migrations before production use",
    ),
    (
        "missing field",
        "the rendered config lacks a key the engine requires; run "
        "`tasker-contrib config validate` and restore the table a layer replaced",
    ),
    (
        "pool timed out",
        "the database did not hand out a connection in time (overloaded, or too few "
        "connections: common.database.pool.max_connections / acquire_timeout_seconds)",
    ),
    (
        "address already in use",
        "another process already binds the worker's web or gRPC port; disable "
        "worker.web / worker.grpc or give this worker another bind_address",
    ),
    (
        "unknown messaging backend",
        "common.queues.backend must be pgmq or rabbitmq",
    ),
)


def explain_bootstrap_failure(error: BaseException, config_path: Path) -> RuntimeStartError:
    """A :class:`RuntimeStartError` carrying the engine's message and the likely fix."""
    message = str(error) or type(error).__name__
    lowered = message.lower()
    hint = next((fix for needle, fix in _HINTS if needle in lowered), None)
    advice = (
        f" Likely cause: {hint}."
        if hint
        else " Check the engine's log output above (raise RUST_LOG to info or debug for more)."
    )
    return RuntimeStartError(
        f"the engine refused to start ({type(error).__name__}: {message}). "
        f"Config file: {config_path}.{advice}"
    )


__all__ = ["explain_bootstrap_failure"]
