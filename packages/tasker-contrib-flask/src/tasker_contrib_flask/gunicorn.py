"""gunicorn server hooks: start Tasker in each worker process, stop it on worker exit.

In ``gunicorn.conf.py``::

    from tasker_contrib_flask.gunicorn import post_fork, post_worker_init, worker_exit

Or ``gunicorn -c python:tasker_contrib_flask.gunicorn ...`` when you have no
config file of your own.

* ``post_fork`` (in the worker, right after the fork): starts the apps
  already loaded, which is the ``--preload`` case (the app was built in the
  master, where nothing was started).
* ``post_worker_init`` (in the worker, after it loaded the app): starts the
  apps loaded now (without ``--preload``); idempotent per process, so with
  both hooks each worker starts once.
* ``worker_exit`` (in the worker, on its way out: SIGTERM, ``max_requests``
  recycling, reload): stops within ``shutdown_timeout_seconds``.

The master never starts anything: these hooks run in workers only, and
``init_app`` starts nothing. gunicorn keeps its own signal handling.
"""

from __future__ import annotations

from typing import Any

from tasker_contrib_core.integration import record_lifecycle

from tasker_contrib_flask.extension import registered_apps, start_tasker, stop_tasker


def post_fork(server: Any, worker: Any) -> None:
    """Start every app already built in this worker (``--preload``)."""
    if registered_apps():
        record_lifecycle("flask.gunicorn.post_fork", framework="flask")
        start_tasker()


def post_worker_init(worker: Any) -> None:
    """Start every app this worker loaded (no-op for the ones started in ``post_fork``)."""
    record_lifecycle("flask.gunicorn.post_worker_init", framework="flask")
    start_tasker()


def worker_exit(server: Any, worker: Any) -> None:
    """Stop this worker's runtimes, bounded."""
    record_lifecycle("flask.gunicorn.worker_exit", framework="flask")
    stop_tasker()


__all__ = ["post_fork", "post_worker_init", "worker_exit"]
