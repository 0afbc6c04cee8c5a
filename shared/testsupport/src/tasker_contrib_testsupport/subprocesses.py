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
import textwrap
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


def run_fresh_python(
    code: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) in a new interpreter and capture what it prints.

    For checks that need an interpreter this test session has not touched yet,
    such as "importing the package does not import tasker_core". ``env`` and
    ``cwd`` default to this process's. Past ``timeout`` it raises
    :class:`subprocess.TimeoutExpired`; a child that may freeze with children of
    its own belongs in :func:`run_python_bounded`, which kills the whole group.
    """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=None if env is None else dict(env),
        cwd=cwd,
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
