"""Checkpoint yields re-dispatch the step with its checkpoint, without using an attempt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import Batchable, StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]
SEEN: list[dict[str, Any]] = []


class Chunked(Batchable, StepHandler):
    """Sums 0..9 three items at a time, yielding a checkpoint after each chunk."""

    def call(self, context: StepContext) -> StepHandlerResult:
        SEEN.append(
            {
                "cursor": context.checkpoint_cursor,
                "retry_count": context.retry_count,
                "checkpoint": context.checkpoint,
            }
        )
        start = context.checkpoint_cursor or 0
        total = (context.accumulated_results or {"sum": 0})["sum"]
        end = min(start + 3, 10)
        total += sum(range(start, end))
        fail_at = context.get_config("fail_once_at")
        if fail_at is not None and start == fail_at and not context.is_retry():
            return self.failure("lost connection", error_type="retryable_error")
        if end < 10:
            return self.checkpoint_yield(
                cursor=end, items_processed=end, accumulated_results={"sum": total}
            )
        return self.success({"sum": total})


def chunked_template(template: Parse, init: str = "{}") -> TaskTemplate:
    return template(
        f"""
        steps:
          - name: chunked
            handler: {{callable: chunked, initialization: {init}}}
            retry: {{max_attempts: 2, backoff: linear, backoff_base_ms: 500}}
        """
    )


def test_checkpoint_yield_redispatches_with_the_checkpoint(template: Parse) -> None:
    SEEN.clear()
    run = run_template(
        chunked_template(template), {}, handlers={"chunked": Chunked}, clock=FakeClock()
    )
    assert run.status == "complete"
    assert run.result("chunked") == {"sum": 45}
    step = run.step("chunked")
    assert step.attempts == 1
    assert step.checkpoint_yields == 3
    assert [entry["cursor"] for entry in SEEN] == [None, 3, 6, 9]
    assert [entry["retry_count"] for entry in SEEN] == [0, 0, 0, 0]
    # on continuation the worker injects the yielded data itself
    assert SEEN[1]["checkpoint"] == {
        "step_uuid": step.step_uuid,
        "cursor": 3,
        "items_processed": 3,
        "accumulated_results": {"sum": 3},
    }
    assert [a.outcome for a in step.history] == [
        "checkpoint_yield",
        "checkpoint_yield",
        "checkpoint_yield",
        "success",
    ]
    assert run.event_names().count("step.checkpoint_yield.sent") == 3
    assert run.event_names().count("step.execution.started") == 4


def test_a_retry_after_a_checkpoint_resumes_from_the_stored_record(template: Parse) -> None:
    SEEN.clear()
    clock = FakeClock()
    run = run_template(
        chunked_template(template, "{fail_once_at: 6}"),
        {},
        handlers={"chunked": Chunked},
        clock=clock,
    )
    assert run.status == "complete"
    assert run.result("chunked") == {"sum": 45}
    assert run.attempts("chunked") == 2
    assert clock.sleeps == [0.5]
    retry = SEEN[3]
    assert retry["retry_count"] == 1
    assert retry["cursor"] == 6
    record = retry["checkpoint"]
    assert record["items_processed"] == 6
    assert record["accumulated_results"] == {"sum": 15}
    assert [entry["cursor"] for entry in record["history"]] == [3, 6]
