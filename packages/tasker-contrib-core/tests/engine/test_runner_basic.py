"""Dependencies, ordering, handler styles and the run result."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, LocalEngine, run_template
from tasker_contrib_core.errors import (
    EngineRunError,
    HandlerResolutionError,
    StepRunNotFoundError,
    TemplateError,
)
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import depends_on, inputs, step_handler

Parse = Callable[[str], TaskTemplate]
CALLS: list[str] = []


class Record(StepHandler):
    """Records its step and returns everything it could see."""

    handler_name = "record"

    def call(self, context: StepContext) -> StepHandlerResult:
        name = context.task_sequence_step.workflow_step.name
        CALLS.append(name)
        return self.success(
            {
                "step": name,
                "seen": sorted(context.dependency_results),
                "n": context.get_input("n"),
                "config": context.step_config,
            }
        )


class AsyncDouble(StepHandler):
    handler_name = "async_double"

    async def call(self, context: StepContext) -> StepHandlerResult:
        await asyncio.sleep(0)
        return self.success({"value": context.get_dependency_field("start", "n") * 2})


@step_handler("decorated_sum")
@depends_on(first="start")
@inputs("n")
def decorated_sum(first: dict[str, Any], n: int, context: StepContext) -> dict[str, Any]:
    return {"sum": first["n"] + n, "attempt": context.retry_count}


@step_handler("decorated_async")
@depends_on(doubled="double")
async def decorated_async(doubled: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(0)
    return {"quadrupled": doubled["value"] * 2}


HANDLERS = {
    "record": Record,
    "async_double": AsyncDouble,
    "decorated_sum": decorated_sum,
    "decorated_async": decorated_async,
}


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


DIAMOND = """
steps:
  - name: start
    handler: {callable: record, initialization: {greeting: hi}}
  - name: left
    handler: {callable: record}
    dependencies: [start]
  - name: right
    handler: {callable: record}
    dependencies: [start]
  - name: join
    handler: {callable: record}
    dependencies: [left, right]
  - name: tail
    handler: {callable: record}
    dependencies: [join]
"""


def test_chain_runs_in_dependency_order_with_transitive_results(
    template: Parse, clock: FakeClock
) -> None:
    run = run_template(template(DIAMOND), {"n": 5}, handlers=HANDLERS, clock=clock)
    assert run.status == "complete"
    assert run.ok
    assert CALLS == ["start", "left", "right", "join", "tail"]
    assert run.result("start")["config"] == {"greeting": "hi"}
    assert run.result("left")["seen"] == ["start"]
    assert run.result("join")["seen"] == ["left", "right", "start"]
    # every transitive ancestor, not only the direct parents
    assert run.result("tail")["seen"] == ["join", "left", "right", "start"]
    assert all(step.status == "complete" and step.attempts == 1 for step in run.steps.values())
    assert run.step("join").dependencies == ["left", "right"]
    assert run.virtual_seconds == 0


def test_ties_follow_template_order(template: Parse, clock: FakeClock) -> None:
    tpl = template(
        """
        steps:
          - name: zeta
            handler: {callable: record}
          - name: alpha
            handler: {callable: record}
          - name: mid
            handler: {callable: record}
            dependencies: [zeta]
        """
    )
    run_template(tpl, {}, handlers=HANDLERS, clock=clock)
    assert CALLS == ["zeta", "alpha", "mid"]


def test_sync_async_class_and_decorator_handlers(template: Parse, clock: FakeClock) -> None:
    tpl = template(
        """
        steps:
          - name: start
            handler: {callable: record}
          - name: double
            handler: {callable: async_double}
            dependencies: [start]
          - name: summed
            handler: {callable: decorated_sum}
            dependencies: [start]
          - name: quad
            handler: {callable: decorated_async}
            dependencies: [double]
        """
    )
    run = run_template(tpl, {"n": 4}, handlers=HANDLERS, clock=clock)
    assert run.status == "complete", run.steps
    assert run.result("double") == {"value": 8}
    assert run.result("summed") == {"sum": 8, "attempt": 0}
    assert run.result("quad") == {"quadrupled": 16}


def test_async_handler_called_from_a_running_event_loop(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: start
            handler: {callable: record}
          - name: double
            handler: {callable: async_double}
            dependencies: [start]
        """
    )

    async def main() -> Any:
        return run_template(tpl, {"n": 1}, handlers=HANDLERS, clock=FakeClock())

    run = asyncio.run(main())
    assert run.result("double") == {"value": 2}


