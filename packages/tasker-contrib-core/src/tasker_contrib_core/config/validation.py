"""Checks on the merged engine table: everything that would crash or confuse the engine.

Each problem becomes a ``ConfigError`` naming the dotted key and the layer (and file
or variable) that set it, so the fix is obvious without reading the engine's source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tasker_contrib_core.config import engine_facts
from tasker_contrib_core.config.database_url import check_database_url
from tasker_contrib_core.config.merge import (
    Table,
    deep_merge,
    get_path,
    has_path,
    iter_leaves,
    nest,
)
from tasker_contrib_core.config.placeholders import (
    find_placeholders,
    has_malformed_placeholder,
    substitute,
)
from tasker_contrib_core.errors import ConfigError

if TYPE_CHECKING:
    from tasker_contrib_core.config.effective import Provenance

DATABASE_URL_KEYS = {"common.database.url": False, "common.pgmq_database.url": True}


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
        found = provenance.get(path)
        if found is None:
            return None
        return found.layer if found.source == found.layer else f"{found.layer} ({found.source})"

    resolved: dict[str, Any] = {}
    for path, value in iter_leaves(table):
        resolved[path] = value
        if not isinstance(value, str):
            continue
        problem = _placeholder_problem(value, environ)
        if problem:
            errors.append(ConfigError(problem, key=path, layer=where(path)))
            continue
        resolved[path] = substitute(value, environ)[0]

    for path, allow_empty in DATABASE_URL_KEYS.items():
        if path not in resolved or not isinstance(resolved[path], str):
            continue
        if any(error.key == path for error in errors):
            continue
        try:
            checked = check_database_url(
                resolved[path], key=path, layer=where(path), allow_empty=allow_empty
            )
        except ConfigError as exc:
            errors.append(exc)
            continue
        if checked.warning:
            notes.append(checked.warning)
            table = deep_merge(table, nest(path, checked.url))

    for path in sorted(engine_facts.REQUIRED_WORKER_LEAVES):
        if not has_path(table, path):
            errors.append(
                ConfigError(
                    "required by the engine but missing from the merged configuration; a "
                    f"layer replaced its table ({_parent_source(path, provenance)}). Restore "
                    "the table or set the key",
                    key=path,
                )
            )

    for path in sorted(engine_facts.REQUIRED_WORKER_TABLES):
        if not isinstance(_get_or_none(table, path), dict):
            errors.append(
                ConfigError(
                    "required by the engine (an empty table is enough) but missing; restore it",
                    key=path,
                )
            )
    for table_path, leaves in sorted(engine_facts.OPTIONAL_TABLE_REQUIRED_LEAVES.items()):
        if not isinstance(_get_or_none(table, table_path), dict):
            continue
        for leaf in sorted(leaves):
            path = f"{table_path}.{leaf}"
            if not has_path(table, path):
                errors.append(
                    ConfigError(
                        f"required once '{table_path}' is present, but missing; set it or "
                        f"remove the whole '{table_path}' table",
                        key=path,
                        layer=where(table_path) or _first_source_under(table_path, provenance),
                    )
                )

    if reference is not None:
        errors.extend(_type_errors(resolved, reference, where))
    errors.extend(_range_errors(resolved, where))
    errors.extend(_enum_errors(resolved, where))
    errors.extend(_pool_errors(resolved, where))
    return table, errors, notes


def _get_or_none(table: Table, path: str) -> Any:
    try:
        return get_path(table, path)
    except KeyError:
        return None


def _first_source_under(path: str, provenance: Mapping[str, Provenance]) -> str | None:
    """The layer of the first leaf under a table: who put the table there."""
    for leaf, found in sorted(provenance.items()):
        if leaf.startswith(path + "."):
            return f"{found.layer} ({found.source})"
    return None


def _placeholder_problem(value: str, environ: Mapping[str, str]) -> str | None:
    if has_malformed_placeholder(value):
        return (
            f"malformed placeholder in {value!r}; write ${{VAR}} or ${{VAR:-default}} "
            "(the default cannot contain '}')"
        )
    for placeholder in find_placeholders(value):
        if placeholder.name not in engine_facts.PLACEHOLDER_ALLOWLIST:
            allowed = ", ".join(sorted(engine_facts.PLACEHOLDER_ALLOWLIST))
            return (
                f"placeholder {placeholder.text} uses a variable the engine does not allow "
                f"(it would abort the process); allowed: {allowed}. Put the value in your "
                "settings or an environment variable instead"
            )
        if placeholder.default is None and placeholder.name not in environ:
            return (
                f"placeholder {placeholder.text} needs the environment variable "
                f"{placeholder.name}, which is not set; set it or write "
                f"${{{placeholder.name}:-default}}"
            )
    return None


def _parent_source(path: str, provenance: Mapping[str, Provenance]) -> str:
    parts = path.split(".")
    for length in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:length])
        if parent in provenance:
            found = provenance[parent]
            return f"'{parent}' was set to a non-table value by {found.layer} ({found.source})"
    return "no layer sets it"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "table"


def _type_errors(resolved: Mapping[str, Any], reference: Table, where: Any) -> list[ConfigError]:
    errors = []
    for path, value in resolved.items():
        try:
            expected = get_path(reference, path)
        except KeyError:
            continue
        want, got = _kind(expected), _kind(value)
        if want == got or (want == "number" and got == "integer"):
            continue
        errors.append(
            ConfigError(
                f"expects {_article(want)} {want}, got {_article(got)} {got} ({value!r})",
                key=path,
                layer=where(path),
            )
        )
    return errors


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _range_errors(resolved: Mapping[str, Any], where: Any) -> list[ConfigError]:
    errors = []
    for path, (low, high) in engine_facts.NUMERIC_RANGES.items():
        value = resolved.get(path)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{'-inf' if low is None else low}..{'inf' if high is None else high}"
            errors.append(
                ConfigError(
                    f"{value} is outside the engine's range {span}", key=path, layer=where(path)
                )
            )
    return errors


def _enum_errors(resolved: Mapping[str, Any], where: Any) -> list[ConfigError]:
    errors = []
    for path, allowed in engine_facts.ENUM_VALUES.items():
        value = resolved.get(path)
        if value is None or value in allowed:
            continue
        errors.append(
            ConfigError(
                f"{value!r} is not one of {', '.join(sorted(allowed))}",
                key=path,
                layer=where(path),
            )
        )
    return errors


def _pool_errors(resolved: Mapping[str, Any], where: Any) -> list[ConfigError]:
    errors = []
    for pool in ("common.database.pool", "common.pgmq_database.pool"):
        low, high = resolved.get(f"{pool}.min_connections"), resolved.get(f"{pool}.max_connections")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            key = f"{pool}.min_connections"
            errors.append(
                ConfigError(
                    f"min_connections ({low}) is larger than max_connections ({high})",
                    key=key,
                    layer=where(key),
                )
            )
    return errors
