"""Local engine overhead, side by side with its floor and with Celery eager mode.

For a 100-step chain, a 1,000-step chain and 100- and 1,000-wide fan-outs of no-op
handlers, in one run on one machine:

* floor   - the cheapest correct way to build the same ``StepContext`` objects
            (the worker's nested shape built directly, one growing results map
            handed over as an engine-built map, i.e. copied in C rather than
            entry by entry by pydantic, ``StepContext.from_ffi_event``) and
            call the same handler; no scheduling, retries or events;
* engine  - ``LocalEngine.run`` (fake clock, sequential, events recorded);
* celery  - Celery 5 with ``task_always_eager=True`` on an in-memory app: a
            ``chain`` (chains) or a ``group`` (fan-out) of the same number of
            no-op tasks, run with ``.apply()``.

Prints microseconds per step and the ratios, plus how the cost scales from
100 to 1,000 chained steps. Numbers are the best of several rounds in which
the three contenders take turns, so background noise hits them alike. Time is
the CPU time of the measuring thread (``time.thread_time``): all three run
inline on it (the engine sequentially, Celery eagerly), and on a shared
machine wall time mostly measures the neighbours. ``--wall`` uses
``perf_counter`` instead.

    uv run python bench/engine.py [--wall]
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
from collections.abc import Callable
from time import perf_counter, thread_time
from typing import Any

os.environ.setdefault("RUST_LOG", "error")

from celery import Celery, chain, group
from tasker_contrib_core.engine import FakeClock, LocalEngine
from tasker_contrib_core.engine.context import (
    context_from_task_sequence_step,
    minimal_step_definition,
    stored_metadata,
    task_block,
    workflow_step_block,
)
from tasker_contrib_core.engine.ids import new_uuid
from tasker_contrib_core.templates.loader import parse_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult


class Noop(StepHandler):
    handler_name = "noop"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({})


# -- templates ----------------------------------------------------------------------------------


def chain_template(length: int) -> TaskTemplate:
    steps = [{"name": "s0000", "handler": {"callable": "noop"}}]
    steps += [
        {"name": f"s{i:04d}", "handler": {"callable": "noop"}, "dependencies": [f"s{i - 1:04d}"]}
        for i in range(1, length)
    ]
    return parse_template(
        {"name": f"chain_{length}", "namespace_name": "bench", "version": "1.0.0", "steps": steps}
    )


def fan_out_template(width: int) -> TaskTemplate:
    steps = [{"name": "root", "handler": {"callable": "noop"}}]
    steps += [
        {"name": f"leaf{i:04d}", "handler": {"callable": "noop"}, "dependencies": ["root"]}
        for i in range(width)
    ]
    return parse_template(
        {"name": f"fan_{width}", "namespace_name": "bench", "version": "1.0.0", "steps": steps}
    )


# -- the three contenders ---------------------------------------------------------------------


def _floor_contexts(namespace: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The parts every step of one task shares: task block, step definition, task uuid."""
    task_uuid = new_uuid()
    task = task_block(
        task_uuid=task_uuid,
        correlation_id=new_uuid(),
        context={},
        task_name="floor",
        namespace=namespace,
        task_version="1.0.0",
    )
    return task, minimal_step_definition("step", "noop", None), task_uuid


def _floor_step(
    task: dict[str, Any],
    definition: dict[str, Any],
    task_uuid: str,
    name: str,
    entries: dict[str, Any],
) -> tuple[str, Any]:
    """One step the cheapest correct way: the worker's nested shape, built directly, through
    the worker's own constructor (``StepContext.from_ffi_event``), then the handler."""
    step_uuid = new_uuid()
    tss = {
        "task": task,
        "workflow_step": workflow_step_block(
            step_uuid=step_uuid, task_uuid=task_uuid, name=name, attempts=0, max_attempts=3,
            inputs=None,
        ),
        "dependency_results": entries,
        "step_definition": definition,
    }  # fmt: skip
    context = context_from_task_sequence_step(
        task_sequence_step=tss,
        task_uuid=task_uuid,
        step_uuid=step_uuid,
        correlation_id=task["task"]["correlation_id"],
        handler_name="noop",
        results_are_engine_built=True,
    )
    return step_uuid, Noop().call(context)


