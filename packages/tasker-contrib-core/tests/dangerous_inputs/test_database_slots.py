"""A database server without room for the engine's pool: refused before the engine runs.

The engine opens up to ``common.database.pool.max_connections`` connections
while it bootstraps, and bootstrap holds the GIL. On a server with fewer free
slots every Python thread of the process froze for ``acquire_timeout_seconds``
(5 s with the test pool, measured below by a ticker thread), and a server with
no free slot at all is only caught by a real login. So these tests run a
throwaway cluster of the real schema with a small ``max_connections`` and
``superuser_reserved_connections``, fill its slots with connections held by a
non-superuser role (a superuser could still use the reserved ones), and start
``tasker-contrib worker`` and an in-process ``WorkerRuntime`` as another
non-superuser role.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.realstack]

#: Server limits of the crowded cluster: 8 slots, 3 of them for superusers only,
#: so a non-superuser role has 5.
MAX_CONNECTIONS = 8
SUPERUSER_RESERVED = 3
ORDINARY_SLOTS = MAX_CONNECTIONS - SUPERUSER_RESERVED

#: The test environment's pool (config/defaults/environments/test/common.toml).
TEST_POOL_MAX = 3
TEST_ACQUIRE_TIMEOUT = 5.0

#: Longest a thread may stall while the worker starts (the issue's bound).
MAX_STALL_SECONDS = 1.0

CROWD = ("crowd", "crowd-pw")  # holds the slots
WORKER = ("app_worker", "app-worker-pw")  # what the worker logs in as

TEMPLATE = """\
name: one
namespace_name: {namespace}
version: "1.0.0"
steps:
  - name: only
    handler: {{callable: noop}}
"""

#: The template's handler, so the worker's start-up template validation passes and
#: the start reaches the database checks this module is about.
HANDLERS = """
from tasker_core import StepHandler


class Noop(StepHandler):
    handler_name = "noop"

    def call(self, context):
        return self.success({"ok": True})
"""

#: Starts a WorkerRuntime in this interpreter while a ticker thread records the
#: longest gap between its 10 ms ticks (a thread frozen by the GIL ticks late).
IN_PROCESS = """
import json, sys, threading, time
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.runtime import WorkerRuntime

args = json.loads(sys.argv[1])
sys.path.insert(0, args["templates"])
settings = TaskerSettings(
    _environ={},
    environment="test",
    common={"database": {"url": args["url"]}},
    template_paths=[args["templates"]],
    handler_packages=args["handlers"],
    start_timeout_seconds=20,
    shutdown_timeout_seconds=5,
)
gaps = []
done = threading.Event()

def tick():
    last = time.monotonic()
    while not done.wait(0.01):
        now = time.monotonic()
        gaps.append(now - last)
        last = now

threading.Thread(target=tick, daemon=True).start()
time.sleep(0.05)
runtime = WorkerRuntime(settings)
started = time.monotonic()
try:
    runtime.start()
    outcome, error = "started", None
except Exception as exc:
    outcome, error = type(exc).__name__, str(exc)
