"""`tasker-contrib config ...` through click's runner: output and exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tasker_contrib_core.cli import cli

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in list(__import__("os").environ):
        if name.startswith("TASKER_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_show_prints_masked_toml(runner: CliRunner) -> None:
    result = runner.invoke(
        cli,
        ["config", "show", "--format", "json"],
        env={"DATABASE_URL": "postgresql://app:s3cret@db/tasker"},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["common"]["database"]["url"] == "postgresql://app:***@db/tasker"
    assert "s3cret" not in result.output


def test_show_toml_on_builtin_defaults(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["config", "show", "--env", "test"])
    assert result.exit_code == 0, result.output
    assert "environment: test" in result.output
    assert "[worker.web]" in result.output


def test_show_explain_lists_layers(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["config", "show", "--explain", "--format", "json"], env={"TASKER_ENV": "test"}
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["layer"] for row in rows} == {"built-in default"}
    assert any(row["path"] == "common.database.pool.max_connections" for row in rows)


def test_validate_ok_and_invalid(runner: CliRunner) -> None:
    ok = runner.invoke(cli, ["config", "validate"])
    assert ok.exit_code == 0, ok.output
    assert "Configuration is valid" in ok.output
    bad = runner.invoke(cli, ["config", "validate"], env={"DATABASE_URL": "postgresql://app@db/x"})
    assert bad.exit_code == 1
    assert "no password" in bad.output


def test_invalid_settings_exit_1(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["config", "show"], env={"TASKER_ENV": "staging"})
    assert result.exit_code == 1
    assert "TASKER_ENV" in result.output


def test_render_writes_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "merged.toml"
    result = runner.invoke(
        cli, ["config", "render", "--output", str(target), "--env", "production"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(target)
    assert "worker" in tomllib.loads(target.read_text())


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["config", "render"]).exit_code == 2
    assert runner.invoke(cli, ["config", "show", "--env", "staging"]).exit_code == 2
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "tasker-contrib, version" in result.output
