"""Does the database hold what the worker needs? Asked with a real login, not a TCP probe.

A port that answers says nothing about a wrong password, a database that does
not exist, or a database nobody migrated: the engine then starts, reports
running, and logs ``schema "pgmq" does not exist`` every 500 ms. This module
logs in with the configured URL (psycopg 3, the ``worker`` extra of
tasker-contrib-core) and checks, in order:

1. the server accepts a connection (``unreachable``, ``too_many_clients``);
2. the credentials (``auth_failed``) and the database (``database_missing``);
3. the ``tasker`` schema with its tables (``schema_missing``) and ``pgmq``
   with ``pgmq.read_with_poll`` (``pgmq_missing``).

Every verdict carries one sentence saying what is wrong and what to do. The
check is read-only and bounded by ``timeout`` (connect and statement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from tasker_contrib_core.config.masking import mask_url

Problem = Literal[
    "driver_missing",
    "unreachable",
    "too_many_clients",
    "auth_failed",
    "database_missing",
    "schema_missing",
    "pgmq_missing",
    "error",
]

#: Tables of upstream's schema the worker reads and writes on every step.
REQUIRED_TABLES = ("tasker.tasks", "tasker.workflow_steps", "tasker.task_namespaces")

MIGRATIONS_HINT = (
    "apply tasker-core's migrations (the migrations/*.sql of the tasker-core release matching "
    "tasker-py, in file-name order, after installing pgmq; the orchestration service applies "
    "them on start, or see shared/realstack/setup_db.sh for a scripted install)"
)

_SCHEMA_QUERY = """
SELECT
    (SELECT count(*) FROM pg_namespace WHERE nspname = 'tasker') AS tasker_schema,
    ARRAY(SELECT name FROM unnest(%(tables)s::text[]) AS name
          WHERE to_regclass(name) IS NULL) AS missing_tables,
    (SELECT count(*) FROM pg_namespace WHERE nspname = 'pgmq') AS pgmq_schema,
    (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'pgmq' AND p.proname = 'read_with_poll') AS pgmq_read
"""


@dataclass(frozen=True)
class DatabaseVerdict:
    """The outcome: ``ok``, or the ``problem`` with a message naming the fix."""

    ok: bool
    message: str
    problem: Problem | None = None

    def __str__(self) -> str:
        return self.message


def _classify_connect_error(text: str, shown: str, database: str, user: str) -> DatabaseVerdict:
    lowered = text.lower()
    if "too many clients" in lowered or "remaining connection slots" in lowered:
        return DatabaseVerdict(
            False,
            f"{shown}: the server refuses new connections (too many clients already); lower "
            "common.database.pool.max_connections across your processes or raise the server's "
            "max_connections",
            "too_many_clients",
        )
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return DatabaseVerdict(
            False,
            f"{shown}: password authentication failed for user '{user}' (the server rejected "
            "the user or password); fix the credentials in DATABASE_URL / common.database.url",
            "auth_failed",
        )
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseVerdict(
            False,
            f"{shown}: database '{database}' does not exist; create it (createdb {database}) "
            f"and {MIGRATIONS_HINT}",
            "database_missing",
        )
    if "role" in lowered and "does not exist" in lowered:
        return DatabaseVerdict(
            False,
            f"{shown}: role '{user}' does not exist on the server; fix the user in the URL",
            "auth_failed",
        )
    first_line = text.strip().splitlines()[-1] if text.strip() else "no answer"
    return DatabaseVerdict(
        False,
        f"{shown}: cannot connect ({first_line}); start PostgreSQL or fix host and port",
        "unreachable",
    )


def check_database(url: str, *, timeout: float = 5.0) -> DatabaseVerdict:
    """Log in with ``url`` and check the Tasker schema and pgmq; never raises."""
    shown = mask_url(url)
    try:
        import psycopg
    except ImportError:
        return DatabaseVerdict(
            False,
            "the database check needs psycopg; install tasker-contrib-core[worker]",
            "driver_missing",
        )
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    database = unquote(parts.path.lstrip("/")) or (parts.username or "")
    user = unquote(parts.username or "")
    seconds = max(1, math.ceil(timeout))
    try:
        connection = psycopg.connect(
            url,
            connect_timeout=seconds,
            options=f"-c statement_timeout={seconds * 1000}",
            application_name="tasker-contrib database check",
        )
    except psycopg.Error as exc:
        return _classify_connect_error(str(exc), shown, database, user)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(_SCHEMA_QUERY, {"tables": list(REQUIRED_TABLES)})
            row: Any = cursor.fetchone()
    except psycopg.Error as exc:
        return DatabaseVerdict(False, f"{shown}: schema check failed: {exc}", "error")
    finally:
        connection.close()
    tasker_schema, missing_tables, pgmq_schema, pgmq_read = row
    if not pgmq_schema or not pgmq_read:
        missing = 'schema "pgmq"' if not pgmq_schema else "function pgmq.read_with_poll"
        return DatabaseVerdict(
            False,
            f"{shown}: {missing} does not exist, so the worker cannot read its queues; install "
            f"pgmq (CREATE EXTENSION pgmq, or pgmq's SQL install) and {MIGRATIONS_HINT}",
            "pgmq_missing",
        )
    if not tasker_schema or missing_tables:
        missing = (
            'schema "tasker"' if not tasker_schema else "table(s) " + ", ".join(missing_tables)
        )
        return DatabaseVerdict(
            False,
            f"{shown}: {missing} does not exist; {MIGRATIONS_HINT}",
            "schema_missing",
        )
    return DatabaseVerdict(True, f"{shown}: logged in; tasker schema and pgmq present")


def require_database_ready(url: str, *, timeout: float, key: str = "common.database.url") -> None:
    """Raise :class:`RuntimeStartError` unless :func:`check_database` says ``ok``.

    What the worker runtime calls before it starts the engine, so a missing
    schema is a clear start-up error within seconds instead of a runtime that
    reports running while the engine fails every poll. Without psycopg the
    check is skipped with a warning (install ``tasker-contrib-core[worker]``).
    """
    import warnings

    from tasker_contrib_core.errors import RuntimeStartError

    verdict = check_database(url, timeout=timeout)
    if verdict.ok:
        return
    if verdict.problem == "driver_missing":
        warnings.warn(
            f"{verdict.message}; the worker starts without checking the database schema",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    raise RuntimeStartError(f"{key}: {verdict.message}. The worker was not started.")


__all__ = [
    "MIGRATIONS_HINT",
    "REQUIRED_TABLES",
    "DatabaseVerdict",
    "Problem",
    "check_database",
    "require_database_ready",
]
