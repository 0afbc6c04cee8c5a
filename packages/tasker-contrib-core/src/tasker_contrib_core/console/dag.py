"""The task's DAG as the console draws it: one node per step, each with its state.

The template says which steps exist and how they depend on each other; the
task's workflow steps say which of them were created and what state each is
in. Joining the two shows what plain step lists cannot: the branch a decision
did *not* take (``not_taken``), steps not created yet (``pending``) or never
reached because the task ended (``not_reached``), and a batch worker template
expanded into its instances, grouped under the template step's name.
Positions come from :mod:`tasker_contrib_core.console.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tasker_contrib_core.states import StepState
from tasker_contrib_core.templates.dag import parents, steps_by_name, topological_order
from tasker_contrib_core.templates.model import StepDefinition, StepType, TaskTemplate

#: Node state of a decision branch the decision did not choose (or a step only it leads to).
NOT_TAKEN = "not_taken"
#: Node state of a template step with no workflow step yet (the task is still running).
NOT_CREATED = "pending"
#: Node state of a template step never created because the task ended before it.
NOT_REACHED = "not_reached"


@dataclass(frozen=True)
class StepView:
    """What the DAG needs of one workflow step."""

    name: str
    state: str
    step_uuid: str


@dataclass
class DagNode:
    """One drawn node: a workflow step, or a template step without one."""

    name: str
    type: str
    state: str
    step_uuid: str | None = None
    group: str | None = None
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class DagEdge:
    source: str
    target: str
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class DagGroup:
    """The box around a batch worker template's instances."""

    name: str
    count: int
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


@dataclass
class Dag:
    nodes: list[DagNode]
    edges: list[DagEdge]
    groups: list[DagGroup] = field(default_factory=list)
    template_found: bool = True
    width: float = 0.0
    height: float = 0.0


def _batch_template_of(name: str, batch_workers: Sequence[str]) -> str | None:
    """The batch worker template step an instance name (``<template>_<batch id>``) belongs to."""
    matches = [worker for worker in batch_workers if name.startswith(f"{worker}_")]
    return max(matches, key=len) if matches else None


def build_dag(template: TaskTemplate | None, steps: Sequence[StepView], *, terminal: bool) -> Dag:
    """Join the template's graph with the task's steps (positions left at zero)."""
    if template is None:
        return Dag(
            nodes=[DagNode(s.name, "unknown", s.state, s.step_uuid) for s in steps],
            edges=[],
            template_found=False,
        )
    definitions = steps_by_name(template)
    edges_in = parents(template)
    try:
        order = topological_order(template)
    except ValueError:  # graphlib.CycleError: a template the validator rejects
        order = list(definitions)
    batch_workers = [n for n, d in definitions.items() if d.type is StepType.BATCH_WORKER]
    records = {s.name: s for s in steps if s.name in definitions}
    instances: dict[str, list[StepView]] = {worker: [] for worker in batch_workers}
    strays: list[StepView] = []
    for view in steps:
        if view.name in definitions:
            continue
        owner = _batch_template_of(view.name, batch_workers)
        if owner is None:
            strays.append(view)
        else:
            instances[owner].append(view)

    states: dict[str, str] = {}
    drawn: dict[str, list[str]] = {}
    nodes: list[DagNode] = []
    groups: list[DagGroup] = []
    for name in order:
        definition = definitions[name]
        kind = definition.type.value
        batch = instances.get(name)
        if batch:
            batch.sort(key=lambda view: view.name)
            drawn[name] = [view.name for view in batch]
            nodes.extend(DagNode(v.name, kind, v.state, v.step_uuid, group=name) for v in batch)
            groups.append(DagGroup(name, len(batch)))
            states[name] = StepState.COMPLETE  # for the not-taken rule: it ran
            continue
        record = records.get(name)
        if record is not None:
            state = record.state
        else:
            state = _missing_state(
                name,
                edges_in[name],
                definitions=definitions,
                states=states,
                records=records,
                terminal=terminal,
            )
        states[name] = state
        drawn[name] = [name]
        nodes.append(DagNode(name, kind, state, record.step_uuid if record else None))
    nodes.extend(DagNode(v.name, "unknown", v.state, v.step_uuid) for v in strays)
    edges = [
        DagEdge(source, target)
        for name in order
        for parent in edges_in[name]
        for source in drawn[parent]
        for target in drawn[name]
    ]
    return Dag(nodes=nodes, edges=edges, groups=groups)


def _missing_state(
    name: str,
    parent_names: Sequence[str],
    *,
    definitions: dict[str, StepDefinition],
    states: dict[str, str],
    records: dict[str, StepView],
    terminal: bool,
) -> str:
    """The state of a template step that has no workflow step."""
    for parent in parent_names:
        if definitions[parent].type is not StepType.DECISION:
            continue
        if states.get(parent) != StepState.COMPLETE:
            continue
        siblings_created = any(
            child in records
            for child, definition in definitions.items()
            if child != name and parent in definition.dependencies
        )
        # The decision ran: a child that does not exist was not chosen once
        # another child exists or the task is over.
        if siblings_created or terminal:
            return NOT_TAKEN
    if parent_names and all(states.get(parent) == NOT_TAKEN for parent in parent_names):
        return NOT_TAKEN
    return NOT_REACHED if terminal else NOT_CREATED


__all__ = [
    "NOT_CREATED",
    "NOT_REACHED",
    "NOT_TAKEN",
    "Dag",
    "DagEdge",
    "DagGroup",
    "DagNode",
    "StepView",
    "build_dag",
]