def test_result_is_json_ready_and_steps_are_addressable(template: Parse, clock: FakeClock) -> None:
    run = run_template(template(DIAMOND), {"n": 1}, handlers=HANDLERS, clock=clock)
    data = json.loads(json.dumps(run.to_dict()))
    assert data["status"] == "complete"
    assert list(data["steps"]) == ["start", "left", "right", "join", "tail"]
    assert data["steps"]["join"]["history"][0]["outcome"] == "success"
    assert run.attempts("left") == 1
    with pytest.raises(StepRunNotFoundError, match="no step 'nope'"):
        run.step("nope")
    with pytest.raises(KeyError):
        run.step("nope")


def test_results_are_json_normalised_like_the_worker_submits_them(
    template: Parse, clock: FakeClock
) -> None:
    from datetime import date

    class Dated(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({"day": date(2025, 1, 2), "ids": (1, 2)})

    class Reader(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({"seen": context.get_dependency_result("dated")})

    tpl = template(
        """
        steps:
          - name: dated
            handler: {callable: dated}
          - name: reader
            handler: {callable: reader}
            dependencies: [dated]
        """
    )
    run = run_template(tpl, {}, handlers={"dated": Dated, "reader": Reader}, clock=clock)
    assert run.result("reader") == {"seen": {"day": "2025-01-02", "ids": [1, 2]}}


def test_engine_is_reusable_and_runs_are_independent(template: Parse) -> None:
    engine = LocalEngine(handlers=HANDLERS, clock=FakeClock())
    tpl = template(DIAMOND)
    first = engine.run(tpl, {"n": 1})
    second = engine.run(tpl, {"n": 2})
    assert first.task_uuid != second.task_uuid
    assert first.result("tail")["n"] == 1
    assert second.result("tail")["n"] == 2


def test_bad_templates_and_contexts_are_refused(template: Parse) -> None:
    with pytest.raises(TemplateError, match="unknown step 'ghost'"):
        run_template(
            template(
                """
                steps:
                  - name: a
                    handler: {callable: record}
                    dependencies: [ghost]
                """
            ),
            {},
            handlers=HANDLERS,
        )
    with pytest.raises(TemplateError, match="cycle"):
        run_template(
            template(
                """
                steps:
                  - name: a
                    handler: {callable: record}
                    dependencies: [b]
                  - name: b
                    handler: {callable: record}
                    dependencies: [a]
                """
            ),
            {},
            handlers=HANDLERS,
        )
    with pytest.raises(EngineRunError, match="JSON object"):
        run_template(template(DIAMOND), ["not", "a", "mapping"], handlers=HANDLERS)  # type: ignore[arg-type]
    with pytest.raises(HandlerResolutionError, match="step 'start'"):
        run_template(template(DIAMOND), {}, handlers={})


def test_context_can_be_validated_against_the_input_schema(template: Parse) -> None:
    tpl = template(
        """
        input_schema:
          type: object
          required: [n]
          properties:
            n: {type: integer}
        steps:
          - name: start
            handler: {callable: record}
        """
    )
    with pytest.raises(EngineRunError, match="input_schema"):
        run_template(tpl, {"n": "five"}, handlers=HANDLERS, validate_context=True)
    # the orchestrator does not validate, so by default neither do we
    assert run_template(tpl, {"n": "five"}, handlers=HANDLERS).ok


def test_handler_override_by_step_name(template: Parse, clock: FakeClock) -> None:
    class Other(StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            return self.success({"other": True})

    run = run_template(template(DIAMOND), {}, handlers={**HANDLERS, "left": Other}, clock=clock)
    assert run.result("left") == {"other": True}
    assert run.result("right")["step"] == "right"


def test_environment_overrides_apply(template: Parse, clock: FakeClock) -> None:
    tpl = template(
        """
        steps:
          - name: start
            handler: {callable: record, initialization: {mode: base}}
        environments:
          test:
            steps:
              - name: start
                handler: {initialization: {mode: test}}
        """
    )
    assert run_template(tpl, {}, handlers=HANDLERS, clock=clock).result("start")["config"] == {
        "mode": "base"
    }
    run = run_template(tpl, {}, handlers=HANDLERS, clock=clock, environment="test")
    assert run.result("start")["config"] == {"mode": "test"}


def test_handler_method_and_resolver_are_ignored_with_a_warning(
    template: Parse, clock: FakeClock
) -> None:
    tpl = template(
        """
        steps:
          - name: start
            handler: {callable: record, method: process, resolver: explicit_mapping}
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=clock)
    assert run.ok
    assert any("method: process" in w and "ignored" in w for w in run.warnings)
