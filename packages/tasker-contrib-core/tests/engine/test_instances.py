"""Step creation edge cases and the safety of sharing dependency maps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]
KEPT: list[StepContext] = []


class Keep(StepHandler):
    """Holds on to its context, as a test helper capturing contexts would."""

    def call(self, context: StepContext) -> StepHandlerResult:
        KEPT.append(context)
        return self.success({"n": len(context.dependency_results)})


class Split(Batchable, StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        outcome = self.create_batch_outcome(total_items=4, batch_size=2)
        return self.batch_analyzer_success(outcome, worker_template_name="work")


class Work(Batchable, StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"batch": context.step_inputs["cursor"]["batch_id"]})


class Seen(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"seen": sorted(context.dependency_results)})


HANDLERS: dict[str, Any] = {"keep": Keep, "split": Split, "work": Work, "seen": Seen}


def test_a_kept_context_never_sees_later_steps(template: Parse) -> None:
    KEPT.clear()
    tpl = template(
        """
        steps:
          - name: a
            handler: {callable: keep}
          - name: b
            handler: {callable: keep}
            dependencies: [a]
          - name: c
            handler: {callable: keep}
            dependencies: [b]
          - name: d
            handler: {callable: keep}
            dependencies: [c]
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert [run.result(name)["n"] for name in "abcd"] == [0, 1, 2, 3]
    # what each handler was given is still what it was given, after the whole run
    assert [sorted(ctx.task_sequence_step.dependency_results) for ctx in KEPT] == [
        [],
        ["a"],
        ["a", "b"],
        ["a", "b", "c"],
    ]
    assert [sorted(ctx.dependency_results) for ctx in KEPT] == [
        [],
        ["a"],
        ["a", "b"],
        ["a", "b", "c"],
    ]


def test_long_chains_keep_every_ancestor(template: Parse) -> None:
    steps = ["steps:"] + [
        f"  - name: s{i:03d}\n    handler: {{callable: seen}}"
        + (f"\n    dependencies: [s{i - 1:03d}]" if i else "")
        for i in range(60)
    ]
    run = run_template(template("\n".join(steps)), {}, handlers=HANDLERS, clock=FakeClock())
    assert run.result("s059")["seen"] == [f"s{i:03d}" for i in range(59)]


def test_a_standard_step_after_batch_workers_waits_for_all_and_warns(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: split
            type: batchable
            handler: {callable: split}
          - name: work
            type: batch_worker
            handler: {callable: work}
            dependencies: [split]
            batch_config: {batch_size: 2, parallelism: 2, cursor_field: id, worker_template: work}
          - name: total
            handler: {callable: seen}
            dependencies: [work]
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.ok
    assert run.step("total").dependencies == ["work_001", "work_002"]
    assert run.result("total")["seen"] == ["split", "work_001", "work_002"]
    assert any("make it type: deferred_convergence" in w for w in run.warnings)


def test_batch_config_on_the_batchable_step_is_used_with_a_warning(template: Parse) -> None:
    tpl = template(
        """
        steps:
          - name: split
            type: batchable
            handler: {callable: split}
            batch_config: {batch_size: 2, parallelism: 2, cursor_field: sku, worker_template: work}
          - name: work
            type: batch_worker
            handler: {callable: work}
            dependencies: [split]
          - name: total
            type: deferred_convergence
            handler: {callable: seen}
            dependencies: [work]
        """
    )
    run = run_template(tpl, {}, handlers=HANDLERS, clock=FakeClock())
    assert run.ok
    inputs = run.step("work_001").inputs
    assert inputs is not None
    assert inputs["batch_metadata"]["cursor_field"] == "sku"
    assert any("has no batch_config" in w for w in run.warnings)


def test_a_batch_outcome_naming_an_unknown_template_creates_nothing(template: Parse) -> None:
    class Wrong(Batchable, StepHandler):
        def call(self, context: StepContext) -> StepHandlerResult:
            outcome = self.create_batch_outcome(total_items=2, batch_size=1)
            return self.batch_analyzer_success(outcome)  # default template name "batch_worker"

    tpl = template(
        """
        steps:
          - name: analyze
            type: batchable
            handler: {callable: wrong}
          - name: work
            type: batch_worker
            handler: {callable: work}
            dependencies: [analyze]
            batch_config: {batch_size: 1, parallelism: 1, cursor_field: id, worker_template: work}
        """
    )
    run = run_template(tpl, {}, handlers={**HANDLERS, "wrong": Wrong}, clock=FakeClock())
    assert run.ok
    assert list(run.steps) == ["analyze"]
    assert any("'batch_worker'" in w and "no workers were created" in w for w in run.warnings)
