"""One exception hierarchy for every tasker-contrib package.

Every message says what was wrong, where (file, key, step) and what to do, so a
user never has to read our source to fix their input.
"""

from __future__ import annotations

from typing import Any


class TaskerContribError(Exception):
    """Base class: catch this to handle any error raised by tasker-contrib."""


class ConfigError(TaskerContribError):
    """Configuration is invalid; the engine was not handed it."""

    def __init__(self, message: str, *, key: str | None = None, layer: str | None = None) -> None:
        self.key = key
        self.layer = layer
        where = []
        if key:
            where.append(f"key '{key}'")
        if layer:
            where.append(f"set by {layer}")
        prefix = f"{' '.join(where)}: " if where else ""
        super().__init__(f"{prefix}{message}")


class ConfigErrors(ConfigError):
    """Several configuration problems found in one pass, reported together."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{len(errors)} configuration problem(s):\n{lines}")


class TomlSyntaxError(ConfigError):
    """A TOML file could not be parsed; names the file and line."""

    def __init__(self, path: str, line: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        location = f"{path}:{line}" if line else path
        super().__init__(f"TOML syntax error in {location}: {detail}. Fix the file and retry.")


class TemplateError(TaskerContribError):
    """A task template is invalid (bad YAML, bad field, broken DAG)."""


class HandlerResolutionError(TaskerContribError):
    """A step's handler callable does not resolve the way the worker resolves it.

    ``suggestion`` is the closest existing handler name or class path when the
    callable looks like a misspelling of one, else ``None``.
    """

    suggestion: str | None = None


class EngineRunError(TaskerContribError):
    """The local engine could not run a task (as opposed to a step failing)."""


class RuntimeStartError(TaskerContribError):
    """A runtime failed to start; the message says why and how to fix it."""


class TemplateValidationError(RuntimeStartError):
    """Start-up found task templates with errors (``template_validation = "strict"``).

    ``findings`` holds every error the validator reported, each naming the file,
    the line and the fix.
    """

    def __init__(self, message: str, findings: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.findings = findings


class RuntimeForkedError(RuntimeStartError):
    """The runtime was started in a parent process and this process is a fork of it."""


class GenerationError(TaskerContribError):
    """A scaffolding generator refused its input (bad name, path outside the project)."""


class TemplateSyntaxError(TemplateError):
    """A task template file is not valid YAML; names the file, line and column."""

    def __init__(self, path: str | None, line: int | None, column: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail
        location = path or "<template>"
        if line is not None:
            location = f"{location}:{line}"
            if column is not None:
                location = f"{location}:{column}"
        super().__init__(
            f"YAML syntax error in {location}: {detail}. "
            "Fix the YAML (indentation, quoting, a missing ':') and retry."
        )


class TemplateProblem:
    """One field-level problem in a task template: where it is, what is wrong, what to do.

    Kept as a tiny value class here (rather than in ``templates/``) so the error
    hierarchy stays importable without the template model.
    """

    __slots__ = ("code", "field", "hint", "line", "message", "step")

    def __init__(
        self,
        *,
        code: str,
        message: str,
        field: str | None = None,
        step: str | None = None,
        hint: str = "",
        line: int | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.field = field
        self.step = step
        self.hint = hint
        self.line = line

    def __repr__(self) -> str:
        return (
            f"TemplateProblem(code={self.code!r}, step={self.step!r}, "
            f"field={self.field!r}, message={self.message!r})"
        )

    def __str__(self) -> str:
        line = f"line {self.line}: " if self.line else ""
        where = f"step '{self.step}': " if self.step else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{line}{where}{self.message}{hint}"


class TemplateFieldError(TemplateError):
    """A task template parsed as YAML but its fields have the wrong shape or type.

    Carries every problem found in the file (``problems``) so tools can report
    them all at once instead of one per run.
    """

    def __init__(self, path: str | None, problems: list[TemplateProblem]) -> None:
        self.path = path
        self.problems = problems
        where = path or "<template>"
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in task template {where}:\n{lines}")


class StepNotFoundError(TemplateError, KeyError):
    """A step name was looked up in a template that has no such step."""

    def __init__(self, template: str, step: str, known: list[str]) -> None:
        self.template = template
        self.step = step
        self.known = known
        names = ", ".join(known) or "(none)"
        super().__init__(f"template '{template}' has no step '{step}'; its steps are: {names}")

    def __str__(self) -> str:
        # KeyError quotes its argument; keep the plain sentence instead.
        return str(self.args[0])


class HandlerFailedError(EngineRunError):
    """``fail_fast``: a handler failed with an exception its handler layer already caught.

    Decorator-style handlers turn exceptions into failure results inside
    ``tasker_core``, so the original exception object is gone by the time the
    local engine sees the result; this error carries the captured traceback text
    so a failing test still shows where the handler broke.
    """

    def __init__(self, step: str, error_type: str, message: str, traceback_text: str) -> None:
        self.step = step
        self.error_type = error_type
        self.error_message = message
        self.traceback_text = traceback_text
        super().__init__(
            f"step '{step}' failed ({error_type}): {message}\n"
            f"handler traceback (captured by tasker_core):\n{traceback_text}"
        )


class StepRunNotFoundError(EngineRunError, KeyError):
    """A run result was asked for a step that did not run (never created, or no such step)."""

    def __init__(self, step: str, known: list[str], not_created: list[str]) -> None:
        self.step = step
        self.known = known
        self.not_created = not_created
        if step in not_created:
            detail = (
                f"step '{step}' was never created in this run (a decision or batch outcome "
                "did not select it)"
            )
        else:
            names = ", ".join(known) or "(none)"
            detail = f"no step '{step}' in this run; steps that ran: {names}"
        super().__init__(detail)

    def __str__(self) -> str:
        return str(self.args[0])


class OrchestrationClientError(TaskerContribError):
    """A task client call failed: base of every error the task clients raise."""


class OrchestrationConfigError(OrchestrationClientError, ConfigError):
    """The orchestration client cannot be built from the settings it was given."""


class OrchestrationHTTPError(OrchestrationClientError):
    """The orchestration service answered with an error status.

    ``status_code`` is the HTTP status, ``code`` the server's machine-readable
    code (``NOT_FOUND``, ``BAD_REQUEST``, ...) and ``server_message`` its
    human-readable message, both parsed from the ``{"error": {...}}`` body the
    service sends. ``attempts`` counts the requests made (retries included).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        server_message: str | None = None,
        method: str | None = None,
        url: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.server_message = server_message
        self.method = method
        self.url = url
        self.attempts = attempts
        super().__init__(message)


