"""What tasker-contrib-fastapi costs an app: import time, and time per request.

Run: ``uv run python bench/fastapi_import.py [--runs N] [--requests N]``

Two measurements, each side by side in one run so the numbers compare like
with like on this machine:

* **Import**: fresh interpreters, interleaved. Each child imports ``fastapi``,
  then the integration, and reports both durations (``perf_counter`` around
  each import, so interpreter start-up noise is excluded). Two variants:
  ``import tasker_contrib_fastapi`` alone, and the names the two-line setup
  uses (``tasker_lifespan``, ``tasker_router``, ``TaskerClientDep``).
  Goal: the integration adds at most 100 ms over ``import fastapi``.
* **Request overhead** of the ``get_tasker_client`` dependency: one app on the
  local runtime (lifespan running) with a bare endpoint and one that takes
  ``tasker: TaskerClientDep``; identical bodies. Requests alternate between
  the two in rounds; the figure per endpoint is the median round. Three ways,
  from the most realistic to the strictest:

  - a real uvicorn server on 127.0.0.1, one keep-alive HTTP client (what a
    request costs in production, minus the network);
  - ``httpx.ASGITransport`` in process (no sockets, no HTTP parsing);
  - a direct ASGI call of the app (no client at all): this isolates FastAPI's
    dependency machinery, which costs about the same for any dependency,
    even one that does nothing (``--noop`` adds that row for comparison).

  Goal: at most 5 % over the bare endpoint for a request through the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends

# Module level on purpose: FastAPI resolves the endpoint's string annotations
# (``from __future__ import annotations``) in this module's globals.
from tasker_contrib_fastapi import TaskerClientDep

GOAL_IMPORT_MS = 100.0
GOAL_OVERHEAD_PERCENT = 5.0

_IMPORT_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import fastapi
t1 = time.perf_counter()
{statement}
t2 = time.perf_counter()
engine = "tasker_core" in sys.modules
print(json.dumps({{"fastapi": t1 - t0, "ours": t2 - t1, "engine": engine}}))
"""

VARIANTS = {
    "import tasker_contrib_fastapi": "import tasker_contrib_fastapi",
    "two-line setup names": (
        "from tasker_contrib_fastapi import TaskerClientDep, tasker_lifespan, tasker_router"
    ),
}


