"""tasker-contrib-celery: run Tasker workflows inside Celery workers.

Two lines where the Celery app is defined::

    app = Celery("proj", broker="redis://127.0.0.1:6379/0")
    tasker_contrib_celery.install(app)

then ``celery -A proj worker`` runs the Tasker engine in every worker
process (prefork children, or the main process of the threads and solo
pools), configured from ``app.conf`` ``tasker_*`` keys. Also:
:func:`tasker_event_task` (Tasker events delivered to Celery tasks through
the broker), :mod:`tasker_contrib_celery.signals`, :func:`tasker_schedule`
(beat entries that create Tasker tasks, once per scheduled run) and
:func:`celery_task_step` (an existing Celery task as a step).

Names are loaded on first access: importing this package imports neither
``tasker_core`` nor Celery nor core's settings, so an app module imported by
web processes, ``celery beat`` and ``celery inspect`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core.integration import lazy_exports

if TYPE_CHECKING:
    __version__: str

    from tasker_contrib_celery.beat import SUBMIT_TASK_NAME, submit_tasker_task, tasker_schedule
    from tasker_contrib_celery.bootstep import TaskerBootstep
    from tasker_contrib_celery.event_tasks import CeleryTaskSink, tasker_event_task
    from tasker_contrib_celery.pools import UnsupportedPoolError
    from tasker_contrib_celery.settings import SETTINGS_LAYER, celery_settings
    from tasker_contrib_celery.signals import SignalSink, tasker_event
    from tasker_contrib_celery.steps import celery_task_step
    from tasker_contrib_celery.worker import (
        CeleryTasker,
        TaskerNotInstalledError,
        TaskerNotStartedError,
        get_tasker,
        install,
    )

_HOMES: dict[str, str] = {
    "CeleryTasker": "worker",
    "CeleryTaskSink": "event_tasks",
    "SETTINGS_LAYER": "settings",
    "SUBMIT_TASK_NAME": "beat",
    "SignalSink": "signals",
    "TaskerBootstep": "bootstep",
    "TaskerNotInstalledError": "worker",
    "TaskerNotStartedError": "worker",
    "UnsupportedPoolError": "pools",
    "celery_settings": "settings",
    "celery_task_step": "steps",
    "get_tasker": "worker",
    "install": "worker",
    "submit_tasker_task": "beat",
    "tasker_event": "signals",
    "tasker_event_task": "event_tasks",
    "tasker_schedule": "beat",
}


__getattr__, __dir__ = lazy_exports(
    __name__, _HOMES, globals(), distribution="tasker-contrib-celery"
)


__all__ = [
    "SETTINGS_LAYER",
    "SUBMIT_TASK_NAME",
    "CeleryTaskSink",
    "CeleryTasker",
    "SignalSink",
    "TaskerBootstep",
    "TaskerNotInstalledError",
    "TaskerNotStartedError",
    "UnsupportedPoolError",
    "celery_settings",
    "celery_task_step",
    "get_tasker",
    "install",
    "submit_tasker_task",
    "tasker_event",
    "tasker_event_task",
    "tasker_schedule",
]
