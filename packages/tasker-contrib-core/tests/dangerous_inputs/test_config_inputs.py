"""Dangerous configuration inputs: placeholders, durations, unreadable TOML, URLs.

Each was tried by hand against the engine; the ones marked "aborted the engine"
made ``bootstrap_worker()`` die with SIGABRT (exit 134) before these checks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tasker_contrib_core.errors import ConfigErrors, TomlSyntaxError

Project = Any  # the conftest fixture's class (conftest modules cannot be imported)


def config_errors(project: Project, env: dict[str, str] | None = None, **values: Any) -> str:
    return "\n".join(str(error) for error in project.settings(env, **values).check().errors)


# -- placeholders (issue: validate/render/doctor accepted what aborted the engine) -----------


def test_placeholder_whose_value_the_engine_rejects(project: Project) -> None:
    project.write("config/tasker/base/worker.toml", '[worker]\nworker_id = "${TASKER_WORKER_ID}"\n')
    env = {"TASKER_WORKER_ID": "bad id!"}
    intact = project.unchanged()
    for command in (["config", "validate"], ["config", "render", "-o", "out.toml"]):
        project.cli(*command, env=env).refused(
            "worker.worker_id",
            "TASKER_WORKER_ID",
            "config/tasker/base/worker.toml",
            advice="fix TASKER_WORKER_ID or put a literal value in your settings",
        )
    doctor = project.cli("doctor", "--json", env=env)
    assert doctor.returncode == 1, doctor.output
    checks = {check["name"]: check for check in json.loads(doctor.stdout)["checks"]}
    assert checks["config renders"]["status"] == "fail"
    assert "TASKER_WORKER_ID" in checks["config renders"]["detail"]
    intact()
    assert "would abort the process" in config_errors(project, env)


def test_placeholder_inside_an_array(project: Project) -> None:
    project.write(
        "config/tasker/base/common.toml",
        '[common.task_templates]\nsearch_paths = ["${HOME}/tasks"]\n',
    )
    env = {"HOME": "/home/someone"}
    intact = project.unchanged()
    project.cli("config", "validate", env=env).refused(
        "common.task_templates.search_paths[0]",
        "${HOME}",
        advice="Put the value in your settings or an environment variable instead",
    )
    intact()
    assert "search_paths[0]" in config_errors(project, env)


def test_placeholder_in_a_toml_key(project: Project) -> None:
    project.write("config/tasker/base/common.toml", '[common.system]\n"${HOME}" = "x"\n')
    env = {"HOME": "/home/someone"}
    intact = project.unchanged()
    project.cli("config", "validate", env=env).refused(
        "common.system.${HOME}", advice="Put the value in your settings"
    )
    intact()
    assert "common.system.${HOME}" in config_errors(project, env)


# -- durations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "1e10"])
def test_shutdown_timeout_that_never_ends(project: Project, value: str) -> None:
    env = {"TASKER_SHUTDOWN_TIMEOUT_SECONDS": value}
    intact = project.unchanged()
    for command in (["config", "validate"], ["worker", "--runtime", "local"]):
        project.cli(*command, env=env).refused(
            "shutdown_timeout_seconds",
            "TASKER_SHUTDOWN_TIMEOUT_SECONDS",
            advice="use a finite number of seconds, 0 < seconds <= 3600",
        )
    intact()
    with pytest.raises(ConfigErrors, match="TASKER_SHUTDOWN_TIMEOUT_SECONDS"):
        project.settings(env)  # the Python API reads the same variable


# -- unreadable TOML ----------------------------------------------------------------------------

UNREADABLE = {
    "not UTF-8": (b'[worker]\nworker_id = "caf\xe9"\n', 2, "re-save it as UTF-8"),
    "syntax error": (b"[common.database]\nurl = \n", 2, "Fix the file and retry"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_toml_file(project: Project, case: str) -> None:
    content, line, advice = UNREADABLE[case]
    path = project.write("config/tasker/base/worker.toml", content)
    intact = project.unchanged()
    where = f"config/tasker/base/worker.toml:{line}"
    for command in (
        ["config", "validate"],
        ["config", "show"],
        ["doctor"],
        ["worker", "--runtime", "worker"],
        ["worker"],
    ):
        project.cli(*command).refused(where, advice=advice)
    intact()
    errors = project.settings().check().errors
    assert [type(error) for error in errors] == [TomlSyntaxError]
    assert f"{path}:{line}" in str(errors[0])


# -- engine value rules (length rules were never applied) --------------------------------------


def test_empty_worker_id(project: Project) -> None:
    project.write("config/tasker/base/worker.toml", '[worker]\nworker_id = ""\n')
    intact = project.unchanged()
    project.cli("config", "validate").refused(
        "worker.worker_id", "base TOML", advice="must not be empty"
    )
    intact()
    text = config_errors(project, overrides={"worker.worker_id": ""})
    assert "key 'worker.worker_id' set by override" in text
    assert "(engine rule: length >= 1)" in text


def test_empty_backoff_list(project: Project) -> None:
    text = config_errors(project, overrides={"common.backoff.default_backoff_seconds": []})
    assert "key 'common.backoff.default_backoff_seconds' set by override" in text
    assert "must not be empty" in text
    assert "(engine rule: length >= 1)" in text


def test_pool_size_out_of_range(project: Project) -> None:
    env = {"TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS": "5000"}
    intact = project.unchanged()
    project.cli("config", "validate", env=env).refused(
        "common.database.pool.max_connections",
        "TASKER_COMMON__DATABASE__POOL__MAX_CONNECTIONS",
        advice="outside the engine's range 1..1000",
    )
    intact()
    assert "range 1..1000" in config_errors(project, env)


# -- database URLs ------------------------------------------------------------------------------


def test_postgres_scheme_is_rewritten_with_a_warning(project: Project) -> None:
    env = {"DATABASE_URL": "postgres://app:pw@db.internal:5432/app"}
    result = project.cli("config", "validate", env=env)
    result.accepted()
    assert "'postgres://' was changed to 'postgresql://'" in result.output
    assert "update the value" in result.output
    report = project.settings(env).check()
    assert report.ok
    assert any("postgresql://" in note for note in report.warnings)


def test_user_without_password(project: Project) -> None:
    env = {"DATABASE_URL": "postgresql://app@db.internal:5432/app"}
    project.cli("config", "validate", env=env).refused(
        "common.database.url", "DATABASE_URL", advice="write postgresql://app:PASSWORD@"
    )
    assert "no password" in config_errors(project, env)


def test_mysql_url(project: Project) -> None:
    env = {"DATABASE_URL": "mysql://app:pw@db.internal/app"}
    result = project.cli("config", "validate", env=env)
    result.refused("common.database.url", advice="use postgresql://user:password@host:5432/dbname")
    assert "pw@" not in result.output
    assert "not a PostgreSQL URL" in config_errors(project, env)


SECRET_URLS = {
    "password in the query string": (
        "postgresql://app:pw1@db:5432/app?password=hunter2&sslmode=require",
        ["pw1", "hunter2"],
    ),
    "sslpassword in the query string": (
        "postgresql://app:pw1@db:5432/app?sslmode=verify-full&sslpassword=s3cret",
        ["pw1", "s3cret"],
    ),
    "raw @ in the password": ("postgresql://app:p@ss@db:5432/app", ["p@ss", "ss@db"]),
}


@pytest.mark.parametrize("case", sorted(SECRET_URLS))
def test_secrets_in_the_url_are_masked(project: Project, case: str) -> None:
    url, secrets = SECRET_URLS[case]
    env = {"DATABASE_URL": url}
    shown = project.cli("config", "show", "--explain", env=env)
    shown.accepted()
    assert "common.database.url" in shown.output
    as_json = project.cli("config", "show", "--format", "json", env=env)
    as_json.accepted()
    explained = {row.path: row.value for row in project.settings(env).explain()}
    # Logs too: an unreachable database makes the worker command log and print the URL.
    worker = project.cli(
        "worker",
        "--runtime",
        "worker",
        env={**env, "RUST_LOG": "debug", "DATABASE_URL": url.replace("db:5432", "127.0.0.1:9")},
    )
    assert worker.returncode == 1, worker.output
    for output in (shown.output, as_json.output, repr(explained), worker.output):
        for secret in secrets:
            assert secret not in output, output
    assert "***" in explained["common.database.url"]
