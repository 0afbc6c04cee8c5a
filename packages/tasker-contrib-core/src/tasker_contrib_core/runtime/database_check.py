"""Does the database hold what the worker needs? Asked with a real login, not a TCP probe.

A port that answers says nothing about a wrong password, a database that does
not exist, or a database nobody migrated: the engine then starts, reports
running, and logs ``schema "pgmq" does not exist`` every 500 ms. This module
logs in with the configured URL (psycopg 3, the ``worker`` extra of
tasker-contrib-core) and checks, in order:

1. the server accepts a connection (``unreachable``, ``too_many_clients``);
2. the credentials (``auth_failed``) and the database (``database_missing``);
3. the ``tasker`` schema with its tables (``schema_missing``) and ``pgmq``
   with ``pgmq.read_with_poll`` (``pgmq_missing``);
4. given the pool the engine will open (``pool=``), that the server still has
   that many connection slots free for this role (``too_few_connections``).

The last one matters because the engine opens up to the pool's
``max_connections`` while it bootstraps, and bootstrap holds the GIL: with
fewer free slots each missing connection waits ``acquire_timeout_seconds``
and every Python thread of the process freezes for that long (measured: 5 s
with the test pool and one free slot). A server with no slot at all is caught
by step 1 ("too many clients"). Free slots are counted from
``pg_stat_activity`` against ``max_connections``, the slots reserved for
superusers and the role's and database's connection limits.

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
    "too_few_connections",
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


_SLOTS_QUERY = """
SELECT
    current_setting('max_connections')::int AS max_connections,
    current_setting('superuser_reserved_connections')::int AS superuser_reserved,
    coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
    r.rolsuper, r.rolconnlimit, d.datconnlimit
FROM pg_roles r, pg_database d
WHERE r.rolname = session_user AND d.datname = current_database()
"""

# Client connections, this one included. Without pg_read_all_stats a role sees
# other roles' sessions with backend_type NULL, so those count as clients when
# they have a user and a database (background processes have neither).
_CLIENTS_QUERY = """
SELECT coalesce(usename, '?'), coalesce(application_name, ''),
       datname = current_database(), usename = session_user
FROM pg_stat_activity
WHERE datname IS NOT NULL AND usesysid IS NOT NULL
  AND coalesce(backend_type, 'client backend') = 'client backend'
  AND pid <> pg_backend_pid()
