"""CSRF helpers and the bounded event buffer."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from tasker_contrib_core.console import ConsoleEvents, csrf_tokens_match, new_csrf_token
from tasker_contrib_core.events import TaskerEvent


def test_tokens_are_fresh_url_safe_and_long() -> None:
    tokens = {new_csrf_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 40 and token.replace("-", "").replace("_", "").isalnum()
               for token in tokens)  # fmt: skip


def test_tokens_match_only_when_both_present_and_equal() -> None:
    token = new_csrf_token()
    assert csrf_tokens_match(token, token)
    assert not csrf_tokens_match(token, token + "x")
    assert not csrf_tokens_match(None, token)
    assert not csrf_tokens_match(token, None)
    assert not csrf_tokens_match("", "")


def event(task: str, index: int) -> TaskerEvent:
    return TaskerEvent(
        name="step.execution.completed",
        id=f"e{index}",
        timestamp=datetime.now(timezone.utc),
        task_uuid=task,
        kind="lifecycle",
        namespace="ecommerce",
    )


def test_the_buffer_keeps_the_newest_events_and_filters_by_task() -> None:
    buffer = ConsoleEvents(size=5)
    for index in range(8):
        buffer.publish(event("a" if index % 2 else "b", index))
    assert len(buffer) == 5
    assert buffer.received == 8
    assert [e.id for e in buffer.recent()] == ["e7", "e6", "e5", "e4", "e3"]
    assert [e.id for e in buffer.recent(task_uuid="a", limit=2)] == ["e7", "e5"]


def test_the_buffer_is_safe_under_concurrent_publishers() -> None:
    buffer = ConsoleEvents(size=100)

    def publish_many(offset: int) -> None:
        for index in range(1000):
            buffer.publish(event("t", offset + index))

    threads = [threading.Thread(target=publish_many, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert buffer.received == 4000
    assert len(buffer.recent(limit=1000)) == 100
