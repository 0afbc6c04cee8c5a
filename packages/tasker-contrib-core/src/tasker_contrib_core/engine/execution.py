"""Run one step attempt the way the tasker-py 0.1.8 worker runs it.

The worker's ``StepExecutionSubscriber`` builds a fresh handler instance,
builds the ``StepContext``, calls ``call(context)`` (``asyncio.run`` for an
``async def call``), and turns the outcome into a result:

* a ``StepHandlerResult`` with ``metadata["checkpoint_yield"] is True`` is a
  checkpoint (the step is re-dispatched, not completed);
* a success keeps ``result or {}``; a failure keeps ``error_type or
  "unknown"``, ``error_message or "Unknown error"`` and ``retryable``;
* an exception escaping ``call()`` becomes a failure whose ``error_type`` is
  the exception's class name, **always retryable**, with the traceback in
  metadata: even ``PermanentError`` raised from a class-based handler is
  retried by the 0.1.8 worker (the decorator API classifies exceptions itself
  and returns failure results instead);
* a handler that cannot be built fails with ``handler_not_found``, not
  retryable;
* a result that does not serialise to JSON fails with
  ``FFI_SERIALIZATION_ERROR``, not retryable.

Two things are local additions: ``timeout_seconds`` is enforced (the handler
runs in a daemon thread and the engine stops waiting at the deadline; Python
cannot kill that thread, so it may keep running in the background), and a
handler returning something other than a ``StepHandlerResult`` gets a clear
``invalid_handler_result`` failure (the worker would crash while submitting).
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from time import perf_counter
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticSerializationError, to_jsonable_python

from tasker_contrib_core._internal.bounded_call import call_bounded
from tasker_contrib_core._internal.tasker_core_import import load_tasker_core
from tasker_contrib_core.engine.context import context_from_task_sequence_step
from tasker_contrib_core.engine.result import StepError
from tasker_contrib_core.handlers import ResolvedHandler

if TYPE_CHECKING:
    from tasker_core import StepHandlerResult

SUCCESS = "success"
FAILURE = "failure"
CHECKPOINT_YIELD = "checkpoint_yield"

_result_class: type[StepHandlerResult] | None = None


def _step_handler_result() -> type[StepHandlerResult]:
    global _result_class
    if _result_class is None:
        _result_class = load_tasker_core().StepHandlerResult
    return _result_class


class HandlerTimeout(Exception):
    """The handler did not return within the step's timeout."""


@dataclass(slots=True)
class AttemptOutcome:
    """What one attempt produced, already classified like the worker classifies it."""

    kind: str
    result: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    error: StepError | None = None
    duration_ms: float = 0.0
    raised: type[BaseException] | None = None
    injected: bool = False


def failure(
    error_type: str,
    message: str,
    *,
    retryable: bool,
    metadata: dict[str, Any] | None = None,
    error_code: str | None = None,
    duration_ms: float = 0.0,
    raised: type[BaseException] | None = None,
    injected: bool = False,
) -> AttemptOutcome:
    """A failure outcome."""
    meta = metadata or {}
    return AttemptOutcome(
        kind=FAILURE,
        metadata=meta,
        error=StepError(error_type, message, retryable, error_code, meta),
        duration_ms=duration_ms,
        raised=raised,
        injected=injected,
    )


def call_with_timeout(fn: Callable[[], Any], timeout: float, name: str) -> Any:
    """Run ``fn`` as a bounded call and wait at most ``timeout`` seconds for it.

    On timeout :class:`HandlerTimeout` is raised and the daemon thread is
    abandoned: Python offers no way to stop it, so it runs on until the
    handler returns. The handler sees the caller's ``contextvars``.
    """
    outcome = call_bounded(fn, timeout, name=f"tasker-step-{name}")
    if outcome.timed_out:
        raise HandlerTimeout
    if outcome.error is not None:
        raise outcome.error
    return outcome.value


def invoke(call: Callable[[Any], Any], context: Any, is_async: bool) -> Any:
    """Call the handler; an ``async def call`` runs under ``asyncio.run`` like the worker.

    When the calling thread already runs an event loop (an engine started
    from async code), the coroutine is run on a helper thread, as the worker
    does in the same situation.
    """
    if not is_async:
        return call(context)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(call(context))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, call(context)).result()


