"""Recorded results of the compatibility matrix: one committed JSON file per package.

``nox -s matrix`` (and ``lowest``) write one record per session into
``compat/results/<distribution>.json``, replacing that session's previous record and
leaving every other one alone. One file per package means a new package's results
come from running only its sessions (``nox -t flask``), and two packages never edit
the same file. ``scripts/generate_docs.py`` joins the records with the claims in each
package's ``[tool.tasker-contrib.compat]`` table.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "Counts",
    "SessionResult",
    "counts_from_junit",
    "load_results",
    "record_result",
    "results_file",
]

RESULTS_DIR = Path("compat") / "results"


@dataclass(frozen=True)
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped


@dataclass(frozen=True)
class SessionResult:
    """What one matrix (or lowest) session proved, in the form committed to the repo."""

    session: str  # the nox session name, e.g. "matrix(core, tasker-py=0.1.8, python=3.10)"
    package: str
    distribution: str
    python: str  # the claimed major.minor
    python_full: str  # what actually ran, e.g. "3.10.13"
    requested: dict[str, str]  # the pins or bounds the session asked for
    installed: dict[str, str]  # the versions importlib.metadata saw in the session
    outcome: str  # "passed" | "failed"
    date: str  # UTC, ISO 8601 date
    duration_seconds: float
    counts: Counts = field(default_factory=Counts)
    commit: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionResult:
        values = dict(data)
        values["counts"] = Counts(**values.get("counts", {}))
        return cls(**values)


def counts_from_junit(path: Path) -> Counts:
    """Sum the test counts of a pytest ``--junitxml`` report (missing file: nothing ran)."""
    if not path.is_file():
        return Counts()
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failures = errors = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return Counts(
        passed=tests - failures - errors - skipped,
        failed=failures,
        errors=errors,
        skipped=skipped,
    )


def results_file(root: Path, distribution: str) -> Path:
    return root / RESULTS_DIR / f"{distribution}.json"


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SystemExit(f"{path}: not valid JSON ({error}); restore it from git") from error
    records = data.get("results", []) if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise SystemExit(f"{path}: expected an object with a 'results' list")
    return records


def record_result(root: Path, result: SessionResult) -> Path:
    """Replace ``result.session``'s record in its package's file; keep every other one."""
    path = results_file(root, result.distribution)
    records = [r for r in _read(path) if r.get("session") != result.session]
    records.append(result.to_json())
    records.sort(key=lambda r: str(r.get("session")))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"results": records}, indent=2, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_results(root: Path) -> dict[str, SessionResult]:
    """Every recorded session of every package, by session name."""
    results: dict[str, SessionResult] = {}
    for path in sorted((root / RESULTS_DIR).glob("*.json")):
        for record in _read(path):
            try:
                result = SessionResult.from_json(record)
            except TypeError as error:
                raise SystemExit(f"{path}: malformed record {record!r} ({error})") from error
            results[result.session] = result
    return results
