"""The task template entries a generated handler needs, as plain data.

Each handler type wires into a workflow differently, and the engine is strict
about it (see ``templates/checks/flow.py``): a decision step must follow
another step; a batchable step needs its ``batch_worker`` step, which carries
the ``batch_config``, and must name it in ``worker_template_name``; a step
that joins dynamically created steps (batch workers, alternative branches of a
decision) must be ``deferred_convergence``. These functions produce entries
that satisfy those rules, in the key order the example workflow uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tasker_contrib_core.scaffold.spec import HandlerRef, HandlerSpec
from tasker_contrib_core.templates.dag import parents, steps_by_name
from tasker_contrib_core.templates.model import StepType, TaskTemplate

#: Retry policy written for API steps: remote services fail transiently.
API_RETRY: dict[str, Any] = {
    "retryable": True,
    "max_attempts": 3,
    "backoff": "exponential",
    "backoff_base_ms": 500,
    "max_backoff_ms": 5000,
}


def needs_convergence(template: TaskTemplate | None, dependencies: Sequence[str]) -> bool:
    """Whether a step depending on ``dependencies`` must be ``deferred_convergence``.

    True when a dependency is a ``batch_worker`` step (only its instances run)
    or when two dependencies are alternative branches of one decision (the
    decision may create only one of them).
    """
    if template is None or not dependencies:
        return False
    table = steps_by_name(template)
    edges = parents(template)
    if any(table[dep].type is StepType.BATCH_WORKER for dep in dependencies if dep in table):
        return True
    for name, step in table.items():
        if step.type is StepType.DECISION:
            branches = [dep for dep in dependencies if name in edges.get(dep, [])]
            if len(branches) >= 2:
                return True
    return False


def _entry(
    ref: HandlerRef,
    callable_name: str,
    *,
    step_type: str | None,
    dependencies: Sequence[str],
    initialization: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": ref.step}
    if step_type:
        entry["type"] = step_type
    entry["description"] = ref.description
    handler: dict[str, Any] = {"callable": callable_name}
    if initialization:
        handler["initialization"] = dict(initialization)
    entry["handler"] = handler
    if dependencies:
        entry["dependencies"] = list(dependencies)
    entry.update(extra or {})
    return entry


def handler_steps(
    spec: HandlerSpec,
    callables: Mapping[str, str],
    *,
    dependencies: Sequence[str] = (),
    convergence: bool = False,
) -> list[dict[str, Any]]:
    """Template entries for ``spec``: one step, or two for a batchable handler.

    ``callables`` maps each step name to the callable to write (normally the
    spec's own; for a module that already existed, what it really defines).
    """
    main = spec.main
    if spec.handler_type == "decision":
        return [_entry(main, callables[main.step], step_type="decision", dependencies=dependencies)]
    if spec.handler_type == "batchable" and spec.worker is not None:
        worker = spec.worker
        analyzer = _entry(
            main,
            callables[main.step],
            step_type="batchable",
            dependencies=dependencies,
            initialization={"batch_size": spec.batch_size, "worker_template_name": worker.step},
        )
        batch_worker = _entry(
            worker,
            callables[worker.step],
            step_type="batch_worker",
            dependencies=[main.step],
            extra={
                "batch_config": {
                    "batch_size": spec.batch_size,
                    "parallelism": 4,
                    "cursor_field": "index",
                    "worker_template": worker.step,
                    "failure_strategy": "continue_on_failure",
                }
            },
        )
        return [analyzer, batch_worker]
    step_type = "deferred_convergence" if convergence else None
    if spec.handler_type == "api":
        return [
            _entry(
                main,
                callables[main.step],
                step_type=step_type,
                dependencies=dependencies,
                initialization={"base_url": spec.base_url},
                extra={"retry": dict(API_RETRY)},
            )
        ]
    return [_entry(main, callables[main.step], step_type=step_type, dependencies=dependencies)]


__all__ = ["API_RETRY", "handler_steps", "needs_convergence"]
