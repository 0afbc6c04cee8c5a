"""Checks on ``environments:`` overrides.

The engine skips an override whose step name matches nothing, without a word,
so a renamed step quietly loses its production timeout or retry settings.
"""

from __future__ import annotations

import difflib

from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_contrib_core.templates.overrides import ALL_STEPS


def check_environment_overrides(template: TaskTemplate) -> list[Finding]:
    """ENV_OVERRIDE_UNKNOWN_STEP (warning): an override names a step that does not exist."""
    names = sorted(set(template.step_names))
    findings = []
    for environment, override in sorted(template.environments.items()):
        for step_override in override.steps:
            if step_override.name == ALL_STEPS or step_override.name in names:
                continue
            close = difflib.get_close_matches(step_override.name, names, n=1)
            suggestion = f"Did you mean '{close[0]}'? " if close else ""
            findings.append(
                finding_for(
                    template,
                    codes.ENV_OVERRIDE_UNKNOWN_STEP,
                    f"environments.{environment} overrides step '{step_override.name}', "
                    "which does not exist, so the override is silently skipped",
                    step=step_override.name,
                    key="environments",
                    hint=f"{suggestion}Use a step name from `steps`, or {ALL_STEPS} for "
                    "every step.",
                )
            )
    return findings


__all__ = ["check_environment_overrides"]
