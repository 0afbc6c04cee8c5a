"""Checks on the merged engine table: everything that would crash or confuse the engine.

Each problem becomes a ``ConfigError`` naming the dotted key, the rule and the layer
(and file or variable) that set it, so the fix is obvious without reading the
engine's source. Placeholders are checked by
:func:`~tasker_contrib_core.config.placeholders.placeholder_problem` and then
substituted, so the value a placeholder will take passes the same rules (one JSON
Schema, :mod:`~tasker_contrib_core.config.engine_schema`) as a literal value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tasker_contrib_core.config import engine_facts, engine_schema
from tasker_contrib_core.config.database_url import check_database_url
from tasker_contrib_core.config.merge import Table, deep_merge, get_path, nest
from tasker_contrib_core.config.placeholders import (
    environment_lookup,
    iter_texts,
    placeholder_problem,
    resolve_table,
)
from tasker_contrib_core.config.provenance import Provenance
from tasker_contrib_core.errors import ConfigError

DATABASE_URL_KEYS = {"common.database.url": False, "common.pgmq_database.url": True}

Where = Callable[[str], "str | None"]


def validate_table(
    table: Table,
    provenance: Mapping[str, Provenance],
    environ: Mapping[str, str],
    reference: Table | None = None,
) -> tuple[Table, list[ConfigError], list[str]]:
    """Return the normalised table, the errors and the warnings."""
    errors: list[ConfigError] = []
    notes: list[str] = []

    def where(path: str) -> str | None:
        leaf = path.split("[", 1)[0]
        found = provenance.get(leaf) or _first_under(leaf, provenance)
        if found is None:
            return None
        if found.source.startswith(f"{found.layer} "):
            return found.source  # "env var DATABASE_URL", not "env var (env var DATABASE_URL)"
        return f"{found.layer} ({found.source})"

    lookup = environment_lookup(environ)
    refused: set[str] = set()
    for path, text in iter_texts(table):
        problem = placeholder_problem(text, lookup)
        if problem and path not in refused:
            refused.add(path)
            errors.append(ConfigError(problem, key=path, layer=where(path)))
    resolved: Table = resolve_table(table, lookup)

    for path, allow_empty in DATABASE_URL_KEYS.items():
        value = _get_or_none(resolved, path)
        if not isinstance(value, str) or path in refused:
            continue
        try:
            checked = check_database_url(
                value, key=path, layer=where(path), allow_empty=allow_empty
            )
        except ConfigError as exc:
            errors.append(exc)
            refused.add(path)
            continue
        if checked.warning:
            notes.append(checked.warning)
            if value == _get_or_none(table, path):
                table = deep_merge(table, nest(path, checked.url))

    for broken in engine_schema.check(resolved, reference):
        if broken.key in refused or broken.key.split("[", 1)[0] in refused:
            continue
        errors.append(_schema_error(broken, provenance, where))
    errors.extend(_pool_errors(resolved, where))
    return table, errors, notes


def _schema_error(
    problem: engine_schema.SchemaProblem, provenance: Mapping[str, Provenance], where: Where
) -> ConfigError:
    if problem.missing:
        parent = problem.key.rpartition(".")[0]
        optional = _optional_table_of(problem.key)
        if optional is not None:
            return ConfigError(
                f"required once '{optional}' is present, but missing; set it or remove the "
                f"whole '{optional}' table (engine rule: required)",
                key=problem.key,
                layer=where(optional),
            )
        return ConfigError(
            "required by the engine but missing from the merged configuration; "
            f"{_parent_source(problem.key, provenance)}. Restore the table or set the key "
            "(engine rule: required)",
            key=problem.key,
            layer=where(parent) if parent and "." in parent else None,
        )
    return ConfigError(
        f"{problem.message} (engine rule: {problem.rule})",
        key=problem.key,
        layer=where(problem.key),
    )


def _optional_table_of(path: str) -> str | None:
    """The innermost optional table whose presence makes ``path`` required."""
    tables = [
        table
        for table, leaves in engine_facts.OPTIONAL_TABLE_REQUIRED_LEAVES.items()
        if path.startswith(table + ".") and path[len(table) + 1 :] in leaves
    ]
    return max(tables, key=len) if tables else None


def _get_or_none(table: Table, path: str) -> Any:
    try:
        return get_path(table, path)
    except KeyError:
        return None


def _first_under(path: str, provenance: Mapping[str, Provenance]) -> Provenance | None:
    """The provenance of the first leaf under a table: who put the table there."""
    for leaf, found in sorted(provenance.items()):
        if leaf.startswith(path + "."):
            return found
    return None


def _parent_source(path: str, provenance: Mapping[str, Provenance]) -> str:
    parts = path.split(".")
    for length in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:length])
        if parent in provenance:
            found = provenance[parent]
            return (
                f"a layer replaced its table: '{parent}' was set to a non-table value by "
                f"{found.layer} ({found.source})"
            )
    return "no layer sets it"


def _pool_errors(resolved: Table, where: Where) -> list[ConfigError]:
    """The one rule relating two keys, which a per-key schema cannot state."""
    errors = []
    for pool in ("common.database.pool", "common.pgmq_database.pool"):
        low = _get_or_none(resolved, f"{pool}.min_connections")
        high = _get_or_none(resolved, f"{pool}.max_connections")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            key = f"{pool}.min_connections"
            errors.append(
                ConfigError(
                    f"min_connections ({low}) is larger than max_connections ({high}); "
                    "lower it or raise max_connections",
                    key=key,
                    layer=where(key),
                )
            )
    return errors
