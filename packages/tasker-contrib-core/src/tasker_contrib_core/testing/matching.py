"""Compare a step result with what a test expects: a subset, reported key by key.

Results grow fields over time (timestamps, ids, metadata a test does not care
about); a test that compared whole dicts would break on every addition. So
expected mappings match as *subsets*, recursively, and every difference is
reported with its full path (``result['shipment']['speed']``) instead of one
opaque "dicts differ". Non-mapping values compare with ``==``, which keeps
``unittest.mock.ANY`` and similar matchers working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tasker_contrib_core.testing.render import short


def subset_mismatches(expected: Mapping[str, Any], actual: Any, path: str = "result") -> list[str]:
    """One line per expected key that is missing from ``actual`` or differs."""
    if not isinstance(actual, Mapping):
        return [f"{path}: expected an object with {short(dict(expected))}, got {short(actual)}"]
    problems: list[str] = []
    for key, want in expected.items():
        where = f"{path}[{key!r}]"
        if key not in actual:
            problems.append(f"{where}: missing (expected {short(want)})")
            continue
        got = actual[key]
        if isinstance(want, Mapping) and isinstance(got, Mapping):
            problems.extend(subset_mismatches(want, got, where))
        elif not _equal(want, got):
            problems.append(f"{where}: expected {short(want)}, got {short(got)}")
    return problems


def _equal(want: Any, got: Any) -> bool:
    try:
        return bool(want == got)
    except Exception:
        return False


__all__ = ["subset_mismatches"]
