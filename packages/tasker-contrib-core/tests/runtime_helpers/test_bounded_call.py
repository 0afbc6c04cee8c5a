"""call_bounded: the caller gets control back after the bound, whatever the call does."""

from __future__ import annotations

import threading
import time

import pytest
from tasker_contrib_core._internal.bounded_call import call_bounded


def test_value_and_error_are_handed_back() -> None:
    assert call_bounded(lambda: 42, 1.0).result() == 42
    outcome = call_bounded(lambda: 1 / 0, 1.0)
    assert outcome.finished
    assert isinstance(outcome.error, ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):
        outcome.result()


def test_a_call_that_never_returns_is_abandoned_on_a_daemon_thread() -> None:
    release = threading.Event()
    started = time.monotonic()
    outcome = call_bounded(release.wait, 0.2, name="stuck-call")
    assert time.monotonic() - started < 1.0
    assert outcome.timed_out
    with pytest.raises(TimeoutError):
        outcome.result()
    stuck = [thread for thread in threading.enumerate() if thread.name == "stuck-call"]
    assert stuck
    assert all(thread.daemon for thread in stuck)  # cannot hold interpreter exit
    release.set()
