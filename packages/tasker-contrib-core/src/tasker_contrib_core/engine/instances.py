"""The workflow steps of one run: which exist, what they wait for, which are ready.

Template steps become *instances* when the orchestrator would create the
corresponding workflow step (see the creation rules in
:mod:`tasker_contrib_core.engine.plan`): at task start, when a decision
selects branches, when a batchable step creates workers, or once everything
a later step depends on exists. Batch workers are many instances of one
template step.

Readiness is counted, not scanned: every instance knows how many of its
dependencies are still unfinished, completing a step decrements its
dependents, and the ones reaching zero go onto a heap ordered by template
position (then creation order), which makes the default sequential run
deterministic.
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Callable
from typing import Any

from tasker_contrib_core.engine.ids import new_uuid
from tasker_contrib_core.engine.outcomes import PLACEHOLDER_CURSOR, BatchOutcome, DecisionOutcome
from tasker_contrib_core.engine.plan import (
    AFTER_DYNAMIC,
    BATCH_CONVERGENCE,
    BATCH_WORKER,
    DECISION_CONVERGENCE,
    INITIAL,
    Plan,
    PlannedStep,
)
from tasker_contrib_core.engine.result import StepRun
from tasker_contrib_core.states import StepState
from tasker_contrib_core.templates.model import StepType

#: Taking over a parent's map is only done where reference counts are exact (CPython
#: before 3.14, whose interpreter stops counting some stack references).
_EXACT_REFCOUNTS = sys.implementation.name == "cpython" and sys.version_info < (3, 14)


def _only_local_reference(value: object) -> bool:
    """Whether ``value`` is referenced only by the caller's local variable.

    ``getrefcount`` sees three references then: the caller's variable, this
    function's parameter and its own argument. Anything more (a task sequence
    step kept by a domain event, a context a handler held on to) means someone
    may still read the map, so it must not change.
    """
    return _EXACT_REFCOUNTS and sys.getrefcount(value) <= 3


#: ``failure_strategy``/``cursor_field`` a worker gets when no batch_config is found at all.
DEFAULT_CURSOR_FIELD = "id"
DEFAULT_FAILURE_STRATEGY = "continue_on_failure"


class StepInstance:
    """One workflow step of the run (a template step, or one batch worker of it)."""

    __slots__ = (
        "ancestors",
        "attempts",
        "checkpoint",
        "checkpoint_record",
        "consumers",
        "continuation",
        "dependents",
        "deps",
        "dispatched",
        "entry",
        "inputs",
        "name",
        "planned",
        "remaining",
        "run",
        "seq",
        "state",
        "step_uuid",
    )

    def __init__(
        self, name: str, planned: PlannedStep, seq: int, inputs: dict[str, Any] | None
    ) -> None:
        self.name = name
        self.planned = planned
        self.seq = seq
        self.inputs = inputs
        self.step_uuid = new_uuid()
        self.deps: list[StepInstance] = []
        self.dependents: list[StepInstance] = []
        self.remaining = 0
        self.consumers = 0
        self.state = "pending"
        self.attempts = 0
        self.dispatched = False
        self.continuation = False
        self.ancestors: dict[str, Any] | None = None
        self.entry: dict[str, Any] | None = None
        self.checkpoint: dict[str, Any] | None = None
        self.checkpoint_record: dict[str, Any] | None = None
        self.run: StepRun | None = None

    @property
    def template_name(self) -> str:
        return self.planned.definition.name

    def dependency_results(self) -> dict[str, Any]:
        """Entries of every transitive ancestor, built once per instance.

        Built from the parents' own maps, which are released once every
        dependent has used them: a long chain then keeps one map alive at a
        time instead of one per step (quadratic memory, and quadratic work for
        the garbage collector). When this step is the last user of a parent's
        map and nothing else references it, the map is taken over instead of
        copied, so a chain does not copy its whole history at every step.
        """
        merged = self.ancestors
        if merged is not None:
            return merged
        merged = {}
        for dep in self.deps:
            parent_map = dep.ancestors
            dep.consumers -= 1
            last_use = dep.consumers <= 0 and dep.state == StepState.COMPLETE
            if parent_map is None:
                parent_map = dep.rebuild_ancestors()
            elif last_use:
                dep.ancestors = None
            if not merged and last_use and _only_local_reference(parent_map):
                merged = parent_map
            else:
                merged.update(parent_map)
            merged[dep.name] = dep.entry
        self.ancestors = merged
        return merged

    def rebuild_ancestors(self) -> dict[str, Any]:
        """Recompute a released map (a dependent was created after it was released)."""
        merged: dict[str, Any] = {}
        stack = list(self.deps)
        while stack:
            dep = stack.pop()
            if dep.name not in merged:
                merged[dep.name] = dep.entry
                stack.extend(dep.deps)
        return merged

    def __repr__(self) -> str:
        return f"StepInstance({self.name!r}, state={self.state!r})"


NewRun = Callable[[StepInstance], StepRun]


class InstanceGraph:
    """Creates instances by the orchestrator's rules and tracks readiness."""

    def __init__(self, plan: Plan, new_run: NewRun, warn: Callable[[str], None]) -> None:
        self.plan = plan
        self.instances: dict[str, StepInstance] = {}
        self.by_template: dict[str, list[StepInstance]] = {}
        self._ready: list[tuple[int, int, StepInstance]] = []
        self._seq = 0
        self._new_run = new_run
        self._warn = warn
        self._after_dynamic = [p for p in plan.steps.values() if p.creation == AFTER_DYNAMIC]

    # -- readiness ---------------------------------------------------------

    def push_ready(self, instance: StepInstance) -> None:
        heapq.heappush(self._ready, (instance.planned.index, instance.seq, instance))

    def pop_ready(self) -> StepInstance | None:
        return heapq.heappop(self._ready)[2] if self._ready else None

    def has_ready(self) -> bool:
        return bool(self._ready)

    def completed(self, instance: StepInstance) -> None:
        """Mark ``instance`` complete and release dependents that were waiting on it."""
        instance.state = StepState.COMPLETE
        if instance.consumers <= 0:
            instance.ancestors = None
        for dependent in instance.dependents:
            dependent.remaining -= 1
            if dependent.remaining == 0:
                self.push_ready(dependent)

    # -- creation ----------------------------------------------------------

    def _exists(self, template_name: str) -> bool:
        return template_name in self.instances or bool(self.by_template.get(template_name))

    def create(
        self,
        planned: PlannedStep,
        *,
        name: str | None = None,
        inputs: dict[str, Any] | None = None,
        deps: list[StepInstance] | None = None,
    ) -> StepInstance | None:
        """Create one instance; its dependencies are whatever of them exists now."""
        template_name = planned.name
        instance_name = name or template_name
        if instance_name in self.instances:
            self._warn(f"a step named '{instance_name}' already exists; not creating it again")
            return None
        self._seq += 1
        instance = StepInstance(
            instance_name, planned, self._seq, planned.inputs if inputs is None else inputs
        )
        if deps is None:
            deps = []
            workers = planned.worker_dependencies
            for dep_name in planned.dependency_names:
                if workers and dep_name in workers:
                    deps.extend(self.by_template.get(dep_name, ()))
                else:
                    existing = self.instances.get(dep_name)
                    if existing is not None:
                        deps.append(existing)
        instance.deps = deps
        for dep in deps:
            dep.dependents.append(instance)
            dep.consumers += 1
            if dep.state != StepState.COMPLETE:
                instance.remaining += 1
        self.instances[instance_name] = instance
        self.by_template.setdefault(template_name, []).append(instance)
        instance.run = self._new_run(instance)
        self._link_waiting_dependents(instance)
        if instance.remaining == 0:
            self.push_ready(instance)
        return instance

    def _link_waiting_dependents(self, instance: StepInstance) -> None:
        """Late edges: an already-created dependent that is still waiting also waits on this."""
        for dependent_name in instance.planned.dependents:
            for waiting in self.by_template.get(dependent_name, ()):
                if (
                    waiting.remaining > 0
                    and not waiting.dispatched
                    and instance not in waiting.deps
                ):
                    waiting.deps.append(instance)
                    instance.dependents.append(waiting)
                    instance.consumers += 1
                    waiting.remaining += 1

    def create_initial(self) -> None:
        for planned in self.plan.steps.values():
            if planned.creation == INITIAL:
                self.create(planned)
        self.sweep()

    def sweep(self) -> None:
        """Create every ``after_dynamic`` step whose dependencies all exist now."""
        changed = True
        while changed:
            changed = False
            for planned in self._after_dynamic:
                if planned.name in self.instances:
                    continue
                if all(self._exists(dep) for dep in planned.definition.dependencies):
                    self.create(planned)
                    changed = True

    def apply_decision(self, decision: StepInstance, outcome: DecisionOutcome) -> None:
        """Create the branches a decision selected (and what follows from them)."""
        if not outcome.creates_steps:
            return
        allowed = self.plan.routed_by.get(decision.name, [])
        allowed_set = set(allowed)
        invalid = [name for name in outcome.step_names if name not in allowed_set]
        if invalid:
            self._warn(
                f"decision '{decision.name}' selected {invalid}, which are not steps it routes "
                f"to (it can select: {allowed or 'nothing'}); the orchestrator rejects the "
                "whole outcome, so no branch was created"
            )
            return
        selected: set[str] = set(outcome.step_names)
        stack = list(outcome.step_names)
        while stack:
            current = self.plan.steps[stack.pop()]
            if current.type is StepType.DECISION:
                continue
            for child in current.dependents:
                if child in allowed_set and child not in selected:
                    selected.add(child)
                    stack.append(child)
        for name in allowed:
            if name in selected and name not in self.instances:
                self.create(self.plan.steps[name])
        for planned in self.plan.steps.values():
            if (
                planned.creation == DECISION_CONVERGENCE
                and planned.name not in self.instances
                and any(dep in selected for dep in planned.definition.dependencies)
            ):
                self.create(planned)
        self.sweep()

    def _worker_template_for(self, batchable: StepInstance, outcome: BatchOutcome) -> str | None:
        if outcome.worker_template_name:
            return outcome.worker_template_name
        step = batchable.planned.definition
        named = step.handler.initialization.get("worker_template_name")
        if isinstance(named, str) and named:
            return named
        candidates = [
            child
            for child in batchable.planned.dependents
            if self.plan.steps[child].creation == BATCH_WORKER
        ]
        fallback = step.batch_config.worker_template if step.batch_config else None
        if fallback is None and len(candidates) == 1:
            fallback = candidates[0]
        if fallback is not None:
            self._warn(
                f"batchable step '{batchable.name}' returned no_batches; the orchestrator takes "
                "the placeholder worker's template from handler.initialization."
                f"worker_template_name, which is missing, so it would create nothing. The local "
                f"engine used '{fallback}'; add worker_template_name: {fallback} to the step's "
                "initialization"
            )
        return fallback

    def _batch_metadata(self, batchable: StepInstance, worker: PlannedStep) -> dict[str, Any]:
        config = worker.definition.batch_config
        if config is None:
            config = batchable.planned.definition.batch_config
            where = f"the batchable step '{batchable.name}'" if config is not None else "defaults"
            self._warn(
                f"batch worker template '{worker.name}' has no batch_config; the orchestrator "
                f"reads it from the batch_worker step and would create no workers. The local "
                f"engine used {where}; move batch_config to '{worker.name}'"
            )
        if config is None:
            return {
                "cursor_field": DEFAULT_CURSOR_FIELD,
                "failure_strategy": DEFAULT_FAILURE_STRATEGY,
            }
        return {
            "cursor_field": config.cursor_field,
            "failure_strategy": config.failure_strategy.value,
        }

    def apply_batch(self, batchable: StepInstance, outcome: BatchOutcome) -> None:
        """Create the batch workers (one placeholder for ``no_batches``) and the convergence."""
        template_name = self._worker_template_for(batchable, outcome)
        if template_name is None:
            self._warn(
                f"batchable step '{batchable.name}' returned no_batches but names no worker "
                "template (handler.initialization.worker_template_name); no placeholder worker "
                "or convergence step was created"
            )
            return
        worker = self.plan.steps.get(template_name)
        if worker is None or worker.creation != BATCH_WORKER:
            self._warn(
                f"batchable step '{batchable.name}' asked for workers of '{template_name}', "
                "which is not a batch_worker step of this template; no workers were created"
            )
            return
        metadata = self._batch_metadata(batchable, worker)
        cursors = (PLACEHOLDER_CURSOR,) if outcome.is_no_batches else outcome.cursors
        base_inputs = dict(worker.definition.handler.initialization)
        for cursor in cursors:
            inputs = {
                **base_inputs,
                "cursor": cursor.to_dict(),
                "batch_metadata": dict(metadata),
                "is_no_op": outcome.is_no_batches,
                "__template_step_name": worker.name,
            }
            self.create(
                worker, name=f"{worker.name}_{cursor.batch_id}", inputs=inputs, deps=[batchable]
            )
        for planned in self.plan.steps.values():
            if (
                planned.creation == BATCH_CONVERGENCE
                and planned.name not in self.instances
                and worker.name in planned.definition.dependencies
            ):
                self.create(planned)
        self.sweep()

    def dispose(self) -> None:
        """Break the instance graph's reference cycles so a finished run is freed at once."""
        for instance in self.instances.values():
            instance.deps = []
            instance.dependents = []
            instance.ancestors = None
            instance.run = None
        self.instances.clear()
        self.by_template.clear()
        self._ready.clear()

    def not_created(self) -> list[str]:
        """Template steps (batch worker templates excepted) that never became instances."""
        return [
            name
            for name, planned in self.plan.steps.items()
            if planned.creation != BATCH_WORKER and name not in self.instances
        ]


__all__ = ["InstanceGraph", "StepInstance"]
