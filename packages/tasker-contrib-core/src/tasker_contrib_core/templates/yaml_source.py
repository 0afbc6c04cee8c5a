"""Read one YAML document and remember where every value came from.

The template model reports problems as paths (``steps[2].retry.max_attempts``);
users fix files by line number. Keeping the composed YAML node tree next to the
data lets us turn one into the other. Duplicate keys are refused here because
PyYAML silently keeps the last one, while the engine's YAML reader rejects them,
and a duplicated ``dependencies:`` is exactly the bug nobody spots by eye.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tasker_contrib_core.errors import TemplateError, TemplateSyntaxError


class _StrictKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Node] = {}
        for key_node, _value_node in node.value:
            if isinstance(key_node, ScalarNode):
                key = self.construct_scalar(key_node)
                if key in seen:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first defined on line "
                        f"{seen[key].start_mark.line + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus the node tree it was built from (for line numbers)."""

    data: Any
    root: Node | None

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """1-based line of the value at ``path`` (keys and list indexes), best effort.

        Walks as deep as the path exists and returns the line of the deepest
        node found, so a missing key points at the mapping that lacks it.
        """
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def top_level_lines(self) -> dict[str, int]:
        """1-based line of each top-level key (first occurrence)."""
        lines: dict[str, int] = {}
        if isinstance(self.root, MappingNode):
            for key_node, _value in self.root.value:
                if isinstance(key_node, ScalarNode):
                    lines.setdefault(str(key_node.value), key_node.start_mark.line + 1)
        return lines

    def step_lines(self) -> dict[str, int]:
        """1-based line where each step (by name, first occurrence) starts."""
        lines: dict[str, int] = {}
        steps = self.data.get("steps") if isinstance(self.data, dict) else None
        if not isinstance(steps, list):
            return lines
        for index, step in enumerate(steps):
            if isinstance(step, dict) and isinstance(step.get("name"), str):
                line = self.line_of(["steps", index])
                if line is not None:
                    lines.setdefault(step["name"], line)
        return lines


def _child(node: Node, part: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == part:
                found: Node = value_node
                return found
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: Node = node.value[part]
        return child
    return None


def read_yaml(text: str, *, source: str | None = None) -> YamlDocument:
    """Parse exactly one YAML document; errors name the file, line and column."""
    loader = _StrictKeyLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(0, len(text.splitlines()) - 1)
        if mark is not None and mark.line > last_line:
            # The parser reached the end of the file (an unclosed quote or bracket): point
            # at where the construct started, never at a line past the end.
            if exc.context_mark is not None and exc.context_mark.line <= last_line:
                mark = exc.context_mark
            else:
                mark = yaml.Mark(mark.name, mark.index, last_line, 0, mark.buffer, mark.pointer)
        detail = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        if "expected a single document" in detail:
            detail = "the file holds more than one YAML document; put one template per file"
        raise TemplateSyntaxError(
            source,
            mark.line + 1 if mark is not None else None,
            mark.column + 1 if mark is not None else None,
            detail,
        ) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise TemplateSyntaxError(source, None, None, str(exc)) from exc
    finally:
        loader.dispose()
    if data is None:
        raise TemplateError(
            f"task template {source or '<template>'} is empty; a template needs at least "
            "name, namespace_name, version and steps"
        )
    return YamlDocument(data=data, root=root)


__all__ = ["YamlDocument", "read_yaml"]
