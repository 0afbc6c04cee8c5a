"""Decision points: only selected branches exist; convergence waits for those."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import DecisionHandler, StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import Decision, decision_handler, inputs

Parse = Callable[[str], TaskTemplate]


class Route(DecisionHandler):
    handler_name = "route"

    def call(self, context: StepContext) -> StepHandlerResult:
        choice = context.get_input("route")
        if choice is None:
            return self.skip_branches("nothing to route")
        return self.decision_success(choice, routing_context={"route": choice})


class Echo(StepHandler):
    handler_name = "echo"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success(
            {
                "step": context.task_sequence_step.workflow_step.name,
                "seen": sorted(context.dependency_results),
            }
        )


@decision_handler("route_fn")
@inputs("route")
def route_fn(route: list[str] | None) -> Decision:
    return Decision.route(route) if route else Decision.skip("no route")


HANDLERS: dict[str, Any] = {"route": Route, "echo": Echo, "route_fn": route_fn}

WORKFLOW = """
steps:
  - name: intake
    handler: {callable: echo}
  - name: decide
    type: decision
    handler: {callable: ROUTER}
    dependencies: [intake]
  - name: fast_path
    handler: {callable: echo}
    dependencies: [decide]
  - name: fast_followup
    handler: {callable: echo}
    dependencies: [fast_path]
  - name: slow_path
    handler: {callable: echo}
    dependencies: [decide]
  - name: converge
    type: deferred_convergence
    handler: {callable: echo}
    dependencies: [fast_followup, slow_path]
  - name: finish
    handler: {callable: echo}
    dependencies: [converge]
"""


@pytest.fixture(params=["route", "route_fn"], ids=["class", "decorator"])
def workflow(request: pytest.FixtureRequest, template: Parse) -> TaskTemplate:
    return template(WORKFLOW.replace("ROUTER", request.param))


def run(tpl: TaskTemplate, route: list[str] | None) -> Any:
    return run_template(tpl, {"route": route}, handlers=HANDLERS, clock=FakeClock())


def test_one_branch_creates_it_and_its_followers_only(workflow: TaskTemplate) -> None:
    result = run(workflow, ["fast_path"])
    assert result.status == "complete"
    assert list(result.steps) == [
        "intake",
        "decide",
        "fast_path",
        "fast_followup",
        "converge",
        "finish",
    ]
    assert result.not_created == ["slow_path"]
    assert result.step("converge").dependencies == ["fast_followup"]
    assert result.result("converge")["seen"] == [
        "decide",
        "fast_followup",
        "fast_path",
        "intake",
    ]
    outcome = result.result("decide")["decision_point_outcome"]
    assert outcome == {"type": "create_steps", "step_names": ["fast_path"]}


def test_both_branches_converge_after_both(workflow: TaskTemplate) -> None:
    result = run(workflow, ["fast_path", "slow_path"])
    assert result.status == "complete"
    assert result.not_created == []
    assert result.step("converge").dependencies == ["fast_followup", "slow_path"]
    order = [name for name in result.event_names() if name]
    assert order.count("step.execution.completed") == 7
    started = [e.step_name for e in result.events if e.name == "step.execution.started"]
    assert started.index("converge") > started.index("slow_path")
    assert started.index("converge") > started.index("fast_followup")


def test_no_branches_creates_nothing_downstream(workflow: TaskTemplate) -> None:
    result = run(workflow, None)
    assert result.status == "complete"
    assert list(result.steps) == ["intake", "decide"]
    assert result.not_created == [
        "fast_path",
        "fast_followup",
        "slow_path",
        "converge",
        "finish",
    ]
    assert result.result("decide")["decision_point_outcome"] == {"type": "no_branches"}


def test_selecting_a_step_the_decision_does_not_route_to_is_ignored_with_a_warning(
    workflow: TaskTemplate,
) -> None:
    result = run(workflow, ["finish"])
    assert result.status == "complete"
    assert list(result.steps) == ["intake", "decide"]
    assert any("not steps it routes to" in warning for warning in result.warnings)


def test_a_decision_without_an_outcome_warns(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: decide
            type: decision
            handler: {callable: echo}
          - name: branch
            handler: {callable: echo}
            dependencies: [decide]
        """
    )
    result = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert result.ok
    assert result.not_created == ["branch"]
    assert any("no 'decision_point_outcome'" in warning for warning in result.warnings)


def test_nested_decisions_route_independently(template: Parse) -> None:
    class Pick(DecisionHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            key = context.step_config["key"]
            return self.decision_success([context.get_input(key)])

    tpl = template(
        """
        steps:
          - name: outer
            type: decision
            handler: {callable: pick, initialization: {key: outer}}
          - name: inner
            type: decision
            handler: {callable: pick, initialization: {key: inner}}
            dependencies: [outer]
          - name: other
            handler: {callable: echo}
            dependencies: [outer]
          - name: inner_a
            handler: {callable: echo}
            dependencies: [inner]
          - name: inner_b
            handler: {callable: echo}
            dependencies: [inner]
        """
    )
    result = run_template(
        tpl,
        {"outer": "inner", "inner": "inner_b"},
        handlers={"pick": Pick, "echo": Echo},
        clock=FakeClock(),
    )
    assert list(result.steps) == ["outer", "inner", "inner_b"]
    assert result.not_created == ["other", "inner_a"]
    assert result.result("inner_b")["seen"] == ["inner", "outer"]
