"""``${VAR}`` / ``${VAR:-default}`` placeholders, checked the way the engine reads them.

The engine substitutes placeholders when it loads the file, and aborts the whole
process (an uncatchable panic) on a variable outside its allow-list. We keep
placeholders in the rendered file, but check every one first, here and only
here: ``check()``/``config validate``/``render``/``doctor`` check them against the
environment they run in, the worker runtime against the one it hands the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tasker_contrib_core.config import engine_facts
from tasker_contrib_core.config.database_url import check_database_url
from tasker_contrib_core.config.masking import mask_url
from tasker_contrib_core.errors import ConfigError

_PLACEHOLDER = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")


@dataclass(frozen=True)
class Placeholder:
    text: str
    name: str
    default: str | None


def find_placeholders(value: str) -> list[Placeholder]:
    return [
        Placeholder(match.group(0), match.group("name"), match.group("default"))
        for match in _PLACEHOLDER.finditer(value)
    ]


def has_malformed_placeholder(value: str) -> bool:
    """True when ``${`` appears outside a well-formed placeholder."""
    return "${" in _PLACEHOLDER.sub("", value)


def substitute(value: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """Resolve placeholders as the engine would; also return the names left unresolved."""
    unresolved: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        unresolved.append(name)
        return ""

    return _PLACEHOLDER.sub(replace, value), unresolved


#: Where a placeholder's variable gets its value: ``name -> (value or None, source)``.
ValueLookup = Callable[[str], "tuple[str | None, str]"]

#: Variables the engine validates as URLs (and aborts on) when it substitutes them.
URL_VARIABLES = ("DATABASE_URL", "PGMQ_DATABASE_URL")


def environment_lookup(environ: Mapping[str, str]) -> ValueLookup:
    """Look variables up in ``environ`` (reported as "environment variable")."""

    def lookup(name: str) -> tuple[str | None, str]:
        if name in environ:
            return environ[name], "environment variable"
        return None, "unset"

    return lookup


def engine_value(name: str, value: str) -> str | None:
    """The value the engine will substitute for ``${name}``, or None when it would abort.

    A ``postgres://`` URL in ``DATABASE_URL`` / ``PGMQ_DATABASE_URL`` is rewritten to
    ``postgresql://`` by the worker runtime before the engine sees it, so it counts
    as accepted (with the rewritten value).
    """
    if engine_facts.placeholder_value_ok(name, value):
        return value
    if name not in URL_VARIABLES:
        return None
    try:
        checked = check_database_url(value, key=name, layer=None, allow_empty=True)
    except ConfigError:
        return None
    return checked.url if engine_facts.placeholder_value_ok(name, checked.url) else None


def shown_value(name: str, value: str) -> str:
    """``value`` safe to print: URLs masked, everything else quoted."""
    return mask_url(value) if "URL" in name else repr(value)


def placeholder_problem(text: str, lookup: ValueLookup, *, where: str = "") -> str | None:
    """Why the engine would abort (or silently misread) the placeholders in ``text``.

    The one check of placeholders, for a value, an array item or a TOML key alike:
    the syntax, the engine's allow-list, whether the variable is set, and whether
    its value passes the engine's pattern for that variable. ``where`` names the
    file the placeholder sits in, when it is not the merged configuration.
    """
    inside = f" in {where}" if where else ""
    if has_malformed_placeholder(text):
        return (
            f"malformed placeholder in {text!r}{inside}; write ${{VAR}} or ${{VAR:-default}} "
            "(the default cannot contain '}')"
        )
    for placeholder in find_placeholders(text):
        name = placeholder.name
        value, source = lookup(name)
        if not engine_facts.is_allowed_placeholder(name):
            allowed = ", ".join(sorted(engine_facts.PLACEHOLDER_ALLOWLIST))
            return (
                f"placeholder {placeholder.text}{inside} uses a variable the engine does not "
                f"allow (it would abort the process); allowed: {allowed}. Put the value in "
                "your settings or an environment variable instead"
            )
        if value is None:
            if placeholder.default is not None:
                continue
            return (
                f"placeholder {placeholder.text}{inside} needs the environment variable "
                f"{name}, which is not set in this process's environment; set it or write "
                f"${{{name}:-default}}"
            )
        if engine_value(name, value) is None:
            return (
                f"placeholder {placeholder.text}{inside} would take {name} ({source}) = "
                f"{shown_value(name, value)}, which the engine rejects for that variable "
                f"(pattern {engine_facts.PLACEHOLDER_VALUE_PATTERNS[name]}) and would abort "
                f"the process; fix {name} or put a literal value in your settings"
            )
    return None


def resolve_text(text: str, lookup: ValueLookup) -> str:
    """``text`` with every placeholder replaced by the value the engine will use."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        value, _ = lookup(name)
        if value is not None:
            return engine_value(name, value) or value
        return default if default is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def iter_texts(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string the engine substitutes placeholders in: keys, values, array items.

    Yields ``(dotted path, text)``; an array item's path ends in ``[index]``.
    """
    for key, value in table.items():
        path = f"{prefix}{key}"
        yield path, str(key)
        yield from _texts_of(path, value)


def _texts_of(path: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        yield from iter_texts(value, f"{path}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts_of(f"{path}[{index}]", item)


def resolve_table(value: Any, lookup: ValueLookup) -> Any:
    """A copy of ``value`` with placeholders substituted in keys, strings and array items."""
    if isinstance(value, str):
        return resolve_text(value, lookup)
    if isinstance(value, Mapping):
        return {resolve_text(str(k), lookup): resolve_table(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_table(item, lookup) for item in value]
    return value
