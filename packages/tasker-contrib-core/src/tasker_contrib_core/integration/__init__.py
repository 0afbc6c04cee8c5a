"""The integration kit: what every framework package (ours or yours) is built on.

This is core's documented, semver-stable surface for wiring Tasker into a
framework: FastAPI, Flask, Django and Celery packages use nothing of core
but this module and the public subpackages (``tasker_contrib_core.config``,
``.events``, ``.client``, ``.runtime``, ``.testing``, ``.errors``...); a
test fails when one reaches deeper. See ``docs/integrating.md``.

* settings: :func:`resolve_settings` turns a framework's mapping (Flask's
  ``app.config``, Django's ``TASKER``, Celery's ``app.conf``) plus the
  environment into ``TaskerSettings``, the framework named as the layer in
  ``explain()`` and errors;
* the host: :class:`TaskerHost` owns the one runtime of a process: bounded,
  per-pid idempotent ``start``/``stop`` off the caller's thread (``astart`` /
  ``astop`` for async code), fork detection, lifecycle records, the event
  dispatcher with the framework's sinks, health reports, the task client of
  the current mode;
* process rules: :func:`process_role` says whether this process may host a
  runtime (not a reloader parent, management command, gunicorn master,
  ``celery beat``...);
* signals: :func:`call_receivers` / :class:`ReceiverList` call receivers one
  by one, isolated, held strongly; :func:`signal_name` names the signal of an
  event the same way in every framework;
* :class:`AsyncCallbackSink`: event callbacks on the app's event loop;
* :func:`call_bounded`: the one "daemon thread, bounded wait, late result
  undone, contextvars copied" primitive;
* :func:`record_lifecycle`: one record per lifecycle step (log + JSON lines);
* :func:`on_step_thread`: callbacks on the handler's thread around each step
  (Django closes its database connections there);
* :class:`WorkerHostFactory`: a framework's own host for core's ``worker``
  command (its sinks and step callbacks in ``manage.py tasker_worker``);
* :func:`lazy_exports`: a package's PEP 562 ``__getattr__``/``__dir__`` that
  loads each public name (and ``__version__``) on first access.

Importing this module imports nothing but the standard library's
``importlib`` and core's error classes: each name loads its module on first
access, so an app module importing a framework package stays cheap in
gunicorn masters and reloader parents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core._internal.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from tasker_contrib_core._internal.bounded_call import (
        BoundedOutcome,
        call_bounded,
        call_bounded_async,
    )
    from tasker_contrib_core.integration._health import (
        DEFAULT_PROBE_TIMEOUT,
        HealthCheck,
        HealthReport,
        RuntimeHealth,
    )
    from tasker_contrib_core.integration._host import HostMode, TaskerHost
    from tasker_contrib_core.integration._http_status import client_error_status
    from tasker_contrib_core.integration._loop_sinks import (
        AsyncCallbackSink,
        EventCallback,
        LoopBoundSink,
    )
    from tasker_contrib_core.integration._receivers import (
        SIGNAL_PREFIX,
        Receiver,
        ReceiverList,
        ReceiverOutcome,
        call_receivers,
        receiver_name,
        signal_name,
    )
    from tasker_contrib_core.integration._serving import ProcessRole, process_role
    from tasker_contrib_core.integration._settings import SettingsInput, resolve_settings
    from tasker_contrib_core.integration._step_callbacks import StepCallback, on_step_thread
    from tasker_contrib_core.integration._worker_hosts import WORKER_HOST_KEY, WorkerHostFactory
    from tasker_contrib_core.runtime.fork_guard import START_AFTER_FORK_HINT
    from tasker_contrib_core.runtime.lifecycle_log import (
        LIFECYCLE_LOG_ENV,
        LIFECYCLE_LOGGER,
        read_lifecycle_log,
        record_lifecycle,
    )

_HOMES: dict[str, str] = {
    "DEFAULT_PROBE_TIMEOUT": "_health",
    "HealthCheck": "_health",
    "HealthReport": "_health",
    "RuntimeHealth": "_health",
    "HostMode": "_host",
    "TaskerHost": "_host",
    "client_error_status": "_http_status",
    "AsyncCallbackSink": "_loop_sinks",
    "EventCallback": "_loop_sinks",
    "LoopBoundSink": "_loop_sinks",
    "Receiver": "_receivers",
    "ReceiverList": "_receivers",
    "ReceiverOutcome": "_receivers",
    "SIGNAL_PREFIX": "_receivers",
    "call_receivers": "_receivers",
    "receiver_name": "_receivers",
    "signal_name": "_receivers",
    "ProcessRole": "_serving",
    "process_role": "_serving",
    "SettingsInput": "_settings",
    "resolve_settings": "_settings",
    "StepCallback": "_step_callbacks",
    "on_step_thread": "_step_callbacks",
    "WORKER_HOST_KEY": "_worker_hosts",
    "WorkerHostFactory": "_worker_hosts",
    "BoundedOutcome": "tasker_contrib_core._internal.bounded_call",
    "call_bounded": "tasker_contrib_core._internal.bounded_call",
    "call_bounded_async": "tasker_contrib_core._internal.bounded_call",
    "START_AFTER_FORK_HINT": "tasker_contrib_core.runtime.fork_guard",
    "LIFECYCLE_LOGGER": "tasker_contrib_core.runtime.lifecycle_log",
    "LIFECYCLE_LOG_ENV": "tasker_contrib_core.runtime.lifecycle_log",
    "read_lifecycle_log": "tasker_contrib_core.runtime.lifecycle_log",
    "record_lifecycle": "tasker_contrib_core.runtime.lifecycle_log",
}

#: Core modules a framework package may import besides the public subpackages
#: (``tasker_contrib_core.<name>`` packages without a leading underscore).
PUBLIC_MODULES = frozenset(
    {
        "tasker_contrib_core",
        "tasker_contrib_core.errors",
        "tasker_contrib_core.testing.pytest_plugin",
    }
)

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "DEFAULT_PROBE_TIMEOUT",
    "LIFECYCLE_LOGGER",
    "LIFECYCLE_LOG_ENV",
    "PUBLIC_MODULES",
    "SIGNAL_PREFIX",
    "START_AFTER_FORK_HINT",
    "WORKER_HOST_KEY",
    "AsyncCallbackSink",
    "BoundedOutcome",
    "EventCallback",
    "HealthCheck",
    "HealthReport",
    "HostMode",
    "LoopBoundSink",
    "ProcessRole",
    "Receiver",
    "ReceiverList",
    "ReceiverOutcome",
    "RuntimeHealth",
    "SettingsInput",
    "StepCallback",
    "TaskerHost",
    "WorkerHostFactory",
    "call_bounded",
    "call_bounded_async",
    "call_receivers",
    "client_error_status",
    "lazy_exports",
    "on_step_thread",
    "process_role",
    "read_lifecycle_log",
    "receiver_name",
    "record_lifecycle",
    "resolve_settings",
    "signal_name",
]
