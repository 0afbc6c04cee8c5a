"""Bounded concurrency gives the same results; fail_fast surfaces handler errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.errors import HandlerFailedError
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import step_handler

Parse = Callable[[str], TaskTemplate]


class Gauge:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.active -= 1


GAUGE = Gauge()


class Leaf(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        with GAUGE:
            time.sleep(0.02)
        index = context.get_config("index")
        return self.success({"index": index, "square": index * index})


class Join(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        leaves = context.get_all_dependency_results("leaf_")
        return self.success({"total": sum(leaf["square"] for leaf in leaves), "n": len(leaves)})


class Boom(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        raise KeyError("missing-sku")


@step_handler("decorated_boom")
def decorated_boom() -> dict[str, Any]:
    raise ZeroDivisionError("division by zero in pricing")


HANDLERS: dict[str, Any] = {
    "leaf": Leaf,
    "join": Join,
    "boom": Boom,
    "decorated_boom": decorated_boom,
}


def fan_out(template: Parse, width: int) -> TaskTemplate:
    lines = ["steps:"]
    for index in range(width):
        lines += [
            f"  - name: leaf_{index:02d}",
            f"    handler: {{callable: leaf, initialization: {{index: {index}}}}}",
        ]
    deps = ", ".join(f"leaf_{index:02d}" for index in range(width))
    lines += ["  - name: join", "    handler: {callable: join}", f"    dependencies: [{deps}]"]
    return template("\n".join(lines))


def test_concurrent_run_matches_the_sequential_one(template: Parse) -> None:
    tpl = fan_out(template, 12)
    GAUGE.peak = 0
    sequential = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert GAUGE.peak == 1
    GAUGE.peak = 0
    concurrent = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock(), max_workers=4)
    assert GAUGE.peak > 1
    assert GAUGE.peak <= 4
    assert concurrent.status == sequential.status == "complete"
    assert {n: s.result for n, s in concurrent.steps.items()} == {
        n: s.result for n, s in sequential.steps.items()
    }
    assert concurrent.result("join") == {"total": sum(i * i for i in range(12)), "n": 12}


def test_concurrent_retries_and_failures(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: leaf_a
            handler: {callable: leaf, initialization: {index: 1}}
            retry: {max_attempts: 3, backoff: linear, backoff_base_ms: 1000}
          - name: leaf_b
            handler: {callable: leaf, initialization: {index: 2}}
          - name: join
            handler: {callable: join}
            dependencies: [leaf_a, leaf_b]
        """
    )
    clock = FakeClock()
    run = run_template(
        tpl, {}, handlers=HANDLERS, clock=clock, max_workers=3, faults=["leaf_a:1,2"]
    )
    assert run.status == "complete"
    assert run.attempts("leaf_a") == 3
    assert clock.elapsed == 3.0
    assert run.result("join") == {"total": 5, "n": 2}


@pytest.mark.parametrize("max_workers", [1, 3])
def test_fail_fast_reraises_the_handler_exception(template: Parse, max_workers: int) -> None:
    tpl = template(
        """
        steps:
          - name: boom
            handler: {callable: boom}
        """
    )
    with pytest.raises(KeyError, match="missing-sku") as caught:
        run_template(
            tpl, {}, handlers=HANDLERS, clock=FakeClock(), fail_fast=True, max_workers=max_workers
        )
    frames = [frame.name for frame in caught.traceback]
    assert "call" in frames
    # without fail_fast the same error is recorded instead
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock(), max_workers=max_workers)
    assert run.status == "error"
    assert run.step("boom").error is not None


def test_fail_fast_with_a_decorated_handler_carries_its_traceback(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: price
            handler: {callable: decorated_boom}
        """
    )
    with pytest.raises(HandlerFailedError, match="division by zero in pricing") as caught:
        run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock(), fail_fast=True)
    assert "decorated_boom" in caught.value.traceback_text
    assert caught.value.step == "price"


def test_timeouts_in_the_pool_free_the_slot(template: Parse) -> None:
    class Stuck(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            time.sleep(0.5)
            return self.success({})

    tpl = template(
        """
        steps:
          - name: stuck
            handler: {callable: stuck}
            retry: {max_attempts: 1}
          - name: leaf_x
            handler: {callable: leaf, initialization: {index: 3}}
        """
    )
    run = run_template(
        tpl,
        {},
        handlers={**HANDLERS, "stuck": Stuck},
        clock=FakeClock(),
        max_workers=2,
        step_timeout_default=0.05,
    )
    assert run.status == "error"
    error = run.step("stuck").error
    assert error is not None
    assert error.error_type == "timeout"


@pytest.mark.parametrize("max_workers", [1, 2])
def test_retries_really_wait_on_the_real_clock(template: Parse, max_workers: int) -> None:
    from tasker_contrib_core.engine import RealClock

    tpl = template(
        """
        steps:
          - name: leaf_a
            handler: {callable: leaf, initialization: {index: 2}}
            retry: {max_attempts: 2, backoff: linear, backoff_base_ms: 100}
          - name: leaf_b
            handler: {callable: leaf, initialization: {index: 3}}
        """
    )
    started = time.monotonic()
    run = run_template(
        tpl, {}, handlers=HANDLERS, clock=RealClock(), max_workers=max_workers, faults=["leaf_a:1"]
    )
    assert run.status == "complete"
    assert run.attempts("leaf_a") == 2
    assert time.monotonic() - started >= 0.1
    assert run.virtual_seconds >= 0.1
