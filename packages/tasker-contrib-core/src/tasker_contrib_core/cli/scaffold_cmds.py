"""``tasker-contrib install`` and ``tasker-contrib generate ...``.

Thin click wrappers around :mod:`tasker_contrib_core.scaffold`: they gather
the layout (framework package > ``pyproject.toml`` > defaults, then the
command-line flags), call the generator, and print one line per file. A
framework package that mounts these commands chooses its own layout by
putting a :class:`~tasker_contrib_core.scaffold.ScaffoldLayout` in
``ctx.meta[LAYOUT_KEY]`` or in ``ctx.obj``. Refused input exits with status 1
and a message saying what to change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from tasker_contrib_core.cli.context_keys import LAYOUT_KEY
from tasker_contrib_core.cli.settings_option import fail
from tasker_contrib_core.errors import TaskerContribError
from tasker_contrib_core.scaffold.layout import ScaffoldLayout, project_layout
from tasker_contrib_core.scaffold.plan import FileAction, ScaffoldResult
from tasker_contrib_core.scaffold.spec import (
    HANDLER_STYLES,
    HANDLER_TYPES,
    HandlerStyle,
    HandlerType,
)

F = TypeVar("F", bound=Callable[..., Any])


_LAYOUT_OPTIONS = (
    ("--handlers-package", "handlers_package", "PKG", "Dotted package for step handler modules."),
    ("--subscribers-package", "subscribers_package", "PKG", "Dotted package for event sinks."),
    ("--source-root", "source_root", "DIR", "Directory holding the top-level package."),
    ("--templates-dir", "templates_dir", "DIR", "Directory of task template YAML files."),
    ("--tests-dir", "tests_dir", "DIR", "Directory for generated tests."),
    ("--config-dir", "config_dir", "DIR", "Directory of the engine TOML files."),
)
_LABELS = {
    "create": ("create", "green"),
    "overwrite": ("overwrite", "yellow"),
    "update": ("update", "cyan"),
    "skip": ("skip", None),
    "exists": ("skip", None),
    "unchanged": ("same", None),
}


def common_options(function: F) -> F:
    """``--target``, the layout options, ``--force`` and ``--dry-run``."""
    function = click.option(
        "--dry-run", is_flag=True, help="Print what would be written; write nothing."
    )(function)
    function = click.option(
        "--force", is_flag=True, help="Overwrite generated files (and template steps) that exist."
    )(function)
    for flag, dest, metavar, text in reversed(_LAYOUT_OPTIONS):
        function = click.option(flag, dest, metavar=metavar, default=None, help=text)(function)
    return click.option(
        "--target",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(),
        show_default=True,
        help="Project directory; nothing is written outside it.",
    )(function)


def resolve_layout(target: Path, flags: dict[str, str | None]) -> ScaffoldLayout:
    """The framework's layout if one was provided, else pyproject.toml's, then the flags."""
    context = click.get_current_context(silent=True)
    provided: ScaffoldLayout | None = None
    if context is not None:
        meta = context.meta.get(LAYOUT_KEY)
        provided = meta if isinstance(meta, ScaffoldLayout) else context.find_object(ScaffoldLayout)
    base = provided if provided is not None else project_layout(target)
    return base.updated(**flags)


def _layout_flags(options: dict[str, Any]) -> dict[str, str | None]:
    return {dest: options.pop(dest) for _, dest, _, _ in _LAYOUT_OPTIONS}


def _line(action: FileAction) -> str:
    label, color = _LABELS[action.action]
    detail = f"  ({action.detail})" if action.detail else ""
    styled = click.style(f"{label:<9}", fg=color) if color else click.style(f"{label:<9}", dim=True)
    return f"  {styled} {action.path}{detail}"


def echo_result(result: ScaffoldResult, title: str, *, show_existing: bool = False) -> None:
    """One line per file, a summary, then the generator's hints.

    Package files that already existed are listed only when ``show_existing``
    (``install``, whose whole job is those files); generators leave them out.
    """
    heading = f"{title} in {result.target}" + (" (dry run)" if result.dry_run else "")
    click.echo(heading)
    shown = [a for a in result.actions if show_existing or a.action != "exists"]
    counts: dict[str, int] = {}
    for action in shown:
        click.echo(_line(action))
        kind = "skip" if action.action == "exists" else action.action
        counts[kind] = counts.get(kind, 0) + 1
    verbs = (
        ("create", "created", "to create"),
        ("overwrite", "overwritten", "to overwrite"),
        ("update", "updated", "to update"),
        ("skip", "skipped", "to skip"),
        ("unchanged", "unchanged", "unchanged"),
    )
    column = 2 if result.dry_run else 1
    summary = ", ".join(
        f"{counts[entry[0]]} {entry[column]}" for entry in verbs if counts.get(entry[0])
    )
    summary = summary or "nothing to do"
    if result.dry_run:
        click.echo(f"{summary} (dry run: nothing was written).")
    else:
        click.echo(f"{summary}.")
    for note in result.notes:
        click.echo(note)


def _run(
    title: str,
    generator: Callable[..., ScaffoldResult],
    options: dict[str, Any],
    *arguments: Any,
    show_existing: bool = False,
    **values: Any,
) -> None:
    """Call ``generator`` with the command's values and its target, layout, force
    and dry-run options, then print the result (refused input exits with 1)."""
    target: Path = options.pop("target")
    flags = _layout_flags(options)
    try:
        result = generator(
            *arguments,
            target=target,
            layout=resolve_layout(target, flags),
            force=options.pop("force"),
            dry_run=options.pop("dry_run"),
            **values,
        )
    except TaskerContribError as exc:
        fail(str(exc))
    else:
        echo_result(result, title, show_existing=show_existing)


@click.command("install")
@common_options
def install(**options: Any) -> None:
    """Add Tasker to a project: engine config, templates dir, packages, tests.

    Writes config/tasker/base/{common,worker}.toml and
    config/tasker/environments/{test,development,production}/ (complete,
    commented, headless), config/tasks/, the handlers and subscribers
    packages and a setup test. Existing files are skipped and listed;
    --force overwrites them (package __init__.py files and conftest.py are
    never overwritten).
    """
    from tasker_contrib_core.scaffold.install import install as run_install

    _run("Installing Tasker", run_install, options, show_existing=True)


@click.group("generate")
def generate() -> None:
    """Generate step handlers, task templates and event subscribers."""


@generate.command("step-handler")
@click.argument("name")
@click.option(
    "--type",
    "handler_type",
    type=click.Choice(HANDLER_TYPES),
    default="base",
    show_default=True,
    help="base: StepHandler; api: HTTP calls; decision: picks branches; "
    "batchable: splits work into batch workers.",
)
@click.option(
    "--style",
    type=click.Choice(HANDLER_STYLES),
    default="class",
    show_default=True,
    help="A handler class, or a function with tasker_core's decorators.",
)
@click.option(
    "--namespace", metavar="NS", help="Prefix of the handler name (default: the template's)."
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also add the step to this task template YAML (comments and formatting kept).",
)
@click.option(
    "--depends-on",
    multiple=True,
    metavar="STEP[,STEP]",
    help="Steps of --template the new step depends on.",
)
@click.option(
    "--branches",
    multiple=True,
    metavar="STEP[,STEP]",
    help="Decision only: the branch steps it may create (default: NAME_yes,NAME_no).",
)
@click.option("--base-url", metavar="URL", help="API only: the API's base URL.")
@click.option(
    "--convergence/--no-convergence",
    default=None,
    help="Force or forbid type deferred_convergence (default: decided from --depends-on).",
)
@click.option("--skip-test", is_flag=True, help="Do not write the test module.")
@common_options
def step_handler(
    *,
    name: str,
    handler_type: str,
    style: str,
    namespace: str | None,
    template: Path | None,
    depends_on: tuple[str, ...],
    branches: tuple[str, ...],
    base_url: str | None,
    convergence: bool | None,
    skip_test: bool,
    **options: Any,
) -> None:
    """Generate step handler NAME (any casing) and its pytest test."""
    from tasker_contrib_core.scaffold.step_handler import generate_step_handler

    _run(
        f"Generating step handler {name}",
        generate_step_handler,
        options,
        name,
        handler_type=cast(HandlerType, handler_type),
        style=cast(HandlerStyle, style),
        namespace=namespace,
        template=template,
        depends_on=depends_on,
        branches=branches,
        base_url=base_url,
        convergence=convergence,
        skip_test=skip_test,
    )


@generate.command("task-template")
@click.argument("name")
@click.option("--namespace", metavar="NS", required=True, help="The template's namespace_name.")
@click.option(
    "--steps",
    multiple=True,
    metavar="A[,B,C]",
    help="Steps to chain, in order (default: one step named NAME).",
)
@click.option(
    "--style",
    type=click.Choice(HANDLER_STYLES),
    default="class",
    show_default=True,
    help="Style of the handlers generated for steps that have none yet.",
)
@click.option("--description", help="One line describing the workflow.")
@click.option(
    "--template-version", default="1.0.0", show_default=True, help="The template's version."
)
@click.option("--skip-test", is_flag=True, help="Do not write test modules.")
@common_options
def task_template(
    *,
    name: str,
    namespace: str,
    steps: tuple[str, ...],
    style: str,
    description: str | None,
    template_version: str,
    skip_test: bool,
    **options: Any,
) -> None:
    """Generate task template NAME that validates and runs as generated."""
    from tasker_contrib_core.scaffold.task_template import generate_task_template

    _run(
        f"Generating task template {name}",
        generate_task_template,
        options,
        name,
        namespace=namespace,
        steps=steps,
        style=cast(HandlerStyle, style),
        description=description,
        version=template_version,
        skip_test=skip_test,
    )


@generate.command("subscriber")
@click.argument("name")
@click.option(
    "--events",
    multiple=True,
    required=True,
    metavar="PATTERN[,PATTERN]",
    help='fnmatch patterns over event names, e.g. "payment.*" or "step.execution.*".',
)
@click.option("--skip-test", is_flag=True, help="Do not write the test module.")
@common_options
def subscriber(
    *,
    name: str,
    events: tuple[str, ...],
    skip_test: bool,
    **options: Any,
) -> None:
    """Generate event sink NAME (a class with patterns and publish(event)) and its test."""
    from tasker_contrib_core.scaffold.subscriber import generate_subscriber

    _run(
        f"Generating subscriber {name}",
        generate_subscriber,
        options,
        name,
        events=events,
        skip_test=skip_test,
    )


__all__ = [
    "LAYOUT_KEY",
    "common_options",
    "echo_result",
    "generate",
    "install",
    "resolve_layout",
    "step_handler",
    "subscriber",
    "task_template",
]
