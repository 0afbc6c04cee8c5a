"""Build a real ``tasker_core.StepContext`` exactly the way the worker does.

The worker receives an ``FfiStepEvent`` whose ``task_sequence_step`` is the
orchestrator's nested ``TaskSequenceStep`` and calls
``StepContext.from_ffi_event(event, handler.name)``. Every accessor a handler
uses (``get_input``, ``get_dependency_result``, ``is_retry``, the batch
context, the checkpoint, ``context.task_sequence_step``...) reads that nested
shape, so the only way to be sure a handler sees locally what it will see in
production is to build the same shape and go through the same constructor.
This module is that one code path: the local engine, the testing builders and
the parity test all use it.

Shapes reproduced (tasker-core 0.1.8):

* ``task``: ``{"task": {task_uuid, context, correlation_id, ...}, task_name,
  namespace_name, task_version}``;
* ``workflow_step``: ``{workflow_step_uuid, task_uuid, name, template_step_name,
  attempts, max_attempts, retryable, inputs, checkpoint, ...}`` where
  ``attempts`` counts *previous* attempts (0 on the first run: the worker
  reads the row before its claim increments it) and ``inputs`` is the step's
  handler ``initialization`` (``None`` when empty), plus cursor data for batch
  workers;
* ``dependency_results``: ``{step_name: {step_uuid, success, result, metadata,
  status: "completed", error, orchestration_metadata}}`` for every transitive
  ancestor;
* ``step_definition``: the template step, serialised as the engine stores it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tasker_contrib_core._internal.tasker_core_import import load_tasker_core
from tasker_contrib_core.engine.ids import new_uuid

if TYPE_CHECKING:
    from tasker_core import StepContext

    from tasker_contrib_core.templates.model import StepDefinition

#: How the local engine names itself where the engine records a worker (``fired_by``).
LOCAL_WORKER_ID = "tasker-contrib-local-engine"

#: Keys that mark a mapping as a full dependency entry rather than a bare result.
_ENTRY_KEYS = frozenset({"result", "success", "status"})

_constructors: tuple[Any, Any] | None = None


def _event_and_context_classes() -> tuple[Any, Any]:
    """``(FfiStepEvent, StepContext)``, imported once on first use."""
    global _constructors
    if _constructors is None:
        core = load_tasker_core()
        _constructors = (core.FfiStepEvent, core.StepContext)
    return _constructors


def task_block(
    *,
    task_uuid: str,
    correlation_id: str,
    context: Mapping[str, Any],
    task_name: str,
    namespace: str,
    task_version: str,
    requested_at: str | None = None,
) -> dict[str, Any]:
    """The ``task`` member of a task sequence step (built once per task)."""
    return {
        "task": {
            "task_uuid": task_uuid,
            "context": context,
            "correlation_id": correlation_id,
            "parent_correlation_id": None,
            "complete": False,
            "priority": 0,
            "initiator": "tasker-contrib",
            "source_system": "local_engine",
            "reason": "local run",
            "tags": None,
            "requested_at": requested_at,
        },
        "task_name": task_name,
        "namespace_name": namespace,
        "task_version": task_version,
    }


def workflow_step_block(
    *,
    step_uuid: str,
    task_uuid: str,
    name: str,
    attempts: int,
    max_attempts: int,
    inputs: Mapping[str, Any] | None,
    template_step_name: str | None = None,
    retryable: bool = True,
    checkpoint: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``workflow_step`` member: the step row as the worker reads it before claiming."""
    return {
        "workflow_step_uuid": step_uuid,
        "task_uuid": task_uuid,
        "name": name,
        "template_step_name": template_step_name or name,
        "retryable": retryable,
        "max_attempts": max_attempts,
        "attempts": attempts,
        "in_process": True,
        "processed": False,
        "inputs": inputs,
        "results": None,
        "checkpoint": checkpoint,
    }


#: Fields of the engine's ``StepExecutionMetadata``, in its order.
_METADATA_FIELDS = (
    "execution_time_ms",
    "handler_version",
    "retryable",
    "completed_at",
    "worker_id",
    "worker_hostname",
    "started_at",
    "custom",
    "error_code",
    "error_type",
    "context",
)


#: ``StepExecutionMetadata``'s serde defaults (``custom`` and ``context`` are fresh per copy).
_DEFAULT_METADATA: dict[str, Any] = {
    "execution_time_ms": 0,
    "handler_version": None,
    "retryable": False,
    "completed_at": None,
    "worker_id": None,
    "worker_hostname": None,
    "started_at": None,
    "custom": None,
    "error_code": None,
    "error_type": None,
    "context": None,
}


