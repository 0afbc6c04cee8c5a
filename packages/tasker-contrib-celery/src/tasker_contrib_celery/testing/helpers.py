"""Run the engine of a Celery app inside a test process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tasker_contrib_celery.worker import CeleryTasker, get_tasker, install


@contextmanager
def started_tasker(
    app: Any, settings: Any = None, **install_options: Any
) -> Iterator[CeleryTasker]:
    """Tasker started in this process for ``app`` (installed first if needed); stopped after.

    What eager-mode tests (``task_always_eager = True``) need: there is no
    worker, so no worker signal starts the engine; this does. In eager mode
    ``submit_tasker_task.delay(...)`` runs in the test process and creates the
    task on this engine, and event tasks run inline on the event dispatcher's
    thread (not through a broker): assert on their effects after
    ``tasker.host.dispatcher.flush()``.
    """
    try:
        tasker = get_tasker(app)
    except RuntimeError:
        tasker = install(app, settings, **install_options)
    tasker.start()
    try:
        yield tasker
    finally:
        tasker.stop()


__all__ = ["started_tasker"]
