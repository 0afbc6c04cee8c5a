"""Load task templates from YAML files, directories, text or mappings.

Loading answers "is this a well-formed template?" and raises on the first file
that is not; :mod:`tasker_contrib_core.templates.validator` answers "will it
run as intended?" and collects findings. Errors raised here always name the
file, the line and (for field problems) the step and field, with a fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tasker_contrib_core.errors import TemplateError, TemplateFieldError
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_contrib_core.templates.overrides import apply_environment
from tasker_contrib_core.templates.problems import problems_from_validation_error
from tasker_contrib_core.templates.yaml_source import YamlDocument, read_yaml

#: File suffixes picked up when a directory is loaded.
TEMPLATE_SUFFIXES = (".yml", ".yaml")

PathArg = str | PathLike[str]


def parse_template(
    document: str | Mapping[str, Any],
    *,
    source: PathArg | None = None,
    environment: str | None = None,
) -> TaskTemplate:
    """Build a :class:`TaskTemplate` from YAML text or an already-parsed mapping.

    ``source`` names the origin in error messages and becomes
    ``template.source_path``. With ``environment``, that environment's
    overrides are applied (see :mod:`~tasker_contrib_core.templates.overrides`).
    """
    where = str(source) if source is not None else None
    parsed: YamlDocument | Mapping[str, Any]
    if isinstance(document, str):
        parsed = read_yaml(document, source=where)
        data = parsed.data
    else:
        parsed = document
        data = document
    if not isinstance(data, Mapping):
        raise TemplateError(
            f"task template {where or '<template>'} must be a YAML mapping with name, "
            f"namespace_name, version and steps at the top level, not a {type(data).__name__}"
        )
    try:
        template = TaskTemplate.model_validate(dict(data))
    except ValidationError as exc:
        raise TemplateFieldError(where, problems_from_validation_error(exc, parsed)) from None
    if isinstance(parsed, YamlDocument):
        template.record_lines(steps=parsed.step_lines(), keys=parsed.top_level_lines())
    if source is not None:
        template.source_path = Path(source)
    if environment is not None:
        template = apply_environment(template, environment)
    return template


def load_template(path: PathArg, *, environment: str | None = None) -> TaskTemplate:
    """Load one template file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(f"task template {file} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read task template {file}: {exc}") from None
    return parse_template(text, source=file, environment=environment)


def find_template_files(paths: Iterable[PathArg]) -> list[Path]:
    """Expand files and directories into template files, in a stable order.

    Directories are searched recursively for ``*.yml``/``*.yaml`` (sorted);
    files named explicitly are kept whatever their suffix. A path that does
    not exist raises :class:`TemplateError`.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    candidate
                    for candidate in path.rglob("*")
                    if candidate.suffix in TEMPLATE_SUFFIXES and candidate.is_file()
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise TemplateError(f"template path {path} does not exist")
    unique: dict[Path, None] = dict.fromkeys(found)
    return list(unique)


def load_templates(
    paths: Iterable[PathArg], *, environment: str | None = None
) -> list[TaskTemplate]:
    """Load every template under ``paths`` (files and directories, recursive, sorted)."""
    return [load_template(file, environment=environment) for file in find_template_files(paths)]


__all__ = [
    "TEMPLATE_SUFFIXES",
    "find_template_files",
    "load_template",
    "load_templates",
    "parse_template",
]
