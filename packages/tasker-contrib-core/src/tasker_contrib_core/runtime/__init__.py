"""Runtimes: start, stop, inspect and use a Tasker engine from your process.

* :class:`LocalRuntime`: the embedded local engine (development, tests);
* :class:`WorkerRuntime`: the real ``tasker_core`` worker, with every known
  hazard of embedding it guarded (see ``docs/runtimes.md``);
* :func:`runtime_from_settings`: the one the settings ask for.

Importing this package never imports ``tasker_core``; the worker runtime
imports it when it starts, after preparing the environment it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core._internal.lazy_exports import lazy_exports
from tasker_contrib_core.runtime.base import (
    EventListener,
    Runtime,
    RuntimeKind,
    RuntimeStatus,
    Unsubscribe,
)
from tasker_contrib_core.runtime.factory import runtime_from_settings

if TYPE_CHECKING:
    from tasker_contrib_core.runtime.local import LocalRuntime
    from tasker_contrib_core.runtime.local_client import AsyncLocalTaskClient, LocalTaskClient
    from tasker_contrib_core.runtime.worker import WorkerRuntime

_LAZY = {
    "LocalRuntime": "tasker_contrib_core.runtime.local",
    "LocalTaskClient": "tasker_contrib_core.runtime.local_client",
    "AsyncLocalTaskClient": "tasker_contrib_core.runtime.local_client",
    "WorkerRuntime": "tasker_contrib_core.runtime.worker",
}


# The implementations pull in the engine model and the HTTP client; load
# them on first use so `import tasker_contrib_core.runtime` stays cheap.
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "AsyncLocalTaskClient",
    "EventListener",
    "LocalRuntime",
    "LocalTaskClient",
    "Runtime",
    "RuntimeKind",
    "RuntimeStatus",
    "Unsubscribe",
    "WorkerRuntime",
    "runtime_from_settings",
]
