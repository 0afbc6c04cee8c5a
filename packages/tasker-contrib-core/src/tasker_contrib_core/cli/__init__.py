"""The ``tasker-contrib`` command line.

Commands are importable click objects so framework packages can mount them
(``flask tasker config show``, ``manage.py tasker config show``).
Exit codes: 0 ok, 1 invalid input (config, template, failed run), 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tasker_contrib_core import __version__
from tasker_contrib_core.cli.context_keys import LAYOUT_KEY, WORKER_HOST_KEY
from tasker_contrib_core.cli.lazy_group import LazyGroup, load_command

COMMANDS = {
    "config": "tasker_contrib_core.cli.config_cmd:config",
    "validate": "tasker_contrib_core.cli.template_cmds:validate",
    "graph": "tasker_contrib_core.cli.template_cmds:graph",
    "run": "tasker_contrib_core.cli.run_cmd:run",
    "worker": "tasker_contrib_core.cli.worker_cmd:worker",
    "doctor": "tasker_contrib_core.cli.doctor_cmd:doctor",
    "install": "tasker_contrib_core.cli.scaffold_cmds:install",
    "generate": "tasker_contrib_core.cli.scaffold_cmds:generate",
}


@click.group(
    cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="tasker-contrib")
@click.option(
    "--app-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Directory put first on sys.path, so handler packages of the project import "
    "without installing it (like uvicorn's --app-dir).",
)
def cli(app_dir: Path) -> None:
    """Tasker workflows in your Python app: config, templates, local runs."""
    put_on_sys_path(app_dir)


def put_on_sys_path(directory: Path) -> None:
    """Make the project's own packages importable by handler resolution."""
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def command(name: str) -> click.Command:
    """The click command behind ``tasker-contrib <name>``, for a framework to mount.

    ``flask tasker validate`` and ``manage.py tasker validate`` are these very
    objects; unknown names raise ``KeyError`` listing the known ones.
    """
    spec = COMMANDS.get(name)
    if spec is None:
        raise KeyError(f"no tasker-contrib command {name!r}; known: {', '.join(sorted(COMMANDS))}")
    return load_command(spec)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tasker-contrib")


__all__ = [
    "COMMANDS",
    "LAYOUT_KEY",
    "WORKER_HOST_KEY",
    "cli",
    "command",
    "main",
    "put_on_sys_path",
]
