"""A click group whose subcommands are imported only when they are invoked.

``tasker-contrib --help`` must stay fast and must not import the engine, so the
group knows each subcommand by ``"module:attribute"`` and imports it on demand.
Framework packages reuse the same command objects (``flask tasker ...``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """A group that resolves ``name -> "module:attr"`` entries on first use."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            return load_command(self.lazy_commands[cmd_name])
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List subcommands with their short help without importing their modules."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands:
                rows.append((name, LAZY_HELP.get(name, "")))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def load_command(spec: str) -> click.Command:
    """Import ``"package.module:attribute"`` and check it is a click command."""
    module_name, _, attribute = spec.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):  # pragma: no cover - programming error
        raise TypeError(f"{spec} is not a click command")
    return command


# Short help for lazily loaded commands, kept here so `--help` imports nothing.
LAZY_HELP: dict[str, str] = {
    "config": "Show, explain, validate and render the engine configuration.",
    "validate": "Validate task templates (DAG, handlers, schemas, events).",
    "graph": "Draw a task template as a Mermaid flowchart or a text tree.",
    "run": "Run a task template end to end on the embedded local engine.",
    "worker": "Run a dedicated worker process (owns SIGTERM/SIGINT).",
    "doctor": "Check this environment for what the Tasker worker needs.",
    "install": "Add Tasker to a project: engine config, templates dir, packages, tests.",
    "generate": "Generate step handlers, task templates and event subscribers.",
}
