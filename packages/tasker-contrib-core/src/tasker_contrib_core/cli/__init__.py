"""The ``tasker-contrib`` command line.

Commands are importable click objects so framework packages can mount them
(``flask tasker config show``, ``manage.py tasker config show``).
Exit codes: 0 ok, 1 invalid input (config, template, failed run), 2 usage error.
"""

from __future__ import annotations

import click

from tasker_contrib_core import __version__
from tasker_contrib_core.cli.lazy_group import LazyGroup

COMMANDS = {
    "config": "tasker_contrib_core.cli.config_cmd:config",
    "validate": "tasker_contrib_core.cli.template_cmds:validate",
    "graph": "tasker_contrib_core.cli.template_cmds:graph",
    "run": "tasker_contrib_core.cli.run_cmd:run",
}


@click.group(
    cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="tasker-contrib")
def cli() -> None:
    """Tasker workflows in your Python app: config, templates, local runs."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tasker-contrib")


__all__ = ["COMMANDS", "cli", "main"]
