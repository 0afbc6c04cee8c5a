"""A sink that appends every event to a file as one JSON object per line.

For a process whose events another process wants to read: a log shipper
tailing the file, or a test that started the process and checks what its
sinks saw (``tasker-contrib worker --event-log PATH``). The line is
:meth:`TaskerEvent.to_dict`, keys sorted, written and flushed under a lock so
lines from several engine threads never interleave.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from tasker_contrib_core.events.event import TaskerEvent


class JsonLinesSink:
    """Append each event to ``path`` as one JSON line (the file is created if missing)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        patterns: Iterable[str] | str | None = None,
        exclude: Iterable[str] | str | None = None,
    ) -> None:
        self.path = Path(path)
        self.patterns = patterns
        self.exclude = exclude
        self.name = "jsonl"
        self._lock = threading.Lock()
        self._file = self.path.open("a", encoding="utf-8")

    def publish(self, event: TaskerEvent) -> None:
        line = json.dumps(event.to_dict(), sort_keys=True, default=str) + "\n"
        with self._lock:
            if not self._file.closed:
                self._file.write(line)
                self._file.flush()

    def close(self) -> None:
        """Close the file; events published afterwards are dropped."""
        with self._lock:
            self._file.close()

    def __repr__(self) -> str:
        return f"JsonLinesSink({str(self.path)!r})"


__all__ = ["JsonLinesSink"]
