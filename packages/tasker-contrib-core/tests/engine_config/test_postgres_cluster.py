"""The throwaway PostgreSQL cluster the engine tests run against, and its pytest fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tasker_contrib_core.config.engine_facts import placeholder_value_ok
from tasker_contrib_testsupport.postgres import (
    PostgresCluster,
    PostgresNotFoundError,
    find_postgres_bindir,
)


def _psql_over_tcp(
    cluster: PostgresCluster, url: str, sql: str, password: str
) -> subprocess.CompletedProcess[str]:
    """Connect like a client would: TCP, password auth, from the URL's parts."""
    database = url.rsplit("/", 1)[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGPASSWORD"] = password
    return subprocess.run(
        [
            str(cluster.bindir / "psql"),
            "-X",
            "-A",
            "-t",
            "-h",
            cluster.host,
            "-p",
            str(cluster.port),
            "-U",
            cluster.user,
            "-d",
            database,
            "-c",
            sql,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.engine
def test_cluster_accepts_password_connections(postgres_cluster: PostgresCluster) -> None:
    result = _psql_over_tcp(
        postgres_cluster,
        postgres_cluster.url,
        "select current_user || '@' || current_database()",
        postgres_cluster.password,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{postgres_cluster.user}@{postgres_cluster.database}"


@pytest.mark.engine
def test_cluster_rejects_a_wrong_password(postgres_cluster: PostgresCluster) -> None:
    # TCP really checks passwords, so URLs used by tests are as strict as production ones.
    result = _psql_over_tcp(postgres_cluster, postgres_cluster.url, "select 1", "wrong")
    assert result.returncode != 0
    assert "password authentication failed" in result.stderr


@pytest.mark.engine
def test_cluster_listens_on_loopback_with_a_private_socket(
    postgres_cluster: PostgresCluster,
) -> None:
    assert postgres_cluster.host == "127.0.0.1"
    assert postgres_cluster.port > 0
    assert (postgres_cluster.socket_dir / f".s.PGSQL.{postgres_cluster.port}").exists()
    assert postgres_cluster.psql("show fsync").strip() == "off"


@pytest.mark.engine
def test_postgres_url_is_a_fresh_database_the_engine_accepts(
    postgres_url: str, postgres_cluster: PostgresCluster
) -> None:
    assert placeholder_value_ok("DATABASE_URL", postgres_url), postgres_url
    result = _psql_over_tcp(
        postgres_cluster,
        postgres_url,
        "select count(*) from pg_tables where schemaname = 'public'",
        postgres_cluster.password,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


@pytest.mark.engine
def test_create_and_drop_database(postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.create_database("t_create_drop")
    assert url.endswith("/t_create_drop")
    listed = postgres_cluster.psql("select datname from pg_database")
    assert "t_create_drop" in listed.split()
    postgres_cluster.drop_database("t_create_drop")
    assert "t_create_drop" not in postgres_cluster.psql("select datname from pg_database").split()


def test_database_names_are_validated_not_quoted() -> None:
    try:
        bindir = find_postgres_bindir()
    except PostgresNotFoundError:
        pytest.skip("no PostgreSQL binaries")
    cluster = PostgresCluster(bindir=bindir)
    with pytest.raises(ValueError, match="must match"):
        cluster.create_database("x; drop database postgres")


def test_missing_binaries_say_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(PostgresNotFoundError, match="install Debian's PostgreSQL"):
        PostgresCluster(bindir=tmp_path)


def test_bindir_override_must_hold_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TASKER_TEST_PG_BINDIR", str(tmp_path))
    with pytest.raises(PostgresNotFoundError, match="does not contain initdb"):
        find_postgres_bindir()


def _run_inner_pytest(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run a one-test session whose PostgreSQL lookup is pointed at an empty dir."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_needs_pg.py").write_text(
        textwrap.dedent(
            """
            def test_needs_pg(postgres_url):
                pass
            """
        )
    )
    empty = tmp_path / "no-binaries"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env["TASKER_TEST_PG_BINDIR"] = str(empty)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            str(tmp_path / "pytest.ini"),
            str(tmp_path / "test_needs_pg.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_fixture_skips_without_binaries_outside_ci(tmp_path: Path) -> None:
    result = _run_inner_pytest(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "PostgreSQL server binaries not available" in result.stdout


def test_fixture_fails_without_binaries_on_ci(tmp_path: Path) -> None:
    result = _run_inner_pytest(tmp_path, ci="true")
    assert result.returncode != 0, result.stdout
    assert "1 error" in result.stdout
    assert "CI is set, so engine tests may not be skipped" in result.stdout
