"""record_lifecycle: a log record always, a JSON line when the variable names a file."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tasker_contrib_core.runtime.lifecycle_log import (
    LIFECYCLE_LOG_ENV,
    read_lifecycle_log,
    record_lifecycle,
)


def test_without_the_variable_only_a_log_record_is_made(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.delenv(LIFECYCLE_LOG_ENV, raising=False)
    with caplog.at_level(logging.INFO, logger="tasker_contrib.lifecycle"):
        entry = record_lifecycle("runtime.started", kind="local")
    assert entry["event"] == "runtime.started"
    assert entry["pid"] == os.getpid()
    assert entry["ppid"] == os.getppid()
    assert entry["kind"] == "local"
    assert caplog.records[0].tasker_lifecycle == entry  # type: ignore[attr-defined]
    assert list(tmp_path.iterdir()) == []


def test_processes_append_whole_lines_to_one_file(tmp_path: Path) -> None:
    log = tmp_path / "lifecycle.jsonl"
    code = textwrap.dedent(
        """
        import os
        from tasker_contrib_core.runtime.lifecycle_log import record_lifecycle
        for i in range(200):
            record_lifecycle("tick", n=i, padding="x" * 200)
        """
    )
    env = {**os.environ, LIFECYCLE_LOG_ENV: str(log)}
    children = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(3)]
    for child in children:
        assert child.wait(timeout=60) == 0
    entries = read_lifecycle_log(log)
    assert len(entries) == 600  # no torn or interleaved lines
    assert len({entry["pid"] for entry in entries}) == 3


def test_an_unwritable_file_never_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(LIFECYCLE_LOG_ENV, str(tmp_path / "missing-dir" / "log.jsonl"))
    assert record_lifecycle("runtime.stopping")["event"] == "runtime.stopping"
    assert read_lifecycle_log(tmp_path / "nothing-here.jsonl") == []
