"""Importing the client and events packages must not import the engine (it prints logs)."""

from __future__ import annotations

import subprocess
import sys


def test_client_and_events_do_not_import_tasker_core() -> None:
    code = (
        "import sys\n"
        "import tasker_contrib_core.client, tasker_contrib_core.events\n"
        "from tasker_contrib_core.events import EventDispatcher, StructlogSink\n"
        "EventDispatcher([StructlogSink()], queue_size=10).stop(1)\n"
        "print('ENGINE' if 'tasker_core' in sys.modules else 'CLEAN')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "CLEAN"
    assert result.stderr == ""
