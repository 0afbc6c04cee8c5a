"""Existing Celery tasks as Tasker steps: migrate a chain without rewriting its tasks.

::

    # orders/steps.py (a handler package)
    from orders.tasks import validate_order, charge_payment
    from tasker_contrib_celery import celery_task_step

    ValidateOrder = celery_task_step(validate_order, "orders.ValidateOrder")
    ChargePayment = celery_task_step(charge_payment, "orders.ChargePayment")

and the template's steps name ``callable: orders.ValidateOrder`` etc. The
returned class is a ``tasker_core.StepHandler``: the engine calls the task's
function **in-process** (``task.run``, never through the broker) with:

* ``arguments(context)`` when given: your ``(args, kwargs)``;
* otherwise chain semantics: a step with dependencies gets the result of each
  direct dependency, in template order, as positional arguments (a chain
  passes the previous result as the first argument); a root step gets the
  task's input (``context`` of the task request) as its one argument.

A return value becomes the step's result: a dict as is, anything else as
``{"return_value": value}`` (unwrapped again when the next adapted step
receives it).

Failures map onto Tasker's retry policy (the template's ``retry``:
``max_attempts``, backoff), which replaces Celery's:

* an exception listed in the task's ``autoretry_for`` (and not in
  ``dont_autoretry_for``), or ``self.retry(...)``: a **retryable** failure;
* ``celery.exceptions.Reject`` / ``Ignore``, ``MaxRetriesExceededError`` and
  any other exception: a **permanent** failure (what Celery does with them).

``self.request.retries`` is the number of previous attempts of the step and
``self.request.id`` the step's uuid. What does not carry over: Celery's
``max_retries``, ``countdown``/``retry_backoff``/``retry_jitter`` (use the
template's retry settings), ``time_limit``/``soft_time_limit`` (use
``timeout_seconds``), ``rate_limit``, routing and queues, result backends,
``on_success``/``on_failure``/``after_return`` hooks, task signals
(``task_prerun``...), canvas primitives (``chord``, ``group``: model them as
template dependencies) and ``self.replace``/``apply_async`` of sub-tasks from
inside the step (they would go through the broker, outside the workflow).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: Key wrapping a non-dict return value in the step's result.
RETURN_KEY = "return_value"

Arguments = Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]]


def celery_task_step(
    task: Any,
    name: str | None = None,
    *,
    arguments: Arguments | None = None,
) -> type:
    """A ``tasker_core.StepHandler`` class running Celery task ``task``'s function.

    ``name``: the handler name (the template's ``handler.callable``); default
    the task's Celery name. ``arguments``: ``context -> (args, kwargs)`` to
    build the call yourself (default: chain semantics, see the module doc).
    """
    from tasker_core import StepHandler

    run = getattr(task, "run", None)
    if not callable(run) or not hasattr(task, "push_request"):
        raise TypeError(
            f"celery_task_step() needs a Celery task (decorated with @app.task or "
            f"@shared_task), got {type(task).__name__}"
        )
    handler_name = name or str(task.name)
    build_arguments = arguments or chain_arguments

    class CeleryTaskStep(StepHandler):
        celery_task = task

        def call(self, context: Any) -> Any:
            return run_celery_task(self, task, context, build_arguments)

    CeleryTaskStep.handler_name = handler_name
    CeleryTaskStep.__name__ = CeleryTaskStep.__qualname__ = _class_name(handler_name)
    CeleryTaskStep.__doc__ = f"Tasker step running Celery task {task.name} in-process."
    return CeleryTaskStep


def _class_name(handler_name: str) -> str:
    last = handler_name.rsplit(".", 1)[-1]
    return "".join(part[:1].upper() + part[1:] for part in last.split("_")) or "CeleryTaskStep"


def chain_arguments(context: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Chain semantics: direct dependencies' results in order, or the task input at a root."""
    step = context.task_sequence_step
    definition = _field(step, "step_definition") or {}
    dependencies = list(_field(definition, "dependencies") or [])
    if not dependencies and _field(definition, "dependencies") is None:
        dependencies = list(context.get_dependency_result_keys() or [])
    if dependencies:
        return tuple(unwrap(context.get_dependency_result(dep)) for dep in dependencies), {}
    task_input = getattr(context, "input_data", None)
    return (dict(task_input or {}),), {}


def _field(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(key)
    return getattr(value, key, None)


def unwrap(result: Any) -> Any:
    """The value an adapted step returned (undoing the ``return_value`` wrapping)."""
    if isinstance(result, Mapping) and set(result) == {RETURN_KEY}:
        return result[RETURN_KEY]
    return result


def run_celery_task(handler: Any, task: Any, context: Any, arguments: Arguments) -> Any:
    """Call ``task.run`` with a Celery request pushed; map the outcome to a step result."""
    from celery.exceptions import Ignore, MaxRetriesExceededError, Reject, Retry

    args, kwargs = arguments(context)
    step = context.task_sequence_step
    workflow_step = _field(step, "workflow_step") or {}
    # the worker's ``attempts`` counts previous attempts: 0 on a first run,
    # which is exactly Celery's ``request.retries``
    previous = int(_field(workflow_step, "attempts") or 0)
    task.push_request(
        id=str(getattr(context, "step_uuid", "") or _field(workflow_step, "workflow_step_uuid")),
        args=list(args),
        kwargs=dict(kwargs),
        retries=max(0, previous),
        is_eager=True,
        called_directly=False,
        delivery_info={"is_eager": True},
        headers={"tasker_step": True},
    )
    try:
        value = task.run(*args, **kwargs)
    except Retry as exc:
        cause = exc.exc if isinstance(exc.exc, BaseException) else None
        return handler.failure(
            _describe(cause) if cause is not None else f"{task.name} asked to be retried",
            error_type="retryable_error",
            retryable=True,
            metadata={"celery_task": task.name, "celery_retry": True},
        )
    except (Reject, Ignore, MaxRetriesExceededError) as exc:
        return _permanent(handler, task, exc)
    except Exception as exc:
        if _autoretries(task, exc):
            return handler.failure(
                _describe(exc),
                error_type="retryable_error",
                retryable=True,
                metadata={"celery_task": task.name, "autoretry_for": type(exc).__name__},
            )
        return _permanent(handler, task, exc)
    finally:
        task.pop_request()
    result = dict(value) if isinstance(value, Mapping) else {RETURN_KEY: value}
    return handler.success(result, metadata={"celery_task": task.name})


def _autoretries(task: Any, exc: BaseException) -> bool:
    retry_for = tuple(getattr(task, "autoretry_for", ()) or ())
    never = tuple(getattr(task, "dont_autoretry_for", ()) or ())
    return bool(retry_for) and isinstance(exc, retry_for) and not (never and isinstance(exc, never))


def _permanent(handler: Any, task: Any, exc: BaseException) -> Any:
    return handler.failure(
        _describe(exc),
        error_type="permanent_error",
        retryable=False,
        metadata={"celery_task": task.name, "exception": type(exc).__name__},
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


__all__ = ["RETURN_KEY", "celery_task_step", "chain_arguments", "run_celery_task", "unwrap"]