elapsed = time.monotonic() - started
done.set()
runtime.stop(5)
print("RESULT " + json.dumps({
    "outcome": outcome, "error": error, "elapsed": elapsed, "max_stall": max(gaps),
}))
"""


@dataclass
class CrowdedServer:
    """A cluster of the real schema with few connection slots, and who holds them."""

    stack: Any
    held: list[Any] = field(default_factory=list)

    def url(self, role: tuple[str, str]) -> str:
        return f"postgresql://{role[0]}:{role[1]}@127.0.0.1:{self.stack.port}/tasker"

    @property
    def admin_url(self) -> str:
        return str(self.stack.database_url)

    def hold(self, count: int) -> None:
        """Hold exactly ``count`` connections of the crowd role (closing or opening some)."""
        import psycopg

        while len(self.held) > count:
            self.held.pop().close()
        while len(self.held) < count:
            self.held.append(psycopg.connect(self.url(CROWD), application_name="crowd"))
        self._wait_for_clients(count)

    def _wait_for_clients(self, count: int) -> None:
        """Backends exit a moment after their client closed: wait until the count settles."""
        deadline = time.monotonic() + 10
        while True:
            seen = self.stack.query(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid();"
            )
            if int(seen.strip()) == count or time.monotonic() > deadline:
                assert int(seen.strip()) == count, f"{seen.strip()} clients, expected {count}"
                return
            time.sleep(0.05)

    def release(self) -> None:
        self.hold(0)


def _as_server_account() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", os.environ.get("REALSTACK_PG_OSUSER", "postgres"), "--"]


@pytest.fixture(scope="module")
def crowded() -> Iterator[CrowdedServer]:
    """A real-schema cluster of its own, restarted with a small max_connections."""
    import psycopg
    from tasker_contrib_testsupport.plugin import unavailable
    from tasker_contrib_testsupport.realstack import RealStackUnavailable, open_real_stack

    try:
        stack = open_real_stack()
    except RealStackUnavailable as exc:
        unavailable("real stack", tests="real-stack", cause=exc)
    try:
        grants = [
            f"CREATE ROLE {CROWD[0]} LOGIN PASSWORD '{CROWD[1]}'",
            f"CREATE ROLE {WORKER[0]} LOGIN PASSWORD '{WORKER[1]}'",
            f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}",
            f"ALTER SYSTEM SET superuser_reserved_connections = {SUPERUSER_RESERVED}",
        ]
        for schema in ("tasker", "pgmq"):
            grants += [
                f"GRANT ALL ON SCHEMA {schema} TO {WORKER[0]}",
                f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {WORKER[0]}",
                f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {WORKER[0]}",
                f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {WORKER[0]}",
            ]
        with psycopg.connect(stack.database_url, autocommit=True) as connection:
            for statement in grants:
                connection.execute(statement)
        data, log = stack.state_dir / "data", stack.state_dir / "server.log"
        pg_ctl = [str(stack.pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log)]
        restart = subprocess.run(
            [*_as_server_account(), *pg_ctl, "-m", "fast", "-w", "-t", "60", "restart"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # the server inherits it: never a pipe
            stderr=subprocess.DEVNULL,
            timeout=90,
            check=False,
        )
        assert restart.returncode == 0, "pg_ctl restart failed"
        shown = stack.query("SHOW max_connections;").strip()
        assert shown == str(MAX_CONNECTIONS), shown
        server = CrowdedServer(stack)
        yield server
        server.release()
    finally:
        stack.stop()


@pytest.fixture
def worker_project(project: Any, crowded: CrowdedServer) -> Any:
    """A fresh project with one template in a namespace of its own (so the worker's
    bootstrap creates its queues, as a first start does)."""
    namespace = f"slots_{os.urandom(4).hex()}"
    project.write("config/tasks/one.yaml", TEMPLATE.format(namespace=namespace))
    project.write("slot_handlers/__init__.py", HANDLERS)
    return project


def _worker_cli(project: Any, url: str) -> Any:
    return project.cli(
        "worker",
        "--runtime",
        "worker",
        "--handlers",
        "slot_handlers",
        env={
            "DATABASE_URL": url,
            "TASKER_ENV": "test",
            "TASKER_TEMPLATE_PATH": str(project.root / "config" / "tasks"),
            "RUST_LOG": "warn",
        },
    )


def _in_process(
    project: Any, url: str, handlers: list[str] | None = None, **env: str
) -> dict[str, Any]:
    """Start a WorkerRuntime in a fresh interpreter; handler packages come from the
    template directory (``config/tasks``)."""
    args = {"url": url, "templates": str(project.root / "config" / "tasks")}
    args["handlers"] = handlers or []  # type: ignore[assignment]
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(IN_PROCESS), json.dumps(args)],
        cwd=project.root,
        env=project.environ({"RUST_LOG": "warn", **env}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    return result


def test_server_without_room_for_the_pool(worker_project: Any, crowded: CrowdedServer) -> None:
    """One free slot for a pool of 3: bootstrap froze every thread for 5 s on main."""
    crowded.hold(ORDINARY_SLOTS - 1)
    url = crowded.url(WORKER)
    unchanged = worker_project.unchanged()

    started = _in_process(worker_project, url)
    assert started["outcome"] == "RuntimeStartError", started
    assert "only 1 connection slot(s) free" in started["error"], started
    assert "would freeze every Python thread for acquire_timeout_seconds=5" in started["error"]
    assert started["elapsed"] < TEST_ACQUIRE_TIMEOUT, started
    assert started["max_stall"] < MAX_STALL_SECONDS, started

    cli = _worker_cli(worker_project, url)
    cli.refused(
        "common.database.url",
        "only 1 connection slot(s) free for role 'app_worker'",
        f"common.database.pool.max_connections = {TEST_POOL_MAX}",
        f"server max_connections={MAX_CONNECTIONS}, {SUPERUSER_RESERVED} reserved for superusers",
        f"{ORDINARY_SLOTS - 1} held by other clients (crowd (crowd) x{ORDINARY_SLOTS - 1})",
        "The worker was not started",
        advice="Lower common.database.pool.max_connections to 1 or less, close connections "
        "of other clients, or raise the server's max_connections",
    )
    assert cli.seconds < TEST_ACQUIRE_TIMEOUT, cli.output
    unchanged()


def test_server_with_no_free_slot(worker_project: Any, crowded: CrowdedServer) -> None:
    """Every slot a non-superuser may use is taken: the server's own refusal, with the fix."""
    crowded.hold(ORDINARY_SLOTS)
    url = crowded.url(WORKER)

    cli = _worker_cli(worker_project, url)
    cli.refused(
        "common.database.url",
        "the server refuses new connections (too many clients already",
        "The worker was not started",
        advice="close idle connections of other clients, lower "
        "common.database.pool.max_connections across your processes, or raise the server's "
        "max_connections",
    )
    assert cli.seconds < TEST_ACQUIRE_TIMEOUT, cli.output

    started = _in_process(worker_project, url)
    assert started["outcome"] == "RuntimeStartError", started
    assert "too many clients already" in started["error"], started
    assert started["elapsed"] < TEST_ACQUIRE_TIMEOUT, started
    assert started["max_stall"] < MAX_STALL_SECONDS, started


