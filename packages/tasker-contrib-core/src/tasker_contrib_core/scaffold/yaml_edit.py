"""Add (or with ``replace``, rewrite) steps in a task template the user already edited.

Loading a YAML file and dumping it again, even with ruamel.yaml's round-trip
mode, can move comments, re-indent lists and change quoting. A template is a
file people review line by line, so new steps are inserted as *text*: ruamel
parses the file only to find where its ``steps:`` list starts and ends, which
indentation it uses and which steps exist, and every byte outside the new
lines stays exactly as it was. Only when there is no block list to extend
(no ``steps:`` key, ``steps: []``, a flow-style list) is the document
re-emitted through ruamel's round-trip dumper, which still keeps comments.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.step_yaml import StepStyle, render_step, render_steps, to_ruamel


@dataclass
class StepEdit:
    """The edited text and what happened to each requested step."""

    text: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


def _load(text: str, source: str) -> CommentedMap:
    try:
        document = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise GenerationError(f"{source} is not valid YAML, so no step was added: {exc}") from None
    if not isinstance(document, CommentedMap):
        raise GenerationError(f"{source} is not a task template (its top level is not a mapping)")
    return document


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _detect_style(steps: CommentedSeq, lines: list[str]) -> StepStyle | None:
    first_line, content = steps.lc.item(0)
    dash = lines[first_line][:content].rfind("-")
    if dash < 0:
        return None
    mapping = 2
    first = steps[0]
    if isinstance(first, CommentedMap):
        for key, value in first.items():
            if isinstance(value, CommentedMap) and len(value) and not value.fa.flow_style():
                inner = next(iter(value))
                mapping = value.lc.key(inner)[1] - first.lc.key(key)[1]
                break
    blank = True
    if len(steps) > 1:
        blank = not lines[steps.lc.item(1)[0] - 1].strip()
    uses_alias = any(isinstance(s, Mapping) and "depends_on" in s for s in steps)
    uses_canonical = any(isinstance(s, Mapping) and "dependencies" in s for s in steps)
    key = "depends_on" if uses_alias and not uses_canonical else "dependencies"
    return StepStyle(
        dash=dash, content=content, mapping=max(mapping, 1), blank_lines=blank, dependencies_key=key
    )


def _steps_end(document: CommentedMap, lines: list[str], last_start: int, dash: int) -> int:
    """Index of the line after the last step's own lines (its trailing blanks excluded)."""
    steps_line = document.lc.key("steps")[0]
    later = [document.lc.key(key)[0] for key in document if document.lc.key(key)[0] > steps_line]
    end = min(later) if later else len(lines)
    while end > last_start + 1 and (
        not lines[end - 1].strip()
        or (lines[end - 1].lstrip().startswith("#") and _indent(lines[end - 1]) < dash)
    ):
        end -= 1
    return end


def _item_span(steps: CommentedSeq, index: int, end_of_steps: int, lines: list[str]) -> range:
    start = steps.lc.item(index)[0]
    if index + 1 == len(steps):
        return range(start, end_of_steps)
    end = steps.lc.item(index + 1)[0]
    while end > start + 1 and _is_blank_or_comment(lines[end - 1]):
        end -= 1
    return range(start, end)


def _names(steps: Sequence[Any]) -> list[str]:
    return [str(step.get("name")) for step in steps if isinstance(step, Mapping)]


def _text_edit(
    document: CommentedMap,
    text: str,
    wanted: Sequence[Mapping[str, Any]],
    replace: bool,
    result: StepEdit,
) -> str | None:
    steps = document["steps"]
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    style = _detect_style(steps, lines)
    if style is None:
        return None
    existing = _names(steps)
    last_start = steps.lc.item(len(steps) - 1)[0]
    end_of_steps = _steps_end(document, lines, last_start, style.dash)
    replacements: dict[int, list[str]] = {}
    additions: list[Mapping[str, Any]] = []
    for step in wanted:
        name = str(step["name"])
        if name in existing:
            if replace:
                replacements[existing.index(name)] = render_step(step, style)
                result.replaced.append(name)
            else:
                result.kept.append(name)
        else:
            additions.append(step)
            result.added.append(name)
    if additions:
        block = (["\n"] if style.blank_lines else []) + render_steps(additions, style)
        lines[end_of_steps:end_of_steps] = block
    for index in sorted(replacements, reverse=True):
        span = _item_span(steps, index, end_of_steps, lines)
        lines[span.start : span.stop] = replacements[index]
    return "".join(lines)


def _dump_edit(
    document: CommentedMap, wanted: Sequence[Mapping[str, Any]], replace: bool, result: StepEdit
) -> str:
    current = document.get("steps")
    items = list(current) if isinstance(current, list) else []
    block = CommentedSeq(items)
    existing = _names(items)
    for step in wanted:
        name = str(step["name"])
        if name in existing:
            if replace:
                block[existing.index(name)] = to_ruamel(step)
                result.replaced.append(name)
            else:
                result.kept.append(name)
        else:
            block.append(to_ruamel(step))
            result.added.append(name)
    document["steps"] = block
    dumper = YAML(typ="rt")
    dumper.indent(mapping=2, sequence=4, offset=2)
    dumper.width = 4096
    stream = io.StringIO()
    dumper.dump(document, stream)
    return stream.getvalue()


def add_steps(
    text: str,
    steps: Sequence[Mapping[str, Any]],
    *,
    source: str = "<template>",
    replace: bool = False,
) -> StepEdit:
    """Add ``steps`` to the template in ``text``; existing names are kept unless ``replace``.

    Returns the new text (identical to ``text`` when nothing changed) and,
    per step, whether it was added, replaced or kept.
    """
    document = _load(text, source)
    result = StepEdit(text=text)
    current = document.get("steps")
    if current is not None and not isinstance(current, list):
        raise GenerationError(
            f"{source}: 'steps' is a {type(current).__name__}, not a list, so no step was added"
        )
    edited: str | None = None
    if isinstance(current, CommentedSeq) and len(current) and not current.fa.flow_style():
        edited = _text_edit(document, text, steps, replace, result)
    if edited is None:
        result = StepEdit(text=text)
        edited = _dump_edit(document, steps, replace, result)
    if result.changed:
        result.text = edited
    return result


__all__ = ["StepEdit", "add_steps"]
