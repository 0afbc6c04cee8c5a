"""``${VAR}`` / ``${VAR:-default}`` placeholders, checked the way the engine reads them.

The engine substitutes placeholders when it loads the file, and aborts the whole
process (an uncatchable panic) on a variable outside its allow-list. We keep
placeholders in the rendered file, but check every one first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

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
