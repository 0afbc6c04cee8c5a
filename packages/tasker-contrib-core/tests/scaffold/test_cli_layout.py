"""The commands as framework packages and projects use them: layouts, help, lazy imports."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.testing import CliRunner
from tasker_contrib_core.cli import cli
from tasker_contrib_core.cli.scaffold_cmds import LAYOUT_KEY, generate, install
from tasker_contrib_core.scaffold import ScaffoldLayout, project_layout
from tasker_contrib_testsupport.subprocesses import run_fresh_python

if TYPE_CHECKING:
    from conftest import Project

DJANGO_STYLE = ScaffoldLayout(
    handlers_package="orders.tasker_handlers",
    subscribers_package="orders.tasker_sinks",
    templates_dir="orders/tasker/templates",
    tests_dir="orders/tests",
)


def framework_group(put_in: str) -> click.Group:
    """A group like ``manage.py tasker`` that mounts our commands with its own layout."""

    @click.group()
    @click.pass_context
    def tasker(ctx: click.Context) -> None:
        if put_in == "meta":
            ctx.meta[LAYOUT_KEY] = DJANGO_STYLE
        else:
            ctx.obj = DJANGO_STYLE

    tasker.add_command(install)
    tasker.add_command(generate)
    return tasker


def test_help_lists_install_and_generate() -> None:
    output = CliRunner().invoke(cli, ["--help"]).output
    assert "install   Add Tasker to a project" in output
    assert "generate  Generate step handlers, task templates and event subscribers." in output
    output = CliRunner().invoke(cli, ["generate", "--help"]).output
    for command in ("step-handler", "subscriber", "task-template"):
        assert command in output


def test_step_handler_help_documents_every_option() -> None:
    output = CliRunner().invoke(cli, ["generate", "step-handler", "--help"]).output
    for option in (
        "--type [base|api|decision|batchable]",
        "--style [class|function]",
        "--namespace",
        "--template",
        "--depends-on",
        "--branches",
        "--base-url",
        "--convergence / --no-convergence",
        "--skip-test",
        "--target",
        "--handlers-package",
        "--subscribers-package",
        "--source-root",
        "--templates-dir",
        "--tests-dir",
        "--config-dir",
        "--force",
        "--dry-run",
    ):
        assert option in output, option


def test_a_framework_layout_in_ctx_meta_places_files_its_way(tmp_path: Path) -> None:
    runner = CliRunner()
    group = framework_group("meta")
    result = runner.invoke(group, ["generate", "step-handler", "charge", "--target", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "orders/tasker_handlers/charge.py").is_file()
    assert (tmp_path / "orders/tests/test_charge.py").is_file()


def test_a_framework_layout_in_ctx_obj_works_and_flags_still_win(tmp_path: Path) -> None:
    group = framework_group("obj")
    result = CliRunner().invoke(group, ["install", "--target", str(tmp_path), "--tests-dir", "qa"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "orders/tasker_handlers/__init__.py").is_file()
    assert (tmp_path / "orders/tasker/templates/.gitkeep").is_file()
    assert (tmp_path / "qa/test_tasker_setup.py").is_file()
    assert not (tmp_path / "orders/tests").exists()


def test_pyproject_pins_the_layout(project: Project) -> None:
    (project.root / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "demo"

            [tool.tasker-contrib.scaffold]
            handlers-package = "demo_app.steps"
            tests_dir = "checks"
            """
        )
    )
    layout = project_layout(project.root)
    assert layout.handlers_package == "demo_app.steps"
    assert layout.tests_dir == "checks"
    result = CliRunner().invoke(
        cli, ["generate", "step-handler", "charge", "--target", str(project.root)]
    )
    assert result.exit_code == 0, result.output
    assert (project.root / "demo_app/steps/charge.py").is_file()
    assert (project.root / "checks/test_charge.py").is_file()


def test_an_unknown_pyproject_key_is_a_clear_error(project: Project) -> None:
    (project.root / "pyproject.toml").write_text(
        "[tool.tasker-contrib.scaffold]\nhandler-package = 'x'\n"
    )
    result = CliRunner().invoke(cli, ["install", "--target", str(project.root)])
    assert result.exit_code == 1
    assert "unknown scaffold layout key 'handler-package'" in result.output
    assert "handlers-package" in result.output


def test_scaffolding_never_imports_the_engine(project: Project) -> None:
    code = f"""
        import sys
        from tasker_contrib_core.cli import cli
        import tasker_contrib_core.scaffold
        for args in (["install"], ["generate", "task-template", "flow", "--namespace", "ns"],
                     ["generate", "step-handler", "pay", "--type", "api"],
                     ["generate", "subscriber", "audit", "--events", "*"]):
            try:
                cli([*args, "--target", {str(project.root)!r}], prog_name="tasker-contrib")
            except SystemExit as exc:
                assert not exc.code, exc.code
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
    """
    result = run_fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("CLEAN")
