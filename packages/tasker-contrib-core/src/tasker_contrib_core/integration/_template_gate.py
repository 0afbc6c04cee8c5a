"""Start-up validation of every task template the runtime is about to load.

A template with a YAML syntax error or a handler that does not resolve used to
be found by the first request for it: the app started, readiness said 200 and
the task failed in the server log. So a host validates the templates before it
starts the runtime, with the same validator as ``tasker-contrib validate``
(:func:`tasker_contrib_core.templates.validate_paths`: file, line, fix), and
``template_validation`` decides what an error does:

* ``strict`` (default in test and development): start-up stops with the
  validator's findings (:class:`~tasker_contrib_core.errors.TemplateValidationError`);
* ``report`` (default in production): each error is logged, readiness reports
  them (503, check ``templates``) and the runtime starts, so the other
  templates keep working;
* ``off``: no check.

Warnings never stop anything; they are logged once at start-up.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tasker_contrib_core.errors import TemplateValidationError

if TYPE_CHECKING:
    from tasker_contrib_core.config import TaskerSettings
    from tasker_contrib_core.config.settings import TemplateValidation
    from tasker_contrib_core.integration._health import HealthCheck
    from tasker_contrib_core.templates import Finding

logger = logging.getLogger("tasker_contrib.templates")

#: Name of the readiness check that reports template errors.
CHECK_NAME = "templates"


@dataclass(frozen=True)
class TemplateGate:
    """What start-up validation found in the templates of one runtime."""

    mode: TemplateValidation
    files: tuple[Path, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.is_error)

    @property
    def broken_files(self) -> tuple[str, ...]:
        """The template files with at least one error, in the order found."""
        return tuple(dict.fromkeys(finding.file or "<template>" for finding in self.errors))

    def error_message(self) -> str:
        """The ``strict`` start-up error: every finding (file:line, code, fix) and what to do."""
        errors = self.errors
        lines = [
            f"{len(errors)} error(s) in {len(self.broken_files)} task template(s); start-up "
            f'stopped (template_validation = "{self.mode}"):',
            *(f"  {finding}" for finding in errors),
            "Fix the template(s) (`tasker-contrib validate` lists every finding), or set "
            'template_validation = "report" (TASKER_TEMPLATE_VALIDATION=report) to start '
            "anyway with readiness reporting them.",
        ]
        return "\n".join(lines)

    def health_check(self) -> HealthCheck:
        """The ``templates`` readiness check: failing (with the findings) while errors exist."""
        from tasker_contrib_core.integration._health import HealthCheck

        errors = self.errors
        if not errors:
            return HealthCheck(CHECK_NAME, True, f"{len(self.files)} template file(s) valid")
        detail = (
            f"{len(self.broken_files)} of {len(self.files)} template file(s) cannot run: "
            + "; ".join(str(finding) for finding in errors)
        )
        return HealthCheck(CHECK_NAME, False, detail, code=errors[0].code)


def validate_templates_at_start(settings: TaskerSettings, *, kind: str) -> TemplateGate | None:
    """Validate the templates under ``settings.template_paths`` before ``kind`` starts.

    Returns None when ``template_validation = "off"``. Raises
    :class:`~tasker_contrib_core.errors.TemplateValidationError` on an error in
    ``strict`` mode; in ``report`` mode logs each error and returns the gate.
    Imports the handler packages (to resolve each callable as the worker does),
    which the runtime does next anyway.
    """
    from tasker_contrib_core.templates import find_template_files, validate_paths

    mode = settings.template_validation_mode()
    if mode == "off":
        return None
    if kind == "worker":
        # Resolving handlers imports tasker_core, which reads RUST_LOG once: give it
        # the worker runtime's default first, as the runtime itself would.
        from tasker_contrib_core.runtime.engine_env import QUIET_RUST_LOG

        os.environ.setdefault("RUST_LOG", QUIET_RUST_LOG)
    existing = [Path(path) for path in settings.template_paths if Path(path).exists()]
    files = tuple(find_template_files(existing))
    findings = tuple(
        validate_paths(
            files,
            handler_packages=settings.handler_packages,
            check_handlers=True,
            environment=settings.environment,
        )
    )
    gate = TemplateGate(mode, files, findings)
    for finding in findings:
        if not finding.is_error:
            logger.warning("task template: %s", finding)
    errors = gate.errors
    if errors and mode == "strict":
        raise TemplateValidationError(gate.error_message(), errors)
    for finding in errors:
        logger.error("task template cannot run (template_validation = report): %s", finding)
    return gate


__all__ = ["CHECK_NAME", "TemplateGate", "validate_templates_at_start"]
