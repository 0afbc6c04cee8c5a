"""Call one handler the way the worker calls it, and always get a result back.

``handler.call(context)`` in a test skips everything the worker does around
the call: building a fresh instance, running an ``async def call`` under
``asyncio.run``, and turning an escaping exception into a failure result. A
test written that way can pass while the worker would report something else.
:func:`call_handler` runs the attempt through the local engine's own
:func:`~tasker_contrib_core.engine.execution.run_attempt`, so instantiation,
async execution and exception classification are the engine's, not a copy.
The engine rebuilds the ``StepContext`` from the same worker event the given
context was built from, carrying the handler's own name as the worker does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.engine.execution import FAILURE, AttemptOutcome, run_attempt
from tasker_contrib_core.handlers import (
    ResolvedHandler,
    instantiate_like_worker,
    resolve_handler,
)

if TYPE_CHECKING:
    from tasker_core import StepContext, StepHandlerResult

_UNSET: Any = object()


class _Recording:
    """Stands in for the handler instance and remembers what ``call`` returned.

    The engine classifies the raw return value into an outcome; a test wants
    the handler's own ``StepHandlerResult`` (with its original, not
    JSON-normalised, values) whenever the engine accepted it.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.raw: Any = _UNSET

    @property
    def name(self) -> Any:
        return getattr(self.inner, "name", None)


class _SyncRecording(_Recording):
    def call(self, context: Any) -> Any:
        self.raw = self.inner.call(context)
        return self.raw


class _AsyncRecording(_Recording):
    async def call(self, context: Any) -> Any:
        self.raw = await self.inner.call(context)
        return self.raw


def _handler_source(
    handler: Any, handler_packages: Sequence[str]
) -> tuple[str, type | None, Callable[[], Any], bool]:
    """``(label, class, factory, is_async)`` for whatever the test passed as ``handler``."""
    if isinstance(handler, str):
        resolved = resolve_handler(handler, handler_packages)
        return handler, resolved.handler_class, resolved.new_instance, resolved.is_async
    decorated = getattr(handler, "_handler_class", None)
    if isinstance(decorated, type):
        handler = decorated
    if isinstance(handler, type):
        cls = handler
        is_async = inspect.iscoroutinefunction(getattr(cls, "call", None))
        return cls.__qualname__, cls, lambda: instantiate_like_worker(cls), is_async
    call = getattr(handler, "call", None)
    if callable(call):
        instance = handler
        label = type(instance).__qualname__
        return label, type(instance), lambda: instance, inspect.iscoroutinefunction(call)
    raise TypeError(
        f"call_handler() cannot call {handler!r}: pass a StepHandler subclass, a handler "
        "instance, a function decorated with tasker_core's @step_handler (or another "
        "functional decorator), or a registered handler name"
    )


def _event_of(context: Any) -> Any:
    """The ``FfiStepEvent`` a real context was built from (the engine rebuilds from it)."""
    event = getattr(context, "event", None)
    if event is None or not isinstance(getattr(event, "task_sequence_step", None), dict):
        raise TypeError(
            f"call_handler() needs a real tasker_core.StepContext (built with "
            f"build_step_context or the step_context fixture), got {type(context).__name__}"
        )
    return event


def _step_name(task_sequence_step: dict[str, Any]) -> str:
    workflow_step = task_sequence_step.get("workflow_step") or {}
    return str(workflow_step.get("name") or "step")


def _result_from_outcome(outcome: AttemptOutcome) -> StepHandlerResult:
    from tasker_core import StepHandlerResult

    error = outcome.error
    if outcome.kind == FAILURE and error is not None:
        return StepHandlerResult.failure(
            message=error.message,
            error_type=error.error_type,
            retryable=error.retryable,
            metadata=dict(error.metadata),
            error_code=error.error_code,
        )
    return StepHandlerResult(is_success=True, result=outcome.result, metadata=outcome.metadata)


def call_handler(
    handler: Any,
    context: StepContext,
    *,
    timeout: float | None = None,
    fail_fast: bool = False,
    handler_packages: Sequence[str] = (),
) -> StepHandlerResult:
    """Run ``handler`` once on ``context`` like the worker; always returns a result.

    ``handler`` may be a handler instance, a handler class (instantiated the
    way the worker does: ``cls()``, else ``cls(config={})``), a decorated
    function (its ``_handler_class``) or a callable name resolved like the
    worker resolves it (with ``handler_packages`` scanned first).

    What the test gets back:

    * the handler's own ``StepHandlerResult`` when it returned one the worker
      can submit;
    * a failure with ``error_type`` set to the exception's class name,
      retryable, and the traceback in ``metadata["traceback"]`` when ``call``
      raised (the 0.1.8 worker's classification; decorator handlers classify
      ``PermanentError``/``RetryableError`` themselves before that);
    * ``invalid_handler_result``, ``FFI_SERIALIZATION_ERROR``,
      ``handler_not_found`` or ``timeout`` failures for the cases the worker
      (or, for ``timeout``, the local engine) reports that way.

    ``fail_fast=True`` lets an exception escape with its original traceback
    instead, which is what you want while debugging a handler.
    """
    label, cls, factory, is_async = _handler_source(handler, handler_packages)
    made: list[_Recording] = []

    def make() -> Any:
        inner = factory()
        recording = _AsyncRecording(inner) if is_async else _SyncRecording(inner)
        made.append(recording)
        return recording

    event = _event_of(context)
    resolved = ResolvedHandler(label, "call_handler", label, cls, make, is_async)
    outcome = run_attempt(
        resolved,
        event.task_sequence_step,
        task_uuid=str(event.task_uuid),
        step_uuid=str(event.step_uuid),
        correlation_id=str(event.correlation_id),
        timeout=timeout,
        fail_fast=fail_fast,
        step_name=_step_name(event.task_sequence_step),
    )
    error = outcome.error
    if timeout is not None and error is not None and error.error_type == "timeout":
        # An abandoned handler thread may still record a late result; the attempt timed out.
        return _result_from_outcome(outcome)
    raw = made[0].raw if made else _UNSET
    if _is_step_handler_result(raw) and (outcome.kind != FAILURE or not raw.is_success):
        result: StepHandlerResult = raw
        return result
    return _result_from_outcome(outcome)


def _is_step_handler_result(value: Any) -> bool:
    if value is _UNSET:
        return False
    from tasker_core import StepHandlerResult

    return isinstance(value, StepHandlerResult)


__all__ = ["call_handler"]
