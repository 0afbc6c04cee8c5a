"""tasker-contrib-flask: run Tasker workflows from a Flask app.

Two lines::

    tasker = Tasker(app)                          # or tasker.init_app(app) in a factory
    app.register_blueprint(tasker_blueprint())    # GET /tasker/health, /tasker/ready

then ``tasker_client()`` in a view submits and inspects tasks, and the
blinker signals of :mod:`tasker_contrib_flask.signals` deliver engine
events to your receivers. ``init_app`` starts nothing: the engine starts in
``flask tasker worker``, in the gunicorn / uWSGI hooks of this package, or
on the first request when ``TASKER_START_ON_FIRST_REQUEST`` is set.

Names are loaded on first access: importing this package imports neither
``tasker_core`` nor core's settings, so app modules (imported by gunicorn
masters and reloader parents too) stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core.integration import lazy_exports

if TYPE_CHECKING:
    __version__: str

    from tasker_contrib_flask.blueprint import tasker_blueprint
    from tasker_contrib_flask.extension import (
        Tasker,
        TaskerNotInitializedError,
        host_of,
        start_tasker,
        stop_tasker,
        tasker_client,
    )
    from tasker_contrib_flask.signals import (
        event_signal,
        step_checkpoint_yield_sent,
        step_execution_completed,
        step_execution_failed,
        step_execution_started,
        task_execution_completed,
        task_execution_failed,
        task_execution_started,
        tasker_event,
        tasker_signals,
    )

_HOMES: dict[str, str] = {
    "Tasker": "extension",
    "TaskerNotInitializedError": "extension",
    "event_signal": "signals",
    "host_of": "extension",
    "start_tasker": "extension",
    "step_checkpoint_yield_sent": "signals",
    "step_execution_completed": "signals",
    "step_execution_failed": "signals",
    "step_execution_started": "signals",
    "stop_tasker": "extension",
    "task_execution_completed": "signals",
    "task_execution_failed": "signals",
    "task_execution_started": "signals",
    "tasker_blueprint": "blueprint",
    "tasker_client": "extension",
    "tasker_event": "signals",
    "tasker_signals": "signals",
}


__getattr__, __dir__ = lazy_exports(
    __name__, _HOMES, globals(), distribution="tasker-contrib-flask"
)


__all__ = [
    "Tasker",
    "TaskerNotInitializedError",
    "event_signal",
    "host_of",
    "start_tasker",
    "step_checkpoint_yield_sent",
    "step_execution_completed",
    "step_execution_failed",
    "step_execution_started",
    "stop_tasker",
    "task_execution_completed",
    "task_execution_failed",
    "task_execution_started",
    "tasker_blueprint",
    "tasker_client",
    "tasker_event",
    "tasker_signals",
]
