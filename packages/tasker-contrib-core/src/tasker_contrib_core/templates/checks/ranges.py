"""Values outside the engine's documented ranges (retry and batch sizes).

The engine declares these ranges but does not enforce them when it loads a
template, so such values load and run; they are usually typos (a backoff of
50 ms where 500 was meant) or tricks that behave surprisingly (``max_attempts:
0`` still runs the step once). Hence warnings, not errors.
"""

from __future__ import annotations

from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import (
    BATCH_RANGES,
    RETRY_RANGES,
    RetryPolicy,
    TaskTemplate,
)


def _retry_problems(retry: RetryPolicy) -> list[str]:
    problems = []
    for field, (low, high) in RETRY_RANGES.items():
        value = getattr(retry, field)
        if not low <= value <= high:
            problems.append(f"retry.{field} is {value}, outside {low}-{high}")
    if retry.backoff_base_ms > retry.max_backoff_ms:
        problems.append(
            f"retry.backoff_base_ms ({retry.backoff_base_ms}) is above "
            f"retry.max_backoff_ms ({retry.max_backoff_ms})"
        )
    return problems


def check_ranges(template: TaskTemplate) -> list[Finding]:
    """VALUE_OUT_OF_RANGE (warning) for step retries, override retries and batch sizes."""
    findings: list[Finding] = []
    hint = "Use a value inside the documented range; see the retry and batch_config reference."
    for step in template.steps:
        problems = _retry_problems(step.retry)
        if step.batch_config is not None:
            for field, (low, high) in BATCH_RANGES.items():
                value = getattr(step.batch_config, field)
                if not low <= value <= high:
                    problems.append(f"batch_config.{field} is {value}, outside {low}-{high}")
        findings.extend(
            finding_for(
                template,
                codes.VALUE_OUT_OF_RANGE,
                f"step '{step.name}': {problem}",
                step=step.name,
                hint=hint,
            )
            for problem in problems
        )
    for environment, override in sorted(template.environments.items()):
        for step_override in override.steps:
            if step_override.retry is None:
                continue
            findings.extend(
                finding_for(
                    template,
                    codes.VALUE_OUT_OF_RANGE,
                    f"environments.{environment} override of '{step_override.name}': {problem}",
                    step=step_override.name,
                    key="environments",
                    hint=hint,
                )
                for problem in _retry_problems(step_override.retry)
            )
    return findings


__all__ = ["check_ranges"]
