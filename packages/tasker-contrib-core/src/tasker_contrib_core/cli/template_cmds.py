"""``tasker-contrib validate`` and ``tasker-contrib graph``.

``validate`` is meant for CI: it reports every problem in every template in one
run, exits 1 only on errors (warnings are advice), and has a JSON mode for
machines. ``graph`` draws one template for docs and reviews. Neither imports
the engine unless handler resolution is checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from tasker_contrib_core.cli.settings_option import provided_settings

#: Where templates live by convention (the worker's fallback template path).
DEFAULT_TEMPLATE_DIR = Path("config") / "tasks"


def _split_packages(values: Sequence[str]) -> tuple[str, ...]:
    """``--handlers a --handlers b,c`` -> ``("a", "b", "c")``."""
    packages = (part.strip() for value in values for part in value.split(","))
    return tuple(dict.fromkeys(package for package in packages if package))


def _settings_defaults() -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """``template_paths`` and ``handler_packages`` from the settings (the framework's, else env).

    Only used to fill in what the command line left out; if the settings cannot
    be built (an unrelated bad variable), fall back to the conventions.
    """
    try:
        from tasker_contrib_core.config import TaskerSettings

        # A mounting framework's settings (``flask tasker validate``) come first.
        settings = provided_settings() or TaskerSettings()
    except Exception:  # any settings problem: the conventions still apply
        return (DEFAULT_TEMPLATE_DIR,), ()
    return tuple(settings.template_paths), tuple(settings.handler_packages)


def _display_path(path: str | None) -> str:
    if path is None:
        return "<template>"
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--handlers",
    "handler_packages",
    multiple=True,
    metavar="PKG",
    help="Package to scan for registered handlers before resolving callables "
    "(repeat or comma-separate; same as the worker's handler_packages).",
)
@click.option(
    "--check-handlers/--no-check-handlers",
    default=True,
    show_default=True,
    help="Resolve each handler.callable the way the worker does (imports your handlers).",
)
@click.option("--env", "environment", metavar="ENV", help="Apply this environment's overrides.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human table or machine-readable JSON.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def validate(
    *,
    paths: tuple[Path, ...],
    handler_packages: tuple[str, ...],
    check_handlers: bool,
    environment: str | None,
    output_format: str,
    strict: bool,
) -> None:
    """Validate task templates in PATHS (files or directories, searched recursively).

    With no PATHS, validates the configured template paths
    (TASKER_TEMPLATE_PATH, default ./config/tasks); without --handlers, scans
    the configured handler packages (TASKER_HANDLER_PACKAGES). Exit status: 0
    when there are no errors (warnings allowed), 1 when any template has an
    error, 2 on a usage error.
    """
    from tasker_contrib_core.templates.findings import has_errors
    from tasker_contrib_core.templates.loader import find_template_files
    from tasker_contrib_core.templates.validator import validate_paths

    packages = _split_packages(handler_packages)
    if not paths or not packages:
        default_paths, default_packages = _settings_defaults()
        packages = packages or default_packages
        if not paths:
            missing = [path for path in default_paths if not path.exists()]
            if missing:
                shown = ", ".join(str(path) for path in missing)
                raise click.UsageError(
                    f"no PATHS given and the template path {shown} does not exist; "
                    "pass the directories or files holding your task templates"
                )
            paths = default_paths
    findings = validate_paths(
        paths,
        handler_packages=packages,
        check_handlers=check_handlers,
        environment=environment,
    )
    template_count = len(find_template_files(paths))
    if output_format == "json":
        from tasker_contrib_core.cli.template_output import findings_as_json

        click.echo(json.dumps(findings_as_json(findings, template_count), indent=2))
    else:
        from tasker_contrib_core.cli.template_output import print_findings

        print_findings(findings, template_count, display_path=_display_path)
    if has_errors(findings) or (strict and findings):
        click.get_current_context().exit(1)


@click.command("graph")
@click.argument("template", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "text"]),
    default="mermaid",
    show_default=True,
    help="Mermaid flowchart (paste into Markdown) or a plain text tree.",
)
@click.option("--env", "environment", metavar="ENV", help="Apply this environment's overrides.")
def graph(template: Path, output_format: str, environment: str | None) -> None:
    """Draw the step graph of the task template in TEMPLATE.

    Mermaid shapes: box = standard, rhombus = decision, hexagon =
    deferred_convergence, double box = batchable, parallelogram = batch_worker;
    dotted arrows leave a decision, thick arrows enter a batch worker.
    """
    from tasker_contrib_core.errors import TemplateError
    from tasker_contrib_core.templates.graph import to_mermaid, to_text_tree
    from tasker_contrib_core.templates.loader import load_template

    try:
        loaded = load_template(template, environment=environment)
    except TemplateError as exc:
        raise click.ClickException(str(exc)) from None
    render = to_mermaid if output_format == "mermaid" else to_text_tree
    click.echo(render(loaded), nl=False)


__all__ = ["DEFAULT_TEMPLATE_DIR", "graph", "validate"]
