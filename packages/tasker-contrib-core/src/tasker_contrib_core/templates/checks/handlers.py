"""Checks on ``handler:`` blocks: empty callables, ignored keys, resolution.

Resolution uses the same rules as the Python worker (registered name first,
then ``package.module.ClassName`` import), via
:func:`tasker_contrib_core.handlers.resolve_handler`, imported only when
the check runs because it may import the engine's extension module.
"""

from __future__ import annotations

from collections.abc import Sequence

from tasker_contrib_core.errors import HandlerResolutionError
from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import TaskTemplate

#: The method the worker always calls; ``method: call`` is therefore harmless.
DEFAULT_METHOD = "call"


def check_empty_callables(template: TaskTemplate) -> list[Finding]:
    """EMPTY_CALLABLE: the worker cannot look up a handler with an empty key."""
    return [
        finding_for(
            template,
            codes.EMPTY_CALLABLE,
            f"step '{step.name}' has an empty handler.callable",
            step=step.name,
            hint="Set it to a registered handler name or to package.module.ClassName.",
        )
        for step in template.steps
        if not step.handler.callable.strip()
    ]


def check_dispatch_keys(template: TaskTemplate) -> list[Finding]:
    """HANDLER_DISPATCH_IGNORED (warning): the 0.1.8 worker ignores method and resolver."""
    findings = []
    for step in template.steps:
        ignored = []
        if step.handler.method is not None and step.handler.method != DEFAULT_METHOD:
            ignored.append(f"method: {step.handler.method}")
        if step.handler.resolver is not None:
            ignored.append(f"resolver: {step.handler.resolver}")
        if ignored:
            findings.append(
                finding_for(
                    template,
                    codes.HANDLER_DISPATCH_IGNORED,
                    f"step '{step.name}' sets handler {' and '.join(ignored)}, which the "
                    "Python worker (tasker-py 0.1.8) ignores: it resolves by callable "
                    "only and always calls call()",
                    step=step.name,
                    hint="Remove the key(s) and put the behaviour in the handler's call(), "
                    "or give that behaviour its own handler class.",
                )
            )
    return findings


def _reason(callable_name: str, exc: HandlerResolutionError) -> str:
    """One paragraph: the resolver's "tried" bullet lines if it gave any, else its message."""
    tried = [line.strip()[2:] for line in str(exc).splitlines() if line.strip().startswith("- ")]
    detail = "; ".join(tried) if tried else str(exc)
    return f"handler '{callable_name}' does not resolve the way the worker resolves it ({detail})"


def check_handler_resolution(
    template: TaskTemplate, handler_packages: Sequence[str]
) -> list[Finding]:
    """UNRESOLVABLE_HANDLER: the callable does not resolve as the worker would resolve it."""
    from tasker_contrib_core.handlers import resolve_handler

    findings = []
    failures: dict[str, str | None] = {}
    suggestions: dict[str, str | None] = {}
    for step in template.steps:
        callable_name = step.handler.callable
        if not callable_name.strip():
            continue
        if callable_name not in failures:
            try:
                resolve_handler(callable_name, handler_packages)
            except HandlerResolutionError as exc:
                failures[callable_name] = _reason(callable_name, exc)
                suggestions[callable_name] = exc.suggestion
            else:
                failures[callable_name] = None
        reason = failures[callable_name]
        if reason is not None:
            packages = ", ".join(handler_packages) or "none"
            closest = suggestions.get(callable_name)
            hint = (
                f"Did you mean '{closest}'? Set handler.callable to it."
                if closest
                else "Give a StepHandler subclass handler_name (or decorate a function "
                f"with @step_handler) under this name in a package passed with "
                f"--handlers (scanned: {packages}), or use package.module.ClassName."
            )
            findings.append(
                finding_for(
                    template,
                    codes.UNRESOLVABLE_HANDLER,
                    reason,
                    step=step.name,
                    hint=hint,
                )
            )
    return findings


__all__ = [
    "DEFAULT_METHOD",
    "check_dispatch_keys",
    "check_empty_callables",
    "check_handler_resolution",
]
