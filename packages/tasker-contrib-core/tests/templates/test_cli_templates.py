"""`tasker-contrib validate` and `tasker-contrib graph` through click's runner."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tasker_contrib_core.cli import cli

EXAMPLE_HANDLERS = "tasker_contrib_example.handlers"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in list(os.environ):
        if name.startswith("TASKER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_valid_template_exits_0(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(cli, ["validate", str(fixtures / "valid_minimal.yaml")])
    assert result.exit_code == 0, result.output
    assert "1 template checked: no problems found" in result.output


def test_errors_exit_1_and_show_code_step_and_hint(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(cli, ["validate", str(fixtures / "missing_dep_ref.yaml")])
    assert result.exit_code == 1
    assert "MISSING_DEP_REF" in result.output
    assert "charge_payment" in result.output
    assert "Did you mean 'validate_order'?" in result.output
    assert "1 template checked: 1 error, 1 warning" in result.output


def test_warnings_alone_exit_0_unless_strict(runner: CliRunner, fixtures: Path) -> None:
    path = str(fixtures / "orphan_step.yaml")
    relaxed = runner.invoke(cli, ["validate", path])
    assert relaxed.exit_code == 0
    assert "ORPHAN_STEP" in relaxed.output
    strict = runner.invoke(cli, ["validate", "--strict", path])
    assert strict.exit_code == 1


def test_json_format_parses(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(
        cli, ["validate", "--format", "json", str(fixtures / "cycle_detected.yaml")]
    )
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["valid"] is False
    assert document["templates"] == 1
    assert document["errors"] == 1
    [finding] = document["findings"]
    assert finding["code"] == "CYCLE_DETECTED"
    assert finding["step"] == "a"
    assert "a -> b -> c -> a" in finding["message"]


def test_missing_path_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "does/not/exist"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bad_option_value_is_a_usage_error(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(cli, ["validate", "--format", "xml", str(fixtures)])
    assert result.exit_code == 2


def test_default_path_is_config_tasks(runner: CliRunner, fixtures: Path, tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["validate"])
    assert missing.exit_code == 2
    assert "the template path config/tasks does not exist" in missing.output
    (tmp_path / "config" / "tasks").mkdir(parents=True)
    shutil.copy(fixtures / "valid_minimal.yaml", tmp_path / "config" / "tasks" / "minimal.yaml")
    found = runner.invoke(cli, ["validate"])
    assert found.exit_code == 0, found.output
    assert "1 template checked" in found.output


def test_handlers_option_accepts_repeats_and_commas(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "registered.yaml"
    path.write_text(
        "name: registered\nnamespace_name: fixtures\nversion: '1'\nsteps:\n"
        "  - name: reserve\n    handler: {callable: order_processing.reserve_inventory}\n"
    )
    without = runner.invoke(cli, ["validate", str(path)])
    assert without.exit_code == 1
    assert "UNRESOLVABLE_HANDLER" in without.output
    with_packages = runner.invoke(
        cli, ["validate", str(path), "--handlers", f"json,{EXAMPLE_HANDLERS}"]
    )
    assert with_packages.exit_code == 0, with_packages.output
    static = runner.invoke(cli, ["validate", str(path), "--no-check-handlers"])
    assert static.exit_code == 0


def test_graph_mermaid_and_text(runner: CliRunner, fixtures: Path) -> None:
    path = str(fixtures / "valid_minimal.yaml")
    mermaid = runner.invoke(cli, ["graph", path])
    assert mermaid.exit_code == 0
    assert mermaid.output.startswith("flowchart TD\n")
    assert "    first --> second\n" in mermaid.output
    text = runner.invoke(cli, ["graph", path, "--format", "text"])
    assert text.exit_code == 0
    assert text.output == (
        "minimal (namespace fixtures, version 1.0.0)\nfirst [standard]\n└── second [standard]\n"
    )


def test_graph_of_a_broken_template_exits_1(runner: CliRunner, fixtures: Path) -> None:
    result = runner.invoke(cli, ["graph", str(fixtures / "yaml_syntax.yaml")])
    assert result.exit_code == 1
    assert "yaml_syntax.yaml:8:4" in result.output


def test_graph_needs_an_existing_file(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["graph", "nope.yaml"]).exit_code == 2
    assert runner.invoke(cli, ["graph"]).exit_code == 2


def test_defaults_come_from_tasker_settings(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    templates = tmp_path / "workflows"
    templates.mkdir()
    (templates / "registered.yaml").write_text(
        "name: registered\nnamespace_name: fixtures\nversion: '1'\nsteps:\n"
        "  - name: reserve\n    handler: {callable: order_processing.reserve_inventory}\n"
    )
    monkeypatch.setenv("TASKER_TEMPLATE_PATH", str(templates))
    unresolved = runner.invoke(cli, ["validate"])
    assert unresolved.exit_code == 1
    assert "UNRESOLVABLE_HANDLER" in unresolved.output
    monkeypatch.setenv("TASKER_HANDLER_PACKAGES", EXAMPLE_HANDLERS)
    resolved = runner.invoke(cli, ["validate"])
    assert resolved.exit_code == 0, resolved.output
