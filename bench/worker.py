"""The integration's overhead on the real worker: N no-op steps through three hosts.

One throwaway PostgreSQL with tasker-core's schema (``shared/realstack``), and in
turn, one host at a time on the same machine:

* bare    - plain ``tasker_core`` as ``shared/realstack/demo_worker.py`` hosts it
            (``Worker.start`` + one domain-event poller);
* runtime - our ``WorkerRuntime`` with the event bridge (``EventDispatcher``) and
            the structlog sink, in a plain Python process;
* fastapi - a FastAPI app with ``tasker_lifespan`` (structlog sink on) under uvicorn.

Every host gets the same engine TOML (rendered from our settings for the test
environment), so what differs is only what the integration adds. For each, N
no-op steps (default 1,000) are written and enqueued in ONE transaction (the
rows ``inject_step.py`` writes, built by its own code, sent together), then the
database is polled until the worker has handled them all. Latency of a step is
from the commit of that transaction to the worker's ``enqueued_for_orchestration``
transition, so with everything enqueued at once it includes queueing.

Prints steps per second, p50 and p99 latency, and the ratios to ``bare`` (goal:
runtime and fastapi within 1.10x). Best of ``--rounds`` rounds per host, hosts
taking turns.

    uv run python bench/worker.py [--steps 1000] [--rounds 2]

Needs the realstack folder (``$TASKER_REALSTACK_DIR`` or ``../shared/realstack``)
and PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_testsupport.realstack import (
    Host,
    RealStack,
    open_real_stack,
    ready_when_http_ok,
)

HANDLERS = """
from tasker_core import StepContext, StepHandler, StepHandlerResult


class NoopHandler(StepHandler):
    handler_name = "bench_noop.noop"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({})
"""

TEMPLATE = {
    "name": "noop_flow",
    "namespace_name": "bench",
    "version": "1.0.0",
    "steps": [{"name": "noop", "handler": {"callable": "bench_noop_handlers.NoopHandler"}}],
}

RUNTIME_HOST = """
import signal, threading
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.events import EventDispatcher, StructlogSink
from tasker_contrib_core.runtime import runtime_from_settings

settings = TaskerSettings(runtime="worker", handler_packages=["bench_noop_handlers"])
runtime = runtime_from_settings(settings)
dispatcher = EventDispatcher.from_settings(settings, [StructlogSink()])
dispatcher.attach(runtime)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
runtime.start()
print("RUNTIME_READY", flush=True)
stop.wait()
runtime.stop(10)
dispatcher.stop()
"""

FASTAPI_APP = """
from fastapi import FastAPI
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_fastapi import tasker_lifespan, tasker_router

def settings() -> TaskerSettings:
    return TaskerSettings(handler_packages=["bench_noop_handlers"])


app = FastAPI(lifespan=tasker_lifespan(settings))
app.include_router(tasker_router())
"""


@dataclass
class Round:
    host: str
    seconds: float
    p50_ms: float
    p99_ms: float
    steps: int

    @property
    def per_second(self) -> float:
        return self.steps / self.seconds


class _Capture:
    """A stand-in for inject_step's DB: lookups run once (cached), the injection
    transaction of each step is collected instead of executed."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._cache: dict[str, Any] = {}
        self.scripts: list[str] = []

    def _inner(self, sql: str) -> str:
        body = sql.strip()
        body = body.removeprefix("BEGIN;").rstrip()
        return body.removesuffix("COMMIT;")

    def run(self, sql: str) -> list[str]:
        if sql not in self._cache:
            self._cache[sql] = self._db.run(sql)
        return list(self._cache[sql])

    def json(self, sql: str) -> Any:
        if sql.lstrip().startswith("BEGIN;"):
            self.scripts.append(self._inner(sql))
            return {"msg_id": 0}
        if sql not in self._cache:
            self._cache[sql] = self._db.json(sql)
        return self._cache[sql]


def enqueue_all(stack: RealStack, host: Host, count: int) -> tuple[list[str], float]:
    """Write and send ``count`` noop steps in one transaction; return step uuids and the
    commit's clock time (epoch seconds)."""
    module = stack.injector.module
    module.note = lambda message: None  # one "sent step" line per step is noise here
    os.environ["PG_BIN"] = str(stack.pg_bin)
    capture = _Capture(module.DB(stack.database_url))
    uuids = []
    for _ in range(count):
        args = argparse.Namespace(
            template=f"{host.namespace}/noop_flow", step="noop", context="{}", deps=None,
            deps_from_task=None, allow_missing_deps=False, inputs=None, queue=None,
            send="notify", initiator="bench", priority=0, register_timeout=20.0, print_sql=False,
        )  # fmt: skip
        uuids.append(module.inject(capture, args)["step_uuid"])
    script = "\n".join(
        ["BEGIN;", *capture.scripts, "SELECT extract(epoch FROM clock_timestamp());", "COMMIT;"]
    )
    committed = capture._db.run(script)
    return uuids, float(committed[-1])


