"""The engine's value rules as one JSON Schema, checked with ``jsonschema``.

:mod:`~tasker_contrib_core.config.engine_facts` states the rules as data
(required keys and tables, numeric ranges, string and array lengths, closed
sets); this module turns them into a single schema and is the only place that
applies them, so a rule written down there is a rule enforced everywhere
(``check()``, ``config validate``, ``render``, ``doctor`` and the worker).

Types come from the built-in defaults (an integer default means the engine's
field is an integer). Numbers must also be finite: TOML accepts ``inf`` and
``nan``, the engine's integer fields do not, and a float ``inf`` duration
would never end.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.config import engine_facts

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

Schema = dict[str, Any]


@dataclass(frozen=True)
class SchemaProblem:
    """One broken rule: the dotted key, the rule broken (``"length >= 1"``) and what to do."""

    key: str
    rule: str
    message: str
    missing: bool = False


def _node(schema: Schema, path: str) -> Schema:
    """The (created on demand) object schema for the table at ``path``."""
    node = schema
    for part in path.split("."):
        node.setdefault("type", "object")
        node = node.setdefault("properties", {}).setdefault(part, {})
    return node


def _require(schema: Schema, path: str) -> None:
    parent, _, leaf = path.rpartition(".")
    node = _node(schema, parent) if parent else schema
    node.setdefault("type", "object")
    required = node.setdefault("required", [])
    if leaf not in required:
        required.append(leaf)


@functools.lru_cache(maxsize=1)
def facts_schema() -> Schema:
    """The schema of :mod:`engine_facts`: required keys, ranges, lengths, closed sets."""
    schema: Schema = {"type": "object"}
    for path in sorted(engine_facts.REQUIRED_WORKER_LEAVES | engine_facts.REQUIRED_WORKER_TABLES):
        for depth in range(path.count(".") + 1):
            _require(schema, ".".join(path.split(".")[: depth + 1]))
    for path in engine_facts.REQUIRED_WORKER_TABLES:
        _node(schema, path)["type"] = "object"
    for table, leaves in engine_facts.OPTIONAL_TABLE_REQUIRED_LEAVES.items():
        # Only applies when the table is there: an absent property is never validated.
        for leaf in leaves:
            full = f"{table}.{leaf}"
            for depth in range(table.count(".") + 1, full.count(".") + 1):
                _require(schema, ".".join(full.split(".")[: depth + 1]))
    for path, (low, high) in engine_facts.NUMERIC_RANGES.items():
        node = _node(schema, path)
        node["finite"] = True
        if low is not None:
            node["minimum"] = low
        if high is not None:
            node["maximum"] = high
    for path, (shortest, longest) in engine_facts.LENGTH_RANGES.items():
        node = _node(schema, path)
        # minLength applies to strings, minItems to arrays; each ignores the other kind.
        node["minLength"] = node["minItems"] = shortest
        if longest is not None:
            node["maxLength"] = node["maxItems"] = longest
    for path, allowed in engine_facts.ENUM_VALUES.items():
        _node(schema, path)["enum"] = sorted(allowed)
    return schema


#: Python type -> JSON Schema type, ``bool`` before ``int`` (a bool is an int).
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def _json_type(value: Any) -> str | None:
    """The JSON type of a TOML value; None for dates and times (no JSON type to check)."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), None)


def types_schema(reference: Mapping[str, Any]) -> Schema:
    """The type of every key the built-in defaults set (their values are the engine's types)."""
    properties: Schema = {}
    for key, value in reference.items():
        kind = _json_type(value)
        if kind == "object":
            properties[key] = types_schema(value)
        elif kind is not None:
            node: Schema = {"type": kind}
            if kind in ("integer", "number"):
                node["finite"] = True
            properties[key] = node
    return {"type": "object", "properties": properties}


@functools.lru_cache(maxsize=1)
def _validator_class() -> Any:
    """Draft 2020-12 plus a ``finite`` keyword; jsonschema is imported on first check."""
    import jsonschema
    from jsonschema.exceptions import ValidationError

    def finite(
        validator: Any, wanted: bool, instance: Any, schema: Schema
    ) -> Iterator[ValidationError]:
        if wanted and isinstance(instance, float) and not math.isfinite(instance):
            yield ValidationError(f"{instance} is not a finite number")

    return jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        jsonschema.Draft202012Validator, {"finite": finite}
    )


def check(
    table: Mapping[str, Any], reference: Mapping[str, Any] | None = None
) -> list[SchemaProblem]:
    """Every rule ``table`` (placeholders already substituted) breaks, sorted by key."""
    schema: Schema = facts_schema()
    if reference is not None:
        schema = {"allOf": [types_schema(reference), schema]}
    validator = _validator_class()(schema)
    problems = [_problem(error) for error in validator.iter_errors(table)]
    unique = {(problem.key, problem.rule): problem for problem in problems}
    return sorted(unique.values(), key=lambda problem: (problem.key, problem.rule))


def _dotted(parts: Any) -> str:
    return ".".join(str(part) for part in parts)


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _span(path: str) -> str:
    low, high = engine_facts.NUMERIC_RANGES.get(path, (None, None))
    return f"{'-inf' if low is None else low}..{'inf' if high is None else high}"


def _problem(error: ValidationError) -> SchemaProblem:
    key = _dotted(error.absolute_path)
    value: Any = error.instance
    rule: str = str(error.validator)
    limit: Any = error.validator_value
    if rule == "required":
        present: Any = value
        missing = next(name for name in limit if name not in present)
        return SchemaProblem(
            f"{key}.{missing}" if key else missing, "required", "required", missing=True
        )
    if rule == "type":
        got = _json_type(value) or type(value).__name__
        message = f"expects {_article(limit)} {limit}, got {_article(got)} {got} ({value!r})"
        needed = engine_facts.required_leaves_under(key)
        if limit == "object" and needed:
            message += f"; the table holds keys required by the engine: {', '.join(needed)}"
        return SchemaProblem(key, f"type {limit}", message)
    if rule in ("minimum", "maximum", "finite"):
        return SchemaProblem(
            key,
            f"range {_span(key)}",
            f"{value} is outside the engine's range {_span(key)}; use a finite number in it",
        )
    if rule in ("minLength", "minItems"):
        unit = "character(s)" if rule == "minLength" else "item(s)"
        empty = "must not be empty" if limit == 1 else f"needs at least {limit} {unit}"
        return SchemaProblem(key, f"length >= {limit}", f"{empty}, got {value!r}")
    if rule in ("maxLength", "maxItems"):
        unit = "characters" if rule == "maxLength" else "items"
        return SchemaProblem(
            key,
            f"length <= {limit}",
            f"has {len(str(value) if rule == 'maxLength' else list(value))} {unit}; the engine "
            f"allows at most {limit}",
        )
    if rule == "enum":
        return SchemaProblem(key, "one of", f"{value!r} is not one of {', '.join(limit)}")
    return SchemaProblem(key, rule, error.message)


__all__ = ["SchemaProblem", "check", "facts_schema", "types_schema"]
