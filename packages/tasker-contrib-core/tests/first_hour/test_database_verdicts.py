"""Item 5 (core part) of the first hour: ``doctor`` and the worker runtime log in.

Against a throwaway PostgreSQL: a wrong password, a database that does not
exist, an empty database (no tasker schema, no pgmq) and, through the real
stack, a database with upstream's schema. ``tasker-contrib doctor`` (the CLI
in a subprocess, from a fresh project) gives the right verdict for each, and
``tasker-contrib worker`` refuses to start, within seconds, on the empty one.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from tasker_contrib_core.runtime.database_check import check_database

from .conftest import NewProject

pytestmark = pytest.mark.engine


def _with(url: str, *, password: str | None = None, database: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.partition("@")
        netloc = f"{user.split(':')[0]}:{password}@{host}"
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(parts._replace(netloc=netloc, path=path))


def _doctor_row(project: NewProject, url: str) -> str:
    done = project.cli("doctor", "--json", env={"DATABASE_URL": url}, timeout=90)
    rows = {row["name"]: row for row in json.loads(done.stdout)["checks"]}
    row = rows["database ready"]
    return f"{row['status']}: {row['detail']} | {row.get('fix', '')}"


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"password": "wrong-password"}, "fail", "password authentication failed for user"),
        ({"database": "no_such_db"}, "fail", "database 'no_such_db' does not exist"),
        ({}, "fail", 'schema "pgmq" does not exist'),
    ],
    ids=["wrong-password", "missing-database", "no-schema"],
)
def test_doctor_names_what_is_wrong(
    new_project: NewProject, postgres_url: str, change: dict[str, str], status: str, words: str
) -> None:
    row = _doctor_row(new_project, _with(postgres_url, **change))
    assert row.startswith(f"{status}: "), row
    assert words in row, row


@pytest.mark.realstack
def test_doctor_accepts_the_real_schema(new_project: NewProject, real_stack: object) -> None:
    url = real_stack.database_url  # type: ignore[attr-defined]
    row = _doctor_row(new_project, url)
    assert row.startswith("ok: "), row
    assert "tasker schema and pgmq present" in row, row
    assert check_database(url).ok


def test_worker_refuses_to_start_without_the_schema(
    new_project: NewProject, postgres_url: str
) -> None:
    started = time.monotonic()
    done = new_project.cli(
        "worker", "--runtime", "worker", env={"DATABASE_URL": postgres_url}, timeout=60
    )
    took = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'schema "pgmq" does not exist' in done.stderr, done.stderr
    assert "migrations" in done.stderr, done.stderr
    assert "running" not in done.stdout, done.stdout
    assert took < 20, took


def test_too_many_clients_is_reported_clearly() -> None:
    """Unit test of our classification (filling a server's max_connections is not practical
    here): the server's own wording becomes the too_many_clients verdict with its fix."""
    from tasker_contrib_core.runtime.database_check import _classify_connect_error

    verdict = _classify_connect_error(
        "connection failed: FATAL:  sorry, too many clients already", "postgresql://h/db", "db", "u"
    )
    assert verdict.problem == "too_many_clients"
    assert "max_connections" in verdict.message
