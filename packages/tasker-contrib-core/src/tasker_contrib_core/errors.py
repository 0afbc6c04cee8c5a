"""One exception hierarchy for every tasker-contrib package.

Every message says what was wrong, where (file, key, step) and what to do, so a
user never has to read our source to fix their input.
"""

from __future__ import annotations


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
    """A step's handler callable does not resolve the way the worker resolves it."""


class EngineRunError(TaskerContribError):
    """The local engine could not run a task (as opposed to a step failing)."""


class RuntimeStartError(TaskerContribError):
    """A runtime failed to start; the message says why and how to fix it."""


class RuntimeForkedError(RuntimeStartError):
    """The runtime was started in a parent process and this process is a fork of it."""


class GenerationError(TaskerContribError):
    """A scaffolding generator refused its input (bad name, path outside the project)."""
