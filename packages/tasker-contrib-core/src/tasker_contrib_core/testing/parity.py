"""Parity between the local engine and the real worker, one step at a time.

Run a workflow on the local engine, then replay every executed step on a real
worker (through :mod:`~tasker_contrib_core.testing.step_injection`) with the same task
context, step inputs and dependency results, and compare what each engine made
of the step's **first attempt**: success, handler result, error classification
(``error_type``, ``retryable``, message) and the domain events it published.

Only the first attempt can be replayed: an injected step always starts at
attempt 1 and nothing retries it (there is no orchestration).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_contrib_core.testing.step_injection import DynamicInstance, StepOutcome

__all__ = [
    "RETRY_AWARE_CONDITIONS",
    "RETRY_AWARE_EXPLANATION",
    "Observed",
    "ReplayStep",
    "StepParity",
    "compare",
    "format_report",
    "observed_locally",
    "observed_on_worker",
    "replay_plan",
    "replay_run",
    "template_dependencies",
]


#: Event conditions the tasker-py 0.1.8 worker never fires: its generic publisher
#: evaluates them without retry information. The local engine evaluates them as
#: declared (docs/local-engine.md), so a step declaring one differs by that event.
RETRY_AWARE_CONDITIONS = frozenset({"retryable_failure", "permanent_failure"})

RETRY_AWARE_EXPLANATION = (
    "the 0.1.8 worker never publishes retryable_failure/permanent_failure events "
    "(no retry information in its publisher); the local engine fires them as declared"
)


@dataclass(frozen=True)
class Observed:
    """What one engine made of one step attempt, in terms both engines share."""

    success: bool
    result: Any = None
    error_type: str | None = None
    retryable: bool | None = None
    message: str | None = None
    events: tuple[tuple[str, Any], ...] = ()
    #: Names of events published under a retry-aware condition (local engine only).
    retry_aware_events: frozenset[str] = frozenset()

    def differences(self, other: Observed) -> list[str]:
        """Each field that differs, as ``field: local != real``."""
        found = []
        for name in ("success", "result", "error_type", "retryable", "message", "events"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                found.append(f"{name}: local {mine!r} != worker {theirs!r}")
        return found


@dataclass(frozen=True)
class ReplayStep:
    """The inputs to replay one executed local step on the worker."""

    name: str
    template_step: str
    context: Mapping[str, Any]
    deps: dict[str, Any]
    inputs: Any
    missing_direct: tuple[str, ...]
    local: Observed
    instances: dict[str, DynamicInstance] = field(default_factory=dict)


@dataclass
class StepParity:
    """One replayed step: both observations and what differs."""

    step: ReplayStep
    real: Observed
    outcome: StepOutcome
    differences: list[str] = field(default_factory=list)
    #: Differences with a known cause, as ``(difference, why)``.
    explained: list[tuple[str, str]] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """No difference at all, explained or not."""
        return not self.differences and not self.explained

    @property
    def unexplained(self) -> list[str]:
        return self.differences


def compare(step: ReplayStep, real: Observed, outcome: StepOutcome) -> StepParity:
    """Both observations of ``step``, differences split into unexplained and explained."""
    local = step.local
    parity = StepParity(step, real, outcome)
    for difference in local.differences(real):
        if difference.startswith("events:") and local.retry_aware_events:
            expected = tuple(e for e in local.events if e[0] not in local.retry_aware_events)
            if expected == real.events:
                parity.explained.append((difference, RETRY_AWARE_EXPLANATION))
                continue
        parity.differences.append(difference)
    return parity


def _domain_events(events: Iterable[Any], attempt: int | None) -> tuple[tuple[str, Any], ...]:
    picked = []
    for event in events:
        if getattr(event, "kind", None) != "domain":
            continue
        if attempt is not None and event.metadata.get("attempt") not in (None, attempt):
            continue
        payload = event.payload.get("payload") if isinstance(event.payload, Mapping) else None
        picked.append((event.name, payload))
    return tuple(sorted(picked, key=lambda item: item[0]))


def observed_locally(step: Any) -> Observed:
    """The first attempt of a local ``StepRun``."""
    events = _domain_events(step.events, 1)
    retry_aware = frozenset(
        event.name
        for event in step.events
        if event.kind == "domain" and event.metadata.get("condition") in RETRY_AWARE_CONDITIONS
    )
    first = step.history[0] if step.history else None
    error = first.error if first is not None else step.error
    if error is None:
        return Observed(
            success=True, result=step.result, events=events, retry_aware_events=retry_aware
        )
    return Observed(
        success=False,
        error_type=error.error_type,
        retryable=error.retryable,
        message=error.message,
        events=events,
        retry_aware_events=retry_aware,
    )


def observed_on_worker(outcome: StepOutcome, events: Iterable[Mapping[str, Any]]) -> Observed:
    """The worker's outcome for an injected step plus the domain events its host's sink saw."""
    domain = tuple(
        sorted(
            (
                (str(event["name"]), (event.get("payload") or {}).get("payload"))
                for event in events
                if event.get("kind") == "domain"
            ),
            key=lambda item: item[0],
        )
    )
    if outcome.success:
        return Observed(success=True, result=outcome.result, events=domain)
    error = outcome.error or {}
    return Observed(
        success=False,
        error_type=error.get("error_type"),
        retryable=error.get("retryable"),
        message=error.get("message"),
        events=domain,
    )


def _ancestors(run: Any, name: str) -> list[str]:
    seen: list[str] = []
    stack = list(run.steps[name].dependencies)
    while stack:
        current = stack.pop()
        if current in seen or current not in run.steps:
            continue
        seen.append(current)
        stack.extend(run.steps[current].dependencies)
    return seen


def replay_plan(run: Any, template_steps: Mapping[str, Iterable[str]]) -> list[ReplayStep]:
    """What to inject for every executed step of a local ``TaskRun``.

    ``template_steps``: ``{template step name: its declared dependencies}``.
    Dependency results are keyed by template step name; dynamic instances
    (``send_notification_batch_001``) are added as finished steps of their own,
    linked to their parents and children as the local run linked them.
    """
    plan: list[ReplayStep] = []
    context = dict(getattr(run, "raw", run).context)
    for name, step in run.steps.items():
        if step.attempts == 0:
            continue
        deps: dict[str, Any] = {}
        instances: dict[str, DynamicInstance] = {}
        ancestors = _ancestors(run, name)
        for ancestor in ancestors:
            ancestor_step = run.steps[ancestor]
            if ancestor_step.status != "complete":
                continue
            if ancestor_step.template_step == ancestor:
                deps[ancestor] = ancestor_step.result
                continue
            children = [
                run.steps[child].template_step
                for child in [*ancestors, name]
                if ancestor in run.steps[child].dependencies
            ]
            instances[ancestor] = DynamicInstance(
                result=ancestor_step.result,
                parents=tuple(run.steps[p].template_step for p in ancestor_step.dependencies),
                children=tuple(children),
            )
        declared = list(template_steps.get(step.template_step, ()))
        missing = tuple(dep for dep in declared if dep not in deps)
        plan.append(
            ReplayStep(
                name=name,
                template_step=step.template_step,
                context=context,
                deps=deps,
                inputs=step.inputs,
                missing_direct=missing,
                local=observed_locally(step),
                instances=instances,
            )
        )
    return plan


def replay_run(
    stack: Any,
    host: Any,
    run: Any,
    template_name: str,
    template_steps: Mapping[str, Iterable[str]],
    *,
    event_wait: float = 3.0,
    only: Callable[[ReplayStep], bool] | None = None,
) -> list[StepParity]:
    """Replay each executed step of ``run`` on ``host`` and compare the two engines.

    ``run``: a ``TaskRun`` or ``TaskRunResult`` of the local engine. ``stack``
    has ``inject(host, template, step, **inputs) -> StepOutcome``; ``host`` has
    ``namespace`` and ``wait_for_events(predicate, count=, timeout=)`` over the
    events its sinks saw, as ``TaskerEvent.to_dict()`` dicts.

    Domain events are published asynchronously after the step's result; when the
    local engine published some, wait up to ``event_wait`` seconds for as many.
    """
    compared: list[StepParity] = []
    for planned in replay_plan(run, template_steps):
        if only is not None and not only(planned):
            continue
        outcome = stack.inject(
            host,
            template_name,
            planned.template_step,
            context=planned.context,
            deps=planned.deps,
            inputs=planned.inputs,
            allow_missing_deps=bool(planned.missing_direct),
            instances=planned.instances,
        )
        # The worker cannot publish retry-aware events: do not wait for those.
        local = planned.local
        wanted = sum(1 for name, _ in local.events if name not in local.retry_aware_events)
        step_uuid = outcome.step_uuid

        def domain_event_of_step(event: Mapping[str, Any], uuid: str = step_uuid) -> bool:
            return event.get("step_uuid") == uuid and event.get("kind") == "domain"

        events = host.wait_for_events(
            domain_event_of_step,
            count=max(wanted, 1),
            timeout=event_wait if wanted else 0.3,
        )
        real = observed_on_worker(outcome, events)
        compared.append(compare(planned, real, outcome))
    return compared


def template_dependencies(template: str | os.PathLike[str]) -> dict[str, list[str]]:
    """``{step name: declared dependencies}`` of a template file (what :func:`replay_run` needs)."""
    import yaml

    document = yaml.safe_load(Path(template).read_text(encoding="utf-8"))
    return {step["name"]: list(step.get("dependencies") or []) for step in document["steps"]}


def format_report(results: Iterable[StepParity]) -> str:
    """One line per step (``=`` identical, ``~`` explained differences only, ``!`` different)."""
    lines = []
    for item in results:
        mark = "!" if item.differences else ("~" if item.explained else "=")
        lines.append(f"{mark} {item.step.name} ({item.step.template_step})")
        lines.extend(f"    {difference}" for difference in item.differences)
        lines.extend(f"    {difference}  [known: {why}]" for difference, why in item.explained)
    return "\n".join(lines)
