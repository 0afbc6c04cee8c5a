"""Text for failure messages: a step outcome, a value, a comparison, a whole run.

A failing handler test should be fixable from the pytest output alone: what
was expected, what came back, the error type and message, the metadata, and
the handler's traceback when it raised. Values are shown in Python literal
syntax, the language the test is written in, and nothing volatile (ids,
timings) is included, so the docs can quote real output.
"""

from __future__ import annotations

from pprint import pformat
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.testing.views import ResultView

if TYPE_CHECKING:
    from tasker_contrib_core.engine.result import TaskRunResult

#: Longest rendered value before it is cut (a huge result would bury the point).
MAX_VALUE_CHARS = 2000
#: Traceback lines kept from the end (the handler's frames are the last ones).
MAX_TRACEBACK_LINES = 20

_INDENT = "  "


def render_value(value: Any) -> str:
    """Python literal syntax (what the test itself is written in), wrapped when long."""
    text = pformat(value, width=88, sort_dicts=False)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + f"... ({len(text) - MAX_VALUE_CHARS} more characters)"
    return text


def short(value: Any, limit: int = 200) -> str:
    """A one-line ``repr`` for comparisons (``'EUR'``, ``42``, ``{'a': 1}``)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def indent(text: str, prefix: str = _INDENT) -> str:
    """Indent every line of ``text``."""
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def field_lines(pairs: list[tuple[str, str]]) -> list[str]:
    """``name: value`` lines with the values aligned; a multi-line value goes below its name."""
    width = max((len(name) for name, _ in pairs), default=0) + 1
    lines: list[str] = []
    for name, value in pairs:
        value_lines = value.splitlines() or [""]
        if len(value_lines) == 1:
            lines.append(f"{_INDENT}{name + ':':<{width}} {value_lines[0]}")
        else:
            lines.append(f"{_INDENT}{name}:")
            lines.extend(f"{_INDENT * 2}{line}" for line in value_lines)
    return lines


def describe(view: ResultView) -> str:
    """Every useful fact about one outcome, one per line."""
    pairs: list[tuple[str, str]] = []
    if view.status is not None:
        pairs.append(("status", view.status))
    if view.attempts is not None:
        pairs.append(("attempts", str(view.attempts)))
    if view.succeeded:
        pairs.append(("result", render_value(view.result)))
    elif view.failed or view.error_type is not None:
        pairs.append(("error_type", str(view.error_type)))
        if view.error_code is not None:
            pairs.append(("error_code", view.error_code))
        pairs.append(("retryable", str(view.retryable)))
        pairs.append(("message", str(view.error_message)))
    metadata = {key: value for key, value in view.metadata.items() if key != "traceback"}
    if metadata:
        pairs.append(("metadata", render_value(metadata)))
    lines = field_lines(pairs)
    traceback_text = view.metadata.get("traceback")
    if isinstance(traceback_text, str) and traceback_text.strip():
        tail = traceback_text.rstrip().splitlines()[-MAX_TRACEBACK_LINES:]
        lines.append(f"{_INDENT}traceback (captured from the handler):")
        lines.extend(f"{_INDENT * 2}{line}" for line in tail)
    return "\n".join(lines)


def outcome_word(view: ResultView) -> str:
    """``succeeded`` / ``failed`` / ``ended with status 'pending'``."""
    if view.succeeded:
        return "succeeded"
    if view.failed:
        return "failed"
    return f"ended with status {view.status!r}"


def describe_run(run: TaskRunResult) -> str:
    """One line per step (status, attempts, error) plus warnings and uncreated steps."""
    lines = [f"task '{run.namespace}/{run.task_name}' ended '{run.status}'"]
    width = max((len(name) for name in run.steps), default=0)
    for name, step in run.steps.items():
        attempts = f"{step.attempts} attempt{'s' if step.attempts != 1 else ''}"
        line = f"{_INDENT}{name:<{width}}  {step.status:<8}  {attempts:<10}"
        if step.status != "complete" and step.error is not None:
            line += f"  {step.error.error_type}: {step.error.message}"
        lines.append(line.rstrip())
    if run.not_created:
        lines.append(f"{_INDENT}not created: {', '.join(run.not_created)}")
    for warning in run.warnings:
        lines.append(f"{_INDENT}warning: {warning}")
    return "\n".join(lines)


__all__ = [
    "MAX_TRACEBACK_LINES",
    "MAX_VALUE_CHARS",
    "describe",
    "describe_run",
    "field_lines",
    "indent",
    "outcome_word",
    "render_value",
    "short",
]
