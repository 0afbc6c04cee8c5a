"""Step contexts for handler tests, built by the same code path as the local engine.

Hand-made ``MagicMock`` contexts drift from the real shape: a handler that
passes against a mock can still fail in the worker. Every context built here
goes through :func:`tasker_contrib_core.engine.context.build_step_context`,
which constructs the worker's nested ``FfiStepEvent`` and calls
``StepContext.from_ffi_event`` exactly as the worker does; this module only
adds test conveniences on top (defaults taken from a real template step, and
the input shape of a batch worker).
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.engine.context import build_step_context as _engine_build_step_context
from tasker_contrib_core.engine.outcomes import PLACEHOLDER_CURSOR, CursorSpec

if TYPE_CHECKING:
    from tasker_core import StepContext

    from tasker_contrib_core.templates.model import StepDefinition, TaskTemplate

#: What the orchestrator puts in a worker's ``batch_metadata`` when the template says nothing.
DEFAULT_CURSOR_FIELD = "id"
DEFAULT_FAILURE_STRATEGY = "continue_on_failure"


def build_step_context(
    *,
    task_fields: Mapping[str, Any] | None = None,
    dependency_results: Mapping[str, Any] | None = None,
    step_config: Mapping[str, Any] | None = None,
    step_inputs: Mapping[str, Any] | None = None,
    attempts: int = 0,
    max_attempts: int | None = None,
    step_name: str | None = None,
    task_name: str | None = None,
    namespace: str | None = None,
    task_version: str | None = None,
    handler_callable: str | None = None,
    handler_name: str | None = None,
    checkpoint: Mapping[str, Any] | None = None,
    template: TaskTemplate | str | PathLike[str] | None = None,
    environment: str | None = None,
    task_uuid: str | None = None,
    step_uuid: str | None = None,
    correlation_id: str | None = None,
) -> StepContext:
    """A real ``tasker_core.StepContext`` for one step, shaped like the worker's.

    * ``task_fields``: the task's input (``context.get_input``).
    * ``dependency_results``: ``{step_name: result}``; a bare result dict is
      wrapped into the engine's entry shape, a full entry (with ``result``,
      ``success`` and ``status``) is used as is.
    * ``step_config``: the handler's ``initialization`` (``context.get_config``).
    * ``step_inputs``: ``workflow_step.inputs``; batch workers carry their
      cursor here (see :func:`batch_worker_inputs`).
    * ``attempts``: attempts already made; ``0`` is a first run, ``1`` the
      first retry (``context.retry_count``, ``context.is_retry()``).
    * ``template`` + ``step_name``: take ``step_config``, ``max_attempts``,
      the handler callable and the task's name, namespace and version from
      that step of a real template (``environment`` applies its overrides),
      so a test cannot drift from the YAML. Explicit arguments still win.

    Without a template the defaults are the engine's: step ``step`` of task
    ``task`` in namespace ``default``, three attempts allowed.
    """
    values: dict[str, Any] = {}
    if template is not None:
        values.update(_template_defaults(template, step_name, environment))
    elif environment is not None:
        raise TypeError("environment= only applies together with template=")
    explicit = {
        "step_config": step_config,
        "max_attempts": max_attempts,
        "step_name": step_name,
        "task_name": task_name,
        "namespace": namespace,
        "task_version": task_version,
        "handler_callable": handler_callable,
        "handler_name": handler_name,
        "task_uuid": task_uuid,
        "step_uuid": step_uuid,
        "correlation_id": correlation_id,
    }
    values.update({key: value for key, value in explicit.items() if value is not None})
    return _engine_build_step_context(
        task_fields=task_fields,
        dependency_results=dependency_results,
        step_inputs=step_inputs,
        attempts=attempts,
        checkpoint=checkpoint,
        **values,
    )


def _template_defaults(
    template: TaskTemplate | str | PathLike[str], step_name: str | None, environment: str | None
) -> dict[str, Any]:
    loaded = _load(template, environment)
    if step_name is None:
        raise TypeError(
            f"build_step_context(template=...) needs step_name= to pick a step of "
            f"{loaded.identifier}; its steps are: {', '.join(loaded.step_names)}"
        )
    step: StepDefinition = loaded.step(step_name)
    return {
        "step_config": dict(step.handler.initialization),
        "max_attempts": step.retry.max_attempts,
        "task_name": loaded.name,
        "namespace": loaded.namespace_name,
        "task_version": loaded.version,
        "handler_callable": step.handler.callable,
    }


def _load(template: TaskTemplate | str | PathLike[str], environment: str | None) -> TaskTemplate:
    from tasker_contrib_core.templates.model import TaskTemplate

    if isinstance(template, TaskTemplate):
        if environment is None or template.environment == environment:
            return template
        from tasker_contrib_core.templates.overrides import apply_environment

        return apply_environment(template, environment)
    from tasker_contrib_core.templates.loader import load_template

    return load_template(template, environment=environment)


def batch_worker_inputs(
    start: Any = 0,
    end: Any = 0,
    *,
    batch_id: str = "001",
    batch_size: int | None = None,
    cursor_field: str = DEFAULT_CURSOR_FIELD,
    failure_strategy: str = DEFAULT_FAILURE_STRATEGY,
    no_op: bool = False,
    template_step_name: str | None = None,
    initialization: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``step_inputs`` for one batch worker, as the orchestrator creates them.

    Pass the result as ``build_step_context(step_inputs=...)``; the
    ``Batchable`` mixin's ``get_batch_context`` (and ``@batch_worker``'s
    ``batch_context``) then see cursor ``start``..``end``. ``no_op=True`` builds
    the single placeholder worker the orchestrator creates for a
    ``no_batches`` outcome (cursor ``000``, nothing to do).
    """
    if no_op:
        cursor = PLACEHOLDER_CURSOR
    else:
        size = batch_size
        if size is None:
            size = end - start if isinstance(start, int) and isinstance(end, int) else 0
        cursor = CursorSpec(batch_id=batch_id, start_cursor=start, end_cursor=end, batch_size=size)
    inputs: dict[str, Any] = dict(initialization or {})
    inputs.update(
        {
            "cursor": cursor.to_dict(),
            "batch_metadata": {"cursor_field": cursor_field, "failure_strategy": failure_strategy},
            "is_no_op": no_op,
        }
    )
    if template_step_name is not None:
        inputs["__template_step_name"] = template_step_name
    return inputs


__all__ = ["batch_worker_inputs", "build_step_context"]
