"""Turn pydantic's validation errors into problems a template author can act on.

Pydantic says ``steps.2.retry.max_attempts: Input should be a valid integer``.
An author needs: which file and line, which step (by name, not index), which
field, and what to write instead. This module does that translation and picks
the finding code, so field-shape errors in event declarations or batch config
are reported under the same code as the validator's checks for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from tasker_contrib_core.errors import TemplateProblem
from tasker_contrib_core.templates.codes import (
    BATCH_CONFIG_INCOMPLETE,
    EVENT_DECLARATION_INVALID,
    TEMPLATE_INVALID,
)
from tasker_contrib_core.templates.yaml_source import YamlDocument

_TYPE_HINTS: dict[str, str] = {
    "int_type": "Write a whole number without quotes.",
    "int_parsing": "Write a whole number without quotes.",
    "int_from_float": "Write a whole number without quotes.",
    "string_type": "Write text; quote it if YAML would read it as a number or boolean.",
    "bool_type": "Write true or false without quotes.",
    "list_type": "Write a YAML list, e.g. [a, b] or one '- item' per line.",
    "dict_type": "Write a YAML mapping (key: value lines indented under the key).",
    "model_type": "Write a YAML mapping (key: value lines indented under the key).",
    "string_too_short": "Give it a non-empty value.",
    "string_too_long": "Shorten the value.",
    "datetime_from_date_parsing": "Use an ISO 8601 timestamp, e.g. 2025-01-31T12:00:00Z.",
    "datetime_parsing": "Use an ISO 8601 timestamp, e.g. 2025-01-31T12:00:00Z.",
    "datetime_type": "Use an ISO 8601 timestamp, e.g. 2025-01-31T12:00:00Z.",
}

_VALUE_HINTS: dict[str, str] = {
    "version": "Versions are strings: YAML reads 1.0 or 2 as numbers unless quoted.",
}


def problems_from_validation_error(
    error: ValidationError, document: YamlDocument | Mapping[str, Any] | None
) -> list[TemplateProblem]:
    """One :class:`TemplateProblem` per pydantic error, with step name, field and hint."""
    data = document.data if isinstance(document, YamlDocument) else document
    problems = []
    for detail in error.errors(include_url=False):
        loc = [part for part in detail["loc"] if isinstance(part, (str, int))]
        step_name, field = _split_location(loc, data)
        line = document.line_of(loc) if isinstance(document, YamlDocument) else None
        problems.append(
            TemplateProblem(
                code=_code_for(loc),
                message=_message(detail, field),
                field=field,
                step=step_name,
                hint=_hint(detail, loc),
                line=line,
            )
        )
    return problems


def _split_location(loc: Sequence[str | int], data: Any) -> tuple[str | None, str | None]:
    """``['steps', 2, 'retry', 'x']`` -> (name of step 2, ``'retry.x'``)."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        name = _step_name(data, loc[1])
        rest = _format_path(loc[2:])
        return (name or f"#{loc[1] + 1}"), (rest or None)
    return None, _format_path(loc) or None


def _step_name(data: Any, index: int) -> str | None:
    if isinstance(data, Mapping):
        steps = data.get("steps")
        if isinstance(steps, list) and 0 <= index < len(steps):
            step = steps[index]
            if isinstance(step, Mapping) and isinstance(step.get("name"), str):
                return str(step["name"])
    return None


def _format_path(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _code_for(loc: Sequence[str | int]) -> str:
    if "publishes_events" in loc or (loc and loc[0] == "domain_events"):
        return EVENT_DECLARATION_INVALID
    if "batch_config" in loc:
        return BATCH_CONFIG_INCOMPLETE
    return TEMPLATE_INVALID


def _message(detail: ErrorDetails, field: str | None) -> str:
    message = detail["msg"]
    if detail["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif detail["type"] == "missing":
        message = "required key is missing"
    value = detail.get("input")
    if detail["type"] not in {"missing", "value_error"} and _is_scalar(value):
        message = f"{message} (got {value!r})"
    if field is None or message.startswith(field.rsplit(".", 1)[-1]):
        return message
    return f"{field}: {message}"


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _hint(detail: ErrorDetails, loc: Sequence[str | int]) -> str:
    kind = detail["type"]
    last = next((part for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "missing":
        return f"Add '{last}:' here."
    if kind == "enum":
        expected = (detail.get("ctx") or {}).get("expected", "")
        return f"Use one of {expected}." if expected else "Use one of the documented values."
    if kind == "string_pattern_mismatch" and "publishes_events" in loc:
        return "Event names use lowercase letters, digits, '_' and '.', e.g. order.validated."
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return "Use a value inside the allowed range."
    if kind == "value_error":
        return _VALUE_HINTS.get(last, "Change the value as the message says.")
    return _TYPE_HINTS.get(kind, "Fix the value, then run `tasker-contrib validate` again.")


__all__ = ["problems_from_validation_error"]
