"""The shared order-processing example: validates cleanly and its handlers behave.

The handler walk below feeds each handler a ``StepContext`` built the way the
worker builds it, in the order the orchestrator would run the steps, to check
the handlers themselves (the local engine has its own end-to-end tests).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.templates import TaskTemplate, load_template, validate_paths

HANDLER_PACKAGES = ["tasker_contrib_example.handlers"]


def test_example_validates_with_no_findings(example_template: Path) -> None:
    assert validate_paths([example_template], handler_packages=HANDLER_PACKAGES) == []


@pytest.mark.parametrize("environment", ["test", "production"])
def test_example_validates_in_each_environment(example_template: Path, environment: str) -> None:
    findings = validate_paths(
        [example_template], handler_packages=HANDLER_PACKAGES, environment=environment
    )
    assert findings == []


def test_example_constants_point_at_real_files() -> None:
    from tasker_contrib_example import CONTEXTS_DIR, HANDLER_PACKAGES, TEMPLATES_DIR

    assert (TEMPLATES_DIR / "order_processing.yaml").is_file()
    assert (CONTEXTS_DIR / "order.json").is_file()
    assert HANDLER_PACKAGES == ("tasker_contrib_example.handlers",)


def test_sample_contexts_match_the_input_schema(example_template: Path) -> None:
    from jsonschema import Draft202012Validator
    from tasker_contrib_example import CONTEXTS_DIR

    schema = load_template(example_template).input_schema
    assert schema is not None
    validator = Draft202012Validator(schema)
    for path in sorted(CONTEXTS_DIR.glob("*.json")):
        errors = list(validator.iter_errors(json.loads(path.read_text())))
        assert errors == [], path.name


class Walk:
    """Runs the example's handlers in orchestration order with worker-shaped contexts."""

    def __init__(self, template: TaskTemplate, task_context: dict[str, Any]) -> None:
        from tasker_contrib_core.handlers import resolve_handler

        self.template = template
        self.task_context = task_context
        self.results: dict[str, dict[str, Any]] = {}
        self.task_uuid = str(uuid.uuid4())
        self.resolve = resolve_handler

    def run(
        self,
        step_name: str,
        *,
        instance: str | None = None,
        inputs: dict[str, Any] | None = None,
        attempts: int = 0,
    ) -> Any:
        from tasker_core import StepContext
        from tasker_core.types import FfiStepEvent

        step = self.template.step(step_name)
        resolved = self.resolve(step.handler.callable, HANDLER_PACKAGES)
        handler = resolved.new_instance()
        dependency_results = {
            name: {
                "step_uuid": str(uuid.uuid4()),
                "success": True,
                "result": result,
                "metadata": {},
                "status": "completed",
                "error": None,
                "orchestration_metadata": {},
            }
            for name, result in self.results.items()
        }
        task_sequence_step = {
            "task": {
                "task": {
                    "task_uuid": self.task_uuid,
                    "context": self.task_context,
                    "correlation_id": self.task_uuid,
                },
                "task_name": self.template.name,
                "namespace_name": self.template.namespace_name,
                "task_version": self.template.version,
            },
            "workflow_step": {
                "workflow_step_uuid": str(uuid.uuid4()),
                "task_uuid": self.task_uuid,
                "name": instance or step_name,
                "attempts": attempts,
                "max_attempts": step.retry.max_attempts,
                "inputs": inputs or {},
            },
            "dependency_results": dependency_results,
            "step_definition": {
                "name": step_name,
                "handler": {
                    "callable": step.handler.callable,
                    "initialization": step.handler.initialization,
                },
            },
        }
        event = FfiStepEvent(
            event_id=str(uuid.uuid4()),
            task_uuid=self.task_uuid,
            step_uuid=str(uuid.uuid4()),
            correlation_id=self.task_uuid,
            task_sequence_step=task_sequence_step,
        )
        context = StepContext.from_ffi_event(event, resolved.handler_name)
        outcome = handler.call(context)
        if inspect.isawaitable(outcome):
            outcome = asyncio.run(outcome)
        if outcome.is_success:
            self.results[instance or step_name] = outcome.result
        return outcome

    def run_order(self) -> dict[str, Any]:
        self.run("validate_order")
        self.run("reserve_inventory")
        attempts = 0
        while not self.run("charge_payment", attempts=attempts).is_success:
            attempts += 1
            assert attempts < self.template.step("charge_payment").retry.max_attempts
        decision = self.run("choose_shipping").result["decision_point_outcome"]
        for branch in decision["step_names"]:
            self.run(branch)
        self.run("finalize_shipment")
        plan = self.run("prepare_notifications").result["batch_processing_outcome"]
        for index, cursor in enumerate(plan.get("cursor_configs", [])):
            self.run(
                "send_notification_batch",
                instance=f"send_notification_batch_{index + 1:03d}",
                inputs={"cursor": cursor, "batch_metadata": {}, "is_no_op": False},
            )
        return dict(self.run("complete_order").result)


