"""Item 7 of the first hour: an idle worker's log says only what needs saying.

The real ``tasker-contrib worker`` with the example handlers, started the way a
user starts it (no ``RUST_LOG`` set), left idle across two of the engine's
5-second queue long-polls, then given a step: no ``Overwriting existing
handler`` warning at start, and every event line is a whole line of its own,
never glued to engine output. (The long-poll's ``slow statement`` warning is
not filterable through ``RUST_LOG`` target directives in tasker-py 0.1.8; the
docs say so.)
"""

from __future__ import annotations

import re
import sys
import time

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.example_tasks import order_context
from tasker_contrib_testsupport.realstack import Host, RealStack

pytestmark = [pytest.mark.realstack, pytest.mark.engine, pytest.mark.slow]

#: ``tasker-contrib worker`` as a user runs it: RUST_LOG unset (the host sets one).
_WITHOUT_RUST_LOG = (
    "import os; os.environ.pop('RUST_LOG', None); from tasker_contrib_core.cli import main; main()"
)
_STRUCTLOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[\w+\s*\] ")


def _command(host: Host) -> list[str]:
    argv = [sys.executable, "-c", _WITHOUT_RUST_LOG, "worker", "--runtime", "worker"]
    for package in example.HANDLER_PACKAGES:
        argv += ["--handlers", package]
    return argv


def test_idle_worker_prints_no_expected_warnings(real_stack: RealStack) -> None:
    host = real_stack.start_host("quiet", _command, templates=[example.TEMPLATES_DIR])
    try:
        time.sleep(11)  # two long-poll cycles of an idle worker
        order = order_context()
        done = real_stack.inject(host, "order_processing", "validate_order", context=order)
        assert done.success, done.outcome
        deadline = time.monotonic() + 10
        while "step.execution.completed" not in host.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = host.log()
    finally:
        real_stack.stop_host(host)
    assert "step.execution.completed" in log, log
    assert "Overwriting existing handler" not in log, log
    for line in log.splitlines():
        if "tasker_event=" in line:
            assert _STRUCTLOG_LINE.match(line), line
            assert "ThreadId(" not in line, line
