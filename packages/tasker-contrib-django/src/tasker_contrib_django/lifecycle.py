"""Where and when the engine starts in a Django process.

Starting is always explicit and per process id (the engine cannot survive a
fork): ``manage.py tasker_worker``, the WSGI / ASGI wrappers, the gunicorn
hooks, or your own code calling :func:`start`. Management commands other
than ``runserver`` and ``tasker_worker`` never start it, because nothing in
them calls these functions (``AppConfig.ready()`` does not).

The one decision made here is whether a WSGI wrapper being created should
start the engine at once ("eager") or on the first request: eager only where
the kit's :func:`~tasker_contrib_core.integration.process_role` says the
process serves *and* it is known to be created after any fork: runserver's
serving process (the reloader child, or ``--noreload``) and a gunicorn
worker that imported the app itself. Anywhere else (a gunicorn master with
``--preload``, uWSGI, mod_wsgi) the wrapper waits for the first request, in
the process that serves it.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from tasker_contrib_core.integration import process_role, record_lifecycle

from tasker_contrib_django import conf

if TYPE_CHECKING:
    from tasker_contrib_core.integration import TaskerHost

logger = logging.getLogger("tasker_contrib.django")

#: Programs whose serving processes create their WSGI app after any fork.
_EAGER_PROGRAMS = frozenset({"manage.py", "django-admin", "django", "gunicorn"})


def _timeout(timeout: float | None) -> float | None:
    return timeout if timeout is not None else conf.options().start_timeout


def start(timeout: float | None = None) -> TaskerHost:
    """Start this process's engine (idempotent per pid); returns the host."""
    host = conf.get_host()
    if not host.started:
        host.start(_timeout(timeout))
    return host


async def astart(timeout: float | None = None) -> TaskerHost:
    """:func:`start` from async code, off the event loop."""
    host = conf.get_host()
    if not host.started:
        await host.astart(_timeout(timeout))
    return host


def stop(timeout: float | None = None) -> bool:
    """Stop the engine if this process started it (bounded; never raises)."""
    host = conf.current_host()
    return True if host is None else host.stop(timeout)


async def astop(timeout: float | None = None) -> bool:
    """:func:`stop` from async code."""
    host = conf.current_host()
    return True if host is None else await host.astop(timeout)


def should_start_eagerly() -> bool:
    """True in runserver's serving process and in a gunicorn worker (see module docs)."""
    role = process_role()
    return bool(role.serving and role.program in _EAGER_PROGRAMS)


def start_eagerly(where: str) -> None:
    """Start now; under runserver also stop when the process exits (it has no stop hook)."""
    role = process_role()
    record_lifecycle("django.eager_start", where=where, program=role.program, command=role.command)
    start()
    if role.command in ("runserver", "runserver_plus"):
        stop_when_main_thread_ends()


def stop_when_main_thread_ends() -> None:
    """Stop the engine (bounded) once the main thread finished, before the interpreter exits.

    A code change makes runserver's reloader child leave through ``sys.exit(3)``
    and Ctrl-C ends ``--noreload``; stopping then lets the engine shut down
    before the next child starts its own. Not ``atexit``: Python 3.12 refuses
    to start threads there, and a bounded stop needs one. A non-daemon thread
    waiting for the main thread runs while the interpreter waits for
    non-daemon threads, when threads may still be started (Python 3.12.0 and
    3.12.1 refuse even then, gh-113964: the process exits without the clean
    stop, its engine threads die with it).
    """

    def wait_then_stop() -> None:
        threading.main_thread().join()
        try:
            stop()
        except RuntimeError as exc:  # Python 3.12.0/3.12.1 at shutdown
            logger.warning("Tasker not stopped before the process exited: %s", exc)

    threading.Thread(target=wait_then_stop, name="tasker-contrib-exit-stop", daemon=False).start()


__all__ = ["astart", "astop", "should_start_eagerly", "start", "start_eagerly", "stop"]
