"""Parity: a context built by ``build_step_context`` reads exactly like the worker's.

``fixtures/worker_event.json`` is an ``FfiStepEvent`` as the tasker-py worker
receives it (a batch worker on its second attempt, resuming from a checkpoint,
with a parent and a grandparent result). The worker turns it into a context
with ``StepContext.from_ffi_event(event, handler.name)``; we build another from
the same facts through the keyword API and compare every accessor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.engine import build_step_context
from tasker_core import Batchable, FfiStepEvent, StepContext

FIXTURE = Path(__file__).parent / "fixtures" / "worker_event.json"
HANDLER_NAME = "process_batch"


def worker_context() -> StepContext:
    event = FfiStepEvent.model_validate(json.loads(FIXTURE.read_text(encoding="utf-8")))
    return StepContext.from_ffi_event(event, HANDLER_NAME)


def our_context(*, full_entries: bool) -> StepContext:
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    tss = raw["task_sequence_step"]
    deps = tss["dependency_results"]
    return build_step_context(
        task_fields=tss["task"]["task"]["context"],
        dependency_results=deps
        if full_entries
        else {name: entry["result"] for name, entry in deps.items()},
        step_config=tss["step_definition"]["handler"]["initialization"],
        step_inputs=tss["workflow_step"]["inputs"],
        attempts=tss["workflow_step"]["attempts"],
        max_attempts=tss["workflow_step"]["max_attempts"],
        step_name=tss["workflow_step"]["name"],
        task_name=tss["task"]["task_name"],
        namespace=tss["task"]["namespace_name"],
        task_version=tss["task"]["task_version"],
        handler_callable=tss["step_definition"]["handler"]["callable"],
        handler_name=HANDLER_NAME,
        task_uuid=raw["task_uuid"],
        step_uuid=raw["step_uuid"],
        correlation_id=raw["correlation_id"],
        checkpoint=tss["workflow_step"]["checkpoint"],
        event_id=raw["event_id"],
    )


def accessor_values(ctx: StepContext) -> dict[str, Any]:
    """Every accessor a handler can reach, keyed by a readable name."""
    tss = ctx.task_sequence_step
    batch = Batchable().get_batch_context(ctx)
    worker_inputs = Batchable().get_batch_worker_inputs(ctx)
    return {
        "task_uuid": ctx.task_uuid,
        "step_uuid": ctx.step_uuid,
        "correlation_id": ctx.correlation_id,
        "handler_name": ctx.handler_name,
        "input_data": ctx.input_data,
        "get_input(dataset)": ctx.get_input("dataset"),
        "get_input(options)": ctx.get_input("options"),
        "get_input(owner)": ctx.get_input("owner"),
        "get_input(missing)": ctx.get_input("missing"),
        "get_input_or(owner)": ctx.get_input_or("owner", "nobody"),
        "get_input_or(missing)": ctx.get_input_or("missing", 7),
        "get_input_or(row_count)": ctx.get_input_or("row_count", 0),
        "step_config": ctx.step_config,
        "get_config(chunk)": ctx.get_config("chunk"),
        "get_config(missing)": ctx.get_config("missing"),
        "step_inputs": ctx.step_inputs,
        "get_dependency_result(load_source)": ctx.get_dependency_result("load_source"),
        "get_dependency_result(analyze_dataset)": ctx.get_dependency_result("analyze_dataset"),
        "get_dependency_result(missing)": ctx.get_dependency_result("missing"),
        "get_dependency_field(load_source, source, path)": ctx.get_dependency_field(
            "load_source", "source", "path"
        ),
        "get_dependency_field(load_source, rows)": ctx.get_dependency_field("load_source", "rows"),
        "get_dependency_field(load_source, rows, deeper)": ctx.get_dependency_field(
            "load_source", "rows", "deeper"
        ),
        "get_dependency_field(missing, x)": ctx.get_dependency_field("missing", "x"),
        "get_all_dependency_results(load)": ctx.get_all_dependency_results("load"),
        "get_all_dependency_results()": ctx.get_all_dependency_results(""),
        "get_dependency_result_keys": sorted(ctx.get_dependency_result_keys()),
        "retry_count": ctx.retry_count,
        "max_retries": ctx.max_retries,
        "is_retry": ctx.is_retry(),
        "is_last_retry": ctx.is_last_retry(),
        "checkpoint.cursor": (ctx.checkpoint or {}).get("cursor"),
        "checkpoint_cursor": ctx.checkpoint_cursor,
        "checkpoint_items_processed": ctx.checkpoint_items_processed,
        "accumulated_results": ctx.accumulated_results,
        "has_checkpoint": ctx.has_checkpoint(),
        "tss.get_task_field(dataset)": tss.get_task_field("dataset"),
        "tss.get_task_field(missing)": tss.get_task_field("missing"),
        "tss.get_dependency_result(load_source)": tss.get_dependency_result("load_source"),
        "tss.get_results(analyze_dataset)": tss.get_results("analyze_dataset"),
        "tss.task.task_uuid": tss.task.task_uuid,
        "tss.task.context": tss.task.context,
        "tss.task.task_name": tss.task.task_name,
        "tss.task.namespace_name": tss.task.namespace_name,
        "tss.task.task_version": tss.task.task_version,
        "tss.task.correlation_id": tss.task.correlation_id,
        "tss.workflow_step.workflow_step_uuid": tss.workflow_step.workflow_step_uuid,
        "tss.workflow_step.task_uuid": tss.workflow_step.task_uuid,
        "tss.workflow_step.name": tss.workflow_step.name,
        "tss.workflow_step.attempts": tss.workflow_step.attempts,
        "tss.workflow_step.max_attempts": tss.workflow_step.max_attempts,
        "tss.workflow_step.retryable": tss.workflow_step.retryable,
        "tss.workflow_step.inputs": tss.workflow_step.inputs,
        "tss.dependency_results.keys": sorted(tss.dependency_results.keys()),
        "tss.step_definition.handler.callable": tss.step_definition.handler.callable,
        "tss.step_definition.handler.initialization": tss.step_definition.handler.initialization,
        "batch_context": batch.model_dump() if batch is not None else None,
        "batch_worker_inputs": worker_inputs.model_dump() if worker_inputs else None,
    }


@pytest.mark.parametrize("full_entries", [False, True], ids=["bare-results", "full-entries"])
def test_every_accessor_matches_the_worker_built_context(full_entries: bool) -> None:
    expected = accessor_values(worker_context())
    actual = accessor_values(our_context(full_entries=full_entries))
    mismatches = {
        key: (expected[key], actual[key]) for key in expected if expected[key] != actual[key]
    }
    assert not mismatches, mismatches


def test_full_entries_are_passed_through_unchanged() -> None:
    worker = worker_context()
    ours = our_context(full_entries=True)
    assert ours.dependency_results == worker.dependency_results


def test_the_fixture_exercises_the_interesting_cases() -> None:
    values = accessor_values(worker_context())
    assert values["is_retry"] is True
    assert values["has_checkpoint"] is True
    assert values["batch_context"]["cursor_config"]["start_cursor"] == 100
    assert values["batch_context"]["checkpoint"]["cursor"] == 150
    assert values["get_dependency_field(load_source, source, path)"] == "products.csv"
