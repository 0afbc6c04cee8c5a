"""What the orchestrator accepts as JSON, checked before a task starts.

The task context travels as JSON through the orchestration API and is stored in
PostgreSQL ``jsonb``: neither accepts ``NaN`` or ``Infinity``, and the engine's
JSON reader (serde_json) refuses documents nested deeper than 128 levels. Python
accepts both, so without a check a bad context fails far from its cause (a
``RecursionError`` traceback, or ``--json`` output no JSON parser can read).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: serde_json's default recursion limit: deeper documents are refused by the engine.
MAX_JSON_DEPTH = 128


def json_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``value`` cannot be sent to the engine as JSON, naming the path; None if it can.

    Walks iteratively, so a value nested beyond Python's recursion limit is
    reported rather than crashing the check itself.
    """
    stack: list[tuple[str, Any, int]] = [("$", value, 0)]
    while stack:
        path, current, depth = stack.pop()
        if isinstance(current, float) and not math.isfinite(current):
            return (
                f"{path} is {current!r}, which JSON cannot carry (the orchestrator and "
                "PostgreSQL refuse NaN and Infinity); send null or a number instead"
            )
        if isinstance(current, Mapping | list | tuple):
            if depth >= max_depth:
                shown = path if len(path) <= 60 else f"{path[:30]}...{path[-20:]}"
                return (
                    f"{shown} is nested more than {max_depth} levels deep; the engine's JSON "
                    f"reader refuses deeper documents, so flatten the context"
                )
            items = current.items() if isinstance(current, Mapping) else enumerate(current)
            for key, item in items:
                child = f"{path}.{key}" if isinstance(current, Mapping) else f"{path}[{key}]"
                stack.append((child, item, depth + 1))
    return None


__all__ = ["MAX_JSON_DEPTH", "json_problem"]
