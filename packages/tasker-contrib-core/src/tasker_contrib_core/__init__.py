"""tasker-contrib-core: make the Tasker workflow engine native in Python apps.

Importing this package never imports ``tasker_core`` (the engine's extension
module): that import prints engine logs and costs time, so it happens only when
a runtime starts or a testing helper needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasker_contrib_core._internal.lazy_exports import lazy_exports
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

if TYPE_CHECKING:
    __version__: str

# ``__version__`` is read on first access: importlib.metadata would triple this import.
__getattr__, __dir__ = lazy_exports(__name__, {}, globals(), distribution="tasker-contrib-core")

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