def wait_all(stack: RealStack, uuids: list[str], timeout: float = 300.0) -> list[float]:
    """Poll until every step reached the worker's final state; return completion epochs."""
    values = ",".join(f"'{u}'" for u in uuids)
    sql = (
        "SELECT extract(epoch FROM created_at) FROM tasker.workflow_step_transitions"
        f" WHERE workflow_step_uuid IN ({values}) AND to_state IN"
        " ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration');"
    )
    count_sql = sql.replace("SELECT extract(epoch FROM created_at)", "SELECT count(*)")
    deadline = time.monotonic() + timeout
    while int(stack.query(count_sql).strip() or 0) < len(uuids):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: not all {len(uuids)} steps were handled")
        time.sleep(0.1)
    return [float(line) for line in stack.query(sql).split() if line.strip()]


def measure(stack: RealStack, host: Host, count: int) -> Round:
    uuids, committed = enqueue_all(stack, host, count)
    done = wait_all(stack, uuids)
    latencies = sorted(max(0.0, end - committed) * 1000 for end in done)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Round(host.name, max(done) - committed, statistics.median(latencies), p99, count)


def start_hosts(stack: RealStack, scratch: Path) -> dict[str, Any]:
    """Factories for the three hosts (started one at a time)."""
    (scratch / "bench_noop_handlers").mkdir()
    (scratch / "bench_noop_handlers" / "__init__.py").write_text(HANDLERS)
    (scratch / "bench_fastapi_app.py").write_text(FASTAPI_APP)
    templates = scratch / "templates"
    templates.mkdir()
    (templates / "noop_flow.yaml").write_text(yaml.safe_dump(TEMPLATE))
    config = TaskerSettings(
        environment="test", _environ={"DATABASE_URL": stack.database_url}
    ).render(scratch / "worker.toml")
    common = {
        "PYTHONPATH": os.pathsep.join([str(scratch), os.environ.get("PYTHONPATH", "")]),
        "TASKER_CONFIG_PATH": str(config),
    }
    demo = stack.realstack_dir / "demo_worker.py"

    def bare() -> Host:
        return stack.start_host(
            "bare",
            lambda h: [
                sys.executable,
                str(demo),
                "--templates",
                str(h.templates),
                "--handler-package",
                "bench_noop_handlers",
                "--pythonpath",
                str(scratch),
                "--log-level",
                "warn",
            ],
            templates=[templates],
            env=common,
        )

    def runtime() -> Host:
        return stack.start_host(
            "runtime", [sys.executable, "-c", RUNTIME_HOST], templates=[templates], env=common
        )

    def fastapi() -> Host:
        return stack.start_host(
            "fastapi",
            lambda h: [
                sys.executable,
                "-m",
                "uvicorn",
                "bench_fastapi_app:app",
                "--app-dir",
                str(scratch),
                "--port",
                str(h.port),
                "--log-level",
                "warning",
            ],
            templates=[templates],
            env=common,
            http=True,
            ready=ready_when_http_ok("/tasker/ready"),
        )

    return {"bare": bare, "runtime": runtime, "fastapi": fastapi}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    stack = open_real_stack()
    best: dict[str, Round] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-worker-", dir=stack.work_dir) as tmp:
            factories = start_hosts(stack, Path(tmp))
            for round_number in range(args.rounds):
                for name, start in factories.items():
                    host = start()
                    try:
                        measure(stack, host, 20)  # warm up: imports, pools, first claims
                        result = measure(stack, host, args.steps)
                    finally:
                        stack.stop_host(host)
                    print(
                        f"round {round_number + 1} {name:8s} {result.per_second:8.1f} steps/s  "
                        f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms",
                        file=sys.stderr,
                    )
                    if name not in best or result.seconds < best[name].seconds:
                        best[name] = result
    finally:
        stack.stop()

    base = best["bare"]
    print(f"\n{args.steps} no-op steps enqueued at once; {os.cpu_count()} CPU core(s); "
          f"best of {args.rounds} round(s)")  # fmt: skip
    print(f"{'host':10s} {'steps/s':>9s} {'p50 ms':>9s} {'p99 ms':>9s} "
          f"{'time x bare':>12s} {'p50 x bare':>11s}")  # fmt: skip
    for name, result in best.items():
        print(
            f"{name:10s} {result.per_second:9.1f} {result.p50_ms:9.1f} {result.p99_ms:9.1f} "
            f"{result.seconds / base.seconds:12.2f} {result.p50_ms / base.p50_ms:11.2f}"
        )
    print(json.dumps({name: vars(r) for name, r in best.items()}), file=sys.stderr)


if __name__ == "__main__":
    main()
