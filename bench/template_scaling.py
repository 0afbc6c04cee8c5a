"""How template validation time and local-run memory grow with the number of steps.

Three shapes, each at 250, 500, 1,000 and 2,000 steps, no-op handlers:

* chain    - every step depends on the one before (N-1 edges);
* fan-out  - one root, N-2 parallel steps, one join depending on all of them
             (2N-3 edges);
* lattice  - a diamond lattice, a square grid where step (i, j) depends on
             (i-1, j) and (i, j-1) (about 2N edges, and every step has
             O(N) ancestors: the shape that exposes per-step ancestor walks).

For each it prints ``validate_template`` wall time (best of 3), the run's peak
traced memory (``tracemalloc``, one run), and both per step, so growth faster
than the work shows as a rising per-step figure. The work itself is linear in
steps + edges for validation; a run keeps every step's result, so linear memory
is what it needs.

    uv run python bench/template_scaling.py [--quick]
"""

from __future__ import annotations

import gc
import math
import os
import sys
import tracemalloc
from collections.abc import Callable
from time import perf_counter

os.environ.setdefault("RUST_LOG", "error")

from tasker_contrib_core.engine import FakeClock, LocalEngine
from tasker_contrib_core.templates import validate_template
from tasker_contrib_core.templates.loader import parse_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult


class Noop(StepHandler):
    handler_name = "noop"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({})


def _template(name: str, edges: dict[str, list[str]]) -> TaskTemplate:
    steps = [
        {"name": step, "handler": {"callable": "noop"}, "dependencies": deps}
        for step, deps in edges.items()
    ]
    return parse_template(
        {"name": name, "namespace_name": "bench", "version": "1.0.0", "steps": steps}
    )


def chain(n: int) -> TaskTemplate:
    return _template(f"chain_{n}", {f"s{i}": [f"s{i - 1}"] if i else [] for i in range(n)})


def fan_out(n: int) -> TaskTemplate:
    middle = [f"m{i}" for i in range(n - 2)]
    edges: dict[str, list[str]] = {"root": []}
    edges.update({name: ["root"] for name in middle})
    edges["join"] = middle
    return _template(f"fan_out_{n}", edges)


def lattice(n: int) -> TaskTemplate:
    side = round(math.sqrt(n))
    edges: dict[str, list[str]] = {}
    for i in range(side):
        for j in range(side):
            deps = ([f"n{i - 1}_{j}"] if i else []) + ([f"n{i}_{j - 1}"] if j else [])
            edges[f"n{i}_{j}"] = deps
    return _template(f"lattice_{side * side}", edges)


SHAPES: dict[str, Callable[[int], TaskTemplate]] = {
    "chain": chain,
    "fan-out": fan_out,
    "lattice": lattice,
}


def validate_seconds(template: TaskTemplate) -> float:
    best = math.inf
    for _ in range(3):
        started = perf_counter()
        validate_template(template)
        best = min(best, perf_counter() - started)
    return best


def run_peak_bytes(template: TaskTemplate) -> tuple[int, bool]:
    engine = LocalEngine(handlers={"noop": Noop}, clock=FakeClock())
    engine.compile(template)
    gc.collect()
    tracemalloc.start()
    result = engine.run(template, {})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ok = result.ok
    del result
    return peak, ok


def main(argv: list[str]) -> None:
    sizes = [250, 500, 1000] if "--quick" in argv else [250, 500, 1000, 2000]
    print(
        f"{'shape':8} {'steps':>6} {'validate ms':>12} {'us/step':>8} "
        f"{'run peak MB':>12} {'KB/step':>8}"
    )
    rows: dict[str, list[tuple[int, float, int]]] = {}
    for shape, build in SHAPES.items():
        for size in sizes:
            template = build(size)
            steps = len(template.steps)
            seconds = validate_seconds(template)
            peak, ok = run_peak_bytes(template)
            if not ok:
                raise SystemExit(f"{shape} {steps}: the run did not complete")
            rows.setdefault(shape, []).append((steps, seconds, peak))
            print(
                f"{shape:8} {steps:>6} {seconds * 1e3:>12.1f} {seconds / steps * 1e6:>8.1f} "
                f"{peak / 1e6:>12.1f} {peak / steps / 1e3:>8.1f}"
            )
    print()
    print("growth from the smallest to the largest size (1.0 = linear in steps):")
    for shape, measured in rows.items():
        (n0, t0, m0), (n1, t1, m1) = measured[0], measured[-1]
        scale = n1 / n0
        print(
            f"  {shape:8} validate x{(t1 / t0) / scale:.2f} per step, "
            f"run memory x{(m1 / m0) / scale:.2f} per step"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
