"""Apply a template's ``environments:`` overrides the way the engine does.

Engine semantics (``TaskTemplate::resolve_for_environment``), reproduced exactly
so a template behaves the same locally and in the orchestrator:

* overrides are applied in the order listed; ``name: ALL`` targets every step,
  any other name targets the first step with that name; unknown names are
  silently skipped (the validator warns about them);
* ``handler.initialization`` is merged key by key into the step's
  (override keys win, nested values are replaced, not merged);
* ``timeout_seconds`` replaces the step's value;
* ``retry`` replaces the step's whole retry policy: keys the override omits
  take the engine defaults, not the step's previous values;
* an environment with no entry in ``environments`` leaves the template as is.
"""

from __future__ import annotations

from typing import Any

from tasker_contrib_core.templates.model import StepDefinition, StepOverride, TaskTemplate

#: The override name that targets every step.
ALL_STEPS = "ALL"


def apply_environment(template: TaskTemplate, environment: str) -> TaskTemplate:
    """Return a copy of ``template`` with ``environments[environment]`` applied."""
    override = template.environments.get(environment)
    steps = list(template.steps)
    if override is not None:
        for step_override in override.steps:
            if step_override.name == ALL_STEPS:
                steps = [_apply(step, step_override) for step in steps]
                continue
            for index, step in enumerate(steps):
                if step.name == step_override.name:
                    steps[index] = _apply(step, step_override)
                    break
    resolved = template.model_copy(update={"steps": steps})
    resolved.source_path = template.source_path
    resolved.environment = environment
    return resolved


def _apply(step: StepDefinition, override: StepOverride) -> StepDefinition:
    update: dict[str, Any] = {}
    if override.handler is not None and override.handler.initialization is not None:
        merged = {**step.handler.initialization, **override.handler.initialization}
        update["handler"] = step.handler.model_copy(update={"initialization": merged})
    if override.timeout_seconds is not None:
        update["timeout_seconds"] = override.timeout_seconds
    if override.retry is not None:
        update["retry"] = override.retry.model_copy()
    return step.model_copy(update=update) if update else step


__all__ = ["ALL_STEPS", "apply_environment"]
