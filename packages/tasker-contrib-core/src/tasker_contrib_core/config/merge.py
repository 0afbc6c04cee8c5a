"""Upstream's TOML merge rules, as pure functions over nested dicts.

The engine reads one pre-merged file. Upstream builds it by deep-merging the base
files with the environment files: tables merge recursively, scalars and arrays are
replaced wholesale, and documentation keys (``_docs`` or ending in ``_docs``) are
dropped. ``${...}`` placeholders are plain strings here and are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Table = dict[str, Any]


def is_docs_key(key: str) -> bool:
    """True for keys upstream strips from the merged file."""
    return key == "_docs" or key.endswith("_docs")


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> Table:
    """Return ``base`` with ``overlay`` merged on top; neither input is modified.

    Two tables merge key by key; anything else (scalar, array, or a table meeting a
    non-table) is replaced by the overlay's value, exactly like upstream.
    """
    merged: Table = {key: _copy(value) for key, value in base.items() if not is_docs_key(key)}
    for key, value in overlay.items():
        if is_docs_key(key):
            continue
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = _copy(value)
    return merged


def strip_docs(table: Mapping[str, Any]) -> Table:
    """Drop documentation keys at every depth."""
    return deep_merge({}, table)


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return strip_docs(value)
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def iter_leaves(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted.path, value)`` for every non-table value; arrays are leaves."""
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            yield from iter_leaves(value, path)
        else:
            yield path, value


def get_path(table: Mapping[str, Any], path: str) -> Any:
    """Value at a dotted path; raises ``KeyError`` naming the first missing part."""
    node: Any = table
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def has_path(table: Mapping[str, Any], path: str) -> bool:
    try:
        get_path(table, path)
    except KeyError:
        return False
    return True


def nest(path: str, value: Any) -> Table:
    """``nest("a.b.c", 1) == {"a": {"b": {"c": 1}}}``: a dotted path as a table."""
    node: Any = value
    for part in reversed(path.split(".")):
        node = {part: node}
    result: Table = node
    return result


def unflatten(flat: Mapping[str, Any]) -> Table:
    """Turn ``{"a.b": 1, "a.c": 2}`` into ``{"a": {"b": 1, "c": 2}}`` (later keys win)."""
    result: Table = {}
    for path, value in flat.items():
        result = deep_merge(result, nest(path, value))
    return result


def prune_empty(table: Mapping[str, Any]) -> Table:
    """Drop tables that end up empty (models whose fields are all unset)."""
    pruned: Table = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            inner = prune_empty(value)
            if inner:
                pruned[key] = inner
        else:
            pruned[key] = value
    return pruned
