"""Sinks: where events go. Core ships logging ones and a callable adapter.

A sink is anything with ``publish(event)``. It may raise: the dispatcher
isolates it (see :mod:`tasker_contrib_core.events.bridge`). A sink may carry
default filters as ``patterns`` / ``exclude`` attributes, which the dispatcher
uses unless ``add_sink`` is given others, and a ``name`` used in stats and logs.
Framework packages add their own sinks (Django signals, blinker, Celery).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

import structlog

from tasker_contrib_core.events.context import event_context, event_fields
from tasker_contrib_core.events.event import TaskerEvent

#: Logger name used by the logging sinks unless given another.
EVENTS_LOGGER = "tasker_contrib.events"


@runtime_checkable
class Sink(Protocol):
    """Receives events. Runs on the engine's thread or the dispatcher's thread."""

    def publish(self, event: TaskerEvent) -> None:
        """Handle one event; exceptions are contained by the dispatcher."""
        ...


def _level(level: int | str) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {level!r}; use e.g. 'info' or logging.INFO")
    return number


def _patterns(value: Iterable[str] | str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


class StructlogSink:
    """Logs each event through structlog with its task and step bound as context.

    The event's fields (``task_uuid``, ``step_uuid``, ``step_name``,
    ``namespace``, ``tasker_event`` ...) are bound in structlog's contextvars
    for the duration of the call and restored afterwards, so they appear on
    the line this sink logs (with ``merge_contextvars`` in your processors, as
    structlog's default configuration has) and on nothing logged later on the
    same thread. ``message`` chooses the log event text: the event name (the
    default) or its framework name (``tasker.step_execution_completed``).
    """

    def __init__(
        self,
        logger: Any = None,
        *,
        level: int | str = logging.INFO,
        include_payload: bool = True,
        message: str = "name",
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        name: str = "structlog",
    ) -> None:
        if message not in ("name", "framework_name"):
            raise ValueError("message must be 'name' or 'framework_name'")
        self._logger = logger if logger is not None else structlog.get_logger(EVENTS_LOGGER)
        self.level = _level(level)
        self.include_payload = include_payload
        self.message = message
        self.patterns = _patterns(patterns)
        self.exclude = _patterns(exclude)
        self.name = name

    def publish(self, event: TaskerEvent) -> None:
        text = event.framework_name if self.message == "framework_name" else event.name
        with event_context(event):
            if self.include_payload:
                self._logger.log(self.level, text, payload=dict(event.payload))
            else:
                self._logger.log(self.level, text)

    def __repr__(self) -> str:
        return f"StructlogSink(level={logging.getLevelName(self.level)!r})"


class LoggingSink:
    """Logs each event through the standard library's :mod:`logging`.

    The record's message is the event name; its ``extra`` carries the event's
    fields (``task_uuid``, ``step_uuid``, ``step_name``, ``namespace``,
    ``tasker_event``, ``tasker_event_id``, ``tasker_event_kind``) and, with
    ``include_payload``, ``tasker_payload``, for formatters and JSON handlers.
    Nothing is built when the logger would drop the record anyway.
    """

    def __init__(
        self,
        logger: logging.Logger | str | None = None,
        *,
        level: int | str = logging.INFO,
        include_payload: bool = False,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        name: str = "logging",
    ) -> None:
        if logger is None or isinstance(logger, str):
            logger = logging.getLogger(logger or EVENTS_LOGGER)
        self.logger = logger
        self.level = _level(level)
        self.include_payload = include_payload
        self.patterns = _patterns(patterns)
        self.exclude = _patterns(exclude)
        self.name = name

    def publish(self, event: TaskerEvent) -> None:
        if not self.logger.isEnabledFor(self.level):
            return
        extra = event_fields(event, compact=False)
        if self.include_payload:
            extra["tasker_payload"] = dict(event.payload)
        self.logger.log(self.level, "tasker event %s", event.name, extra=extra)

    def __repr__(self) -> str:
        return f"LoggingSink(logger={self.logger.name!r})"


class CallbackSink:
    """Adapts a plain callable ``fn(event)`` into a sink, with optional filters."""

    def __init__(
        self,
        callback: Callable[[TaskerEvent], object],
        *,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
        name: str | None = None,
    ) -> None:
        self.callback = callback
        self.patterns = _patterns(patterns)
        self.exclude = _patterns(exclude)
        self.name = name or getattr(callback, "__qualname__", None) or repr(callback)

    def publish(self, event: TaskerEvent) -> None:
        self.callback(event)

    def __repr__(self) -> str:
        return f"CallbackSink({self.name})"


__all__ = ["EVENTS_LOGGER", "CallbackSink", "LoggingSink", "Sink", "StructlogSink"]