def _entry(step_uuid: str, result: Any) -> dict[str, Any]:
    return {
        "step_uuid": step_uuid, "success": True, "result": result, "metadata": _METADATA,
        "status": "completed", "error": None, "orchestration_metadata": None,
    }  # fmt: skip


_METADATA = stored_metadata(None, completed_at="2025-01-01T00:00:00+00:00")


def floor_chain(length: int) -> None:
    """Same contexts as the engine builds for a chain: every ancestor's result.

    One results map grows along the chain (each context gets its own copies of
    it, so sharing it is safe), nothing is re-checked or re-wrapped."""
    task, definition, task_uuid = _floor_contexts("bench")
    entries: dict[str, Any] = {}
    for i in range(length):
        name = f"s{i:04d}"
        step_uuid, outcome = _floor_step(task, definition, task_uuid, name, entries)
        entries[name] = _entry(step_uuid, outcome.result)


def floor_fan_out(width: int) -> None:
    task, definition, task_uuid = _floor_contexts("bench")
    step_uuid, outcome = _floor_step(task, definition, task_uuid, "root", {})
    root = {"root": _entry(step_uuid, outcome.result)}
    for i in range(width):
        _floor_step(task, definition, task_uuid, f"leaf{i:04d}", root)


def make_celery() -> tuple[Celery, Any]:
    app = Celery("bench", broker="memory://", backend="cache+memory://")
    app.conf.update(
        task_always_eager=True, task_eager_propagates=True, task_store_eager_result=False
    )

    @app.task(name="bench.noop")
    def noop(previous: Any = None) -> dict[str, Any]:
        return {}

    return app, noop


# -- timing -------------------------------------------------------------------------------------


#: The clock every contender is timed with (see the module docstring).
clock: Callable[[], float] = thread_time


def best_of_interleaved(contenders: list[Callable[[], object]], rounds: int) -> list[float]:
    """Best time of each contender, measured round-robin so machine noise hits all alike."""
    for fn in contenders:
        fn()  # warm-up: imports, handler resolution, caches
    best = [float("inf")] * len(contenders)
    for _ in range(rounds):
        for index, fn in enumerate(contenders):
            gc.collect()
            start = clock()
            fn()
            best[index] = min(best[index], clock() - start)
    return best


def celery_chain_runner(noop: Any, length: int) -> tuple[Callable[[], object], str]:
    """A real ``chain(...).apply()`` when Celery manages it, else a loop of ``.apply()``."""

    def as_chain() -> object:
        return chain(*[noop.s() for _ in range(length)]).apply().get()

    try:
        as_chain()
        return as_chain, "chain().apply()"
    except RecursionError:

        def as_loop() -> object:
            previous = None
            for _ in range(length):
                previous = noop.apply(args=(previous,)).get()
            return previous

        return as_loop, "loop of .apply() (chain().apply() hit the recursion limit)"


