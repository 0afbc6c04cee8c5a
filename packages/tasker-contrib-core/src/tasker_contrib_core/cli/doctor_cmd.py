"""``tasker-contrib doctor``: will the Tasker worker run here, and if not, why?

Runs every diagnostic in :mod:`tasker_contrib_core.runtime.diagnostics` and
prints a table with a fix next to each problem. Exit 1 when any check fails
(warnings do not fail), so it can gate a container's start or a CI job.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tasker_contrib_core.cli.settings_option import handlers_option, load_settings, settings_options

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


@click.command("doctor")
@settings_options
@handlers_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def doctor(
    environment: str | None,
    config_dir: Path | None,
    handler_packages: tuple[str, ...],
    as_json: bool,
) -> None:
    """Check this environment for everything the Tasker worker needs."""
    from tasker_contrib_core.cli.worker_cmd import importable_from_cwd
    from tasker_contrib_core.runtime.diagnostics import run_checks

    importable_from_cwd()
    settings = load_settings(environment, config_dir)
    if handler_packages:
        settings = settings.model_copy(
            update={"handler_packages": list(dict.fromkeys(handler_packages))}
        )
    results = run_checks(settings)
    failed = [result for result in results if result.failed]
    if as_json:
        click.echo(
            json.dumps(
                {"ok": not failed, "checks": [result.to_dict() for result in results]}, indent=2
            )
        )
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title="tasker-contrib doctor", show_lines=True)
        table.add_column("check", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("detail", overflow="fold")
        table.add_column("fix", overflow="fold")
        for result in results:
            style = _STYLE[result.status]
            # Text, not markup: details quote paths and YAML that may contain "[".
            table.add_row(
                Text(result.name),
                Text(result.status, style=style),
                Text(result.detail),
                Text(result.fix),
            )
        console = Console(soft_wrap=False)
        console.print(table)
        if failed:
            console.print(f"[bold red]{len(failed)} check(s) failed.[/bold red]")
        else:
            console.print("[green]No blocking problem found.[/green]")
    if failed:
        raise SystemExit(1)


__all__ = ["doctor"]
