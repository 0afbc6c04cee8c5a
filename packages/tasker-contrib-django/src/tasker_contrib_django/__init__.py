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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tasker-contrib-django")
        except PackageNotFoundError:  # pragma: no cover - source tree without install
            return "0.0.0"
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
