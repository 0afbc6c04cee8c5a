"""gunicorn settings for a web app that embeds a Tasker worker in each web worker.

Prefer a dedicated worker process (`tasker-contrib worker`, see
docs/deployment.md); use this when the web workers must run steps themselves.

The rules it follows (docs/runtimes.md):

* start in ``post_fork``, i.e. in each worker process *after* the fork: the
  engine cannot survive a fork, and a runtime started in the master (at import
  time under ``--preload``) would leave every worker with a dead engine;
* stop in ``worker_exit``, bounded below ``graceful_timeout``;
* never start in the master, never install signal handlers (gunicorn owns
  them), and keep the worker's web/gRPC servers off (the built-in defaults),
  so several workers on one host never fight over ports.

Framework packages refine this (e.g. the Flask and Django packages ship their
own hooks); the pattern stays the same. Run: ``gunicorn -c ops/gunicorn.conf.py app:app``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Bootstrap holds the GIL in the worker before it first heartbeats; the engine
# is bounded by start_timeout_seconds, kept below this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))

#: The runtime of this worker process (None in the master).
_runtime: Any = None

logger = logging.getLogger("gunicorn.error")


def post_fork(server: Any, worker: Any) -> None:
    """In the new worker process: build the runtime from settings and start it."""
    global _runtime
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.runtime import runtime_from_settings

    settings = TaskerSettings()
    if not settings.worker_enabled:
        return
    _runtime = runtime_from_settings(settings)
    try:
        _runtime.start()
    except Exception:
        # A worker without its engine is worse than no worker: let gunicorn
        # record the failure and replace the process.
        logger.exception("tasker runtime failed to start in worker %s", worker.pid)
        raise
    status = _runtime.status()
    logger.info(
        "tasker %s runtime started in worker %s (namespaces: %s)",
        status.kind,
        worker.pid,
        ", ".join(status.namespaces) or "none",
    )


def worker_exit(server: Any, worker: Any) -> None:
    """In the exiting worker process: stop the runtime within the graceful window."""
    global _runtime
    runtime, _runtime = _runtime, None
    if runtime is None:
        return
    bound = max(1.0, min(runtime.settings.shutdown_timeout_seconds, graceful_timeout - 5))
    if not runtime.stop(bound):
        logger.warning("tasker runtime in worker %s did not stop within %.0fs", worker.pid, bound)
