"""Checks on dynamic workflow wiring: decisions, deferred convergence, batches.

These steps create other steps at run time, so a wiring mistake does not fail
at load time: the task simply stalls, or errors only on the rare path (for
example a batchable step that returns ``no_batches``). The rules follow the
orchestrator's behaviour:

* a ``decision`` step needs a parent and at least one branch (a step that
  depends on it); only the branches it names are created;
* a ``deferred_convergence`` step waits for the subset of its dependencies that
  were actually created, so it must depend on something dynamic: a step created
  after a decision (one with a decision among its ancestors) or a
  ``batch_worker`` template;
* a ``batchable`` step needs a ``batch_worker`` step depending on it; the
  orchestrator reads ``batch_config`` from that worker step and, for a
  ``no_batches`` outcome, finds the worker through the batchable step's
  ``handler.initialization.worker_template_name``.
"""

from __future__ import annotations

from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.dag import (
    children,
    descendants,
    parents,
    steps_by_name,
)
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import StepType, TaskTemplate


def check_decisions(template: TaskTemplate) -> list[Finding]:
    """DECISION_WITHOUT_DEPENDENCY and DECISION_WITHOUT_BRANCHES."""
    findings = []
    dependents = children(template)
    for step in template.steps:
        if step.type is not StepType.DECISION:
            continue
        if not step.dependencies:
            findings.append(
                finding_for(
                    template,
                    codes.DECISION_WITHOUT_DEPENDENCY,
                    f"decision step '{step.name}' has no dependencies; the engine requires "
                    "a decision to follow at least one step",
                    step=step.name,
                    hint="Add the step whose result the decision is based on to its "
                    "`dependencies`.",
                )
            )
        if not dependents.get(step.name):
            findings.append(
                finding_for(
                    template,
                    codes.DECISION_WITHOUT_BRANCHES,
                    f"decision step '{step.name}' has no branches: no step depends on it",
                    step=step.name,
                    hint="Declare each possible branch as a step with the decision in its "
                    "`dependencies`; a decision can only create steps declared this way.",
                )
            )
    return findings


def _dynamic_steps(template: TaskTemplate) -> set[str]:
    """Steps created at run time: decision descendants and batch_worker templates."""
    table = steps_by_name(template)
    decisions = {name for name, step in table.items() if step.type is StepType.DECISION}
    dynamic = {name for name, step in table.items() if step.type is StepType.BATCH_WORKER}
    return dynamic | descendants(template, decisions)


def check_convergence(template: TaskTemplate) -> list[Finding]:
    """CONVERGENCE_WITHOUT_BRANCHES and CONVERGENCE_NOT_DEFERRED."""
    findings = []
    table = steps_by_name(template)
    edges = parents(template)
    dynamic = _dynamic_steps(template)
    order = {name: index for index, name in enumerate(table)}
    decisions = {n: order[n] for n, s in table.items() if s.type is StepType.DECISION}
    for step in template.steps:
        deps = edges.get(step.name, [])
        if step.type is StepType.DEFERRED_CONVERGENCE:
            if not any(dep in dynamic for dep in deps):
                findings.append(
                    finding_for(
                        template,
                        codes.CONVERGENCE_WITHOUT_BRANCHES,
                        f"deferred_convergence step '{step.name}' depends on no decision "
                        "branch and no batch_worker step, so there is nothing to converge",
                        step=step.name,
                        hint="List every possible branch of the decision (or the "
                        "batch_worker template) in its `dependencies`, or make it a "
                        "standard step.",
                    )
                )
            continue
        workers = [dep for dep in deps if table[dep].type is StepType.BATCH_WORKER]
        if workers and step.type is not StepType.BATCH_WORKER:
            findings.append(
                finding_for(
                    template,
                    codes.CONVERGENCE_NOT_DEFERRED,
                    f"step '{step.name}' ({step.type.value}) depends on batch_worker "
                    f"template '{workers[0]}', which never runs itself; only its "
                    "instances do",
                    step=step.name,
                    hint="Make it `type: deferred_convergence` so it waits for every "
                    "worker instance that was created.",
                )
            )
        findings.extend(
            _branch_join(template, step.name, step.type, deps, edges=edges, decisions=decisions)
        )
    return findings


