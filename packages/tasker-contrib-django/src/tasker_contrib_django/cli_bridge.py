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

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
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

        return click.Context(cli, info_name=Path(sys.argv[0]).name or "manage.py")

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
            returned = command.main(
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
        # Without standalone mode click returns the status of ctx.exit(code).
        if isinstance(returned, int) and returned:
            raise CommandError(f"tasker {self.core_name} exited with status {returned}")
        return 0

    def prepare_args(self, args: list[str]) -> list[str]:
        """Hook for subclasses that add Django-only options."""
        return args

    # Called by manage.py: argparse never sees the arguments, click parses them.
    def run_from_argv(self, argv: list[str]) -> None:
        prog_name = argv[1]  # the parent context supplies "manage.py"
        try:
            self.invoke(strip_django_options(argv[2:]), prog_name=prog_name, standalone=True)
        except CommandError as exc:
            self.stderr.write(f"CommandError: {exc}")
            sys.exit(exc.returncode)

    # Called by call_command: every argument goes to click untouched.
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return _PassThroughParser(
            prog=f"{Path(prog_name).name} {subcommand}",
            description=self.help or None,
            add_help=False,
            called_from_command_line=False,
        )

    def execute(self, *args: Any, **options: Any) -> None:
        prog_name = type(self).__module__.rpartition(".")[2]
        self.invoke([str(arg) for arg in args], prog_name=prog_name, standalone=False)

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - execute() runs
        self.execute(*args, **options)


class _PassThroughParser(CommandParser):
    """Hands every argument to click: ``call_command("tasker_install", "--app", "orders")``."""

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        return argparse.Namespace(args=list(args or ()))


def _take_option(args: list[str], name: str) -> tuple[str | None, list[str]]:
    value: str | None = None
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == name:
            if index + 1 >= len(args):
                raise CommandError(f"{name} needs a value (an installed app label, e.g. orders)")
            value = args[index + 1]
            index += 2
            continue
        if arg.startswith(f"{name}="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return value, rest


def project_dir() -> Path:
    from django.conf import settings

    base = getattr(settings, "BASE_DIR", None)
    return Path(base) if base else Path.cwd()


class AppLayoutCommand(CoreCommand):
    """A scaffolding command (install, generate) that understands ``--app LABEL``."""

    _layout: Any = None
    _app_hint: str | None = None
    #: Print the TASKER entries matching the layout after a run with --app.
    print_settings_hint: ClassVar[bool] = True

    def prepare_args(self, args: list[str]) -> list[str]:
        label, rest = _take_option(args, "--app")
        if label is None:
            return rest
        target_given = any(arg == "--target" or arg.startswith("--target=") for arg in rest)
        target = project_dir()
        if not target_given:
            rest = [*rest, "--target", str(target)]
        from django.apps import apps
        from tasker_contrib_core.scaffold import ScaffoldLayout

        try:
            app_config = apps.get_app_config(label)
        except LookupError as exc:
            raise CommandError(
                f"--app {label}: no installed app has that label; add it to INSTALLED_APPS "
                "or create it with manage.py startapp"
            ) from exc
        app_dir = Path(app_config.path).resolve()
        try:
            relative = app_dir.relative_to(target.resolve())
        except ValueError as exc:
            raise CommandError(
                f"--app {label}: the app lives in {app_dir}, outside the project directory "
                f"{target}; pass --target or install into an app of this project"
            ) from exc
        package_root = Path(*relative.parts[: -len(app_config.name.split("."))] or ["."])
        self._layout = ScaffoldLayout(
            handlers_package=f"{app_config.name}.workflows",
            source_root=package_root.as_posix(),
            templates_dir=(relative / "tasks").as_posix(),
            tests_dir=(relative / "tests" / "workflows").as_posix(),
        )
        self._app_hint = (
            "Then in settings.py:\n"
            "    TASKER = {\n"
            f'        "handler_packages": ["{app_config.name}.workflows"],\n'
            f'        "template_paths": [BASE_DIR / "{(relative / "tasks").as_posix()}"],\n'
            "    }"
        )
        return rest

    def parent_context(self, args: list[str]) -> click.Context:
        context = super().parent_context(args)
        if self._layout is not None:
            context.obj = self._layout
        return context

    def invoke(self, args: list[str], *, prog_name: str, standalone: bool) -> int:
        code = super().invoke(args, prog_name=prog_name, standalone=False)
        if self.print_settings_hint and self._app_hint and "--dry-run" not in args:
            self.stdout.write(self._app_hint)
        return code


def worker_parent_context(args: list[str]) -> click.Context:
    """A parent context handing core's ``worker`` command the Django host factory."""
    from tasker_contrib_core.cli import cli
    from tasker_contrib_core.integration import WORKER_HOST_KEY, WorkerHostFactory

    context = click.Context(cli, info_name=Path(sys.argv[0]).name or "manage.py")
    context.meta[WORKER_HOST_KEY] = WorkerHostFactory(conf.build_host)
    return context


__all__ = [
    "AppLayoutCommand",
    "CoreCommand",
    "core_command",
    "project_dir",
    "strip_django_options",
    "worker_parent_context",
]