"""


@dataclass(frozen=True)
class PoolSize:
    """The engine's connection pool (``common.database.pool``), for the slot check."""

    max_connections: int
    min_connections: int = 0
    acquire_timeout_seconds: float | None = None

    @classmethod
    def from_config(cls, effective: Any) -> PoolSize | None:
        """``common.database.pool`` of a merged config (anything with ``.value(path)``),
        or None when it cannot be read."""
        try:
            return cls(
                max_connections=int(effective.value("common.database.pool.max_connections")),
                min_connections=int(effective.value("common.database.pool.min_connections")),
                acquire_timeout_seconds=float(
                    effective.value("common.database.pool.acquire_timeout_seconds")
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class ConnectionSlots:
    """How many more connections this role may open on the server, and why no more.

    ``free`` counts what is left once the check's own connection has closed.
    ``others`` lists who holds the rest (``user (application)``, count), largest first.
    """

    free: int
    limit: str
    server_max_connections: int
    reserved_for_superusers: int
    held_by_others: int
    others: tuple[tuple[str, int], ...] = ()

    def describe_others(self, top: int = 3) -> str:
        shown = ", ".join(f"{who} x{count}" for who, count in self.others[:top])
        more = f", +{len(self.others) - top} more" if len(self.others) > top else ""
        return (
            f"{self.held_by_others} held by other clients ({shown}{more})"
            if shown
            else ("none held by other clients")
        )


@dataclass(frozen=True)
class DatabaseVerdict:
    """The outcome: ``ok``, or the ``problem`` with a message naming the fix.

    ``slots`` is set when the check counted free connection slots (``pool=``).
    """

    ok: bool
    message: str
    problem: Problem | None = None
    slots: ConnectionSlots | None = None

    def __str__(self) -> str:
        return self.message


def _classify_connect_error(text: str, shown: str, database: str, user: str) -> DatabaseVerdict:
    lowered = text.lower()
    if "too many clients" in lowered or "remaining connection slots" in lowered:
        return DatabaseVerdict(
            False,
            f"{shown}: the server refuses new connections (too many clients already: no "
            "connection slot is free for this role); close idle connections of other clients, "
            "lower common.database.pool.max_connections across your processes, or raise the "
            "server's max_connections",
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


def count_free_slots(cursor: Any) -> ConnectionSlots:
    """Connection slots left for the session's role, from the server's own numbers."""
    cursor.execute(_SLOTS_QUERY)
    max_connections, superuser_reserved, reserved, superuser, role_limit, db_limit = (
        cursor.fetchone()
    )
    if reserved and not superuser:
        cursor.execute("SELECT pg_has_role(session_user, 'pg_use_reserved_connections', 'MEMBER')")
        if cursor.fetchone()[0]:
            reserved = 0
    held_back = 0 if superuser else superuser_reserved + reserved
    cursor.execute(_CLIENTS_QUERY)
    rows = cursor.fetchall()
    by_holder: dict[str, int] = {}
    for user, application, _, _ in rows:
        who = f"{user} ({application})" if application else user
        by_holder[who] = by_holder.get(who, 0) + 1
    # The check's own connection closes before the engine connects: it is not counted.
    candidates = [(max_connections - held_back - len(rows), "the server's max_connections")]
    if not superuser and role_limit >= 0:
        mine = sum(1 for row in rows if row[3])
        candidates.append((role_limit - mine, f"the role's connection limit ({role_limit})"))
    if not superuser and db_limit >= 0:
        here = sum(1 for row in rows if row[2])
        candidates.append((db_limit - here, f"the database's connection limit ({db_limit})"))
    free, limit = min(candidates)
    return ConnectionSlots(
        free=max(0, free),
        limit=limit,
        server_max_connections=max_connections,
        reserved_for_superusers=held_back,
        held_by_others=len(rows),
        others=tuple(sorted(by_holder.items(), key=lambda item: (-item[1], item[0]))),
    )


def _slots_verdict(
    shown: str, user: str, slots: ConnectionSlots, pool: PoolSize
) -> DatabaseVerdict | None:
    """``too_few_connections`` when the engine's pool would not fit in the free slots."""
    if slots.free >= pool.max_connections:
        return None
    wait = (
        f"acquire_timeout_seconds={pool.acquire_timeout_seconds:g}"
        if pool.acquire_timeout_seconds is not None
        else "common.database.pool.acquire_timeout_seconds"
    )
    reserved = (
        f", {slots.reserved_for_superusers} reserved for superusers"
        if slots.reserved_for_superusers
        else ""
    )
    return DatabaseVerdict(
        False,
        f"{shown}: only {slots.free} connection slot(s) free for role '{user}' (limit: "
        f"{slots.limit}; server max_connections={slots.server_max_connections}{reserved}, "
        f"{slots.describe_others()}) but common.database.pool.max_connections = "
        f"{pool.max_connections} (min_connections = {pool.min_connections}); the engine opens "
        f"up to {pool.max_connections} connections while it starts and would freeze every "
        f"Python thread for {wait} waiting for the rest. Lower "
        f"common.database.pool.max_connections to {slots.free} or less, close connections "
        "of other clients, or raise the server's max_connections",
        "too_few_connections",
        slots,
    )


def check_database(
    url: str, *, timeout: float = 5.0, pool: PoolSize | None = None
) -> DatabaseVerdict:
    """Log in with ``url`` and check the Tasker schema and pgmq; never raises.

    With ``pool``, also check that the server has room for that pool
    (``too_few_connections`` otherwise; the verdict's ``slots`` tells how much).
    """
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
    slots: ConnectionSlots | None = None
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(_SCHEMA_QUERY, {"tables": list(REQUIRED_TABLES)})
            row: Any = cursor.fetchone()
            if pool is not None:
                slots = count_free_slots(cursor)
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
    if pool is not None and slots is not None:
        crowded = _slots_verdict(shown, user, slots, pool)
        if crowded is not None:
            return crowded
        return DatabaseVerdict(
            True,
            f"{shown}: logged in; tasker schema and pgmq present; {slots.free} connection "
            f"slot(s) free for a pool of {pool.max_connections}",
            slots=slots,
        )
    return DatabaseVerdict(True, f"{shown}: logged in; tasker schema and pgmq present")


def require_database_ready(
    url: str,
    *,
    timeout: float,
    key: str = "common.database.url",
    pool: PoolSize | None = None,
) -> None:
    """Raise :class:`RuntimeStartError` unless :func:`check_database` says ``ok``.

    What the worker runtime calls before it starts the engine, so a missing
    schema is a clear start-up error within seconds instead of a runtime that
    reports running while the engine fails every poll. Without psycopg the
    check is skipped with a warning (install ``tasker-contrib-core[worker]``).
    """
    import warnings

    from tasker_contrib_core.errors import RuntimeStartError

    verdict = check_database(url, timeout=timeout, pool=pool)
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
    "ConnectionSlots",
    "DatabaseVerdict",
    "PoolSize",
    "Problem",
    "check_database",
    "count_free_slots",
    "require_database_ready",
]
