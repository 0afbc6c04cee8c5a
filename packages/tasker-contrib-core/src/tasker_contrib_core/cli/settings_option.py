"""How CLI commands get their ``TaskerSettings``.

A framework package that mounts our commands (``flask tasker ...``) puts its own
settings object in ``ctx.obj``; the standalone CLI builds one from the environment.
Command-line flags win over both, because the user typed them last.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tasker_contrib_core.config.engine_facts import ENVIRONMENTS
from tasker_contrib_core.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def settings_options(function: F) -> F:
    """Add ``--env`` and ``--config-dir`` to a command."""
    function = click.option(
        "--config-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Directory with base/ and environments/ TOML (default: config/tasker).",
    )(function)
    return click.option(
        "--env",
        "environment",
        type=click.Choice(ENVIRONMENTS),
        default=None,
        help="Environment whose TOML applies (default: TASKER_ENV or development).",
    )(function)


#: ``--handlers PKG`` (repeatable): the handler packages a command scans, replacing
#: the settings' ``handler_packages``.
handlers_option = click.option(
    "--handlers",
    "handler_packages",
    multiple=True,
    metavar="PKG",
    help="Package to scan for step handlers (repeatable; replaces handler_packages).",
)


def provided_settings() -> Any:
    """The ``TaskerSettings`` a mounting framework put in ``ctx.obj``, else None."""
    from tasker_contrib_core.config import TaskerSettings

    context = click.get_current_context(silent=True)
    return context.find_object(TaskerSettings) if context is not None else None


def load_settings(environment: str | None, config_dir: Path | None) -> Any:
    """The settings for this command, or a clean exit 1 with the configuration error."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.config.layers import user_toml_layers

    context = click.get_current_context(silent=True)
    provided = context.find_object(TaskerSettings) if context is not None else None
    try:
        if provided is not None:
            updates: dict[str, Any] = {}
            if environment:
                updates["environment"] = environment
            if config_dir:
                updates["config_dir"] = config_dir
            settings = provided.model_copy(update=updates) if updates else provided
        else:
            environ = dict(os.environ)
            if environment:
                environ.pop("TASKER_ENVIRONMENT", None)
                environ["TASKER_ENV"] = environment
            if config_dir:
                environ["TASKER_CONFIG_DIR"] = str(config_dir)
            settings = TaskerSettings(_environ=environ)
        # Every command reads the user's TOML files here first, so an unreadable or
        # malformed file is reported the same way (file and line) by all of them.
        user_toml_layers(settings.config_dir, settings.environment)
        return settings
    except ConfigError as exc:
        fail(str(exc))


def fail(message: str, code: int = 1) -> Any:
    """Print an error in red to stderr and exit with ``code``."""
    click.secho(f"Error: {message}", fg="red", err=True)
    raise SystemExit(code)
