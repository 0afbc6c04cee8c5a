"""Python source fragments whose layout depends on the names in them.

Generated files must pass ``ruff check`` (including import sorting) and
``ruff format --check`` with default settings, whatever names the user chose.
Fixed text is written in the templates as ruff would write it; the fragments
here vary in length with the names, so they are laid out the way ruff's
formatter and import sorter would lay them out: one line when it fits in 88
columns, otherwise one item per line with a trailing comma (which keeps the
exploded form stable under any line length).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

#: ruff's default line length; the project's own setting may be longer, never needed shorter.
LINE_LENGTH = 88


def _member_key(name: str) -> tuple[int, str, str]:
    """isort's default member order: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, name.lower(), name


def from_import(module: str, names: Iterable[str]) -> str:
    """``from module import a, b`` sorted like isort, wrapped like ruff."""
    members = sorted(dict.fromkeys(names), key=_member_key)
    line = f"from {module} import {', '.join(members)}"
    if len(line) <= LINE_LENGTH:
        return line
    body = "".join(f"    {member},\n" for member in members)
    return f"from {module} import (\n{body})"


def str_assign(target: str, value: str, indent: int = 0) -> str:
    """``target = "value"``, parenthesized onto its own line when ruff would do so.

    ruff's formatter wraps a string that does not fit in parentheses when it
    then fits; a string too long even for that stays on one line.
    """
    pad = " " * indent
    literal = json.dumps(value)
    line = f"{pad}{target} = {literal}"
    if len(line) <= LINE_LENGTH or len(pad) + 4 + len(literal) > LINE_LENGTH:
        return line
    return f"{pad}{target} = (\n{pad}    {literal}\n{pad})"


def str_tuple(target: str, values: Iterable[str], indent: int = 0) -> str:
    """``TARGET = ("a",)`` or an exploded tuple of string literals, at ``indent`` spaces."""
    items = [json.dumps(value) for value in values]
    pad = " " * indent
    if len(items) == 1:
        line = f"{pad}{target} = ({items[0]},)"
        if len(line) <= LINE_LENGTH:
            return line
    body = "".join(f"{pad}    {item},\n" for item in items)
    return f"{pad}{target} = (\n{body}{pad})"


__all__ = ["LINE_LENGTH", "from_import", "str_assign", "str_tuple"]
