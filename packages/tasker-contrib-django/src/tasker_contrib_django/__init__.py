"""tasker-contrib-django: run Tasker workflows from a Django project.

Two lines in ``settings.py``::

    INSTALLED_APPS = [..., "tasker_contrib_django"]
    TASKER = {
        "handler_packages": ["orders.workflows"],
        "template_paths": [BASE_DIR / "orders/tasks"],
    }

then ``manage.py check`` validates the configuration and templates,
``manage.py tasker_worker`` runs the worker, receivers of
``tasker_contrib_django.signals`` see every event, and
:func:`enqueue_on_commit` submits tasks after your transaction commits.
The engine starts only where you ask for it (``tasker_worker``, the WSGI /
ASGI wrappers, the gunicorn hooks), never in ``AppConfig.ready()``.

Importing this package imports neither ``tasker_core`` nor Django's
settings: names load on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core.integration import lazy_exports

if TYPE_CHECKING:
    __version__: str

    from tasker_contrib_django.conf import get_host, tasker_settings
    from tasker_contrib_django.lifecycle import astart, astop, start, stop
    from tasker_contrib_django.signals import DjangoSignalSink
    from tasker_contrib_django.transaction import aenqueue_on_commit, enqueue_on_commit

_HOMES: dict[str, str] = {
    "DjangoSignalSink": "signals",
    "aenqueue_on_commit": "transaction",
    "astart": "lifecycle",
    "astop": "lifecycle",
    "enqueue_on_commit": "transaction",
    "get_host": "conf",
    "start": "lifecycle",
    "stop": "lifecycle",
    "tasker_settings": "conf",
}


__getattr__, __dir__ = lazy_exports(
    __name__, _HOMES, globals(), distribution="tasker-contrib-django"
)


__all__ = [
    "DjangoSignalSink",
    "aenqueue_on_commit",
    "astart",
    "astop",
    "enqueue_on_commit",
    "get_host",
    "start",
    "stop",
    "tasker_settings",
]
