"""Draw a template's step graph as a Mermaid flowchart or a plain text tree.

A DAG in YAML is hard to read once decisions and batches are involved; a
picture in the docs or a PR review makes the wiring obvious. Both renderers
are deterministic (template order) so their output can be committed and
diffed.
"""

from __future__ import annotations

import re

from tasker_contrib_core.templates.dag import children, parents, steps_by_name
from tasker_contrib_core.templates.model import StepType, TaskTemplate

#: Mermaid node shape per step type: (opening, closing) brackets.
_SHAPES: dict[StepType, tuple[str, str]] = {
    StepType.STANDARD: ('["', '"]'),
    StepType.DECISION: ('{"', '"}'),
    StepType.DEFERRED_CONVERGENCE: ('{{"', '"}}'),
    StepType.BATCHABLE: ('[["', '"]]'),
    StepType.BATCH_WORKER: ('[/"', '"/]'),
}

#: Mermaid class definitions, one per non-standard step type (doubles as the legend).
_CLASS_DEFS: dict[StepType, str] = {
    StepType.DECISION: "fill:#fff3cd,stroke:#b8860b",
    StepType.DEFERRED_CONVERGENCE: "fill:#e2f0d9,stroke:#38761d",
    StepType.BATCHABLE: "fill:#dbe9f7,stroke:#1f4e79",
    StepType.BATCH_WORKER: "fill:#dbe9f7,stroke:#1f4e79,stroke-dasharray:4 3",
}

_MERMAID_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MERMAID_RESERVED = {"end", "graph", "subgraph", "flowchart", "class", "classdef", "style"}


def _node_ids(template: TaskTemplate) -> dict[str, str]:
    """Step name -> Mermaid node id; names Mermaid cannot take get ``step_N``."""
    ids: dict[str, str] = {}
    for index, name in enumerate(steps_by_name(template)):
        usable = _MERMAID_ID.match(name) and name.lower() not in _MERMAID_RESERVED
        ids[name] = name if usable else f"step_{index + 1}"
    return ids


def _label(name: str, step_type: StepType) -> str:
    text = name.replace('"', "#quot;")
    return text if step_type is StepType.STANDARD else f"{text}<br/><i>{step_type.value}</i>"


def to_mermaid(template: TaskTemplate) -> str:
    """A ``flowchart TD`` with one node per step and one arrow per dependency.

    Shapes: standard ``[box]``, decision ``{rhombus}``, deferred_convergence
    ``{{hexagon}}``, batchable ``[[subroutine]]``, batch_worker
    ``[/parallelogram/]``; non-standard nodes also carry a class of their type
    name (``classDef`` colours). Arrows out of a decision are dotted (the
    branch may not be created); arrows into a batch worker are thick (one per
    created instance).
    """
    table = steps_by_name(template)
    ids = _node_ids(template)
    lines = [
        "flowchart TD",
        f"    %% {template.identifier}",
    ]
    for name, step in table.items():
        opening, closing = _SHAPES[step.type]
        lines.append(f"    {ids[name]}{opening}{_label(name, step.type)}{closing}")
    for name, deps in parents(template).items():
        for dep in deps:
            lines.append(f"    {ids[dep]} {_arrow(table[dep].type, table[name].type)} {ids[name]}")
    for step_type, style in _CLASS_DEFS.items():
        members = [ids[name] for name, step in table.items() if step.type is step_type]
        if members:
            lines.append(f"    classDef {step_type.value} {style}")
            lines.append(f"    class {','.join(members)} {step_type.value}")
    return "\n".join(lines) + "\n"


def _arrow(source: StepType, target: StepType) -> str:
    if source is StepType.DECISION:
        return "-.->"
    if target is StepType.BATCH_WORKER:
        return "==>"
    return "-->"


def to_text_tree(template: TaskTemplate) -> str:
    """A plain text tree from each root step down, with each step's type.

    A step reached a second time (it has several parents) is printed once in
    full and then as ``name [type] (see above)``, which also keeps cycles from
    looping. Steps no root reaches (only possible with a cycle) are listed at
    the end.
    """
    table = steps_by_name(template)
    edges = parents(template)
    below = children(template)
    lines = [f"{template.name} (namespace {template.namespace_name}, version {template.version})"]
    printed: set[str] = set()

    def walk(name: str, prefix: str, connector: str, child_prefix: str) -> None:
        tag = f"{name} [{table[name].type.value}]"
        if name in printed:
            lines.append(f"{prefix}{connector}{tag} (see above)")
            return
        printed.add(name)
        lines.append(f"{prefix}{connector}{tag}")
        kids = below.get(name, [])
        for index, kid in enumerate(kids):
            last = index == len(kids) - 1
            walk(
                kid,
                prefix + child_prefix,
                "└── " if last else "├── ",
                "    " if last else "│   ",
            )

    for name in table:
        if not edges[name]:
            walk(name, "", "", "")
    unreached = [name for name in table if name not in printed]
    if unreached:
        lines.append("not reachable from a root step (cycle?): " + ", ".join(unreached))
    return "\n".join(lines) + "\n"


__all__ = ["to_mermaid", "to_text_tree"]
