"""Item 5 (readiness half) of the first hour: ``/tasker/ready`` logs in to the database.

The worker runtime refuses to start against a wrong password, a missing
database or a database without the schema (see test_database_verdicts), so a
serving app meets those when the database changes under it: a password
rotated, the schema dropped, the database dropped. The documented FastAPI app
runs under a real uvicorn with the real worker against a database of its own
(a copy of the real stack's, with upstream's schema) and a role of its own;
readiness gives the right verdict, message and code for each state.

The in-process test checks the same decisions of ``TaskerHost.readiness()``
against the empty database (``postgres_url``): no schema, wrong password,
missing database, and the cached healthy verdict.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from .conftest import NewProject, http_json, served_app

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def _with(
    url: str, *, user: str | None = None, password: str | None = None, database: str | None = None
) -> str:
    parts = urlsplit(url)
    old_user, _, host = parts.netloc.rpartition("@")
    name, _, secret = old_user.partition(":")
    netloc = f"{user or name}:{password if password is not None else secret}@{host}"
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(parts._replace(netloc=netloc, path=path))


@pytest.fixture
def own_database(real_stack: Any, tasker_database_url: str) -> Iterator[tuple[str, str]]:
    """(admin URL, app URL): a copy of the real stack's database and a role only the app uses."""
    import psycopg

    suffix = os.urandom(4).hex()
    name, role, secret = f"ready_{suffix}", f"ready_{suffix}", "ready-pass"
    with psycopg.connect(tasker_database_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{secret}'")
        admin.execute(f"CREATE DATABASE {name} OWNER {role}")
    copy_url = _with(tasker_database_url, database=name)
    dump = subprocess.run(
        [
            str(real_stack.pg_bin / "pg_dump"),
            "--no-owner",
            "--no-privileges",
            "-d",
            tasker_database_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    subprocess.run(
        [str(real_stack.pg_bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", copy_url],
        input=dump.stdout,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    try:
        yield tasker_database_url, _with(copy_url, user=role, password=secret)
    finally:
        with psycopg.connect(tasker_database_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def _database_check(base: str, want: int, timeout: float = 20) -> dict[str, Any]:
    """Poll ``/tasker/ready`` until it answers ``want``; return its database check + reasons."""
    deadline = time.monotonic() + timeout
    status, body = None, None
    while time.monotonic() < deadline:
        status, body = http_json(f"{base}/tasker/ready")
        if status == want:
            break
        time.sleep(0.5)
    assert status == want, (status, body)
    report = body if isinstance(body, dict) else json.loads(body)
    check = next(check for check in report["checks"] if check["name"] == "database")
    return {**check, "reasons": report["reasons"]}


def test_ready_gives_the_databases_verdict(
    new_project: NewProject, own_database: tuple[str, str]
) -> None:
    import psycopg

    admin_url, url = own_database
    role = urlsplit(url).username
    database = urlsplit(url).path.lstrip("/")
    admin_on_copy = _with(admin_url, database=database)
    with served_app(new_project, {"DATABASE_URL": url}) as base:
        healthy = _database_check(base, 200)
        assert healthy["ok"] is True, healthy
        assert healthy["code"] is None, healthy
        assert "logged in; tasker schema and pgmq present" in healthy["detail"], healthy
        assert "ready-pass" not in healthy["detail"], healthy  # the password is masked

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"ALTER ROLE {role} PASSWORD 'rotated-elsewhere'")
        wrong = _database_check(base, 503)
        assert wrong["code"] == "auth_failed", wrong
        assert f"password authentication failed for user '{role}'" in wrong["detail"], wrong
        assert any(r.startswith("database: ") and "password" in r for r in wrong["reasons"])

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"ALTER ROLE {role} PASSWORD 'ready-pass'")
        assert _database_check(base, 200)["ok"] is True

        with psycopg.connect(admin_on_copy, autocommit=True) as admin:
            admin.execute("DROP SCHEMA pgmq CASCADE")
            admin.execute("DROP SCHEMA tasker CASCADE")
        empty = _database_check(base, 503)
        assert empty["code"] == "pgmq_missing", empty
        assert 'schema "pgmq" does not exist' in empty["detail"], empty
        assert "migrations" in empty["detail"], empty

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {database} WITH (FORCE)")
        missing = _database_check(base, 503)
        assert missing["code"] == "database_missing", missing
        assert f"database '{database}' does not exist" in missing["detail"], missing


def test_host_readiness_against_the_empty_database(postgres_url: str) -> None:
    """``TaskerHost.readiness()`` in worker mode, the runtime standing in as running
    (a unit test of the host's decisions; the database and its answers are real)."""
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.integration import TaskerHost
    from tasker_contrib_testsupport.fake_runtime import FakeRuntime

    def host_for(url: str) -> TaskerHost:
        settings = TaskerSettings(runtime="worker", _environ={"DATABASE_URL": url})
        runtime = FakeRuntime(settings=settings)
        runtime.kind = "worker"  # type: ignore[misc]
        runtime.start()
        return TaskerHost(settings, framework="test", runtime=runtime)

    no_schema = host_for(postgres_url).readiness()
    check = next(c for c in no_schema.checks if c.name == "database")
    assert (no_schema.http_status, check.code) == (503, "pgmq_missing"), check
    assert f"database: {check.detail}" in no_schema.reasons

    check = next(
        c
        for c in host_for(_with(postgres_url, password="nope")).readiness().checks
        if c.name == "database"
    )
    assert check.code == "auth_failed", check

    check = next(
        c
        for c in host_for(_with(postgres_url, database="not_here")).readiness().checks
        if c.name == "database"
    )
    assert check.code == "database_missing", check
    assert "database 'not_here' does not exist" in check.detail