def stored_metadata(
    handler_metadata: Mapping[str, Any] | None, *, completed_at: str | None
) -> dict[str, Any]:
    """``metadata`` of a stored step result, as dependents receive it.

    The Python worker submits the handler's own ``metadata`` dict as the
    result metadata; the Rust side deserialises it into ``StepExecutionMetadata``
    with serde defaults, so only keys that are fields of that struct survive
    and everything else (including the worker id and execution time, which
    the Python worker sends at the top level) falls back to its default.
    """
    # A copy of the defaults and fresh nested maps: cheaper than a literal of eleven
    # keys, and no two entries share a mutable member.
    metadata = _DEFAULT_METADATA.copy()
    metadata["completed_at"] = completed_at
    metadata["custom"] = {}
    metadata["context"] = {}
    if handler_metadata:
        for key in _METADATA_FIELDS:
            if key in handler_metadata:
                metadata[key] = handler_metadata[key]
    return metadata


def dependency_entry(
    result: Any,
    *,
    step_uuid: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    completed_at: str | None = None,
) -> dict[str, Any]:
    """Wrap a completed step's ``result`` into the entry shape of ``dependency_results``.

    ``metadata`` is the handler's own result metadata, filtered as the engine
    filters it (see :func:`stored_metadata`).
    """
    return {
        "step_uuid": step_uuid or new_uuid(),
        "success": True,
        "result": result,
        "metadata": stored_metadata(
            metadata, completed_at=completed_at or datetime.now(timezone.utc).isoformat()
        ),
        "status": "completed",
        "error": None,
        "orchestration_metadata": None,
    }


def is_dependency_entry(value: Any) -> bool:
    """Whether ``value`` already has the entry shape (``result``, ``success``, ``status``)."""
    return isinstance(value, Mapping) and _ENTRY_KEYS.issubset(value.keys())


def _as_entry(value: Any) -> Any:
    """A full entry as is (shared, not copied, as in the engine); anything else wrapped."""
    if type(value) is dict:  # the common case, tested without the Mapping ABC
        is_entry = "status" in value and "success" in value and "result" in value
    else:
        is_entry = is_dependency_entry(value)
    return value if is_entry else dependency_entry(value)


def step_definition_block(step: StepDefinition) -> dict[str, Any]:
    """Serialise a template step the way the engine hands it to the worker."""
    data = step.model_dump(mode="json", by_alias=True, exclude_none=False)
    handler = data.get("handler", {})
    return {
        "name": step.name,
        "description": step.description,
        "handler": {
            "callable": handler.get("callable", step.handler.callable),
            "method": handler.get("method"),
            "resolver": handler.get("resolver"),
            "initialization": handler.get("initialization") or {},
        },
        "type": step.type.value,
        "system_dependency": data.get("system_dependency"),
        "dependencies": list(step.dependencies),
        "retry": data.get("retry", {}),
        "timeout_seconds": step.timeout_seconds,
        "publishes_events": data.get("publishes_events", []),
        "batch_config": data.get("batch_config"),
        "result_schema": data.get("result_schema"),
    }