def classify(raw: Any, duration_ms: float) -> AttemptOutcome:
    """Turn whatever ``call()`` returned into an outcome."""
    result_class = _result_class or _step_handler_result()
    if not isinstance(raw, result_class):
        return failure(
            "invalid_handler_result",
            f"call() returned {type(raw).__name__}, not a StepHandlerResult; return "
            "self.success({...}) or self.failure(...) (the tasker-py worker cannot submit "
            "anything else)",
            retryable=False,
            duration_ms=duration_ms,
        )
    metadata = raw.metadata or {}
    if metadata and metadata.get("checkpoint_yield") is True:
        return AttemptOutcome(
            kind=CHECKPOINT_YIELD,
            result=raw.result or {},
            metadata=metadata,
            duration_ms=duration_ms,
        )
    if raw.is_success:
        data = raw.result
        if not data:
            return AttemptOutcome(
                kind=SUCCESS, result={}, metadata=metadata, duration_ms=duration_ms
            )
        try:
            result = to_jsonable_python(data)
        except (PydanticSerializationError, ValueError, TypeError) as exc:
            return failure(
                "FFI_SERIALIZATION_ERROR",
                f"FFI serialization failed: {exc}"[:500],
                retryable=False,
                duration_ms=duration_ms,
            )
        return AttemptOutcome(
            kind=SUCCESS, result=result, metadata=metadata, duration_ms=duration_ms
        )
    return failure(
        raw.error_type or "unknown",
        raw.error_message or "Unknown error",
        retryable=bool(raw.retryable),
        metadata=metadata,
        error_code=raw.error_code,
        duration_ms=duration_ms,
    )


def run_attempt(
    handler: ResolvedHandler,
    task_sequence_step: dict[str, Any],
    *,
    task_uuid: str,
    step_uuid: str,
    correlation_id: str,
    timeout: float | None,
    fail_fast: bool,
    step_name: str,
    results_are_engine_built: bool = False,
) -> AttemptOutcome:
    """Build the handler and its context, call it, and classify the outcome.

    The handler is built first because, as in the worker, the context records
    the handler's name. With ``fail_fast`` an exception escaping ``call()``
    propagates unchanged. ``results_are_engine_built``: see
    :func:`~.context.context_from_task_sequence_step`.
    """
    started = perf_counter()
    try:
        instance = handler.new_instance()
    except Exception as exc:
        return failure(
            "handler_not_found",
            f"Handler not found: {handler.callable_name} (building it failed: "
            f"{type(exc).__name__}: {exc})",
            retryable=False,
            duration_ms=(perf_counter() - started) * 1000.0,
        )
    context = context_from_task_sequence_step(
        task_sequence_step=task_sequence_step,
        task_uuid=task_uuid,
        step_uuid=step_uuid,
        correlation_id=correlation_id,
        handler_name=getattr(instance, "name", None) or handler.handler_name,
        results_are_engine_built=results_are_engine_built,
    )
    call = instance.call
    try:
        if timeout is None:
            # The common case (sync handler, no timeout) calls straight through.
            raw = invoke(call, context, True) if handler.is_async else call(context)
        else:
            raw = call_with_timeout(
                lambda: invoke(call, context, handler.is_async), timeout, step_name
            )
    except HandlerTimeout:
        return failure(
            "timeout",
            f"step '{step_name}' did not finish within its timeout of {timeout:g}s; the "
            "handler thread could not be stopped and may still be running",
            retryable=True,
            duration_ms=(perf_counter() - started) * 1000.0,
        )
    except Exception as exc:
        if fail_fast:
            raise
        return failure(
            type(exc).__name__,
            str(exc),
            retryable=True,
            metadata={"traceback": traceback.format_exc()},
            duration_ms=(perf_counter() - started) * 1000.0,
            raised=type(exc),
        )
    return classify(raw, (perf_counter() - started) * 1000.0)


__all__ = [
    "CHECKPOINT_YIELD",
    "FAILURE",
    "SUCCESS",
    "AttemptOutcome",
    "HandlerTimeout",
    "call_with_timeout",
    "classify",
    "failure",
    "invoke",
    "run_attempt",
]
