"""Validate task templates and report every problem at once.

The engine's own load-time checks are thin (no cycle or duplicate-name check)
and its runtime failures are late and far from the YAML. ``validate_paths``
loads each file, turns load errors into findings instead of stopping, runs
every check on what loaded, and so gives one complete report per run, which
is what a CI step or an editor integration wants.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from tasker_contrib_core.errors import (
    TemplateError,
    TemplateFieldError,
    TemplateSyntaxError,
)
from tasker_contrib_core.templates import codes
from tasker_contrib_core.templates.checks import STATIC_CHECKS, check_handler_resolution
from tasker_contrib_core.templates.findings import Finding, finding_for, finding_from_problem
from tasker_contrib_core.templates.loader import PathArg, find_template_files, load_template
from tasker_contrib_core.templates.model import TaskTemplate


def validate_template(
    template: TaskTemplate,
    *,
    handler_packages: Sequence[str] = (),
    check_handlers: bool = True,
) -> list[Finding]:
    """Run every check on one loaded template.

    With ``check_handlers`` each ``handler.callable`` is resolved the way the
    worker resolves it, after scanning ``handler_packages`` for registered
    handlers; that imports your handler modules (and the engine's Python
    package), so turn it off for a pure static check.
    """
    findings: list[Finding] = []
    for check in STATIC_CHECKS:
        findings.extend(check(template))
    if check_handlers:
        findings.extend(check_handler_resolution(template, handler_packages))
    return findings


def validate_paths(
    paths: Iterable[PathArg],
    *,
    handler_packages: Sequence[str] = (),
    check_handlers: bool = True,
    environment: str | None = None,
) -> list[Finding]:
    """Validate every template file under ``paths`` (files or directories, recursive).

    Files that fail to load are reported (``YAML_SYNTAX``, ``TEMPLATE_INVALID``
    and friends) and the rest are still checked. A directory without template
    files yields ``NO_TEMPLATES_FOUND``; two files defining the same
    ``namespace/name:version`` yield ``DUPLICATE_TEMPLATE``. A path that does
    not exist raises :class:`~tasker_contrib_core.errors.TemplateError`.
    """
    findings: list[Finding] = []
    loaded: list[TaskTemplate] = []
    files: list[Path] = []
    for raw in paths:
        found = find_template_files([raw])
        if not found:
            findings.append(
                Finding(
                    code=codes.NO_TEMPLATES_FOUND,
                    severity="error",
                    file=str(raw),
                    message=f"no *.yml or *.yaml files under {raw}",
                    hint="Point validate at your template directory (the worker's "
                    "TASKER_TEMPLATE_PATH, by convention config/tasks).",
                )
            )
        files.extend(file for file in found if file not in files)
    for file in files:
        template, load_findings = _load(file, environment)
        findings.extend(load_findings)
        if template is not None:
            loaded.append(template)
            findings.extend(
                validate_template(
                    template, handler_packages=handler_packages, check_handlers=check_handlers
                )
            )
    findings.extend(_duplicate_templates(loaded))
    return findings


def _load(file: Path, environment: str | None) -> tuple[TaskTemplate | None, list[Finding]]:
    try:
        return load_template(file, environment=environment), []
    except TemplateSyntaxError as exc:
        return None, [
            Finding(
                code=codes.YAML_SYNTAX,
                severity="error",
                file=str(file),
                message=exc.detail
                + (f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""),
                hint="Check the indentation and quoting on and just above this line.",
                line=exc.line,
            )
        ]
    except TemplateFieldError as exc:
        return None, [finding_from_problem(problem, str(file)) for problem in exc.problems]
    except TemplateError as exc:
        return None, [
            Finding(
                code=codes.TEMPLATE_INVALID,
                severity="error",
                file=str(file),
                message=str(exc),
                hint="A template is a YAML mapping with name, namespace_name, version and steps.",
            )
        ]


def _duplicate_templates(templates: list[TaskTemplate]) -> list[Finding]:
    first: dict[str, TaskTemplate] = {}
    findings = []
    for template in templates:
        key = template.identifier
        if key in first:
            findings.append(
                finding_for(
                    template,
                    codes.DUPLICATE_TEMPLATE,
                    f"template {key} is also defined in {first[key].source_path}",
                    key="version",
                    hint="Bump `version` in one of them, or delete the copy; the engine "
                    "keeps only one template per namespace/name:version.",
                )
            )
        else:
            first[key] = template
    return findings


__all__ = ["validate_paths", "validate_template"]
