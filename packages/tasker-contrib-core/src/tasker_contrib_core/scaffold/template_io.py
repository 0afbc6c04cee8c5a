"""Read a user's task template for a generator, and check an edited one before writing it.

Generators turn template problems into :class:`GenerationError` so the
command line reports them like any other refused input, and they never write
an edit that the template loader would reject.
"""

from __future__ import annotations

from pathlib import Path

from tasker_contrib_core.errors import GenerationError, TemplateError
from tasker_contrib_core.templates.loader import parse_template
from tasker_contrib_core.templates.model import TaskTemplate


def read_template(path: Path, shown: str) -> tuple[str, TaskTemplate]:
    """The text and parsed model of the template at ``path`` (``shown`` in messages)."""
    if not path.is_file():
        raise GenerationError(
            f"task template {shown} does not exist; create one with "
            "`tasker-contrib generate task-template NAME --namespace NS`"
        )
    text = path.read_text(encoding="utf-8")
    try:
        return text, parse_template(text, source=shown)
    except TemplateError as exc:
        raise GenerationError(f"cannot add steps to {shown}: {exc}") from None


def check_edited(text: str, shown: str) -> TaskTemplate:
    """Parse an edited template; a failure means the edit must not be written."""
    try:
        return parse_template(text, source=shown)
    except TemplateError as exc:  # pragma: no cover - guards against a generator bug
        raise GenerationError(
            f"adding the step would leave {shown} invalid, so it was not changed: {exc}"
        ) from None


__all__ = ["check_edited", "read_template"]
