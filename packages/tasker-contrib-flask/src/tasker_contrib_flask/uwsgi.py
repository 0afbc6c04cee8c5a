"""uWSGI: start Tasker in each worker after uWSGI forked it, stop it at exit.

In the module uWSGI loads (``module = myapp.wsgi:app``), after the app exists::

    from tasker_contrib_flask.uwsgi import install_uwsgi_hooks
    install_uwsgi_hooks()

uWSGI loads the app in the master and forks workers by default (the
``--preload`` situation of gunicorn): the engine must start in each worker,
which is what ``@postfork`` is for. Under ``lazy-apps = true`` the app loads
in each worker and the hook still runs once per worker. Stop is chained onto
``uwsgi.atexit``, bounded by ``shutdown_timeout_seconds``.

Only importable inside uWSGI (``uwsgidecorators`` is uWSGI's own module).
"""

from __future__ import annotations

import importlib
from typing import Any

from tasker_contrib_flask.extension import start_tasker, stop_tasker


def start_all() -> None:
    """The ``@postfork`` function: start every registered app in this worker."""
    start_tasker()


def install_uwsgi_hooks() -> None:
    """Register the start (``@postfork``) and the stop (``uwsgi.atexit``)."""
    try:
        # uWSGI's own modules exist only inside a uWSGI process (and have no types).
        uwsgi: Any = importlib.import_module("uwsgi")
        postfork: Any = importlib.import_module("uwsgidecorators").postfork
    except ImportError as exc:
        raise RuntimeError(
            "install_uwsgi_hooks() runs only inside uWSGI (uwsgidecorators is not importable); "
            "under gunicorn use tasker_contrib_flask.gunicorn, under flask run "
            "TASKER_START_ON_FIRST_REQUEST"
        ) from exc
    postfork(start_all)
    previous: Any = getattr(uwsgi, "atexit", None)

    def stop_then_previous() -> None:
        stop_tasker()
        if callable(previous):
            previous()

    uwsgi.atexit = stop_then_previous


__all__ = ["install_uwsgi_hooks", "start_all"]
