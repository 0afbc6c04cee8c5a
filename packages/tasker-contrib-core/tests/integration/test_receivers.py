"""call_receivers / ReceiverList: every receiver runs, failures are logged, refs are strong."""

from __future__ import annotations

import gc
import logging
from typing import Any

import pytest
from tasker_contrib_core.integration import ReceiverList, call_receivers, signal_name


def test_a_failing_receiver_neither_raises_nor_stops_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []

    def first(sender: str, **kw: Any) -> str:
        seen.append("first")
        return "one"

    def broken(sender: str, **kw: Any) -> None:
        raise ValueError("receiver bug")

    def last(sender: str, **kw: Any) -> None:
        seen.append(f"last:{kw['event']}")

    with caplog.at_level(logging.ERROR):
        outcomes = call_receivers(
            [first, broken, last], "app", event="e1", signal="tasker.step_execution_completed"
        )
    assert seen == ["first", "last:e1"]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[0].value == "one"
    assert isinstance(outcomes[1].error, ValueError)
    assert "broken" in caplog.text
    assert "tasker.step_execution_completed" in caplog.text


def test_keyboard_interrupt_is_not_swallowed() -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        call_receivers([interrupt])


def test_receiver_list_holds_strong_refs_and_connects_once_per_key() -> None:
    receivers = ReceiverList("tasker.x")
    seen: list[int] = []
    assert receivers.connect(lambda n: seen.append(n), key="ours")  # noqa: PLW0108
    assert not receivers.connect(lambda n: seen.append(n * 100), key="ours")  # ready() twice
    gc.collect()
    receivers.send(1)
    assert seen == [1]  # the lambda survived garbage collection
    assert receivers.disconnect("ours")
    assert len(receivers) == 0
    assert not receivers.disconnect("ours")
    with pytest.raises(TypeError):
        receivers.connect("not callable")  # type: ignore[arg-type]


def test_signal_names_follow_the_design() -> None:
    assert signal_name("step.execution.completed") == "tasker.step_execution_completed"
    assert signal_name("order.shipped") == "tasker.order_shipped"
