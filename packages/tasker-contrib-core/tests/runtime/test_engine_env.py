"""What the worker runtime hands the engine: config, templates, environment, .env checks.

These run in-process: planning never imports or starts the engine.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.errors import EngineEnvironmentError, RuntimeStartError
from tasker_contrib_core.runtime.dotenv_files import find_dotenv_files, parse_dotenv
from tasker_contrib_core.runtime.engine_env import (
    QUIET_RUST_LOG,
    apply_engine_environment,
    plan_engine_environment,
)
from tasker_contrib_core.runtime.template_staging import stage_templates

URL = "postgresql://tasker:pw@127.0.0.1:5432/app"


def settings(tmp_path: Path, **values: Any) -> TaskerSettings:
    base: dict[str, Any] = {
        "environment": "test",
        "common": {"database": {"url": URL}},
        "template_paths": [tmp_path / "none"],
        "config_dir": tmp_path / "no-config",
    }
    base.update(values)
    return TaskerSettings(_environ={}, **base)


def plan(tmp_path: Path, environ: dict[str, str], **values: Any) -> Any:
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plan_engine_environment(settings(tmp_path, **values), environ=environ, cwd=workdir)


def test_plan_sets_what_the_engine_reads(tmp_path: Path) -> None:
    result = plan(tmp_path, {})
    assert result.set_env["TASKER_CONFIG_PATH"] == str(result.config_path)
    assert result.config_path.is_file()
    assert Path(result.set_env["TASKER_TEMPLATE_PATH"]).is_dir()  # never a missing dir
    assert result.set_env["TASKER_ENV"] == "test"
    assert result.set_env["RUST_LOG"] == QUIET_RUST_LOG
    assert result.database_url == URL


def test_a_users_rust_log_wins(tmp_path: Path) -> None:
    assert "RUST_LOG" not in plan(tmp_path, {"RUST_LOG": "debug"}).set_env


def test_apply_writes_the_environment_and_warns_the_notes(tmp_path: Path) -> None:
    result = plan(tmp_path, {"DATABASE_URL": "postgres://a:b@h/d"})
    environ: dict[str, str] = {"DATABASE_URL": "postgres://a:b@h/d"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apply_engine_environment(result, environ)
    assert any("postgres://" in str(w.message) for w in caught)
    assert environ["DATABASE_URL"] == "postgresql://a:b@h/d"
    assert environ["TASKER_CONFIG_PATH"] == str(result.config_path)


def test_placeholder_fed_a_postgres_url_is_normalised(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "base").mkdir(parents=True)
    (config / "base" / "common.toml").write_text(
        '[common.database]\nurl = "${DATABASE_URL:-postgresql://x:y@h:1/d}"\n'
    )
    result = plan(
        tmp_path,
        {"DATABASE_URL": "postgres://u:p@db:5432/app"},
        config_dir=config,
        common={},
    )
    assert result.set_env["DATABASE_URL"] == "postgresql://u:p@db:5432/app"
    assert result.database_url == "postgresql://u:p@db:5432/app"  # what the preflight probes
    assert "${DATABASE_URL" in result.config_path.read_text()


def test_placeholder_with_a_value_the_engine_rejects_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "base").mkdir(parents=True)
    (config / "base" / "worker.toml").write_text(
        '[worker.web]\nbind_address = "${TASKER_WEB_BIND_ADDRESS:-127.0.0.1:8081}"\n'
    )
    with pytest.raises(EngineEnvironmentError, match="TASKER_WEB_BIND_ADDRESS") as info:
        plan(tmp_path, {"TASKER_WEB_BIND_ADDRESS": "not an address"}, config_dir=config)
    assert "abort" in str(info.value)


def test_unset_placeholder_without_default_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "base").mkdir(parents=True)
    (config / "base" / "worker.toml").write_text(
        '[worker.web]\nbind_address = "${TASKER_WEB_BIND_ADDRESS}"\n'
    )
    # The settings were validated against a mapping holding the variable...
    values = TaskerSettings(
        _environ={"TASKER_WEB_BIND_ADDRESS": "127.0.0.1:8081"},
        environment="test",
        config_dir=config,
        common={"database": {"url": URL}},
        template_paths=[tmp_path / "none"],
    )
    # ...but this process does not have it: the engine would get the text verbatim.
    with pytest.raises(EngineEnvironmentError, match="not set in this process"):
        plan_engine_environment(values, environ={}, cwd=tmp_path)


def test_dotenv_values_are_checked_like_environment_values(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "base").mkdir(parents=True)
    (config / "base" / "common.toml").write_text(
        '[common.database]\nurl = "${DATABASE_URL:-postgresql://x:y@h:1/d}"\n'
    )
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgres://dot:env@db/app\nTASKER_ENV=production\n"
    )
    workdir = tmp_path / "sub"
    workdir.mkdir()
    result = plan_engine_environment(
        settings(tmp_path, config_dir=config, common={}), environ={}, cwd=workdir
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        apply_engine_environment(result, {})
    notes = " ".join(str(w.message) for w in caught)
    assert str(tmp_path / ".env") in notes  # found from a child directory
    assert "DATABASE_URL" in notes
    # Set explicitly, so the engine's own .env loading (which never overrides) is moot.
    assert result.set_env["DATABASE_URL"] == "postgresql://dot:env@db/app"
    assert result.set_env["TASKER_ENV"] == "test"
    assert [f.path for f in result.dotenv_files] == [tmp_path / ".env"]


def test_invalid_configuration_is_a_start_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeStartError, match="configuration is invalid"):
        plan(tmp_path, {}, common={"database": {"url": "mysql://nope"}})


def test_one_directory_is_used_as_is(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.yaml").write_text("name: a\nnamespace_name: alpha\nversion: '1'\nsteps: []\n")
    staged = stage_templates([templates], base_dir=tmp_path / "stage")
    assert staged.directory == templates.resolve()
    assert not staged.staged
    assert staged.namespaces() == ("alpha",)


def test_files_and_several_directories_are_staged_into_one(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (first / "a.yaml").write_text("name: a\nnamespace_name: alpha\nversion: '1'\nsteps: []\n")
    (second / "b.yml").write_text("name: b\nnamespace_name: beta\nversion: '1'\nsteps: []\n")
    staged = stage_templates([first, second / "b.yml", tmp_path / "missing"], base_dir=tmp_path)
    assert staged.staged
    assert sorted(p.name for p in staged.directory.iterdir()) == ["000_a.yaml", "001_b.yml"]
    assert staged.missing == (tmp_path / "missing",)
    assert staged.namespaces() == ("alpha", "beta")
    again = stage_templates([first, second / "b.yml"], base_dir=tmp_path)
    assert again.directory == staged.directory  # content-addressed


def test_no_templates_still_gives_the_engine_an_existing_directory(tmp_path: Path) -> None:
    staged = stage_templates([tmp_path / "missing"], base_dir=tmp_path)
    assert staged.directory.is_dir()
    assert list(staged.directory.iterdir()) == []


def test_dotenv_parsing() -> None:
    text = """
    # comment
    export DATABASE_URL="postgres://a:b@h/d"
    TASKER_ENV=production # trailing comment
    EMPTY=
    QUOTED='x # not a comment'
    not a line
    """
    assert parse_dotenv(text) == {
        "DATABASE_URL": "postgres://a:b@h/d",
        "TASKER_ENV": "production",
        "EMPTY": "",
        "QUOTED": "x # not a comment",
    }


def test_only_the_nearest_dotenv_is_loaded(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / ".env").write_text("B=2\n")
    found = find_dotenv_files(inner)
    assert [f.path for f in found[:2]] == [tmp_path / "a" / ".env", tmp_path / ".env"]
    assert found[0].loaded_by_engine
    assert not found[1].loaded_by_engine
