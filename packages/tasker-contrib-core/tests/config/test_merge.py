"""Upstream's merge rules, by example and as properties."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tasker_contrib_core.config.merge import (
    deep_merge,
    get_path,
    iter_leaves,
    nest,
    strip_docs,
    unflatten,
)

# Key names decide the kind of value, as in a real config where a key is always a table
# or always a leaf: that is the domain in which upstream's merge is associative.
TABLE_KEYS = ("common", "database", "pool", "_docs")
LEAF_KEYS = ("url", "max_connections", "search_paths", "enabled", "url_docs")
scalars = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.floats(allow_nan=False))
leaves = st.one_of(scalars, st.lists(scalars, max_size=3))
tables = st.recursive(
    st.dictionaries(st.sampled_from(LEAF_KEYS), leaves, max_size=3),
    lambda children: st.dictionaries(
        st.sampled_from(LEAF_KEYS + TABLE_KEYS), st.one_of(leaves, children), max_size=4
    ).map(
        lambda table: {
            key: value
            for key, value in table.items()
            if (key in TABLE_KEYS) == isinstance(value, dict)
        }
    ),
    max_leaves=12,
)
# No deadline: the suite runs beside other work on small machines.
relaxed = settings(deadline=None, max_examples=200)


def test_tables_merge_recursively_and_scalars_are_replaced() -> None:
    base = {
        "common": {"database": {"url": "a", "pool": {"max_connections": 5, "min_connections": 1}}}
    }
    overlay = {"common": {"database": {"pool": {"max_connections": 9}}}}
    assert deep_merge(base, overlay) == {
        "common": {"database": {"url": "a", "pool": {"max_connections": 9, "min_connections": 1}}}
    }


def test_arrays_are_replaced_not_concatenated() -> None:
    assert deep_merge({"b": [1, 5, 15]}, {"b": [2]}) == {"b": [2]}


def test_docs_keys_are_dropped_at_every_depth() -> None:
    table = {"a": {"_docs": {"x": 1}, "b": 1, "b_docs": "text", "c": {"_docs": 2, "d": 3}}}
    assert strip_docs(table) == {"a": {"b": 1, "c": {"d": 3}}}


def test_placeholders_are_kept_verbatim() -> None:
    merged = deep_merge({"url": "${DATABASE_URL:-postgresql://h/db}"}, {})
    assert merged == {"url": "${DATABASE_URL:-postgresql://h/db}"}


def test_a_table_meeting_a_scalar_is_replaced() -> None:
    assert deep_merge({"a": {"b": 1}}, {"a": 3}) == {"a": 3}
    assert deep_merge({"a": 3}, {"a": {"b": 1}}) == {"a": {"b": 1}}


def test_inputs_are_not_modified() -> None:
    base = {"a": {"b": [1]}}
    overlay = {"a": {"c": 2}}
    merged = deep_merge(base, overlay)
    merged["a"]["b"].append(9)
    assert base == {"a": {"b": [1]}}
    assert overlay == {"a": {"c": 2}}


def test_unflatten_and_nest() -> None:
    assert nest("a.b.c", 1) == {"a": {"b": {"c": 1}}}
    assert unflatten({"a.b": 1, "a.c": 2}) == {"a": {"b": 1, "c": 2}}


@relaxed
@given(tables)
def test_merging_with_empty_only_strips_docs(table: dict[str, Any]) -> None:
    assert deep_merge(table, {}) == strip_docs(table)
    assert deep_merge({}, table) == strip_docs(table)


@relaxed
@given(tables, tables, tables)
def test_merge_is_associative(a: dict[str, Any], b: dict[str, Any], c: dict[str, Any]) -> None:
    assert deep_merge(deep_merge(a, b), c) == deep_merge(a, deep_merge(b, c))


@relaxed
@given(tables)
def test_merge_is_idempotent(table: dict[str, Any]) -> None:
    assert deep_merge(table, table) == strip_docs(table)


@relaxed
@given(tables, tables)
def test_every_overlay_leaf_wins(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    merged = dict(iter_leaves(deep_merge(base, overlay)))
    for path, value in iter_leaves(strip_docs(overlay)):
        assert merged[path] == value


def _all_keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted paths of every key, tables (even empty ones) included."""
    found: set[str] = set()
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        found.add(path)
        if isinstance(value, dict):
            found |= _all_keys(value, path)
    return found


@relaxed
@given(tables, tables)
def test_base_leaves_survive_unless_shadowed(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    merged = dict(iter_leaves(deep_merge(base, overlay)))
    overlay_keys = _all_keys(strip_docs(overlay))
    for path, value in iter_leaves(strip_docs(base)):
        parts = path.split(".")
        touched = {".".join(parts[:n]) for n in range(1, len(parts) + 1)} & overlay_keys
        # A base leaf survives when the overlay only recurses through its parent tables.
        replaced = path in overlay_keys or any(
            not isinstance(get_path(strip_docs(overlay), prefix), dict) for prefix in touched
        )
        if not replaced:
            assert merged[path] == value


@relaxed
@given(tables)
def test_no_docs_key_survives(table: dict[str, Any]) -> None:
    for path, _ in iter_leaves(deep_merge(table, table)):
        assert not any(part == "_docs" or part.endswith("_docs") for part in path.split("."))
