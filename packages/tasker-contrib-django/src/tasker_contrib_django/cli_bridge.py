"""Core's ``tasker-contrib`` commands as Django management commands.

Each ``manage.py tasker_<name>`` runs core's click command ``<name>`` with
the settings from ``settings.TASKER`` (``--env`` / ``--config-dir`` and the
command's own flags still win), so the options, output and exit codes are
those of ``tasker-contrib <name>`` (``manage.py tasker_validate --help``).
Arguments are passed through untouched, except Django's ``--settings`` /
``--pythonpath``, which ``manage.py`` has already applied.

``call_command("tasker_validate", "config/tasks")`` works too: pass the
arguments as strings, the way you would type them; a non-zero exit becomes
``CommandError``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, ClassVar

import click
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasker_contrib_django import conf

_DJANGO_GLOBAL_OPTIONS = ("--settings", "--pythonpath")


def strip_django_options(args: Sequence[str]) -> list[str]:
    """``args`` without ``--settings X`` / ``--settings=X`` / ``--pythonpath``."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in _DJANGO_GLOBAL_OPTIONS:
            skip = True
            continue
        if any(arg.startswith(f"{option}=") for option in _DJANGO_GLOBAL_OPTIONS):
            continue
        kept.append(arg)
    return kept


def core_command(name: str) -> click.Command:
    """Core's click command ``name`` (through the public ``tasker_contrib_core.cli``)."""
    from tasker_contrib_core.cli import cli

    with click.Context(cli) as context:
        command = cli.get_command(context, name)
    if command is None:  # pragma: no cover - names are fixed below
        raise LookupError(f"tasker-contrib has no command {name!r}")
    return command


class CoreCommand(BaseCommand):
    """A management command running one of core's click commands."""

    #: Core's command name (``validate``, ``graph``, ``worker``...).
    core_name: ClassVar[str]
    requires_system_checks: ClassVar[Any] = []
    #: Whether Django's colour / verbosity options mean anything here: no.
    suppressed_base_arguments: ClassVar[set[str]] = set()

    def parent_context(self, args: list[str]) -> click.Context:
        """The context above core's command: where a framework puts what it provides."""
        from tasker_contrib_core.cli import cli

        return click.Context(cli, info_name=os.path.basename(sys.argv[0]) or "manage.py")

    def settings_object(self) -> Any:
        try:
            return conf.tasker_settings()
        except (TypeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def invoke(self, args: list[str], *, prog_name: str, standalone: bool) -> int:
        args = self.prepare_args(args)
        command = core_command(self.core_name)
        parent = self.parent_context(args)
        try:
            command.main(
                args=args,
                prog_name=prog_name,
                standalone_mode=standalone,
                obj=self.settings_object(),
                parent=parent,
            )
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if standalone:
                raise
            if code:
                raise CommandError(f"tasker {self.core_name} exited with status {code}") from exc
            return 0
        except click.ClickException as exc:  # standalone=False only
            raise CommandError(exc.format_message()) from exc
        return 0

    def prepare_args(self, args: list[str]) -> list[str]:
        """Hook for subclasses that add Django-only options."""
        return args

    # Called by manage.py: argparse never sees the arguments, click parses them.
    def run_from_argv(self, argv: list[str]) -> None:
        prog_name = f"{os.path.basename(argv[0])} {argv[1]}"
        try:
            self.invoke(strip_django_options(argv[2:]), prog_name=prog_name, standalone=True)
        except CommandError as exc:
            self.stderr.write(f"CommandError: {exc}")
            sys.exit(exc.returncode)

    # Called by call_command: everything positional goes to click.
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = CommandParser(
            prog=f"{os.path.basename(prog_name)} {subcommand}",
            description=self.help or None,
            add_help=False,
            called_from_command_line=False,
        )
        parser.add_argument("args", nargs="*")
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        self.invoke([str(arg) for arg in args], prog_name=f"manage.py tasker_{self.core_name}",
                    standalone=False)


def worker_parent_context(args: list[str]) -> click.Context:
    """A parent context handing core's ``worker`` command the Django host factory."""
    from tasker_contrib_core.cli import cli
    from tasker_contrib_core.integration import WORKER_HOST_KEY, WorkerHostFactory

    context = click.Context(cli, info_name=os.path.basename(sys.argv[0]) or "manage.py")
    context.meta[WORKER_HOST_KEY] = WorkerHostFactory(conf.build_host)
    return context


__all__ = ["CoreCommand", "core_command", "strip_django_options", "worker_parent_context"]