def minimal_step_definition(
    name: str, handler_callable: str, initialization: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A step definition for contexts built without a template."""
    return {
        "name": name,
        "description": None,
        "handler": {
            "callable": handler_callable,
            "method": None,
            "resolver": None,
            "initialization": dict(initialization) if initialization else {},
        },
        "type": "standard",
        "system_dependency": None,
        "dependencies": [],
        "retry": {
            "retryable": True,
            "max_attempts": 3,
            "backoff": "exponential",
            "backoff_base_ms": 1000,
            "max_backoff_ms": 30000,
        },
        "timeout_seconds": None,
        "publishes_events": [],
        "batch_config": None,
        "result_schema": None,
    }


def context_from_task_sequence_step(
    *,
    task_sequence_step: dict[str, Any],
    task_uuid: str,
    step_uuid: str,
    correlation_id: str,
    handler_name: str,
    event_id: str | None = None,
    results_are_engine_built: bool = False,
) -> StepContext:
    """THE constructor: ``StepContext.from_ffi_event(FfiStepEvent(...), handler_name)``.

    ``results_are_engine_built`` says ``dependency_results`` is a plain dict
    with string keys that the caller built (the engine's own ancestors map).
    Validating it is then nothing but a shallow copy, which pydantic does one
    entry at a time in Python-visible work (tens of nanoseconds per entry,
    so the bulk of a step's cost in a long chain). For such a map the
    constructor runs on the task sequence step with an empty map and the
    context and the event each get their own C-level copy afterwards: the
    same objects ``from_ffi_event`` would build (the parity tests check it),
    and neither copy is the caller's map, so a handler changing
    ``context.dependency_results`` or the event's task sequence step cannot
    reach another step's view.
    """
    event_cls, context_cls = _constructors or _event_and_context_classes()
    results = task_sequence_step.get("dependency_results") if results_are_engine_built else None
    if results:
        shell = task_sequence_step.copy()
        shell["dependency_results"] = {}
        task_sequence_step = shell
    event = event_cls(
        event_id=event_id or new_uuid(),
        task_uuid=task_uuid,
        step_uuid=step_uuid,
        correlation_id=correlation_id,
        task_sequence_step=task_sequence_step,
    )
    context: StepContext = context_cls.from_ffi_event(event, handler_name)
    if results:
        event.task_sequence_step["dependency_results"] = results.copy()
        context.dependency_results = results.copy()
    return context


def build_step_context(
    *,
    task_fields: Mapping[str, Any] | None = None,
    dependency_results: Mapping[str, Any] | None = None,
    step_config: Mapping[str, Any] | None = None,
    step_inputs: Mapping[str, Any] | None = None,
    attempts: int = 0,
    max_attempts: int = 3,
    step_name: str = "step",
    task_name: str = "task",
    namespace: str = "default",
    task_version: str = "1.0.0",
    handler_callable: str | None = None,
    handler_name: str | None = None,
    task_uuid: str | None = None,
    step_uuid: str | None = None,
    correlation_id: str | None = None,
    checkpoint: Mapping[str, Any] | None = None,
    event_id: str | None = None,
) -> StepContext:
    """A ``StepContext`` for one step, shaped exactly like the worker's.

    * ``task_fields``: the task's input context (``get_input``).
    * ``dependency_results``: ``{step_name: result}``; each value is either a
      bare result (wrapped into the entry shape) or a full entry with
      ``result``, ``success`` and ``status`` (used as is).
    * ``step_config``: the handler ``initialization`` (``get_config``).
    * ``step_inputs``: ``workflow_step.inputs``; defaults to ``step_config``
      (or nothing when that is empty), which is what the orchestrator stores
      for ordinary steps. Batch workers carry their cursor here.
    * ``attempts``: previous attempts (0 on a first run, 1 on the first retry).
    * ``checkpoint``: ``workflow_step.checkpoint`` after a checkpoint yield.
    * ``handler_name``: what the worker passes as the handler's name
      (defaults to ``handler_callable``, then ``step_name``).
    """
    if attempts < 0 or max_attempts < 1:
        raise ValueError(f"need attempts >= 0 and max_attempts >= 1, got {attempts}/{max_attempts}")
    task_id = task_uuid or new_uuid()
    step_id = step_uuid or new_uuid()
    correlation = correlation_id or new_uuid()
    callable_name = handler_callable or step_name
    config = dict(step_config) if step_config else {}
    if step_inputs is not None:
        inputs: Mapping[str, Any] | None = dict(step_inputs)
    else:
        inputs = config or None
    entries = {name: _as_entry(value) for name, value in (dependency_results or {}).items()}
    tss = {
        "task": task_block(
            task_uuid=task_id,
            correlation_id=correlation,
            context=dict(task_fields) if task_fields else {},
            task_name=task_name,
            namespace=namespace,
            task_version=task_version,
        ),
        "workflow_step": workflow_step_block(
            step_uuid=step_id,
            task_uuid=task_id,
            name=step_name,
            attempts=attempts,
            max_attempts=max_attempts,
            inputs=inputs,
            checkpoint=dict(checkpoint) if checkpoint is not None else None,
        ),
        "dependency_results": entries,
        "step_definition": minimal_step_definition(step_name, callable_name, config),
    }
    return context_from_task_sequence_step(
        task_sequence_step=tss,
        task_uuid=task_id,
        step_uuid=step_id,
        correlation_id=correlation,
        handler_name=handler_name or callable_name,
        event_id=event_id,
    )


__all__ = [
    "LOCAL_WORKER_ID",
    "build_step_context",
    "context_from_task_sequence_step",
    "dependency_entry",
    "is_dependency_entry",
    "minimal_step_definition",
    "step_definition_block",
    "stored_metadata",
    "task_block",
    "workflow_step_block",
]
