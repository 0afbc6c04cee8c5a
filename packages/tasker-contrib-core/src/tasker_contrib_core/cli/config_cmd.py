"""``tasker-contrib config``: show, explain, validate and render the engine config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from tasker_contrib_core.cli.settings_option import fail, load_settings, settings_options
from tasker_contrib_core.errors import ConfigError

if TYPE_CHECKING:
    from tasker_contrib_core.config import ConfigReport


@click.group()
def config() -> None:
    """Show, explain, validate and render the engine configuration."""


@config.command()
@settings_options
@click.option("--explain", is_flag=True, help="Show which layer set each value.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["toml", "json"]),
    default="toml",
    help="Output format (secrets are always masked).",
)
def show(
    environment: str | None, config_dir: Path | None, explain: bool, output_format: str
) -> None:
    """Print the merged engine configuration, secrets masked."""
    from tasker_contrib_core.config import mask_table
    from tasker_contrib_core.config.toml_io import dump_toml

    settings = load_settings(environment, config_dir)
    console = Console(soft_wrap=True)
    if explain:
        rows = settings.explain()
        if output_format == "json":
            click.echo(json.dumps([row.__dict__ for row in rows], indent=2, default=str))
            return
        table = Table(title=f"Tasker engine configuration ({settings.environment})")
        for column in ("key", "value", "layer", "source"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(row.path, json.dumps(row.value), row.layer, row.source)
        console.print(table)
        _print_report(settings.check())
        return
    report = settings.check()
    if report.errors:
        _exit_invalid(report.errors)
    effective = settings.effective_config()
    masked = mask_table(effective.table)
    if output_format == "json":
        click.echo(json.dumps(masked, indent=2))
        return
    header = (
        f"environment: {settings.environment}; runtime: {settings.resolved_runtime()}; "
        f"config dir: {settings.config_dir}"
    )
    console.print(Syntax(dump_toml(masked, header), "toml", theme="ansi_dark", word_wrap=True))


@config.command(name="validate")
@settings_options
def validate_config(environment: str | None, config_dir: Path | None) -> None:
    """Check the configuration; exit 1 with every problem found."""
    settings = load_settings(environment, config_dir)
    report = settings.check()
    _print_report(report)
    if report.errors:
        raise SystemExit(1)
    click.secho(f"Configuration is valid for the '{settings.environment}' environment.", fg="green")


@config.command()
@settings_options
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the merged worker TOML.",
)
def render(environment: str | None, config_dir: Path | None, output: Path) -> None:
    """Write the one merged worker TOML the engine reads (TASKER_CONFIG_PATH)."""
    settings = load_settings(environment, config_dir)
    try:
        path = settings.render(output)
    except ConfigError as exc:
        fail(str(exc))
    click.echo(str(path))


def _print_report(report: ConfigReport) -> None:
    for note in report.warnings:
        click.secho(f"Warning: {note}", fg="yellow", err=True)
    for error in report.errors:
        click.secho(f"Error: {error}", fg="red", err=True)


def _exit_invalid(errors: list[ConfigError]) -> None:
    for error in errors:
        click.secho(f"Error: {error}", fg="red", err=True)
    raise SystemExit(1)
