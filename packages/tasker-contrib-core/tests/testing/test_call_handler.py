"""``call_handler``: every kind of handler, sync or async, always a ``StepHandlerResult``."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from tasker_contrib_core.errors import HandlerResolutionError
from tasker_contrib_core.testing import build_step_context, call_handler, run_task
from tasker_core import PermanentError, StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import step_handler

CONSTRUCTED: list[str] = []


class Echo(StepHandler):
    handler_name = "tests.echo"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success(
            {"order_id": context.get_input("order_id"), "handler": context.handler_name}
        )


class AsyncEcho(StepHandler):
    async def call(self, context: StepContext) -> StepHandlerResult:
        await asyncio.sleep(0)
        return self.success({"async": True, "attempt": context.retry_count + 1})


class NeedsConfig(StepHandler):
    def __init__(self, config: dict[str, Any]) -> None:
        CONSTRUCTED.append(f"config={config!r}")

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({})


class Raises(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        raise ValueError("bad sku")


class RaisesPermanent(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        raise PermanentError("no such account")


class ReturnsDict(StepHandler):
    def call(self, context: StepContext) -> Any:
        return {"not": "a result"}


class Unserialisable(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"value": object()})


class KeepsTuples(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"pair": (1, 2)})


class Slow(StepHandler):
    def call(self, context: StepContext) -> StepHandlerResult:
        time.sleep(1.0)
        return self.success({})


class BrokenConstructor(StepHandler):
    def __init__(self) -> None:
        raise RuntimeError("no credentials")

    def call(self, context: StepContext) -> StepHandlerResult:  # pragma: no cover
        return self.success({})


@step_handler("tests.decorated")
def decorated(order_id: str | None = None) -> dict[str, Any]:
    return {"decorated": True}


@step_handler("tests.decorated_permanent")
def decorated_permanent() -> dict[str, Any]:
    raise PermanentError("declined")


@step_handler("tests.decorated_async")
async def decorated_async() -> dict[str, Any]:
    await asyncio.sleep(0)
    return {"async": True}


@pytest.fixture
def context() -> StepContext:
    return build_step_context(task_fields={"order_id": "ORD-1"}, step_name="echo")


def test_class_instance_and_decorated_function(context: StepContext) -> None:
    by_class = call_handler(Echo, context)
    by_instance = call_handler(Echo(), context)
    assert by_class.is_success
    assert by_instance.is_success
    assert by_class.result == {"order_id": "ORD-1", "handler": "tests.echo"}
    assert call_handler(decorated, context).result == {"decorated": True}


def test_async_handlers_run_like_the_worker_runs_them(context: StepContext) -> None:
    assert call_handler(AsyncEcho, context).result == {"async": True, "attempt": 1}
    assert call_handler(decorated_async, context).result == {"async": True}


def test_async_handlers_from_inside_a_running_event_loop(context: StepContext) -> None:
    async def main() -> StepHandlerResult:
        return call_handler(AsyncEcho, context)

    assert asyncio.run(main()).result == {"async": True, "attempt": 1}


def test_constructor_falls_back_to_config_like_the_worker(context: StepContext) -> None:
    CONSTRUCTED.clear()
    assert call_handler(NeedsConfig, context).is_success
    assert CONSTRUCTED == ["config={}"]


def test_exceptions_become_the_workers_failure(context: StepContext) -> None:
    result = call_handler(Raises, context)
    assert not result.is_success
    assert (result.error_type, result.error_message, result.retryable) == (
        "ValueError",
        "bad sku",
        True,
    )
    assert 'raise ValueError("bad sku")' in result.metadata["traceback"]
    # 0.1.8 retries even PermanentError escaping a class handler; decorators classify it.
    assert call_handler(RaisesPermanent, context).error_type == "PermanentError"
    assert call_handler(RaisesPermanent, context).retryable is True
    permanent = call_handler(decorated_permanent, context)
    assert (permanent.error_type, permanent.retryable) == ("permanent_error", False)


def test_classification_matches_a_local_engine_run(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        'name: t\nnamespace_name: tests\nversion: "1.0.0"\nsteps:\n'
        "  - name: only\n    handler: {callable: raises}\n"
        "    retry: {retryable: false, max_attempts: 1}\n"
    )
    run = run_task(template, handlers={"raises": Raises})
    error = run.step("only").error
    direct = call_handler(Raises, build_step_context(step_name="only"))
    assert error is not None
    assert (direct.error_type, direct.error_message, direct.retryable) == (
        error.error_type,
        error.message,
        error.retryable,
    )


def test_fail_fast_raises_the_original_exception(context: StepContext) -> None:
    with pytest.raises(ValueError, match="bad sku") as excinfo:
        call_handler(Raises, context, fail_fast=True)
    assert any(entry.name == "call" for entry in excinfo.traceback)


def test_results_the_worker_cannot_submit(context: StepContext) -> None:
    invalid = call_handler(ReturnsDict, context)
    assert (invalid.error_type, invalid.retryable) == ("invalid_handler_result", False)
    assert "call() returned dict" in (invalid.error_message or "")
    unserialisable = call_handler(Unserialisable, context)
    assert (unserialisable.error_type, unserialisable.retryable) == (
        "FFI_SERIALIZATION_ERROR",
        False,
    )


def test_the_handlers_own_result_object_is_returned(context: StepContext) -> None:
    assert call_handler(KeepsTuples, context).result == {"pair": (1, 2)}


def test_a_constructor_that_fails_is_handler_not_found(context: StepContext) -> None:
    result = call_handler(BrokenConstructor, context)
    assert result.error_type == "handler_not_found"
    assert "RuntimeError: no credentials" in (result.error_message or "")


def test_timeout(context: StepContext) -> None:
    result = call_handler(Slow, context, timeout=0.05)
    assert (result.error_type, result.retryable) == ("timeout", True)
    assert "within its timeout of 0.05s" in (result.error_message or "")


def test_by_name_through_the_workers_resolution() -> None:
    order = {"order_id": "ORD-1", "customer": {"email": "a@example.com"}, "items": []}
    by_path = call_handler(
        "tasker_contrib_example.handlers.validation.ValidateOrderHandler",
        build_step_context(task_fields=order),
    )
    assert by_path.error_message == "the order has no items"
    by_name = call_handler(
        "order_processing.reserve_inventory",
        build_step_context(
            task_fields={"items": [{"sku": "A", "quantity": 1}]},
            dependency_results={"validate_order": {"order_id": "ORD-1"}},
        ),
        handler_packages=["tasker_contrib_example.handlers"],
    )
    assert by_name.is_success, by_name.error_message
    assert by_name.result is not None
    assert by_name.result["reservation_id"] == "RES-ORD-1"
    with pytest.raises(HandlerResolutionError, match="does not resolve"):
        call_handler("no.such.Handler", build_step_context())


def test_usage_errors(context: StepContext) -> None:
    with pytest.raises(TypeError, match="cannot call 42"):
        call_handler(42, context)
    with pytest.raises(TypeError, match=r"needs a real tasker_core\.StepContext"):
        call_handler(Echo, object())  # type: ignore[arg-type]
