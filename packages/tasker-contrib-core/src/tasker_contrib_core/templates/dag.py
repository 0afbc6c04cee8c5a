"""The step graph of a template: edges, ancestors, cycles.

The one implementation of graph checks, shared by the template validator, the
local engine's plan and the graph renderers, so all agree on what an edge is.
Edges only join steps that exist: a dependency on an unknown step or on the
step itself is a validation finding, not an edge. With duplicate step names
the first step of that name wins, as in the engine's lookups.
"""

from __future__ import annotations

import graphlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tasker_contrib_core.templates.model import StepDefinition, TaskTemplate

#: Upper bound on cycles reported for one template; past that the DAG needs a rewrite anyway.
MAX_REPORTED_CYCLES = 20


def steps_by_name(template: TaskTemplate) -> dict[str, StepDefinition]:
    """Name -> step, first occurrence wins."""
    table: dict[str, StepDefinition] = {}
    for step in template.steps:
        table.setdefault(step.name, step)
    return table


def duplicate_names(template: TaskTemplate) -> dict[str, int]:
    """Step names used more than once, with how many steps use each."""
    return {name: count for name, count in Counter(template.step_names).items() if count > 1}


@dataclass(frozen=True)
class BadDependency:
    """A dependency that is not an edge: ``problem`` is ``"self"`` or ``"unknown"``."""

    step: StepDefinition
    dependency: str
    problem: str


def bad_dependencies(template: TaskTemplate) -> Iterator[BadDependency]:
    """Dependencies on the step itself or on a step the template does not define."""
    names = set(template.step_names)
    for step in template.steps:
        for dep in step.dependencies:
            if dep == step.name:
                yield BadDependency(step, dep, "self")
            elif dep not in names:
                yield BadDependency(step, dep, "unknown")


def parents(template: TaskTemplate) -> dict[str, list[str]]:
    """Name -> dependencies that are real edges (known, not self, no repeats)."""
    known = steps_by_name(template)
    edges: dict[str, list[str]] = {}
    for name, step in known.items():
        edges[name] = list(
            dict.fromkeys(dep for dep in step.dependencies if dep in known and dep != name)
        )
    return edges


def children(template: TaskTemplate) -> dict[str, list[str]]:
    """Name -> steps that depend on it, in template order."""
    edges = parents(template)
    result: dict[str, list[str]] = {name: [] for name in edges}
    for name, deps in edges.items():
        for dep in deps:
            result[dep].append(name)
    return result


def ancestors(template: TaskTemplate, name: str) -> set[str]:
    """Every step ``name`` transitively depends on (cycle-safe)."""
    edges = parents(template)
    seen: set[str] = set()
    stack = list(edges.get(name, []))
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, []))
    seen.discard(name)
    return seen


def descendants(template: TaskTemplate, roots: Iterable[str]) -> set[str]:
    """Every step downstream of any of ``roots`` (not the roots themselves), in one walk."""
    below = children(template)
    start = set(roots)
    seen: set[str] = set()
    stack = [kid for root in start for kid in below.get(root, [])]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(below.get(current, []))
    return seen


def find_cycles(template: TaskTemplate) -> list[list[str]]:
    """Cycles as flow-ordered paths ``[a, b, c, a]`` (a runs before b, ...).

    Uses :class:`graphlib.TopologicalSorter`, which reports one cycle at a
    time; after each, one edge of that cycle is cut and the search repeats, so
    independent cycles are all reported. Each path starts at its
    alphabetically smallest step so output is stable.
    """
    edges = {name: set(deps) for name, deps in parents(template).items()}
    cycles: list[list[str]] = []
    while len(cycles) < MAX_REPORTED_CYCLES:
        try:
            graphlib.TopologicalSorter(edges).prepare()
        except graphlib.CycleError as exc:
            path: list[str] = list(exc.args[1])
            cycles.append(_canonical(path))
            # path[i] is a dependency of path[i + 1]; cut that first edge.
            edges[path[1]].discard(path[0])
            continue
        break
    return cycles


def _canonical(path: list[str]) -> list[str]:
    ring = path[:-1]
    start = ring.index(min(ring))
    rotated = ring[start:] + ring[:start]
    return [*rotated, rotated[0]]


def topological_order(template: TaskTemplate) -> list[str]:
    """Step names dependencies-first, ties broken by template order.

    Raises :class:`graphlib.CycleError` if the template has a cycle.
    """
    order_index = {name: index for index, name in enumerate(steps_by_name(template))}
    sorter = graphlib.TopologicalSorter(parents(template))
    sorter.prepare()
    result: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=order_index.__getitem__)
        result.extend(ready)
        sorter.done(*ready)
    return result


__all__ = [
    "MAX_REPORTED_CYCLES",
    "BadDependency",
    "ancestors",
    "bad_dependencies",
    "children",
    "descendants",
    "duplicate_names",
    "find_cycles",
    "parents",
    "steps_by_name",
    "topological_order",
]
