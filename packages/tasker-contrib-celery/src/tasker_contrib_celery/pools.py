"""Which Celery pool a worker runs, and where in it the engine may live.

The engine cannot survive a fork and holds the GIL during its calls, so each
pool needs its own answer:

* ``prefork``: one engine per child process, started from
  ``worker_process_init`` in the child (never in the parent, which forks the
  children and would hand them a dead engine);
* ``threads``: one engine in the main process (the pool has no per-process
  signals);
* ``solo``: one engine in the main process (``worker_process_init`` fires
  there too, after ``worker_init``: the per-pid idempotent start absorbs it);
* ``gevent`` / ``eventlet``: refused. Their monkey-patched, cooperative world
  cannot host an engine whose Rust calls block every greenlet; run a separate
  prefork, threads or solo worker for Tasker instead.
"""

from __future__ import annotations

from typing import Any, Literal

PoolKind = Literal["prefork", "threads", "solo", "unsupported"]

#: The pools the engine can run in.
SUPPORTED_POOLS: tuple[PoolKind, ...] = ("prefork", "threads", "solo")


class UnsupportedPoolError(RuntimeError):
    """The worker runs a pool the engine cannot live in (gevent, eventlet, custom)."""


def pool_kind(pool_cls: Any) -> tuple[PoolKind, str]:
    """Classify a worker's ``pool_cls`` (a class or an alias such as ``"prefork"``).

    Returns the kind and a readable name of the pool for messages.
    """
    from celery import concurrency

    resolved: Any = pool_cls
    if isinstance(pool_cls, str):
        try:
            resolved = concurrency.get_implementation(pool_cls)
        except Exception:
            return "unsupported", pool_cls
    name = f"{getattr(resolved, '__module__', '?')}.{getattr(resolved, '__name__', resolved)}"
    module = str(getattr(resolved, "__module__", ""))
    if module.endswith((".gevent", ".eventlet")):
        return "unsupported", name
    for kind, home in (
        ("prefork", "celery.concurrency.prefork"),
        ("threads", "celery.concurrency.thread"),
        ("solo", "celery.concurrency.solo"),
    ):
        base = _pool_class(home)
        if base is not None and isinstance(resolved, type) and issubclass(resolved, base):
            return kind, name  # type: ignore[return-value]
    return "unsupported", name


def _pool_class(module_name: str) -> type | None:
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ImportError:  # threads pool needs nothing extra, but be safe
        return None
    pool: type | None = getattr(module, "TaskPool", None)
    return pool


def unsupported_message(name: str) -> str:
    """Why a pool is refused, and what to do instead."""
    return (
        f"Tasker cannot run inside a Celery worker using the {name} pool: the engine "
        "blocks the whole process during its calls and cannot survive being forked, so it "
        f"needs one of the {', '.join(SUPPORTED_POOLS)} pools. Run Tasker in a separate "
        "worker (e.g. `celery -A proj worker -P prefork -Q tasker`), or set "
        "tasker_worker_enabled = False in app.conf for this worker so it only submits tasks"
    )


__all__ = [
    "SUPPORTED_POOLS",
    "PoolKind",
    "UnsupportedPoolError",
    "pool_kind",
    "unsupported_message",
]
