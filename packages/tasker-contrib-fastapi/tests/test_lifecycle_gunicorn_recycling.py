"""Scenario 3: gunicorn ``--max-requests`` recycling uvicorn workers that run the real engine.

Every recycled worker must stop its runtime (its lifespan shutdown runs
before the process exits) and every replacement must start one: over the
whole run, starts == stops + live workers. The engine's database
connections must stay flat: a recycled worker's pool goes with it, and
the count never grows with the number of recycles. Connections are counted
in ``pg_stat_activity`` for a role only this test logs in as, on the real
stack's database (the real worker runtime refuses a database without the
schema).
"""

from __future__ import annotations

import http.client
import os
import signal
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.engine, pytest.mark.realstack]

WORKERS = 2
MAX_REQUESTS = 3
REQUESTS = 16
#: The test environment's pool (``common.database.pool.max_connections``).
POOL_MAX = 3
#: The test environment's ``min_connections`` is 0, so an idle worker may hold no
#: connection at all; with one kept open per worker, "flat" has a floor to check.
POOL_OVERRIDES = '{"common.database.pool.min_connections": 1}'


def _own_role(real_stack: Any) -> tuple[str, str]:
    """A login role of its own on the real stack, and the URL that uses it."""
    role = f"recycle_{os.urandom(4).hex()}"
    return role, real_stack.role_url(role, "recycle-test-password")


def _connections(real_stack: Any, role: str) -> int:
    counted = real_stack.query(f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{role}';")
    return int(counted.strip())


def _settled(real_stack: Any, role: str, floor: int = 0, seconds: float = 1.5) -> int:
    """The role's connection count once it is at least ``floor`` and stopped changing
    for ``seconds`` (pools that just started open their connections over a moment, and
    a worker recycled by the last request may still be handing over to its replacement).
    """
    deadline = time.monotonic() + 30
    last, since = _connections(real_stack, role), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = _connections(real_stack, role)
        if now != last:
            last, since = now, time.monotonic()
        elif last >= floor and time.monotonic() - since >= seconds:
            break
    return last


def _handed_over(server: Any, servers: ModuleType) -> tuple[list[Any], list[Any]]:
    """Start and stop entries once every recycled worker's replacement has started."""
    deadline = time.monotonic() + 60
    while True:
        entries = server.entries()
        starts = servers.events(entries, "runtime.started")
        stops = servers.events(entries, "runtime.stopped")
        if len(starts) - len(stops) == WORKERS and len(stops) >= 2:
            return starts, stops
        assert time.monotonic() < deadline, server.describe()
        time.sleep(0.1)


def _get_through_recycling(server: Any, attempts: int = 3) -> tuple[int, Any]:
    """GET a route the way a client behind a load balancer sees it during recycling.

    A request may wait for a recycled worker's replacement to boot the engine,
    and a connection the exiting worker had accepted but not yet read is reset
    when it closes (gunicorn's and uvicorn's behaviour, not the app's): such a
    request is retried, as a proxy would.
    """
    for _ in range(attempts - 1):
        try:
            return server.get("/debug/signals", timeout=60)
        except (ConnectionResetError, http.client.RemoteDisconnected):
            time.sleep(0.2)
    return server.get("/debug/signals", timeout=60)


def test_recycled_workers_stop_their_runtime_and_connections_stay_flat(
    real_stack: Any, servers: ModuleType, tmp_path: Path
) -> None:
    role, url = _own_role(real_stack)
    server = servers.gunicorn_server(
        tmp_path,
        "lifecycle_app:app",
        "-w",
        str(WORKERS),
        "-k",
        "uvicorn_worker.UvicornWorker",
        "--max-requests",
        str(MAX_REQUESTS),
        "--graceful-timeout",
        "20",
        TASKER_RUNTIME="worker",
        DATABASE_URL=url,
        TASKER_OVERRIDES=POOL_OVERRIDES,
    )
    with server:
        server.wait_for(
            lambda found: len(servers.events(found, "runtime.started")) >= WORKERS,
            timeout=90,
            what=f"{WORKERS} runtime.started",
        )
        before = _settled(real_stack, role)
        peak = before
        served: set[int] = set()
        for _ in range(REQUESTS):
            status, body = _get_through_recycling(server)
            assert status == 200, body
            served.add(body["pid"])
            peak = max(peak, _connections(real_stack, role))
        _handed_over(server, servers)
        # Each live worker keeps min_connections open once it is up.
        after = _settled(real_stack, role, floor=WORKERS)
        peak = max(peak, after)
        starts, stops = _handed_over(server, servers)
        live = {e["pid"] for e in starts} - {e["pid"] for e in stops}
        assert len(starts) == len(stops) + len(live), server.describe()
        assert len(live) == WORKERS, server.describe()
        assert len({e["pid"] for e in starts}) == len(starts), "a pid started twice"
        assert all(e["clean"] for e in stops), server.describe()
        assert len(served) > WORKERS, f"no worker was recycled: {served}"
        # Flat: what the live workers hold, never what every worker so far held.
        assert WORKERS <= after <= WORKERS * POOL_MAX, (before, after, peak)
        assert after <= before + POOL_MAX, (before, after, peak)
        assert peak <= (WORKERS + 2) * POOL_MAX, (before, after, peak)
        server.send(signal.SIGTERM)
        assert server.wait_exit(timeout=40) == 0, server.describe()
    entries = server.entries()
    starts = servers.events(entries, "runtime.started")
    stops = servers.events(entries, "runtime.stopped")
    assert sorted(e["pid"] for e in starts) == sorted(e["pid"] for e in stops)
    deadline = time.monotonic() + 10
    while (left := _connections(real_stack, role)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == 0, f"{left} connections of {role} outlived the server"
    print(
        f"\ngunicorn -w {WORKERS} -k uvicorn_worker.UvicornWorker --max-requests {MAX_REQUESTS}, "
        f"{REQUESTS} requests, real worker runtime: {len(starts)} starts, {len(stops)} stops; "
        f"connections of its role: {before} before recycling, {after} after, peak {peak}, "
        "0 after exit"
    )
