"""Task templates: the typed model, loading, validation and graphs.

Importing this package never imports ``tasker_core``; only the handler
resolution check does, when it runs.
"""

from __future__ import annotations

from tasker_contrib_core.templates.codes import CODES, Severity
from tasker_contrib_core.templates.findings import Finding, has_errors
from tasker_contrib_core.templates.graph import to_mermaid, to_text_tree
from tasker_contrib_core.templates.loader import (
    find_template_files,
    load_template,
    load_templates,
    parse_template,
)
from tasker_contrib_core.templates.model import (
    BackoffStrategy,
    BatchConfig,
    DeliveryMode,
    DomainEventDefinition,
    EnvironmentOverride,
    EventDeclaration,
    FailureStrategy,
    HandlerOverride,
    HandlerSpec,
    PublicationCondition,
    RetryPolicy,
    StepDefinition,
    StepOverride,
    StepType,
    SystemDependencies,
    TaskTemplate,
    TemplateMetadata,
)
from tasker_contrib_core.templates.overrides import apply_environment
from tasker_contrib_core.templates.validator import validate_paths, validate_template

__all__ = [
    "CODES",
    "BackoffStrategy",
    "BatchConfig",
    "DeliveryMode",
    "DomainEventDefinition",
    "EnvironmentOverride",
    "EventDeclaration",
    "FailureStrategy",
    "Finding",
    "HandlerOverride",
    "HandlerSpec",
    "PublicationCondition",
    "RetryPolicy",
    "Severity",
    "StepDefinition",
    "StepOverride",
    "StepType",
    "SystemDependencies",
    "TaskTemplate",
    "TemplateMetadata",
    "apply_environment",
    "find_template_files",
    "has_errors",
    "load_template",
    "load_templates",
    "parse_template",
    "to_mermaid",
    "to_text_tree",
    "validate_paths",
    "validate_template",
]