def measure_imports(runs: int) -> dict[str, dict[str, list[float]]]:
    results: dict[str, dict[str, list[float]]] = {
        name: {"fastapi": [], "ours": []} for name in VARIANTS
    }
    for _ in range(runs):
        for name, statement in VARIANTS.items():  # interleaved: drift hits both alike
            output = subprocess.run(
                [sys.executable, "-c", _IMPORT_CHILD.format(statement=statement)],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
            sample = json.loads(output.strip().splitlines()[-1])
            if sample["engine"]:
                raise SystemExit(f"{name!r} imported tasker_core: the integration must not")
            results[name]["fastapi"].append(sample["fastapi"] * 1000)
            results[name]["ours"].append(sample["ours"] * 1000)
    return results


def build_app(*, noop: bool = False) -> Any:
    import tasker_contrib_example as example
    from fastapi import FastAPI
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_fastapi import tasker_lifespan

    settings = TaskerSettings(
        _environ={},
        runtime="local",
        environment="test",
        handler_packages=list(example.HANDLER_PACKAGES),
        template_paths=[example.TEMPLATES_DIR],
    )
    app = FastAPI(lifespan=tasker_lifespan(settings, log_events=False))

    @app.get("/bare")
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/client")
    async def with_client(tasker: TaskerClientDep) -> dict[str, bool]:
        return {"ok": tasker is not None}

    if noop:

        @app.get("/noop")
        async def with_noop(value: NoopDep) -> dict[str, bool]:
            return {"ok": value is not None}

    return app


def create_server_app() -> Any:
    """The app the uvicorn child serves (``--factory``)."""
    return build_app()


async def _noop_dependency() -> int:
    return 1


NoopDep = Annotated[int, Depends(_noop_dependency)]


def measure_server(requests: int, rounds: int) -> dict[str, float]:
    """Median per-request microseconds for /bare and /client through uvicorn."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    command = [
        sys.executable, "-m", "uvicorn", "fastapi_import:create_server_app", "--factory",
        "--app-dir", str(Path(__file__).resolve().parent), "--host", "127.0.0.1",
        "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/bare")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the benchmark server did not start") from None
                    time.sleep(0.1)
            per_round = max(1, requests // rounds)
            samples: dict[str, list[float]] = {"bare": [], "client": []}
            for path in ("/bare", "/client"):
                for _ in range(300):
                    client.get(path)
            for index in range(rounds):
                order = ("bare", "client") if index % 2 == 0 else ("client", "bare")
                for name in order:
                    started = time.perf_counter()
                    for _ in range(per_round):
                        client.get(f"/{name}")
                    samples[name].append((time.perf_counter() - started) / per_round * 1e6)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {name: statistics.median(values) for name, values in samples.items()}


async def measure_in_process(
    requests: int, rounds: int, *, noop: bool
) -> dict[str, dict[str, float]]:
    import httpx
    from asgi_lifespan import LifespanManager

    app = build_app(noop=noop)
    per_round = max(1, requests // rounds)
    async with LifespanManager(app) as manager:
        state = manager._state  # the lifespan state a server would pass in each scope
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            def via_httpx(path: str) -> Callable[[], Awaitable[None]]:
                async def call() -> None:
                    response = await client.get(path)
                    assert response.status_code == 200

                return call

            def via_asgi(path: str) -> Callable[[], Awaitable[None]]:
                scope = {
                    "type": "http",
                    "asgi": {"version": "3.0"},
                    "http_version": "1.1",
                    "method": "GET",
                    "scheme": "http",
                    "path": path,
                    "raw_path": path.encode(),
                    "query_string": b"",
                    "root_path": "",
                    "headers": [(b"host", b"bench")],
                    "client": ("127.0.0.1", 1),
                    "server": ("bench", 80),
                }

                async def receive() -> dict[str, Any]:
                    return {"type": "http.request", "body": b"", "more_body": False}

                async def send(message: dict[str, Any]) -> None:
                    pass

                async def call() -> None:
                    await app({**scope, "state": dict(state)}, receive, send)

                return call

            results: dict[str, dict[str, float]] = {}
            names = ("bare", "client", "noop") if noop else ("bare", "client")
            for label, make in (("httpx ASGITransport", via_httpx), ("direct ASGI call", via_asgi)):
                calls = {name: make(f"/{name}") for name in names}
                for call in calls.values():  # warm up both paths
                    for _ in range(200):
                        await call()
                samples: dict[str, list[float]] = {name: [] for name in names}
                for index in range(rounds):
                    order = names if index % 2 == 0 else names[::-1]
                    for name in order:
                        call = calls[name]
                        started = time.perf_counter()
                        for _ in range(per_round):
                            await call()
                        samples[name].append((time.perf_counter() - started) / per_round * 1e6)
                results[label] = {name: statistics.median(vals) for name, vals in samples.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per variant")
    parser.add_argument("--requests", type=int, default=20_000, help="requests per endpoint")
    parser.add_argument("--rounds", type=int, default=20, help="alternating rounds")
    parser.add_argument(
        "--noop", action="store_true", help="also time a dependency that does nothing"
    )
    options = parser.parse_args()

    print(f"Python {sys.version.split()[0]}; medians of {options.runs} fresh interpreters\n")
    imports = measure_imports(options.runs)
    print(f"{'import':<32}{'fastapi ms':>12}{'+ ours ms':>12}{'goal':>10}")
    worst = 0.0
    for name, values in imports.items():
        fastapi_ms = statistics.median(values["fastapi"])
        ours_ms = statistics.median(values["ours"])
        worst = max(worst, ours_ms)
        print(f"{name:<32}{fastapi_ms:>12.1f}{ours_ms:>12.1f}{GOAL_IMPORT_MS:>9.0f}ms")
    verdict = "met" if worst <= GOAL_IMPORT_MS else "MISSED"
    print(f"import goal (<= {GOAL_IMPORT_MS:.0f} ms over fastapi): {verdict}\n")

    server = measure_server(options.requests // 4, options.rounds)
    in_process = asyncio.run(
        measure_in_process(options.requests, options.rounds, noop=options.noop)
    )
    rows = {"uvicorn, keep-alive HTTP": server, **in_process}
    print(f"{'per request (median round)':<30}{'bare us':>9}{'client us':>11}{'overhead':>10}")
    for label, row in rows.items():
        added = row["client"] - row["bare"]
        overhead = added / row["bare"] * 100
        print(
            f"{label:<30}{row['bare']:>9.1f}{row['client']:>11.1f}{overhead:>9.1f}%"
            f"   (+{added:.1f} us)"
        )
        if "noop" in row:
            noop_added = row["noop"] - row["bare"]
            print(
                f"{'  a do-nothing dependency':<30}{'':>9}{row['noop']:>11.1f}"
                f"{noop_added / row['bare'] * 100:>9.1f}%   (+{noop_added:.1f} us)"
            )
    overhead = (server["client"] - server["bare"]) / server["bare"] * 100
    verdict = "met" if overhead <= GOAL_OVERHEAD_PERCENT else "MISSED"
    print(f"request goal (<= {GOAL_OVERHEAD_PERCENT:.0f} % through the server): {verdict}")


if __name__ == "__main__":
    main()
