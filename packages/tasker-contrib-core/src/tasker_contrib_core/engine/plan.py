"""Compile a task template into what the engine needs before the first step runs.

Everything that does not depend on step results is worked out once here: the
DAG is checked (duplicates, unknown dependencies, cycles), every handler is
resolved, each step's serialised definition is built, and each step is given
its *creation rule*, mirroring when the orchestrator creates workflow steps:

``initial``
    created when the task starts: not downstream of a decision, not a batch
    worker template, not a deferred convergence, not waiting on either.
``routed``
    downstream of a decision point and reachable from it without passing a
    deferred convergence step: created only if the decision's
    ``create_steps`` selects it (or a step it depends on).
``decision_convergence``
    a ``deferred_convergence`` step joining decision branches: created when a
    decision creates one of its dependencies; waits only for created ones.
``batch_worker``
    a ``batch_worker`` template: never runs itself; a batchable step's outcome
    creates instances ``{name}_{batch_id}``.
``batch_convergence``
    a ``deferred_convergence`` step depending on a batch worker template:
    created with the workers and waits for all of them.
``after_dynamic``
    anything else that waits on dynamically created steps (a step after a
    convergence): created once every dependency exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasker_contrib_core.engine.context import step_definition_block
from tasker_contrib_core.errors import TemplateError
from tasker_contrib_core.handlers import ResolvedHandler
from tasker_contrib_core.templates.dag import (
    bad_dependencies,
    children,
    duplicate_names,
    find_cycles,
    steps_by_name,
    topological_order,
)
from tasker_contrib_core.templates.model import StepDefinition, StepType, TaskTemplate

INITIAL = "initial"
ROUTED = "routed"
DECISION_CONVERGENCE = "decision_convergence"
BATCH_WORKER = "batch_worker"
BATCH_CONVERGENCE = "batch_convergence"
AFTER_DYNAMIC = "after_dynamic"

Resolve = Callable[[StepDefinition], ResolvedHandler]


@dataclass
class PlannedStep:
    """One template step, ready to be instantiated and dispatched.

    The ``callable_name`` .. ``has_events`` fields repeat facts from
    ``definition`` so the run loop reads one attribute instead of a chain.
    """

    definition: StepDefinition
    index: int
    handler: ResolvedHandler
    block: dict[str, Any]
    inputs: dict[str, Any] | None
    timeout: float | None
    creation: str = INITIAL
    dependents: list[str] = field(default_factory=list)
    callable_name: str = field(init=False)
    type_value: str = field(init=False)
    max_attempts: int = field(init=False)
    retryable: bool = field(init=False)
    has_events: bool = field(init=False)
    dependency_names: tuple[str, ...] = field(init=False)
    worker_dependencies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        definition = self.definition
        self.dependency_names = tuple(dict.fromkeys(definition.dependencies))
        self.callable_name = definition.handler.callable
        self.type_value = definition.type.value
        self.max_attempts = definition.retry.max_attempts
        self.retryable = definition.retry.retryable
        self.has_events = bool(definition.publishes_events)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def type(self) -> StepType:
        return self.definition.type


@dataclass
class Plan:
    """The compiled template: planned steps plus the decision routing tables."""

    template: TaskTemplate
    steps: dict[str, PlannedStep]
    routed_by: dict[str, list[str]]
    warnings: list[str]

    def step(self, name: str) -> PlannedStep:
        return self.steps[name]


def _check_graph(template: TaskTemplate) -> dict[str, StepDefinition]:
    """Refuse what the template validator reports as errors (the same graph checks)."""
    where = f"task template {template.identifier}"
    if template.source_path is not None:
        where += f" ({template.source_path})"
    for name in duplicate_names(template):
        raise TemplateError(f"{where}: step name '{name}' is used twice; rename one")
    by_name = steps_by_name(template)
    if not by_name:
        raise TemplateError(f"{where} has no steps; nothing to run")
    for bad in bad_dependencies(template):
        if bad.problem == "self":
            raise TemplateError(f"{where}: step '{bad.step.name}' depends on itself")
        raise TemplateError(
            f"{where}: step '{bad.step.name}' depends on unknown step '{bad.dependency}'; "
            f"known steps: {', '.join(by_name)}"
        )
    for cycle in find_cycles(template)[:1]:
        raise TemplateError(f"{where}: the dependencies form a cycle ({' -> '.join(cycle)})")
    return by_name


def _routed_from(
    decision: str, by_name: Mapping[str, StepDefinition], dependents: Mapping[str, list[str]]
) -> list[str]:
    """Steps a decision may create: reachable without crossing a convergence or a decision."""
    seen: dict[str, None] = {}
    stack = list(reversed(dependents[decision]))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        step = by_name[name]
        if step.type in (StepType.DEFERRED_CONVERGENCE, StepType.BATCH_WORKER):
            continue
        seen[name] = None
        if step.type is not StepType.DECISION:
            stack.extend(reversed(dependents[name]))
    order = {step: index for index, step in enumerate(by_name)}
    return sorted(seen, key=order.__getitem__)


def _creation_rules(
    template: TaskTemplate,
    by_name: Mapping[str, StepDefinition],
    routed_by: Mapping[str, list[str]],
) -> dict[str, str]:
    routed = {name for names in routed_by.values() for name in names}
    rules: dict[str, str] = {}
    # Dependencies first, so a step's rule can look at its dependencies' rules.
    for name in topological_order(template):
        step = by_name[name]
        deps = step.dependencies
        if step.type is StepType.BATCH_WORKER:
            rules[name] = BATCH_WORKER
        elif step.type is StepType.DEFERRED_CONVERGENCE:
            if any(by_name[dep].type is StepType.BATCH_WORKER for dep in deps):
                rules[name] = BATCH_CONVERGENCE
            elif any(dep in routed for dep in deps):
                rules[name] = DECISION_CONVERGENCE
            else:
                rules[name] = AFTER_DYNAMIC
        elif name in routed:
            rules[name] = ROUTED
        elif all(rules[dep] == INITIAL for dep in deps):
            rules[name] = INITIAL
        else:
            rules[name] = AFTER_DYNAMIC
    return rules


def compile_plan(
    template: TaskTemplate,
    resolve: Resolve,
    *,
    step_timeout_default: float | None = None,
) -> Plan:
    """Check the DAG, resolve handlers and assign creation rules (see module docstring)."""
    by_name = _check_graph(template)
    dependents = children(template)
    routed_by = {
        step.name: _routed_from(step.name, by_name, dependents)
        for step in template.steps
        if step.type is StepType.DECISION
    }
    rules = _creation_rules(template, by_name, routed_by)
    warnings: list[str] = []
    steps: dict[str, PlannedStep] = {}
    for index, step in enumerate(template.steps):
        handler = resolve(step)
        if step.handler.method not in (None, "call") or step.handler.resolver:
            ignored = ", ".join(
                f"{key}: {value}"
                for key, value in (
                    ("method", step.handler.method),
                    ("resolver", step.handler.resolver),
                )
                if value and not (key == "method" and value == "call")
            )
            warnings.append(
                f"step '{step.name}': handler {ignored} is ignored by the tasker-py 0.1.8 worker, "
                "which always resolves by callable and invokes call(); the local engine does "
                "the same"
            )
        if step.type is StepType.STANDARD and any(
            by_name[dep].type is StepType.BATCH_WORKER for dep in step.dependencies
        ):
            warnings.append(
                f"step '{step.name}' is 'standard' but depends on batch worker template(s); "
                "the local engine makes it wait for every worker, but the orchestrator only "
                "wires workers to 'deferred_convergence' steps; make it type: "
                "deferred_convergence"
            )
        timeout: float | None
        if step.timeout_seconds is not None and step.timeout_seconds > 0:
            timeout = float(step.timeout_seconds)
        else:
            timeout = step_timeout_default
        initialization = dict(step.handler.initialization)
        steps[step.name] = PlannedStep(
            definition=step,
            index=index,
            handler=handler,
            block=step_definition_block(step),
            inputs=initialization or None,
            timeout=timeout,
            creation=rules[step.name],
            dependents=dependents[step.name],
        )
    for planned in steps.values():
        planned.worker_dependencies = frozenset(
            dep for dep in planned.dependency_names if steps[dep].creation == BATCH_WORKER
        )
    return Plan(template=template, steps=steps, routed_by=routed_by, warnings=warnings)


__all__ = [
    "AFTER_DYNAMIC",
    "BATCH_CONVERGENCE",
    "BATCH_WORKER",
    "DECISION_CONVERGENCE",
    "INITIAL",
    "ROUTED",
    "Plan",
    "PlannedStep",
    "compile_plan",
]
