"""The embedded local engine: run task templates in-process with real handlers.

``run_template(template, context)`` plays both the orchestrator and the worker
of tasker-core 0.1.8 in one process, with no database: real ``StepContext``
objects built exactly as the worker builds them, dependencies, decision
points, deferred convergence, batch workers, checkpoints, retries with
backoff, timeouts and declared domain events. It is for development and
tests; it is not durable. See ``docs/local-engine.md`` for the exact
semantics and every difference from the real engine.

Importing this package does not import ``tasker_core``; the first run (or the
first context built) does, quietly.
"""

from __future__ import annotations

from tasker_contrib_core.engine.backoff import backoff_delay_ms
from tasker_contrib_core.engine.clock import Clock, FakeClock, RealClock
from tasker_contrib_core.engine.context import build_step_context, dependency_entry
from tasker_contrib_core.engine.faults import Fault, FaultPlan, parse_fault
from tasker_contrib_core.engine.listeners import Listener
from tasker_contrib_core.engine.result import AttemptRecord, StepError, StepRun, TaskRunResult
from tasker_contrib_core.engine.runner import LocalEngine, run_template
from tasker_contrib_core.events.event import TaskerEvent
from tasker_contrib_core.handlers import ResolvedHandler, resolve_handler

__all__ = [
    "AttemptRecord",
    "Clock",
    "FakeClock",
    "Fault",
    "FaultPlan",
    "Listener",
    "LocalEngine",
    "RealClock",
    "ResolvedHandler",
    "StepError",
    "StepRun",
    "TaskRunResult",
    "TaskerEvent",
    "backoff_delay_ms",
    "build_step_context",
    "dependency_entry",
    "parse_fault",
    "resolve_handler",
    "run_template",
]