def _branch_join(
    template: TaskTemplate,
    name: str,
    step_type: StepType,
    deps: list[str],
    *,
    edges: dict[str, list[str]],
    decisions: dict[str, int],
) -> list[Finding]:
    """Warn when a non-deferred step waits for two alternative branches of one decision.

    Looks only at the dependencies' own parents (linear in edges), not at every
    decision of the template for every step.
    """
    by_decision: dict[str, list[str]] = {}
    for dep in deps:
        for parent in edges.get(dep, []):
            if parent in decisions:
                by_decision.setdefault(parent, []).append(dep)
    for decision in sorted(by_decision, key=decisions.__getitem__):
        branches = by_decision[decision]
        if len(branches) >= 2:
            return [
                finding_for(
                    template,
                    codes.CONVERGENCE_NOT_DEFERRED,
                    f"step '{name}' ({step_type.value}) waits for branches "
                    f"{', '.join(repr(b) for b in branches)} of decision '{decision}'; if "
                    "the decision creates only some of them it never runs",
                    step=name,
                    hint="Make it `type: deferred_convergence`, which waits only for the "
                    "branches that were created.",
                    severity="warning",
                )
            ]
    return []


def check_batches(template: TaskTemplate) -> list[Finding]:
    """BATCH_CONFIG_INCOMPLETE: batchable and batch_worker steps must be paired."""
    findings: list[Finding] = []
    table = steps_by_name(template)
    dependents = children(template)
    edges = parents(template)

    def report(step: str, message: str, hint: str, *, warning: bool = False) -> None:
        findings.append(
            finding_for(
                template,
                codes.BATCH_CONFIG_INCOMPLETE,
                message,
                step=step,
                hint=hint,
                severity="warning" if warning else None,
            )
        )

    for name, step in table.items():
        if step.type is StepType.BATCHABLE:
            workers = [
                child
                for child in dependents.get(name, [])
                if table[child].type is StepType.BATCH_WORKER
            ]
            if not workers:
                report(
                    name,
                    f"batchable step '{name}' has no batch_worker step depending on it",
                    "Add a `type: batch_worker` step with this step in its `dependencies`; "
                    "its instances do the work.",
                )
            template_name = step.handler.initialization.get("worker_template_name")
            if template_name is None:
                report(
                    name,
                    f"batchable step '{name}' does not set "
                    "handler.initialization.worker_template_name; the orchestrator needs "
                    "it to create the placeholder worker when the handler returns no_batches",
                    "Set `worker_template_name: <batch_worker step>` under handler.initialization.",
                    warning=True,
                )
            elif template_name not in workers:
                report(
                    name,
                    f"batchable step '{name}' names worker_template_name "
                    f"'{template_name}', which is not a batch_worker step depending on it",
                    f"Use one of: {', '.join(workers)}."
                    if workers
                    else "Add the batch_worker step (depending on this step), then name it here.",
                )
            if step.batch_config is not None:
                report(
                    name,
                    f"batch_config on batchable step '{name}' is ignored; the orchestrator "
                    "reads batch_config from the batch_worker step",
                    "Move `batch_config` to the batch_worker step.",
                    warning=True,
                )
        elif step.type is StepType.BATCH_WORKER:
            if not any(table[dep].type is StepType.BATCHABLE for dep in edges.get(name, [])):
                report(
                    name,
                    f"batch_worker step '{name}' does not depend on a batchable step, so "
                    "nothing ever creates its instances",
                    "Add the batchable step that splits the work to its `dependencies`.",
                )
            config = step.batch_config
            if config is None:
                report(
                    name,
                    f"batch_worker step '{name}' has no batch_config; the orchestrator "
                    "reads the batch settings from it",
                    "Add `batch_config: {batch_size, parallelism, cursor_field, "
                    f"worker_template: {name}}}`.",
                )
            elif config.worker_template not in table or (
                table[config.worker_template].type is not StepType.BATCH_WORKER
            ):
                report(
                    name,
                    f"batch_config.worker_template '{config.worker_template}' of step "
                    f"'{name}' is not a batch_worker step",
                    f"Set `worker_template: {name}`.",
                )
        elif step.batch_config is not None:
            report(
                name,
                f"step '{name}' is {step.type.value} but has a batch_config, which only "
                "batch_worker steps use",
                "Remove `batch_config`, or change the step type.",
                warning=True,
            )
    return findings


__all__ = ["check_batches", "check_convergence", "check_decisions"]
