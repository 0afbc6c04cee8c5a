"""``generate subscriber``: an event sink with the events interface, and its test."""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.events import EventDispatcher, Sink, TaskerEvent
from tasker_contrib_core.scaffold import generate_subscriber
from tasker_contrib_core.scaffold.subscriber import sample_event

if TYPE_CHECKING:
    from conftest import Project


def event(name: str) -> TaskerEvent:
    return TaskerEvent(
        name=name,
        id="e",
        timestamp=datetime.now(timezone.utc),
        task_uuid="t",
        kind="domain",
        namespace="ns",
    )


def test_the_sink_receives_only_what_its_patterns_match(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    result = project.cli(
        "generate", "subscriber", "PaymentAuditSubscriber", "--events", "payment.*,refund.?"
    )
    assert result.exit_code == 0, result.output
    sinks = project.layout.subscribers_package
    assert result.output.count("\n  create") == 4
    module = importlib.import_module(f"{sinks}.payment_audit")
    sink = module.PaymentAuditSubscriber()
    assert isinstance(sink, Sink)
    assert sink.patterns == ("payment.*", "refund.?")
    dispatcher = EventDispatcher([sink])
    with caplog.at_level(logging.INFO, logger=f"{sinks}.payment_audit"):
        for name in ("payment.charged", "refund.x", "order.created", "refund.xy"):
            dispatcher.publish(event(name))
    assert [record.getMessage() for record in caplog.records] == [
        "received payment.charged",
        "received refund.x",
    ]
    assert dispatcher.stats().sink("payment_audit").skipped == 2
    test_text = project.read("tests/workflows/test_payment_audit_subscriber.py")
    assert 'MATCHING = "payment.sample"' in test_text
    assert 'UNMATCHED = "zz_unrelated.event"' in test_text


def test_a_catch_all_sink_has_no_unmatched_example(project: Project) -> None:
    generate_subscriber("audit", events=["*"], target=project.root, layout=project.layout)
    test_text = project.read("tests/workflows/test_audit_subscriber.py")
    assert "UNMATCHED" not in test_text
    assert 'kind="domain"' in test_text


def test_lifecycle_patterns_get_lifecycle_sample_events(project: Project) -> None:
    generate_subscriber(
        "steps", events=["step.execution.*"], target=project.root, layout=project.layout
    )
    test_text = project.read("tests/workflows/test_steps_subscriber.py")
    assert 'kind="lifecycle"' in test_text
    assert sample_event("step.execution.*") == "step.execution.sample"


def test_rerun_keeps_edits(project: Project) -> None:
    generate_subscriber("audit", events=["x.*"], target=project.root, layout=project.layout)
    path = project.root / project.layout.subscriber_module("audit")
    path.write_text("# mine\n")
    result = generate_subscriber(
        "audit", events=["y.*"], target=project.root, layout=project.layout
    )
    assert str(project.layout.subscriber_module("audit")) in result.skipped
    assert path.read_text() == "# mine\n"


@pytest.mark.parametrize(
    ("events", "words"),
    [
        ([], "Missing option '--events'"),
        (["--events", ","], "give the events to receive"),
        (["--events", "pay'ment"], "may only use"),
        (["--events", "a b"], "may only use"),
        (["--events", "[abc]"], "may only use"),
    ],
)
def test_bad_patterns_are_refused(project: Project, events: list[str], words: str) -> None:
    result = project.cli("generate", "subscriber", "audit", *events)
    assert result.exit_code in (1, 2), result.output
    assert words in result.output
    assert project.files() == []
