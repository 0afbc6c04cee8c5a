"""``get_wsgi_application()``: Django's WSGI app with the engine started once per process.

Use it in your project's ``wsgi.py`` instead of Django's::

    import os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from tasker_contrib_django.wsgi import get_wsgi_application
    application = get_wsgi_application()

The wrapper starts the engine on the first request a process serves (a
lock-free per-pid check on every request after that), or at once where that
is safe (runserver's serving process, a gunicorn worker without
``--preload``; see :mod:`tasker_contrib_django.lifecycle`). Under gunicorn
with ``--preload``, add the hooks of :mod:`tasker_contrib_django.gunicorn` to
start in each worker before its first request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tasker_contrib_django import conf, lifecycle

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class TaskerWSGIApplication:
    """A WSGI app that starts this process's engine before the first request it serves."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not conf.get_host().started:
            lifecycle.start()
        return self.application(environ, start_response)


def get_wsgi_application(*, eager: bool | None = None) -> TaskerWSGIApplication:
    """Django's WSGI application wrapped; ``eager`` forces (True) or forbids (False)
    starting now instead of on the first request (default: decided per process)."""
    from django.core.wsgi import get_wsgi_application as django_wsgi_application

    application = TaskerWSGIApplication(django_wsgi_application())
    if eager if eager is not None else lifecycle.should_start_eagerly():
        lifecycle.start_eagerly("wsgi")
    return application


__all__ = ["TaskerWSGIApplication", "get_wsgi_application"]
