"""Batchable steps create worker instances; convergence waits for all of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import BatchConfig, batch_analyzer, batch_worker

Parse = Callable[[str], TaskTemplate]


class Echo(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"seen": sorted(context.dependency_results)})


class Analyze(Batchable, StepHandler):
    handler_name = "analyze"

    def call(self, context: StepContext) -> StepHandlerResult:
        outcome = self.create_batch_outcome(
            total_items=context.get_input("total"), batch_size=context.get_config("batch_size")
        )
        return self.batch_analyzer_success(outcome, worker_template_name="process_batch")


class Process(Batchable, StepHandler):
    handler_name = "process"

    def call(self, context: StepContext) -> StepHandlerResult:
        skipped = self.handle_no_op_worker(context)
        if skipped is not None:
            return skipped
        batch = self.get_batch_context(context)
        assert batch is not None
        count = batch.end_cursor - batch.start_cursor
        return self.batch_worker_success(
            items_processed=count,
            items_succeeded=count,
            batch_metadata={
                "batch_id": batch.batch_id,
                "range": [batch.start_cursor, batch.end_cursor],
                "cursor_field": context.step_inputs["batch_metadata"]["cursor_field"],
                "chunk": context.get_config("chunk"),
                "seen": sorted(context.dependency_results),
            },
        )


class Aggregate(Batchable, StepHandler):
    handler_name = "aggregate"

    def call(self, context: StepContext) -> StepHandlerResult:
        scenario = self.detect_aggregation_scenario(
            context.dependency_results, "analyze", "process_batch_"
        )
        return self.aggregate_batch_worker_results(
            scenario,
            zero_metrics={"total": 0},
            aggregation_fn=lambda results: {
                "total": sum(r["items_processed"] for r in results.values()),
                "workers": sorted(results),
            },
        )


@batch_analyzer("analyze_fn", worker_template="process_batch")
def analyze_fn(context: StepContext) -> BatchConfig:
    return BatchConfig(total_items=context.get_input("total"), batch_size=4)


@batch_worker("process_fn")
def process_fn(batch_context: Any) -> dict[str, Any]:
    if batch_context.end_cursor == batch_context.start_cursor:
        return {"items_processed": 0, "no_op": True}
    return {"items_processed": batch_context.end_cursor - batch_context.start_cursor}


HANDLERS: dict[str, Any] = {
    "echo": Echo,
    "analyze": Analyze,
    "process": Process,
    "aggregate": Aggregate,
    "analyze_fn": analyze_fn,
    "process_fn": process_fn,
}

WORKFLOW = """
steps:
  - name: load
    handler: {callable: echo}
  - name: analyze
    type: batchable
    handler:
      callable: ANALYZER
      initialization: {batch_size: 4, worker_template_name: process_batch}
    dependencies: [load]
  - name: process_batch
    type: batch_worker
    handler: {callable: WORKER, initialization: {chunk: 2}}
    dependencies: [analyze]
    batch_config:
      batch_size: 4
      parallelism: 2
      cursor_field: row_id
      worker_template: process_batch
  - name: aggregate
    type: deferred_convergence
    handler: {callable: aggregate}
    dependencies: [process_batch]
  - name: report
    handler: {callable: echo}
    dependencies: [aggregate]
"""


def workflow(template: Parse, analyzer: str = "analyze", worker: str = "process") -> TaskTemplate:
    return template(WORKFLOW.replace("ANALYZER", analyzer).replace("WORKER", worker))


def test_workers_get_cursor_inputs_and_convergence_waits_for_all(template: Parse) -> None:
    run = run_template(workflow(template), {"total": 10}, handlers=HANDLERS, clock=FakeClock())
    assert run.status == "complete", run.warnings
    workers = [name for name in run.steps if name.startswith("process_batch_")]
    assert workers == ["process_batch_001", "process_batch_002", "process_batch_003"]
    first = run.step("process_batch_001")
    assert first.template_step == "process_batch"
    assert first.dependencies == ["analyze"]
    assert first.inputs == {
        "chunk": 2,
        "cursor": {"batch_id": "001", "start_cursor": 0, "end_cursor": 4, "batch_size": 4},
        "batch_metadata": {"cursor_field": "row_id", "failure_strategy": "continue_on_failure"},
        "is_no_op": False,
        "__template_step_name": "process_batch",
    }
    meta = run.result("process_batch_003")["batch_metadata"]
    assert meta["range"] == [8, 10]
    assert meta["cursor_field"] == "row_id"
    assert meta["chunk"] == 2
    assert meta["seen"] == ["analyze", "load"]
    assert run.step("aggregate").dependencies == workers
    assert run.result("aggregate") == {
        "total": 10,
        "workers": workers,
        "worker_count": 3,
        "scenario": "with_batches",
    }
    assert run.step("report").status == "complete"
    started = [e.step_name for e in run.events if e.name == "step.execution.started"]
    assert started.index("aggregate") > max(started.index(w) for w in workers)
    assert run.not_created == []


def test_no_batches_still_creates_one_placeholder_worker(template: Parse) -> None:
    run = run_template(workflow(template), {"total": 0}, handlers=HANDLERS, clock=FakeClock())
    assert run.status == "complete", run.warnings
    assert [n for n in run.steps if n.startswith("process_batch")] == ["process_batch_000"]
    placeholder = run.step("process_batch_000")
    assert placeholder.inputs is not None
    assert placeholder.inputs["is_no_op"] is True
    assert placeholder.inputs["cursor"] == {
        "batch_id": "000",
        "start_cursor": 0,
        "end_cursor": 0,
        "batch_size": 0,
    }
    assert placeholder.result is not None
    assert placeholder.result["no_op"] is True
    assert run.result("aggregate") == {"worker_count": 0, "scenario": "no_batches", "total": 0}
    assert run.step("report").status == "complete"
    assert run.warnings == []


def test_decorator_style_batch_handlers(template: Parse) -> None:
    tpl = workflow(template, analyzer="analyze_fn", worker="process_fn")
    run = run_template(tpl, {"total": 9}, handlers=HANDLERS, clock=FakeClock())
    assert run.status == "complete", run.warnings
    workers = [name for name in run.steps if name.startswith("process_batch_")]
    assert len(workers) == 3
    assert run.result("aggregate")["total"] == 9


def test_no_batches_without_worker_template_name_warns_and_falls_back(template: Parse) -> None:
    tpl = template(
        WORKFLOW.replace("ANALYZER", "analyze")
        .replace("WORKER", "process")
        .replace(", worker_template_name: process_batch", "")
    )
    run = run_template(tpl, {"total": 0}, handlers=HANDLERS, clock=FakeClock())
    assert run.status == "complete"
    assert "process_batch_000" in run.steps
    assert any("worker_template_name" in warning for warning in run.warnings)


def test_batch_workers_run_concurrently_with_the_same_results(template: Parse) -> None:
    sequential = run_template(
        workflow(template), {"total": 40}, handlers=HANDLERS, clock=FakeClock()
    )
    concurrent = run_template(
        workflow(template), {"total": 40}, handlers=HANDLERS, clock=FakeClock(), max_workers=4
    )
    assert concurrent.status == sequential.status == "complete"
    assert list(concurrent.steps) == list(sequential.steps)
    for name in sequential.steps:
        assert concurrent.result(name) == sequential.result(name)
