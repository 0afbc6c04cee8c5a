"""JsonLinesSink: one JSON object per event, appended, safe from many threads."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from tasker_contrib_core.events import EventDispatcher, JsonLinesSink, Sink, TaskerEvent

EventFactory = Callable[..., TaskerEvent]


def test_each_event_is_one_json_line_of_its_dict(tmp_path: Path, make_event: EventFactory) -> None:
    path = tmp_path / "events.jsonl"
    sink = JsonLinesSink(path)
    assert isinstance(sink, Sink)
    first, second = make_event("order.validated"), make_event("step.execution.completed")
    sink.publish(first)
    sink.publish(second)
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [first.to_dict(), second.to_dict()]


def test_appends_to_an_existing_file_and_drops_events_after_close(
    tmp_path: Path, make_event: EventFactory
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"earlier": true}\n')
    sink = JsonLinesSink(path)
    sink.publish(make_event("a.b"))
    sink.close()
    sink.publish(make_event("c.d"))
    names = [json.loads(line).get("name") for line in path.read_text().splitlines()]
    assert names == [None, "a.b"]


def test_lines_from_many_threads_never_interleave(tmp_path: Path, make_event: EventFactory) -> None:
    path = tmp_path / "events.jsonl"
    dispatcher = EventDispatcher([JsonLinesSink(path, patterns="payment.*")])

    def publish_many() -> None:
        for _ in range(200):
            dispatcher.publish(make_event("payment.charged", payload={"blob": "x" * 500}))
            dispatcher.publish(make_event("order.validated"))

    threads = [threading.Thread(target=publish_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 800
    assert {json.loads(line)["name"] for line in lines} == {"payment.charged"}
