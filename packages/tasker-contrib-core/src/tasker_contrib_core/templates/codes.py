"""The finding codes reported by ``tasker-contrib validate``, in one place.

Codes are part of the public contract (CI scripts grep for them, docs explain
each one), so they are plain string constants with a fixed default severity
and a one-line summary that ``docs/templates.md`` and tests rely on.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning"]

YAML_SYNTAX = "YAML_SYNTAX"
TEMPLATE_INVALID = "TEMPLATE_INVALID"
NO_TEMPLATES_FOUND = "NO_TEMPLATES_FOUND"
DUPLICATE_TEMPLATE = "DUPLICATE_TEMPLATE"
NAMESPACE_INVALID = "NAMESPACE_INVALID"
DUPLICATE_STEP_NAME = "DUPLICATE_STEP_NAME"
EMPTY_CALLABLE = "EMPTY_CALLABLE"
SELF_DEPENDENCY = "SELF_DEPENDENCY"
MISSING_DEP_REF = "MISSING_DEP_REF"
CYCLE_DETECTED = "CYCLE_DETECTED"
DECISION_WITHOUT_DEPENDENCY = "DECISION_WITHOUT_DEPENDENCY"
DECISION_WITHOUT_BRANCHES = "DECISION_WITHOUT_BRANCHES"
CONVERGENCE_WITHOUT_BRANCHES = "CONVERGENCE_WITHOUT_BRANCHES"
CONVERGENCE_NOT_DEFERRED = "CONVERGENCE_NOT_DEFERRED"
BATCH_CONFIG_INCOMPLETE = "BATCH_CONFIG_INCOMPLETE"
UNRESOLVABLE_HANDLER = "UNRESOLVABLE_HANDLER"
HANDLER_DISPATCH_IGNORED = "HANDLER_DISPATCH_IGNORED"
INPUT_SCHEMA_INVALID = "INPUT_SCHEMA_INVALID"
RESULT_SCHEMA_INVALID = "RESULT_SCHEMA_INVALID"
EVENT_DECLARATION_INVALID = "EVENT_DECLARATION_INVALID"
EVENT_SCHEMA_REJECTS_NULL = "EVENT_SCHEMA_REJECTS_NULL"
ENV_OVERRIDE_UNKNOWN_STEP = "ENV_OVERRIDE_UNKNOWN_STEP"
VALUE_OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"
ORPHAN_STEP = "ORPHAN_STEP"

#: code -> (default severity, what it means). Some checks under one code report
#: a milder case as a warning; the severity here is the usual one.
CODES: dict[str, tuple[Severity, str]] = {
    YAML_SYNTAX: ("error", "The file is not valid YAML (or repeats a key)."),
    TEMPLATE_INVALID: ("error", "A field is missing or has the wrong type."),
    NO_TEMPLATES_FOUND: ("error", "A directory given to validate holds no *.yml/*.yaml file."),
    DUPLICATE_TEMPLATE: ("error", "Two files define the same namespace/name:version."),
    NAMESPACE_INVALID: ("error", "namespace_name is not 1-29 chars of [A-Za-z0-9_]."),
    DUPLICATE_STEP_NAME: ("error", "Two steps share a name."),
    EMPTY_CALLABLE: ("error", "A step's handler.callable is empty."),
    SELF_DEPENDENCY: ("error", "A step depends on itself."),
    MISSING_DEP_REF: ("error", "A dependency names a step that does not exist."),
    CYCLE_DETECTED: ("error", "Dependencies form a cycle."),
    DECISION_WITHOUT_DEPENDENCY: ("error", "A decision step has no dependency."),
    DECISION_WITHOUT_BRANCHES: ("error", "No step depends on a decision step."),
    CONVERGENCE_WITHOUT_BRANCHES: (
        "error",
        "A deferred_convergence step depends on no decision branch and no batch worker.",
    ),
    CONVERGENCE_NOT_DEFERRED: (
        "error",
        "A step joins dynamically created steps but is not deferred_convergence.",
    ),
    BATCH_CONFIG_INCOMPLETE: ("error", "A batchable/batch_worker pair is not wired up."),
    UNRESOLVABLE_HANDLER: ("error", "handler.callable does not resolve to a handler."),
    HANDLER_DISPATCH_IGNORED: ("warning", "handler.method/resolver are ignored by the worker."),
    INPUT_SCHEMA_INVALID: ("error", "input_schema is not a JSON Schema of type object."),
    RESULT_SCHEMA_INVALID: ("warning", "A step's result_schema is not a valid JSON Schema."),
    EVENT_DECLARATION_INVALID: ("error", "A declared domain event is malformed."),
    EVENT_SCHEMA_REJECTS_NULL: (
        "warning",
        "An event published on failure declares a schema that rejects its null payload.",
    ),
    ENV_OVERRIDE_UNKNOWN_STEP: ("warning", "An environment override names no step."),
    VALUE_OUT_OF_RANGE: ("warning", "A retry or batch value is outside its documented range."),
    ORPHAN_STEP: ("warning", "A step is disconnected from every other step."),
}

__all__ = [
    "BATCH_CONFIG_INCOMPLETE",
    "CODES",
    "CONVERGENCE_NOT_DEFERRED",
    "CONVERGENCE_WITHOUT_BRANCHES",
    "CYCLE_DETECTED",
    "DECISION_WITHOUT_BRANCHES",
    "DECISION_WITHOUT_DEPENDENCY",
    "DUPLICATE_STEP_NAME",
    "DUPLICATE_TEMPLATE",
    "EMPTY_CALLABLE",
    "ENV_OVERRIDE_UNKNOWN_STEP",
    "EVENT_DECLARATION_INVALID",
    "EVENT_SCHEMA_REJECTS_NULL",
    "HANDLER_DISPATCH_IGNORED",
    "INPUT_SCHEMA_INVALID",
    "MISSING_DEP_REF",
    "NAMESPACE_INVALID",
    "NO_TEMPLATES_FOUND",
    "ORPHAN_STEP",
    "RESULT_SCHEMA_INVALID",
    "SELF_DEPENDENCY",
    "TEMPLATE_INVALID",
    "UNRESOLVABLE_HANDLER",
    "VALUE_OUT_OF_RANGE",
    "YAML_SYNTAX",
    "Severity",
]
