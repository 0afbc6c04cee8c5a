"""tasker-contrib-core: make the Tasker workflow engine native in Python apps.

Importing this package never imports ``tasker_core`` (the engine's extension
module): that import prints engine logs and costs time, so it happens only when
a runtime starts or a testing helper needs it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from tasker_contrib_core.errors import (
    ConfigError,
    ConfigErrors,
    DatabaseUnreachableError,
    EngineEnvironmentError,
    EngineRunError,
    GenerationError,
    HandlerFailedError,
    HandlerResolutionError,
    InvalidNameError,
    OrchestrationClientError,
    OrchestrationConfigError,
    OrchestrationHTTPError,
    OrchestrationResponseError,
    OrchestrationUnavailableError,
    RuntimeForkedError,
    RuntimeStartError,
    StepNotFoundError,
    StepRunNotFoundError,
    TaskerContribError,
    TaskNotFoundError,
    TemplateError,
    TemplateFieldError,
    TemplateSyntaxError,
    TomlSyntaxError,
    UnsafePathError,
)

try:
    __version__ = version("tasker-contrib-core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "ConfigError",
    "ConfigErrors",
    "DatabaseUnreachableError",
    "EngineEnvironmentError",
    "EngineRunError",
    "GenerationError",
    "HandlerFailedError",
    "HandlerResolutionError",
    "InvalidNameError",
    "OrchestrationClientError",
    "OrchestrationConfigError",
    "OrchestrationHTTPError",
    "OrchestrationResponseError",
    "OrchestrationUnavailableError",
    "RuntimeForkedError",
    "RuntimeStartError",
    "StepNotFoundError",
    "StepRunNotFoundError",
    "TaskNotFoundError",
    "TaskerContribError",
    "TemplateError",
    "TemplateFieldError",
    "TemplateSyntaxError",
    "TomlSyntaxError",
    "UnsafePathError",
    "__version__",
]
