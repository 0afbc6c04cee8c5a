"""``build_step_context`` (the testing one): the engine's context plus template defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from tasker_contrib_core.engine import context as engine_context
from tasker_contrib_core.errors import StepNotFoundError
from tasker_contrib_core.testing import batch_worker_inputs, build_step_context
from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult

TEMPLATE = """
name: ship
namespace_name: logistics
version: "2.1.0"
steps:
  - name: book
    handler:
      callable: logistics.handlers.Book
      initialization: {carrier: ground, max_parcels: 3}
    retry: {retryable: true, max_attempts: 5}
environments:
  test:
    steps:
      - name: book
        handler:
          initialization: {carrier: test-carrier}
"""


@pytest.fixture
def template_path(tmp_path: Path) -> Path:
    path = tmp_path / "ship.yaml"
    path.write_text(TEMPLATE)
    return path


def test_it_is_the_engine_builder_underneath(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    real = engine_context.build_step_context

    def spy(**kwargs: object) -> StepContext:
        calls.append(kwargs)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tasker_contrib_core.testing.context._engine_build_step_context", spy)
    context = build_step_context(task_fields={"a": 1}, attempts=1)
    assert isinstance(context, StepContext)
    assert calls
    assert calls[0]["task_fields"] == {"a": 1}
    assert context.is_retry()


def test_engine_defaults_apply_without_a_template() -> None:
    context = build_step_context()
    assert context.task_sequence_step.workflow_step.name == "step"
    assert context.max_retries == 3
    assert context.task_sequence_step.task.namespace_name == "default"


def test_everything_a_handler_reads() -> None:
    context = build_step_context(
        task_fields={"order_id": "ORD-1"},
        dependency_results={"validate": {"total": 12.5}},
        step_config={"currency": "EUR"},
        attempts=2,
        max_attempts=3,
        step_name="charge",
        task_name="checkout",
        namespace="shop",
    )
    assert context.get_input("order_id") == "ORD-1"
    assert context.get_dependency_result("validate") == {"total": 12.5}
    assert context.get_config("currency") == "EUR"
    assert context.retry_count == 2
    assert context.is_last_retry()
    assert context.task_sequence_step.task.task_name == "checkout"


def test_template_supplies_config_retry_and_names(template_path: Path) -> None:
    context = build_step_context(template=template_path, step_name="book")
    tss = context.task_sequence_step
    assert context.get_config("carrier") == "ground"
    assert context.max_retries == 5
    assert (tss.task.task_name, tss.task.namespace_name, tss.task.task_version) == (
        "ship",
        "logistics",
        "2.1.0",
    )
    assert tss.step_definition.handler.callable == "logistics.handlers.Book"


def test_template_environment_overrides_and_explicit_arguments_win(template_path: Path) -> None:
    context = build_step_context(template=template_path, step_name="book", environment="test")
    assert context.get_config("carrier") == "test-carrier"
    explicit = build_step_context(
        template=template_path, step_name="book", step_config={"carrier": "x"}, max_attempts=1
    )
    assert explicit.get_config("carrier") == "x"
    assert explicit.max_retries == 1


def test_template_needs_a_known_step(template_path: Path) -> None:
    with pytest.raises(TypeError, match=r"needs step_name= .* its steps are: book"):
        build_step_context(template=template_path)
    with pytest.raises(StepNotFoundError, match="no step 'nope'"):
        build_step_context(template=template_path, step_name="nope")
    with pytest.raises(TypeError, match="environment= only applies together with template="):
        build_step_context(environment="test")


class Worker(Batchable, StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({})


def test_batch_worker_inputs_are_what_batchable_reads() -> None:
    context = build_step_context(step_inputs=batch_worker_inputs(4, 8, batch_id="003"))
    batch = Worker().get_batch_context(context)
    assert batch is not None
    assert (batch.batch_id, batch.start_cursor, batch.end_cursor) == ("003", 4, 8)
    inputs = Worker().get_batch_worker_inputs(context)
    assert inputs is not None
    assert not inputs.is_no_op
    assert inputs.cursor.batch_size == 4


def test_placeholder_worker_inputs() -> None:
    inputs = batch_worker_inputs(no_op=True, template_step_name="send", initialization={"k": 1})
    assert inputs["cursor"] == {
        "batch_id": "000",
        "start_cursor": 0,
        "end_cursor": 0,
        "batch_size": 0,
    }
    assert inputs["is_no_op"] is True
    assert inputs["__template_step_name"] == "send"
    assert inputs["k"] == 1
    parsed = Worker().get_batch_worker_inputs(build_step_context(step_inputs=inputs))
    assert parsed is not None
    assert parsed.is_no_op
