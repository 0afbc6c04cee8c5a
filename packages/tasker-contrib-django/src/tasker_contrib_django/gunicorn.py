"""gunicorn server hooks: one engine per worker process, none in the master.

In ``gunicorn.conf.py``::

    from tasker_contrib_django.gunicorn import post_worker_init, worker_exit

or on the command line ``gunicorn -c python:tasker_contrib_django.gunicorn
mysite.wsgi``. ``post_worker_init`` runs in each worker after it loaded the
app (so ``django.setup()`` has run, also with ``--preload``) and starts the
engine there; ``worker_exit`` stops it within ``shutdown_timeout_seconds``.
gunicorn keeps its own signal handlers: these hooks install none.
"""

from __future__ import annotations

from typing import Any

from tasker_contrib_django import lifecycle


def post_worker_init(worker: Any) -> None:
    """Start the engine in this worker (the master never runs this hook)."""
    lifecycle.start()


def worker_exit(server: Any, worker: Any) -> None:
    """Stop the engine this worker started (bounded; never raises)."""
    lifecycle.stop()


__all__ = ["post_worker_init", "worker_exit"]
