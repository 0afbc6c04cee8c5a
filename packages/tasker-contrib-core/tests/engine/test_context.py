"""``build_step_context``: the keyword API over the worker's context constructor."""

from __future__ import annotations

from uuid import UUID

import pytest
from tasker_contrib_core.engine import build_step_context, dependency_entry
from tasker_contrib_core.engine.context import is_dependency_entry
from tasker_core import Batchable, StepContext


def test_defaults_look_like_a_first_attempt() -> None:
    ctx = build_step_context()
    assert isinstance(ctx, StepContext)
    assert ctx.input_data == {}
    assert ctx.dependency_results == {}
    assert ctx.retry_count == 0
    assert ctx.max_retries == 3
    assert not ctx.is_retry()
    assert not ctx.is_last_retry()
    assert ctx.handler_name == "step"
    for value in (ctx.task_uuid, ctx.step_uuid, ctx.correlation_id):
        assert isinstance(value, UUID)
        assert value.version == 4


def test_task_fields_config_and_names() -> None:
    ctx = build_step_context(
        task_fields={"order_id": 7},
        step_config={"currency": "EUR"},
        step_name="charge",
        task_name="checkout",
        namespace="shop",
        task_version="2.0.0",
        handler_callable="shop.handlers.Charge",
    )
    assert ctx.get_input("order_id") == 7
    assert ctx.get_input_or("coupon", "none") == "none"
    assert ctx.get_config("currency") == "EUR"
    tss = ctx.task_sequence_step
    assert tss.get_task_field("order_id") == 7
    assert (tss.task.task_name, tss.task.namespace_name, tss.task.task_version) == (
        "checkout",
        "shop",
        "2.0.0",
    )
    assert tss.workflow_step.name == "charge"
    assert tss.step_definition.handler.callable == "shop.handlers.Charge"
    assert ctx.handler_name == "shop.handlers.Charge"


def test_step_inputs_default_to_the_initialization_like_the_orchestrator_stores_them() -> None:
    assert build_step_context(step_config={"a": 1}).step_inputs == {"a": 1}
    assert build_step_context().step_inputs == {}
    assert build_step_context(step_config={"a": 1}, step_inputs={"b": 2}).step_inputs == {"b": 2}


def test_bare_results_are_wrapped_and_full_entries_kept() -> None:
    entry = dependency_entry({"total": 10}, step_uuid="0195a1c2-6c01-7a00-9000-000000000001")
    ctx = build_step_context(dependency_results={"bare": {"total": 3}, "full": entry})
    assert ctx.get_dependency_result("bare") == {"total": 3}
    assert ctx.get_dependency_result("full") == {"total": 10}
    assert ctx.dependency_results["full"]["step_uuid"] == entry["step_uuid"]
    wrapped = ctx.dependency_results["bare"]
    assert wrapped["status"] == "completed"
    assert wrapped["success"] is True
    assert set(wrapped) == {
        "step_uuid",
        "success",
        "result",
        "metadata",
        "status",
        "error",
        "orchestration_metadata",
    }


def test_a_plain_result_with_a_result_key_is_still_a_bare_result() -> None:
    assert not is_dependency_entry({"result": 1, "success": True})
    ctx = build_step_context(dependency_results={"api": {"result": 1, "success": True}})
    assert ctx.get_dependency_result("api") == {"result": 1, "success": True}


def test_retry_flags_follow_attempts() -> None:
    assert build_step_context(attempts=1, max_attempts=3).is_retry()
    assert not build_step_context(attempts=1, max_attempts=3).is_last_retry()
    assert build_step_context(attempts=2, max_attempts=3).is_last_retry()
    with pytest.raises(ValueError, match="attempts"):
        build_step_context(attempts=-1)


def test_checkpoint_and_batch_context() -> None:
    ctx = build_step_context(
        step_inputs={
            "cursor": {"batch_id": "001", "start_cursor": 0, "end_cursor": 10, "batch_size": 10},
            "batch_metadata": {"cursor_field": "id", "failure_strategy": "continue_on_failure"},
            "is_no_op": False,
        },
        checkpoint={"cursor": 4, "items_processed": 4, "accumulated_results": {"sum": 6}},
    )
    assert ctx.checkpoint_cursor == 4
    assert ctx.checkpoint_items_processed == 4
    assert ctx.accumulated_results == {"sum": 6}
    batch = Batchable().get_batch_context(ctx)
    assert batch is not None
    assert (batch.batch_id, batch.start_cursor, batch.end_cursor) == ("001", 0, 10)
    assert batch.checkpoint["cursor"] == 4
    assert Batchable().handle_no_op_worker(ctx) is None
