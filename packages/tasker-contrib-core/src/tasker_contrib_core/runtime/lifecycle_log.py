"""Record each lifecycle step of an integration, for operators and for tests.

Framework packages start and stop a runtime from hooks that run in processes
the user never sees directly: uvicorn workers, gunicorn children, a reloader's
serving process, Celery pool children. When something starts twice, or in the
wrong process, the only reliable evidence is "which event happened in which
pid, and who was its parent". So every integration reports its steps here:

* always as a stdlib logging record on the ``tasker_contrib.lifecycle`` logger
  (the ``extra`` carries the fields), which is what operators read;
* and, when ``TASKER_CONTRIB_LIFECYCLE_LOG`` names a file, as one JSON line
  appended to it: ``{"event", "pid", "ppid", "time", ...}``. Lifecycle tests
  run real servers with that variable set and assert on the lines.

Each line is written with a single ``write`` on a file opened with
``O_APPEND``, so lines from several processes never interleave. Recording
never raises: a full disk must not turn a clean shutdown into a crash.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

#: Environment variable naming the JSON-lines file (unset: logging only).
LIFECYCLE_LOG_ENV = "TASKER_CONTRIB_LIFECYCLE_LOG"

#: Logger every integration reports its lifecycle on.
LIFECYCLE_LOGGER = "tasker_contrib.lifecycle"

logger = logging.getLogger(LIFECYCLE_LOGGER)


def lifecycle_entry(event: str, **fields: Any) -> dict[str, Any]:
    """The record for ``event`` in this process: event, pid, ppid, time, then ``fields``."""
    return {
        "event": event,
        "pid": os.getpid(),
        "ppid": os.getppid(),
        "time": round(time.time(), 6),
        **fields,
    }


def record_lifecycle(event: str, *, level: int = logging.INFO, **fields: Any) -> dict[str, Any]:
    """Report one lifecycle step (``runtime.started``...) and return what was recorded.

    ``fields`` must be JSON-serialisable or have a useful ``str()``; they are
    added to the log record's ``extra`` under ``tasker_lifecycle``.
    """
    entry = lifecycle_entry(event, **fields)
    with contextlib.suppress(Exception):  # a broken logging setup must not stop us
        logger.log(
            level,
            "tasker lifecycle: %s (pid %d)",
            event,
            entry["pid"],
            extra={"tasker_lifecycle": entry},
        )
    path = os.environ.get(LIFECYCLE_LOG_ENV)
    if path:
        append_json_line(path, entry)
    return entry


def append_json_line(path: str | os.PathLike[str], entry: dict[str, Any]) -> bool:
    """Append ``entry`` as one JSON line with one write; False if that failed."""
    data = (json.dumps(entry, default=str, separators=(",", ":")) + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        os.write(fd, data)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def read_lifecycle_log(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every entry of a lifecycle log file, in write order (missing file: none)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    entries: list[dict[str, Any]] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line still being written by another process
        if isinstance(value, dict):
            entries.append(value)
    return entries


__all__ = [
    "LIFECYCLE_LOGGER",
    "LIFECYCLE_LOG_ENV",
    "append_json_line",
    "lifecycle_entry",
    "read_lifecycle_log",
    "record_lifecycle",
]