def load_context(name: str) -> dict[str, Any]:
    from tasker_contrib_example import CONTEXTS_DIR

    loaded: dict[str, Any] = json.loads((CONTEXTS_DIR / name).read_text())
    return loaded


def test_express_order_runs_through_every_handler(example_template: Path) -> None:
    walk = Walk(load_template(example_template), load_context("order.json"))
    summary = walk.run_order()
    assert summary["status"] == "completed"
    assert summary["shipping_speed"] == "express"
    assert summary["notification_batches"] == 2
    assert summary["notifications_sent"] == 4
    assert summary["transaction_id"].startswith("TXN-")
    assert "standard_shipping" not in walk.results


def test_standard_order_takes_the_other_branch(example_template: Path) -> None:
    walk = Walk(load_template(example_template), load_context("order_standard.json"))
    summary = walk.run_order()
    assert summary["shipping_speed"] == "standard"
    assert summary["notifications_sent"] == 1


def test_flaky_gateway_fails_retryably_then_succeeds(example_template: Path) -> None:
    walk = Walk(load_template(example_template), load_context("order_flaky_gateway.json"))
    walk.run("validate_order")
    first = walk.run("charge_payment", attempts=0)
    assert not first.is_success
    assert first.retryable
    assert first.error_code == "gateway_timeout"
    assert walk.run("charge_payment", attempts=2).is_success


def test_invalid_order_fails_permanently(example_template: Path) -> None:
    walk = Walk(load_template(example_template), {"order_id": "ORD-1", "items": []})
    outcome = walk.run("validate_order")
    assert not outcome.is_success
    assert outcome.retryable is False
    assert outcome.error_type == "validation_error"


def test_out_of_stock_is_a_permanent_failure(example_template: Path) -> None:
    context = load_context("order.json") | {"out_of_stock_skus": ["PUNCH-CARDS-100"]}
    walk = Walk(load_template(example_template), context)
    walk.run("validate_order")
    outcome = walk.run("reserve_inventory")
    assert not outcome.is_success
    assert outcome.retryable is False
    assert "PUNCH-CARDS-100" in outcome.error_message


def test_nobody_to_notify_yields_no_batches(example_template: Path) -> None:
    context = load_context("order_standard.json")
    context["customer"] = {"id": "C", "email": ""}
    walk = Walk(load_template(example_template), context)
    walk.results["finalize_shipment"] = {"shipment": {"tracking_number": "T"}}
    plan = walk.run("prepare_notifications").result["batch_processing_outcome"]
    assert plan["type"] == "no_batches"
    placeholder = walk.run(
        "send_notification_batch",
        instance="send_notification_batch_001",
        inputs={
            "cursor": {"batch_id": "000", "start_cursor": 0, "end_cursor": 0, "batch_size": 0},
            "batch_metadata": {},
            "is_no_op": True,
        },
    )
    assert placeholder.result["items_processed"] == 0
