"""Turn what the real worker reports into the normalised :class:`TaskerEvent`.

Two sources, both delivered on the worker's own threads:

* ``EventBridge`` notifications: ``step.execution.received`` (an
  ``FfiStepEvent``, before the handler runs) becomes
  ``step.execution.started``; ``step.completion.sent`` (a
  ``StepExecutionResult``) becomes ``step.execution.completed`` or
  ``step.execution.failed``; ``step.checkpoint_yield.sent`` keeps its name.
  A completion carries no step name or namespace, so those are remembered
  from the matching "received" event.
* Domain events from ``InProcessDomainEventPoller`` (the ``fast`` and
  ``broadcast`` declarations of ``publishes_events``) become ``kind="domain"``
  events with the payload shape the local engine uses
  (``task_sequence_step``, ``execution_result``, ``payload``).

Inputs are read duck-typed (attributes of the engine's pydantic models, or
plain dicts) so this module never imports ``tasker_core``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from tasker_contrib_core.events.event import (
    STEP_CHECKPOINT_YIELD,
    STEP_COMPLETED,
    STEP_FAILED,
    STEP_STARTED,
    TaskerEvent,
)

#: How many in-flight steps are remembered between "received" and "completed".
MAX_REMEMBERED_STEPS = 10_000


def _get(source: Any, name: str, default: Any = None) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def _dump(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return value


def _now() -> datetime:
    return datetime.now(timezone.utc)


class StepMemo:
    """Step uuid -> (task uuid, step name, namespace, attempt), bounded, thread-safe."""

    def __init__(self, limit: int = MAX_REMEMBERED_STEPS) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._steps: OrderedDict[str, tuple[str, str | None, str, int | None]] = OrderedDict()

    def remember(
        self, step_uuid: str, task_uuid: str, name: str | None, namespace: str, attempt: int | None
    ) -> None:
        with self._lock:
            self._steps[step_uuid] = (task_uuid, name, namespace, attempt)
            self._steps.move_to_end(step_uuid)
            while len(self._steps) > self._limit:
                self._steps.popitem(last=False)

    def recall(self, step_uuid: str) -> tuple[str, str | None, str, int | None] | None:
        with self._lock:
            return self._steps.get(step_uuid)

    def forget(self, step_uuid: str) -> None:
        with self._lock:
            self._steps.pop(step_uuid, None)


class WorkerEventTranslator:
    """Stateful translation (it pairs completions with their dispatch)."""

    def __init__(self, worker_id: str | None = None) -> None:
        self.worker_id = worker_id
        self.memo = StepMemo()

    def _metadata(self, **extra: Any) -> dict[str, Any]:
        data = {"source": "worker", "worker_id": self.worker_id}
        data.update({key: value for key, value in extra.items() if value is not None})
        return data

    def _step_event(
        self,
        name: str,
        step_uuid: str,
        step: tuple[str, str | None, str, int | None],
        payload: dict[str, Any],
        *,
        metadata: dict[str, Any],
        event_id: Any = None,
    ) -> TaskerEvent:
        """A ``kind="lifecycle"`` event of the step ``step`` (task uuid, step name,
        namespace, attempt) stamped now, with a fresh id unless one is given; the
        attempt leads the payload."""
        task_uuid, step_name, namespace, attempt = step
        return TaskerEvent(
            name=name,
            id=str(event_id or uuid.uuid4()),
            timestamp=_now(),
            task_uuid=task_uuid,
            kind="lifecycle",
            namespace=namespace,
            step_uuid=step_uuid,
            step_name=step_name,
            payload={"attempt": attempt, **payload},
            metadata=metadata,
        )

    def step_received(self, event: Any) -> TaskerEvent:
        """``FfiStepEvent`` -> ``step.execution.started``."""
        tss = _get(event, "task_sequence_step", {}) or {}
        task_block = tss.get("task", {}) if isinstance(tss, Mapping) else {}
        step_block = tss.get("workflow_step", {}) if isinstance(tss, Mapping) else {}
        definition = tss.get("step_definition", {}) if isinstance(tss, Mapping) else {}
        handler = definition.get("handler", {}) if isinstance(definition, Mapping) else {}
        task_uuid = str(_get(event, "task_uuid", ""))
        step_uuid = str(_get(event, "step_uuid", ""))
        name = step_block.get("name") if isinstance(step_block, Mapping) else None
        namespace = str(task_block.get("namespace_name", "")) if task_block else ""
        attempts = step_block.get("attempts") if isinstance(step_block, Mapping) else None
        attempt = attempts + 1 if isinstance(attempts, int) else None
        self.memo.remember(step_uuid, task_uuid, name, namespace, attempt)
        return self._step_event(
            STEP_STARTED,
            step_uuid,
            (task_uuid, name, namespace, attempt),
            {"handler": handler.get("callable") if isinstance(handler, Mapping) else None},
            event_id=_get(event, "event_id", ""),
            metadata=self._metadata(
                correlation_id=_get(event, "correlation_id"),
                task_name=task_block.get("task_name") if task_block else None,
            ),
        )

    def step_completed(self, result: Any) -> TaskerEvent:
        """``StepExecutionResult`` -> ``step.execution.completed`` / ``.failed``."""
        step_uuid = str(_get(result, "step_uuid", ""))
        remembered = self.memo.recall(step_uuid)
        self.memo.forget(step_uuid)
        task_uuid, name, namespace, attempt = remembered or (
            str(_get(result, "task_uuid", "")),
            None,
            "",
            None,
        )
        success = bool(_get(result, "success", False))
        payload: dict[str, Any] = {"duration_ms": _get(result, "execution_time_ms")}
        if success:
            payload["result"] = _dump(_get(result, "result"))
        else:
            payload["error"] = _dump(_get(result, "error"))
        correlation = _get(result, "correlation_id")
        error = payload.get("error")
        error = error if isinstance(error, dict) else {}
        retryable = error.get("retryable")
        event = self._step_event(
            STEP_COMPLETED if success else STEP_FAILED,
            step_uuid,
            (str(_get(result, "task_uuid", task_uuid)), name, namespace, attempt),
            payload,
            metadata=self._metadata(
                correlation_id=str(correlation) if correlation is not None else None,
                status=_get(result, "status"),
            ),
        )
        if not success:
            event.error_type = str(error.get("error_type") or "StepFailed")
            message = error.get("message")
            event.error_message = str(message) if message is not None else None
            event.retryable = retryable if isinstance(retryable, bool) else None
        return event

    def checkpoint_yielded(self, data: Any) -> TaskerEvent:
        """The checkpoint dict the worker publishes -> ``step.checkpoint_yield.sent``."""
        step_uuid = str(_get(data, "step_uuid", ""))
        remembered = self.memo.recall(step_uuid)
        return self._step_event(
            STEP_CHECKPOINT_YIELD,
            step_uuid,
            remembered or ("", None, "", None),
            {"cursor": _get(data, "cursor"), "items_processed": _get(data, "items_processed")},
            metadata=self._metadata(),
        )

    def domain_event(self, event: Any) -> TaskerEvent:
        """``InProcessDomainEvent`` -> a ``kind="domain"`` event."""
        metadata = _get(event, "metadata", {}) or {}
        fired_at = _get(metadata, "fired_at")
        raw_payload = _dump(_get(event, "payload", {})) or {}
        execution_result = _dump(_get(event, "execution_result"))
        payload: dict[str, Any]
        if isinstance(raw_payload, Mapping) and "payload" in raw_payload:
            payload = dict(raw_payload)
        else:
            payload = {"task_sequence_step": None, "payload": raw_payload}
        if execution_result is not None:
            payload.setdefault("execution_result", execution_result)
        step_uuid = _get(metadata, "step_uuid")
        correlation = _get(metadata, "correlation_id")
        return TaskerEvent(
            name=str(_get(event, "event_name", "")),
            id=str(_get(event, "event_id", "") or uuid.uuid4()),
            timestamp=_parse_time(fired_at),
            task_uuid=str(_get(metadata, "task_uuid", "")),
            kind="domain",
            namespace=str(_get(metadata, "namespace") or ""),
            step_uuid=str(step_uuid) if step_uuid is not None else None,
            step_name=_get(metadata, "step_name"),
            payload=payload,
            metadata=self._metadata(
                event_version=_get(event, "event_version"),
                correlation_id=str(correlation) if correlation is not None else None,
                fired_by=_get(metadata, "fired_by"),
            ),
        )


class TranslationFailures:
    """Rate-limited WARNINGs for engine events that could not be translated.

    A tasker-py release that changes an event's shape must be visible: every
    event of that type would otherwise vanish silently. One warning per event
    type at first sight, then at most one per ``interval`` seconds per type,
    saying how many failed in between (a busy worker must not flood the log).
    """

    def __init__(self, log: logging.Logger, *, interval: float = 60.0) -> None:
        self.log = log
        self.interval = interval
        self.counts: dict[str, int] = {}
        self._last: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def record(self, event_type: str, error: BaseException) -> bool:
        """Count one failure of ``event_type``; True when a warning was logged."""
        now = time.monotonic()
        with self._lock:
            count = self.counts[event_type] = self.counts.get(event_type, 0) + 1
            last = self._last.get(event_type)
            if last is not None and now - last[0] < self.interval:
                return False
            since = count - (last[1] if last is not None else 0)
            self._last[event_type] = (now, count)
        self.log.warning(
            "could not translate the engine's %s event (%s: %s); %d such event(s) lost so "
            "far (%d since the last warning). The installed tasker-py may report events in a "
            "shape this tasker-contrib-core does not know: check the supported tasker-py range",
            event_type,
            type(error).__name__,
            error,
            count,
            since,
            exc_info=error if last is None else None,
        )
        return True


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _now()
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return _now()


__all__ = ["MAX_REMEMBERED_STEPS", "StepMemo", "TranslationFailures", "WorkerEventTranslator"]