#: A handler package whose import opens (and keeps) connections of another client:
#: slots taken after the first check, while the engine and handlers are imported.
GREEDY_HANDLERS = """
import os
import psycopg

HELD = [
    psycopg.connect(os.environ["GREEDY_URL"], application_name="greedy")
    for _ in range(int(os.environ["GREEDY_COUNT"]))
]
"""


def test_slots_taken_while_the_engine_is_imported(
    worker_project: Any, crowded: CrowdedServer
) -> None:
    """Room for the pool at the first check, gone by the time the engine would connect:
    the second count just before ``Worker.start`` refuses, instead of a 5 s freeze."""
    crowded.hold(ORDINARY_SLOTS - TEST_POOL_MAX)
    worker_project.write("config/tasks/greedy_handlers/__init__.py", GREEDY_HANDLERS)
    started = _in_process(
        worker_project,
        crowded.url(WORKER),
        ["greedy_handlers"],
        GREEDY_URL=crowded.url(CROWD),
        GREEDY_COUNT=str(TEST_POOL_MAX - 1),
    )
    assert started["outcome"] == "RuntimeStartError", started
    assert "only 1 connection slot(s) free" in started["error"], started
    assert "crowd (greedy) x2" in started["error"], started
    assert started["elapsed"] < TEST_ACQUIRE_TIMEOUT, started
    assert started["max_stall"] < MAX_STALL_SECONDS, started


def test_room_for_the_pool_starts_the_worker(worker_project: Any, crowded: CrowdedServer) -> None:
    """The control: exactly as many free slots as the pool wants, and the worker starts."""
    from tasker_contrib_core.runtime.database_check import PoolSize, check_database

    crowded.hold(ORDINARY_SLOTS - TEST_POOL_MAX)
    url = crowded.url(WORKER)
    verdict = check_database(url, timeout=5, pool=PoolSize(TEST_POOL_MAX))
    assert verdict.ok, verdict.message
    assert verdict.slots is not None
    assert verdict.slots.free == TEST_POOL_MAX
    assert verdict.slots.held_by_others == ORDINARY_SLOTS - TEST_POOL_MAX
    started = _in_process(worker_project, url)
    assert started["outcome"] == "started", started


def test_role_connection_limit_counts(crowded: CrowdedServer) -> None:
    """A role's CONNECTION LIMIT binds before the server's, and the message says so."""
    import psycopg
    from tasker_contrib_core.runtime.database_check import PoolSize, check_database

    crowded.release()
    with psycopg.connect(crowded.admin_url, autocommit=True) as connection:
        connection.execute(f"ALTER ROLE {WORKER[0]} CONNECTION LIMIT 2")
    try:
        verdict = check_database(crowded.url(WORKER), timeout=5, pool=PoolSize(TEST_POOL_MAX))
    finally:
        with psycopg.connect(crowded.admin_url, autocommit=True) as connection:
            connection.execute(f"ALTER ROLE {WORKER[0]} CONNECTION LIMIT -1")
    assert verdict.problem == "too_few_connections", verdict.message
    assert "only 2 connection slot(s) free" in verdict.message
    assert "limit: the role's connection limit (2)" in verdict.message
    # Without a pool the verdict is what the readiness probe always got.
    assert check_database(crowded.url(WORKER), timeout=5).ok


def test_a_superuser_counts_the_reserved_slots_too(crowded: CrowdedServer) -> None:
    """Every ordinary slot taken: a superuser still has the reserved ones, and no more."""
    from tasker_contrib_core.runtime.database_check import PoolSize, check_database

    crowded.hold(ORDINARY_SLOTS)
    fits = check_database(crowded.admin_url, timeout=5, pool=PoolSize(SUPERUSER_RESERVED))
    assert fits.ok, fits.message
    assert fits.slots is not None
    assert fits.slots.free == SUPERUSER_RESERVED
    assert fits.slots.reserved_for_superusers == 0
    too_big = check_database(crowded.admin_url, timeout=5, pool=PoolSize(SUPERUSER_RESERVED + 1))
    assert too_big.problem == "too_few_connections", too_big.message
    assert f"only {SUPERUSER_RESERVED} connection slot(s) free for role 'tasker'" in (
        too_big.message
    )
    assert "reserved for superusers" not in too_big.message
