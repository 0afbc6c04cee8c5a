"""The dispatcher with a bounded queue: a slow sink must not stall the source.

Overflow tests hold the sink inside its first event (a gate) so the queue
fills deterministically: the first event is in flight, the next ``queue_size``
wait in the queue, and what happens to the rest is the overflow policy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any

import pytest
from tasker_contrib_core.events import CallbackSink, EventDispatcher

QUEUE_SIZE = 5


def hold_first_event(dispatcher: EventDispatcher, sink: Any, make_event: Any) -> Any:
    """Publish one event and wait until the sink is stuck inside it."""
    first = make_event("e.first")
    dispatcher.publish(first)
    assert sink.entered.wait(5), "the dispatcher thread never delivered"
    return first


def test_delivery_happens_on_the_dispatcher_thread(make_event: Any, recorder_type: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink], queue_size=10, thread_name="events-test")
    assert dispatcher.stats().thread_alive is False  # started by the first event
    dispatcher.publish(make_event())
    assert dispatcher.flush(5)
    assert sink.threads == {"events-test"}
    thread = next(t for t in threading.enumerate() if t.name == "events-test")
    assert thread.daemon
    assert dispatcher.stop(5)
    assert not thread.is_alive()


def test_a_slow_sink_does_not_block_the_publisher(make_event: Any, recorder_type: Any) -> None:
    slow = recorder_type("slow", delay=0.2)
    dispatcher = EventDispatcher([slow], queue_size=1000)
    latencies = []
    for _ in range(200):
        started = time.perf_counter()
        dispatcher.publish(make_event())
        latencies.append(time.perf_counter() - started)
    # Synchronously this would take 200 * 0.2 s = 40 s.
    assert sum(latencies) < 1.0
    assert max(latencies) < 0.15
    assert dispatcher.stats().dropped == 0
    slow.delay = 0  # let the backlog drain quickly
    assert dispatcher.stop(5)
    assert len(slow.events) == 200


def test_drop_newest(make_event: Any, recorder_type: Any) -> None:
    gate = threading.Event()
    sink = recorder_type(gate=gate)
    dispatcher = EventDispatcher([sink], queue_size=QUEUE_SIZE, overflow="drop_newest")
    first = hold_first_event(dispatcher, sink, make_event)
    rest = [make_event(f"e.{i}") for i in range(QUEUE_SIZE + 3)]
    for event in rest:
        dispatcher.publish(event)
    assert dispatcher.stats().dropped == 3
    gate.set()
    assert dispatcher.stop(5)
    assert sink.events == [first, *rest[:QUEUE_SIZE]]
    stats = dispatcher.stats()
    assert (stats.published, stats.delivered, stats.dropped, stats.pending) == (9, 6, 3, 0)


def test_drop_oldest(make_event: Any, recorder_type: Any) -> None:
    gate = threading.Event()
    sink = recorder_type(gate=gate)
    dispatcher = EventDispatcher([sink], queue_size=QUEUE_SIZE, overflow="drop_oldest")
    first = hold_first_event(dispatcher, sink, make_event)
    rest = [make_event(f"e.{i}") for i in range(QUEUE_SIZE + 3)]
    for event in rest:
        dispatcher.publish(event)
    gate.set()
    assert dispatcher.stop(5)
    assert sink.events == [first, *rest[3:]]
    stats = dispatcher.stats()
    assert (stats.published, stats.delivered, stats.dropped) == (9, 6, 3)


def test_block_waits_for_room_then_delivers_everything(make_event: Any, recorder_type: Any) -> None:
    gate = threading.Event()
    sink = recorder_type(gate=gate)
    dispatcher = EventDispatcher([sink], queue_size=QUEUE_SIZE, overflow="block", block_timeout=5)
    hold_first_event(dispatcher, sink, make_event)
    for i in range(QUEUE_SIZE):
        dispatcher.publish(make_event(f"e.{i}"))
    threading.Timer(0.2, gate.set).start()
    started = time.monotonic()
    dispatcher.publish(make_event("e.waited"))  # blocks until the sink frees room
    waited = time.monotonic() - started
    assert 0.1 < waited < 4
    assert dispatcher.stop(5)
    assert sink.names[-1] == "e.waited"
    assert dispatcher.stats().dropped == 0
    assert len(sink.events) == QUEUE_SIZE + 2


def test_block_gives_up_after_its_timeout(make_event: Any, recorder_type: Any) -> None:
    gate = threading.Event()
    sink = recorder_type(gate=gate)
    dispatcher = EventDispatcher([sink], queue_size=QUEUE_SIZE, overflow="block", block_timeout=0.1)
    hold_first_event(dispatcher, sink, make_event)
    for i in range(QUEUE_SIZE):
        dispatcher.publish(make_event(f"e.{i}"))
    started = time.monotonic()
    dispatcher.publish(make_event("e.lost"))
    assert 0.05 < time.monotonic() - started < 2
    assert dispatcher.stats().dropped == 1
    gate.set()
    assert dispatcher.stop(5)
    assert "e.lost" not in sink.names


def test_block_from_the_dispatcher_thread_cannot_deadlock(make_event: Any) -> None:
    dispatcher: EventDispatcher

    def echo(event: Any) -> None:
        if event.name == "e.root":
            for i in range(10):  # more than fits: would wait for itself
                dispatcher.publish(make_event(f"e.child{i}"))

    dispatcher = EventDispatcher(
        [CallbackSink(echo)], queue_size=2, overflow="block", block_timeout=10
    )
    dispatcher.publish(make_event("e.root"))
    started = time.monotonic()
    assert dispatcher.flush(5)
    assert time.monotonic() - started < 5
    assert dispatcher.stats().dropped == 8
    dispatcher.stop(1)


def test_clean_stop_loses_nothing(make_event: Any, recorder_type: Any, source: Any) -> None:
    sink = recorder_type(delay=0.001)
    dispatcher = EventDispatcher([sink], queue_size=10_000)
    dispatcher.attach(source)
    events = [make_event(f"e.{i}") for i in range(500)]
    for event in events:
        source.emit(event)
    assert dispatcher.stats().pending > 0  # still queued when stop begins
    assert dispatcher.stop(timeout=30) is True
    assert sink.events == events
    assert source.listeners == []
    stats = dispatcher.stats()
    assert (stats.delivered, stats.pending, stats.dropped) == (500, 0, 0)
    assert stats.thread_alive is False


def test_stop_returns_within_its_timeout_when_a_sink_hangs(
    make_event: Any, recorder_type: Any, caplog: pytest.LogCaptureFixture
) -> None:
    gate = threading.Event()
    sink = recorder_type(gate=gate)
    dispatcher = EventDispatcher([sink], queue_size=10)
    hold_first_event(dispatcher, sink, make_event)
    dispatcher.publish(make_event())
    started = time.monotonic()
    assert dispatcher.stop(timeout=0.2) is False
    assert time.monotonic() - started < 2
    assert "did not deliver 2 queued event(s)" in caplog.text
    dispatcher.publish(make_event("e.after-stop"))
    assert dispatcher.stats().refused == 1
    gate.set()
    assert dispatcher.flush(5)
    assert "e.after-stop" not in sink.names


def test_restart_after_stop(make_event: Any, recorder_type: Any) -> None:
    sink = recorder_type()
    dispatcher = EventDispatcher([sink], queue_size=10)
    dispatcher.publish(make_event())
    assert dispatcher.stop(5)
    dispatcher.start()
    dispatcher.publish(make_event())
    assert dispatcher.flush(5)
    assert len(sink.events) == 2
    assert dispatcher.stop(5)


def test_failing_sink_on_the_dispatcher_thread_keeps_it_alive(
    make_event: Any, recorder_type: Any
) -> None:
    good = recorder_type("good")
    dispatcher = EventDispatcher([recorder_type("bad", fail=True), good], queue_size=100)
    for _ in range(20):
        dispatcher.publish(make_event())
    assert dispatcher.flush(5)
    stats = dispatcher.stats()
    assert stats.thread_alive
    assert stats.sink("bad").failed == 20
    assert stats.sink("good").delivered == 20
    dispatcher.stop(5)


def test_concurrent_publishers_into_the_queue(make_event: Any) -> None:
    got: list[str] = []
    dispatcher = EventDispatcher(
        [CallbackSink(lambda e: got.append(e.id))], queue_size=50, overflow="drop_newest"
    )
    threads_n, per_thread = 6, 3_000
    batches = [[make_event() for _ in range(per_thread)] for _ in range(threads_n)]

    def publisher(batch: list[Any]) -> None:
        for event in batch:
            dispatcher.publish(event)

    threads = [threading.Thread(target=publisher, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert dispatcher.stop(10)
    stats = dispatcher.stats()
    total = threads_n * per_thread
    assert stats.published == total
    assert stats.delivered + stats.dropped == total
    assert len(got) == stats.delivered == len(set(got))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_gets_its_own_dispatcher_thread() -> None:
    code = textwrap.dedent(
        """
        import os, sys, threading
        from datetime import datetime, timezone
        from tasker_contrib_core.events import CallbackSink, EventDispatcher, TaskerEvent

        got = []
        d = EventDispatcher([CallbackSink(got.append)], queue_size=10)
        def ev(n):
            return TaskerEvent(name=n, id=n, timestamp=datetime.now(timezone.utc),
                               task_uuid="t", kind="domain", namespace="n")
        d.publish(ev("parent"))
        assert d.flush(5)
        pid = os.fork()
        if pid == 0:
            d.publish(ev("child"))
            ok = d.flush(5) and [e.name for e in got] == ["parent", "child"]
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        print("child-exit", os.waitstatus_to_exitcode(status))
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "child-exit 0" in result.stdout
