"""Write task template steps as YAML text in a given indentation style.

New steps are inserted into the user's file as text (see
:mod:`~tasker_contrib_core.scaffold.yaml_edit`), so they must be written in
that file's own style: where its ``-`` sits, how far its keys are indented.
ruamel.yaml does the escaping; lists of names are written in flow style
(``dependencies: [a, b]``) like the example workflow. Strings that a YAML 1.1
reader (PyYAML, which our loader uses) would turn into booleans, numbers or
null (``no``, ``on``, ``1.0``) are quoted so every reader sees a string.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString


@dataclass(frozen=True)
class StepStyle:
    """Indentation of a ``steps:`` list.

    ``dash`` is the column of ``-``, ``content`` the column of the item's
    keys, ``mapping`` the extra indentation of nested keys.
    """

    dash: int = 2
    content: int = 4
    mapping: int = 2
    blank_lines: bool = True
    dependencies_key: str = "dependencies"


def _scalar(value: Any) -> Any:
    if isinstance(value, str):
        try:
            read_back = pyyaml.safe_load(value)
        except pyyaml.YAMLError:
            read_back = None
        if read_back != value:
            return DoubleQuotedScalarString(value)
    return value


def to_ruamel(value: Any) -> Any:
    """Plain data -> ruamel round-trip nodes (block mappings, flow lists of scalars)."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = to_ruamel(item)
        return mapping
    if isinstance(value, Sequence) and not isinstance(value, str):
        sequence = CommentedSeq([to_ruamel(item) for item in value])
        if all(not isinstance(item, (Mapping, list, tuple)) for item in value):
            sequence.fa.set_flow_style()
        return sequence
    return _scalar(value)


def _dumper(mapping_indent: int) -> YAML:
    dumper = YAML(typ="rt")
    dumper.indent(mapping=mapping_indent, sequence=mapping_indent + 2, offset=mapping_indent)
    dumper.width = 4096
    return dumper


def dump_mapping(data: Mapping[str, Any], mapping_indent: int = 2) -> str:
    """A mapping as block YAML starting at column 0."""
    stream = io.StringIO()
    _dumper(mapping_indent).dump(to_ruamel(data), stream)
    return stream.getvalue()


def render_step(step: Mapping[str, Any], style: StepStyle) -> list[str]:
    """One step as lines (with newlines) of a ``steps:`` list in ``style``."""
    data = dict(step)
    if style.dependencies_key != "dependencies" and "dependencies" in data:
        data = {
            (style.dependencies_key if key == "dependencies" else key): value
            for key, value in data.items()
        }
    body = dump_mapping(data, style.mapping).splitlines()
    gap = max(style.content - style.dash - 1, 1)
    lines = [" " * style.dash + "-" + " " * gap + body[0] + "\n"]
    lines.extend((" " * style.content + line if line else "") + "\n" for line in body[1:])
    return lines


def render_steps(steps: Sequence[Mapping[str, Any]], style: StepStyle) -> list[str]:
    """Several steps, separated by a blank line when the style asks for it."""
    lines: list[str] = []
    for index, step in enumerate(steps):
        if index and style.blank_lines:
            lines.append("\n")
        lines.extend(render_step(step, style))
    return lines


__all__ = ["StepStyle", "dump_mapping", "render_step", "render_steps", "to_ruamel"]
