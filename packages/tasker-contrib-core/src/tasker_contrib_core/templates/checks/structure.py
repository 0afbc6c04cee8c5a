"""Checks on the shape of the step graph: names, dependencies, cycles, orphans.

The engine's own load-time validation does not catch these (it has no cycle
or duplicate-name check), and each one leaves a task stuck or mis-wired at run
time rather than failing at deploy time.
"""

from __future__ import annotations

import difflib

from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.dag import bad_dependencies, duplicate_names, find_cycles
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import TaskTemplate


def check_duplicate_step_names(template: TaskTemplate) -> list[Finding]:
    """DUPLICATE_STEP_NAME: results, dependencies and decisions are keyed by name."""
    return [
        finding_for(
            template,
            codes.DUPLICATE_STEP_NAME,
            f"{count} steps are named '{name}'",
            step=name,
            hint="Rename all but one; step names must be unique within a template.",
        )
        for name, count in duplicate_names(template).items()
    ]


def check_dependencies(template: TaskTemplate) -> list[Finding]:
    """SELF_DEPENDENCY and MISSING_DEP_REF, with a did-you-mean for typos."""
    names = sorted(set(template.step_names))
    findings = []
    for bad in bad_dependencies(template):
        step, dep = bad.step, bad.dependency
        if bad.problem == "self":
            findings.append(
                finding_for(
                    template,
                    codes.SELF_DEPENDENCY,
                    f"step '{step.name}' lists itself in its dependencies",
                    step=step.name,
                    hint=f"Remove '{dep}' from the dependencies of '{step.name}'.",
                )
            )
            continue
        close = difflib.get_close_matches(dep, names, n=1)
        suggestion = f"Did you mean '{close[0]}'? " if close else ""
        findings.append(
            finding_for(
                template,
                codes.MISSING_DEP_REF,
                f"step '{step.name}' depends on '{dep}', which is not a step of this template",
                step=step.name,
                hint=f"{suggestion}Dependencies must name steps defined in `steps`.",
            )
        )
    return findings


def check_cycles(template: TaskTemplate) -> list[Finding]:
    """CYCLE_DETECTED: a cycle means none of its steps can ever become ready."""
    return [
        finding_for(
            template,
            codes.CYCLE_DETECTED,
            f"dependency cycle: {' -> '.join(cycle)}",
            step=cycle[0],
            hint="Remove one of these dependencies; an arrow means 'runs before'.",
        )
        for cycle in find_cycles(template)
    ]


def check_orphans(template: TaskTemplate) -> list[Finding]:
    """ORPHAN_STEP (warning).

    In a template with two or more steps, a step is an orphan when it lists no
    dependencies and no other step lists it as a dependency. It still runs (as
    a root), but nothing waits for it, which is rarely what was meant.
    """
    if len(template.steps) < 2:
        return []
    depended_on = {dep for step in template.steps for dep in step.dependencies}
    return [
        finding_for(
            template,
            codes.ORPHAN_STEP,
            f"step '{step.name}' has no dependencies and no step depends on it",
            step=step.name,
            hint="Connect it with `dependencies` (on it or from it), or move it to its "
            "own template if it really is independent.",
        )
        for step in template.steps
        if not step.dependencies and step.name not in depended_on
    ]


__all__ = ["check_cycles", "check_dependencies", "check_duplicate_step_names", "check_orphans"]