class TaskNotFoundError(OrchestrationHTTPError, LookupError):
    """No task (or no step of that task) has the given id.

    Raised by every task client, local or remote, so callers can turn it into
    their framework's 404 without knowing which runtime answered.
    """

    def __init__(
        self,
        message: str,
        *,
        task_uuid: str | None = None,
        step_uuid: str | None = None,
        status_code: int = 404,
        code: str | None = "NOT_FOUND",
        server_message: str | None = None,
        method: str | None = None,
        url: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.task_uuid = task_uuid
        self.step_uuid = step_uuid
        super().__init__(
            message,
            status_code=status_code,
            code=code,
            server_message=server_message,
            method=method,
            url=url,
            attempts=attempts,
        )

    def __str__(self) -> str:
        # LookupError would otherwise be shown like a KeyError; keep the sentence.
        return str(self.args[0])


class OrchestrationUnavailableError(OrchestrationClientError):
    """The orchestration service could not be reached (connection refused or
    dropped, or no answer within the timeout), even after the retries allowed."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.method = method
        self.url = url
        self.attempts = attempts
        super().__init__(message)


class OrchestrationResponseError(OrchestrationClientError):
    """The service answered 2xx but the body is not what its API documents."""


class DatabaseUnreachableError(RuntimeStartError):
    """The database preflight failed: the worker runtime was not started.

    Raised before the engine is touched, so the process never freezes on an
    unreachable database. ``url`` is the masked URL, ``seconds`` how long the
    probe took.
    """

    def __init__(self, message: str, *, url: str | None = None, seconds: float | None = None):
        self.url = url
        self.seconds = seconds
        super().__init__(message)


class EngineEnvironmentError(RuntimeStartError):
    """The process environment would make the engine abort; nothing was started.

    Names the variable and where its value came from (the environment or a
    ``.env`` file the engine would load).
    """


class InvalidNameError(GenerationError, ValueError):
    """A name given to a generator cannot become a module, class and step name.

    ``name`` is what was given, ``what`` says which argument it was (``handler
    name``, ``namespace``...), so a command line can point at the right flag.
    """

    def __init__(self, what: str, name: str, reason: str) -> None:
        self.what = what
        self.name = name
        self.reason = reason
        super().__init__(f"{what} {name!r} cannot be used: {reason}")


class UnsafePathError(GenerationError):
    """A generator was about to write outside the project it was pointed at."""

    def __init__(self, path: str, target: str, reason: str) -> None:
        self.path = path
        self.target = target
        super().__init__(
            f"refusing to write {path}: {reason}. Generators only write inside the target "
            f"directory {target}; fix the layout option or the path you passed."
        )


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
    "TemplateProblem",
    "TemplateSyntaxError",
    "TemplateValidationError",
    "TomlSyntaxError",
    "UnsafePathError",
]
