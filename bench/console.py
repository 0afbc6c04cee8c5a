"""The console's task list over 10,000 local tasks, next to the client call it wraps.

Run: ``uv run python bench/console.py [--tasks N] [--requests R]``

Two loops in one run, over the same local runtime whose store holds ``--tasks``
tasks of the shared example workflow (filled directly: the list only reads the
store, so running 10,000 workflows first would measure the engine instead):

* ``client``: ``runtime.client.list_tasks(limit=25, offset=0)``, the bare call;
* ``console``: ``Console.handle(GET api/tasks)``, the console's default page
  (the same client call, plus parameters, shaping and JSON encoding).

Each figure is the median and the 95th percentile of ``--requests`` calls.
Goal: the console's list answers in under 100 ms per request.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable

import tasker_contrib_example as example
from tasker_contrib_core.client import TaskRequest
from tasker_contrib_core.config import TaskerSettings
from tasker_contrib_core.console import Console, ConsoleRequest
from tasker_contrib_core.runtime import LocalRuntime
from tasker_contrib_core.templates import load_template

GOAL_MS = 100.0
PAGE = 25


def fill(tasks: int) -> LocalRuntime:
    settings = TaskerSettings(
        runtime="local",
        template_paths=[example.TEMPLATES_DIR],
        console={"enabled": True},
        _environ={},
    )
    runtime = LocalRuntime(settings, max_tasks=max(tasks, 1))
    template = load_template(example.TEMPLATES_DIR / "order_processing.yaml")
    context = {"order_id": "ORD-1", "customer": {"id": "c", "email": "a@example.com"}}
    for index in range(tasks):
        request = TaskRequest(
            namespace=example.NAMESPACE,
            name=example.TEMPLATE_NAME,
            version=example.TEMPLATE_VERSION,
            context={**context, "index": index},
        )
        record = runtime.store.create(request, template)
        if index % 2:
            runtime.store.cancel(record.task_uuid)  # a terminal status, like finished tasks
    return runtime


def measure(call: Callable[[], object], requests: int) -> list[float]:
    call()  # warm up (imports, caches)
    gc.collect()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    runtime = fill(args.tasks)
    client = runtime.client
    console = Console(client, runtime.settings.console)
    request = ConsoleRequest("GET", "api/tasks", "/tasker/console/")
    answer = console.handle(request)
    assert answer.status == 200, answer.body[:200]
    assert len(answer.json()["tasks"]) == min(PAGE, args.tasks)

    bare = measure(lambda: client.list_tasks(limit=PAGE, offset=0), args.requests)
    wrapped = measure(lambda: console.handle(request), args.requests)

    print(f"{args.tasks:,} local tasks, {args.requests} requests each, page of {PAGE}")
    print(f"{'':<10}{'median ms':>12}{'p95 ms':>10}")
    for name, timings in (("client", bare), ("console", wrapped)):
        print(f"{name:<10}{statistics.median(timings):>12.1f}{p95(timings):>10.1f}")
    ratio = statistics.median(wrapped) / statistics.median(bare)
    verdict = "met" if statistics.median(wrapped) < GOAL_MS else "MISSED"
    print(f"console / client: {ratio:.2f}x; goal < {GOAL_MS:.0f} ms per request: {verdict}")


if __name__ == "__main__":
    main()