def main() -> int:
    global clock
    if "--wall" in sys.argv[1:]:
        clock = perf_counter
    _app, noop = make_celery()
    engine = LocalEngine(handlers={"noop": Noop}, clock=FakeClock())
    chain100, chain1000 = chain_template(100), chain_template(1000)
    fan100, fan1000 = fan_out_template(100), fan_out_template(1000)

    def engine_run(template: TaskTemplate) -> Callable[[], object]:
        def run() -> object:
            result = engine.run(template, {})
            assert result.ok
            return result

        return run

    celery_c100, how100 = celery_chain_runner(noop, 100)
    celery_c1000, how1000 = celery_chain_runner(noop, 1000)

    def celery_fan(width: int) -> Callable[[], object]:
        def run() -> object:
            noop.apply().get()
            return group(noop.s() for _ in range(width)).apply().get()

        return run

    scenarios = [
        (
            "chain x100",
            100,
            lambda: floor_chain(100),
            engine_run(chain100),
            celery_c100,
            how100,
            60,
        ),
        (
            "chain x1000",
            1000,
            lambda: floor_chain(1000),
            engine_run(chain1000),
            celery_c1000,
            how1000,
            20,
        ),
        (
            "fan-out x100",
            101,
            lambda: floor_fan_out(100),
            engine_run(fan100),
            celery_fan(100),
            "group().apply() after one root task",
            60,
        ),
        (
            "fan-out x1000",
            1001,
            lambda: floor_fan_out(1000),
            engine_run(fan1000),
            celery_fan(1000),
            "group().apply() after one root task",
            20,
        ),
    ]
    versions = f"tasker-py {_tasker_version()}, celery {_celery_version()}"
    print(f"python {sys.version.split()[0]}, {versions}, {os.cpu_count()} cores")
    timed = "wall time (perf_counter)" if clock is perf_counter else "thread CPU time"
    print(
        f"microseconds per step ({timed}, best of N rounds); ratios engine/floor,\n"
        "celery/engine and celery/floor (the most celery/engine can reach)\n"
    )
    header = (
        f"{'scenario':<15}{'floor':>10}{'engine':>10}{'celery':>10}"
        f"{'eng/floor':>11}{'celery/eng':>12}{'celery/floor':>14}"
    )
    print(header)
    print("-" * len(header))
    totals: dict[str, tuple[float, float, float]] = {}
    for label, steps, floor_fn, engine_fn, celery_fn, _how, repeat in scenarios:
        floor_s, engine_s, celery_s = best_of_interleaved([floor_fn, engine_fn, celery_fn], repeat)
        totals[label] = (floor_s, engine_s, celery_s)
        per = [value / steps * 1e6 for value in (floor_s, engine_s, celery_s)]
        print(
            f"{label:<15}{per[0]:>10.1f}{per[1]:>10.1f}{per[2]:>10.1f}"
            f"{engine_s / floor_s:>11.2f}{celery_s / engine_s:>12.2f}{celery_s / floor_s:>14.2f}"
        )
    print()
    for label, _steps, _f, _e, _c, how, _r in scenarios:
        print(f"celery {label}: {how}")
    f100, e100, c100 = totals["chain x100"]
    f1000, e1000, c1000 = totals["chain x1000"]
    print(
        f"\nscaling, 1000-chain time / 100-chain time (10x the steps): "
        f"floor {f1000 / f100:.1f}x, engine {e1000 / e100:.1f}x, celery {c1000 / c100:.1f}x"
    )
    g100, n100, k100 = totals["fan-out x100"]
    g1000, n1000, k1000 = totals["fan-out x1000"]
    print(
        f"scaling, 1000-wide / 100-wide fan-out (10x the steps): "
        f"floor {g1000 / g100:.1f}x, engine {n1000 / n100:.1f}x, celery {k1000 / k100:.1f}x"
    )
    print(
        "note: every StepContext carries all ancestors' results and its constructor copies\n"
        "them, so a chain's total cost grows with n^2 in the worker itself; the floor pays\n"
        "exactly that and nothing else, so celery/floor is the ceiling of celery/engine."
    )
    ratios = [totals[label][1] / totals[label][0] for label in totals]
    speedups = [totals[label][2] / totals[label][1] for label in totals]
    print(
        f"goals: engine within 2x of floor: {'yes' if max(ratios) <= 2 else 'no'} "
        f"(worst {max(ratios):.2f}x); at least 2x faster than celery eager: "
        f"{'yes' if min(speedups) >= 2 else 'no'} (worst {min(speedups):.2f}x); "
        f"10x steps at most 12x time: chain {'yes' if e1000 / e100 <= 12 else 'no'} "
        f"({e1000 / e100:.1f}x), fan-out {'yes' if n1000 / n100 <= 12 else 'no'} "
        f"({n1000 / n100:.1f}x); median engine us/step {statistics.median(_per_step(totals)):.1f}"
    )
    return 0


def _per_step(totals: dict[str, tuple[float, float, float]]) -> list[float]:
    steps = {"chain x100": 100, "chain x1000": 1000, "fan-out x100": 101, "fan-out x1000": 1001}
    return [totals[label][1] / steps[label] * 1e6 for label in totals]


def _tasker_version() -> str:
    from importlib.metadata import version

    return version("tasker-py")


def _celery_version() -> str:
    import celery

    return str(celery.__version__)


if __name__ == "__main__":
    raise SystemExit(main())
