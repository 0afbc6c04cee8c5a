"""Checks on names and JSON Schemas: namespace, input/result schemas, domain events.

Each of these is something the engine rejects or mishandles at a bad moment:
a long namespace breaks queue creation, a broken input schema rejects every
task, and a malformed event declaration makes the whole template fail to load.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from jsonschema import Draft202012Validator, SchemaError
from jsonschema.validators import validator_for

from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.findings import Finding, finding_for
from tasker_contrib_core.templates.model import (
    EventDeclaration,
    PublicationCondition,
    TaskTemplate,
)

#: Queue names embed the namespace and PostgreSQL identifiers stop at 47 chars.
MAX_NAMESPACE_LENGTH = 29
_NAMESPACE_CHARS = re.compile(r"^[A-Za-z0-9_]+$")


def schema_error(schema: Any) -> str | None:
    """Why ``schema`` is not a valid JSON Schema (by its own ``$schema`` dialect), or None.

    Templates only ever hold mapping schemas, so the boolean schemas JSON Schema
    also allows are refused here.
    """
    if not isinstance(schema, dict):
        return f"a JSON Schema must be a mapping, not {type(schema).__name__}"
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(part) for part in exc.path)
        return f"{exc.message}" + (f" (at {where})" if where else "")
    return None


def check_namespace(template: TaskTemplate) -> list[Finding]:
    """NAMESPACE_INVALID: 1-29 chars of [A-Za-z0-9_], starting with a letter or '_'."""
    namespace = template.namespace_name
    problem = None
    if not namespace:
        problem = "namespace_name is empty"
    elif len(namespace) > MAX_NAMESPACE_LENGTH:
        problem = (
            f"namespace_name '{namespace}' is {len(namespace)} characters; the maximum is "
            f"{MAX_NAMESPACE_LENGTH} because queue names embed it"
        )
    elif not _NAMESPACE_CHARS.match(namespace):
        problem = f"namespace_name '{namespace}' may contain only letters, digits and '_'"
    elif not (namespace[0].isalpha() or namespace[0] == "_"):
        problem = f"namespace_name '{namespace}' must start with a letter or '_'"
    if problem is None:
        return []
    return [
        finding_for(
            template,
            codes.NAMESPACE_INVALID,
            problem,
            key="namespace_name",
            hint="Use a short snake_case name such as 'ecommerce' or 'billing_v2'.",
        )
    ]


def check_input_schema(template: TaskTemplate) -> list[Finding]:
    """INPUT_SCHEMA_INVALID: a valid JSON Schema whose type is object (the task context)."""
    schema = template.input_schema
    if schema is None:
        return []
    error = schema_error(schema)
    if error is None:
        declared = schema.get("type")
        types = declared if isinstance(declared, list) else [declared]
        if "object" not in types:
            error = (
                "input_schema must describe a JSON object (the task context), but its type "
                f"is {declared!r}"
                if declared is not None
                else "input_schema does not declare `type: object`"
            )
        else:
            return []
    else:
        error = f"input_schema is not a valid JSON Schema: {error}"
    return [
        finding_for(
            template,
            codes.INPUT_SCHEMA_INVALID,
            error,
            key="input_schema",
            hint="Start it with `type: object` and describe the context keys under "
            "`properties`; see https://json-schema.org/understanding-json-schema/.",
        )
    ]


def check_result_schemas(template: TaskTemplate) -> list[Finding]:
    """RESULT_SCHEMA_INVALID (warning): the engine never reads it, tooling does."""
    findings = []
    for step in template.steps:
        if step.result_schema is None:
            continue
        error = schema_error(step.result_schema)
        if error is not None:
            findings.append(
                finding_for(
                    template,
                    codes.RESULT_SCHEMA_INVALID,
                    f"result_schema of step '{step.name}' is not a valid JSON Schema: {error}",
                    step=step.name,
                    hint="Fix the schema; code generators and docs rely on it.",
                )
            )
    return findings


def _event_name_problem(name: str) -> str | None:
    if "." not in name:
        return "must have the form namespace.action (at least one '.')"
    if name.startswith(".") or name.endswith("."):
        return "must not start or end with '.'"
    if ".." in name:
        return "must not contain '..'"
    return None


def _event_problems(event: EventDeclaration) -> list[tuple[str, str]]:
    problems = []
    name_problem = _event_name_problem(event.name)
    if name_problem:
        problems.append(
            (
                f"event name '{event.name}' {name_problem}",
                "Name events like 'order.validated' or 'payment.charged'.",
            )
        )
    if not event.description:
        problems.append(
            (
                f"event '{event.name}' has no description; the engine requires one",
                "Add `description:` saying when the event fires.",
            )
        )
    if event.schema_ is None:
        problems.append(
            (
                f"event '{event.name}' has no schema; the engine requires a JSON Schema "
                "for the payload",
                "Add `schema: {type: object, properties: {...}}`.",
            )
        )
    else:
        error = schema_error(event.schema_)
        if error is not None:
            problems.append(
                (
                    f"schema of event '{event.name}' is not a valid JSON Schema: {error}",
                    "Fix the schema; the engine compiles it when loading the template.",
                )
            )
    return problems


#: Conditions under which an event is published after a failed attempt, whose
#: step has no result: the event's payload is then null.
FAILURE_CONDITIONS = frozenset(
    {
        PublicationCondition.FAILURE,
        PublicationCondition.RETRYABLE_FAILURE,
        PublicationCondition.PERMANENT_FAILURE,
        PublicationCondition.ALWAYS,
    }
)


def _rejects_null(schema: Any) -> bool:
    """Whether a valid JSON Schema refuses ``null`` (a broken one is reported elsewhere)."""
    if not isinstance(schema, dict) or schema_error(schema) is not None:
        return False
    validator = validator_for(schema, default=Draft202012Validator)(schema)
    return not validator.is_valid(None)


def check_event_null_payloads(template: TaskTemplate) -> list[Finding]:
    """EVENT_SCHEMA_REJECTS_NULL (warning): a failure-path event the engine would drop.

    After a failed attempt the step has no result, so an event published on
    failure carries a null payload; the engine validates the payload against the
    declared schema and drops the event (a log line, nothing else) when it does
    not match, which ``{type: object}`` does not.
    """
    findings = []
    for step in template.steps:
        for event in step.publishes_events:
            if event.condition in FAILURE_CONDITIONS and _rejects_null(event.schema_):
                findings.append(
                    finding_for(
                        template,
                        codes.EVENT_SCHEMA_REJECTS_NULL,
                        f"event '{event.name}' is published on {event.condition.value}, when "
                        "the failed step has no result and the payload is null, but its "
                        "schema rejects null: the engine drops the event",
                        step=step.name,
                        hint='Accept null in the schema (`type: [object, "null"]`), or '
                        "publish the event on `success` only.",
                    )
                )
    return findings


def check_events(template: TaskTemplate) -> list[Finding]:
    """EVENT_DECLARATION_INVALID for ``publishes_events`` and ``domain_events``."""
    findings: list[Finding] = []
    for step in template.steps:
        for event in step.publishes_events:
            findings.extend(
                finding_for(
                    template, codes.EVENT_DECLARATION_INVALID, message, step=step.name, hint=hint
                )
                for message, hint in _event_problems(event)
            )
        repeated = [n for n, c in Counter(e.name for e in step.publishes_events).items() if c > 1]
        findings.extend(
            finding_for(
                template,
                codes.EVENT_DECLARATION_INVALID,
                f"step '{step.name}' declares event '{name}' more than once",
                step=step.name,
                hint="Keep one declaration per event name; use `condition` to choose when.",
            )
            for name in repeated
        )
    for definition in template.domain_events:
        if definition.schema_ is not None:
            error = schema_error(definition.schema_)
            if error is not None:
                findings.append(
                    finding_for(
                        template,
                        codes.EVENT_DECLARATION_INVALID,
                        f"schema of domain event '{definition.name}' is not a valid JSON "
                        f"Schema: {error}",
                        key="domain_events",
                        hint="Fix the schema under `domain_events`.",
                    )
                )
    return findings


__all__ = [
    "FAILURE_CONDITIONS",
    "MAX_NAMESPACE_LENGTH",
    "check_event_null_payloads",
    "check_events",
    "check_input_schema",
    "check_namespace",
    "check_result_schemas",
    "schema_error",
]
