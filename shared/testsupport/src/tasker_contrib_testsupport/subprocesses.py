"""Run a Python child with a hard timeout, and read the JSON result it prints.

Tests that could crash or freeze the interpreter (engine bootstrap, forks,
signals) run in a child process. Every such test needs the same care: its own
process group so a timeout kills grandchildren too, no stdin, and a result line
that survives unrelated output on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Finished:
    """How a bounded child ended; ``returncode`` is None when it was killed on timeout."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool


def run_python_bounded(
    args: list[str],
    *,
    cwd: str | os.PathLike[str] | Path,
    env: Mapping[str, str],
    timeout: float,
) -> Finished:
    """Run ``python ARGS`` to completion, killing its process group after ``timeout``."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=10)
    return Finished(
        None if timed_out else proc.returncode,
        stdout,
        stderr,
        time.monotonic() - started,
        timed_out,
    )


def last_marked_json(stdout: str, marker: str) -> dict[str, Any] | None:
    """The JSON object on the last stdout line starting with ``marker``, if any."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(marker):
            try:
                parsed = json.loads(line[len(marker) :])
            except json.JSONDecodeError:
                return None
            return parsed if isinstance(parsed, dict) else None
    return None
