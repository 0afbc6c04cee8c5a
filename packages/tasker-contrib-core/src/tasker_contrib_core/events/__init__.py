"""Tasker events, delivered to sinks: logs, framework signals, your callbacks.

Every runtime reports what happens as :class:`TaskerEvent` objects (one shape
for the local engine, the real worker's step notifications and its in-process
domain events). An :class:`EventDispatcher` reads them from a runtime's event
stream and hands them to sinks, with fnmatch filters, per-sink isolation and an
optional bounded queue. See ``docs/events.md`` for the catalogue of events and
which runtime emits which.

Importing this package never imports ``tasker_core``.
"""

from __future__ import annotations

from tasker_contrib_core.events.bridge import (
    DispatcherStats,
    EventDispatcher,
    EventSource,
    Listener,
)
from tasker_contrib_core.events.context import event_context, event_fields
from tasker_contrib_core.events.delivery import SinkStats
from tasker_contrib_core.events.event import (
    LIFECYCLE_EVENT_NAMES,
    STEP_CHECKPOINT_YIELD,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_STARTED,
    TASK_COMPLETED,
    TASK_FAILED,
    TASK_STARTED,
    EventKind,
    TaskerEvent,
)
from tasker_contrib_core.events.filters import EventFilter
from tasker_contrib_core.events.jsonl import JsonLinesSink
from tasker_contrib_core.events.queueing import OVERFLOW_POLICIES, OverflowPolicy
from tasker_contrib_core.events.sinks import (
    EVENTS_LOGGER,
    CallbackSink,
    LoggingSink,
    Sink,
    StructlogSink,
)

__all__ = [
    "EVENTS_LOGGER",
    "LIFECYCLE_EVENT_NAMES",
    "OVERFLOW_POLICIES",
    "STEP_CHECKPOINT_YIELD",
    "STEP_COMPLETED",
    "STEP_FAILED",
    "STEP_STARTED",
    "TASK_COMPLETED",
    "TASK_FAILED",
    "TASK_STARTED",
    "CallbackSink",
    "DispatcherStats",
    "EventDispatcher",
    "EventFilter",
    "EventKind",
    "EventSource",
    "JsonLinesSink",
    "Listener",
    "LoggingSink",
    "OverflowPolicy",
    "Sink",
    "SinkStats",
    "StructlogSink",
    "TaskerEvent",
    "event_context",
    "event_fields",
]
