"""The result type of template validation: one :class:`Finding` per problem.

Findings are plain, frozen, JSON-friendly records (``to_dict``) so the CLI can
print them as a table or JSON, CI can grep codes, and tests can compare them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tasker_contrib_core.errors import TemplateProblem
from tasker_contrib_core.templates.codes import CODES, Severity
from tasker_contrib_core.templates.model import TaskTemplate


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One validation result.

    ``file`` is the template file (``None`` for in-memory templates), ``step``
    the step concerned (``None`` for template-level findings), ``hint`` what to
    do about it, ``line`` the 1-based line when known.
    """

    code: str
    severity: Severity
    file: str | None = None
    step: str | None = None
    message: str
    hint: str = ""
    line: int | None = None

    @property
    def is_error(self) -> bool:
        """Whether this finding should fail validation (warnings do not)."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, str | int | None]:
        """A JSON-serialisable mapping of every field."""
        return asdict(self)

    def __str__(self) -> str:
        where = self.file or "<template>"
        if self.line:
            where = f"{where}:{self.line}"
        step = f" [{self.step}]" if self.step else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{step}: {self.severity} {self.code}: {self.message}{hint}"


def finding_for(
    template: TaskTemplate,
    code: str,
    message: str,
    *,
    step: str | None = None,
    key: str | None = None,
    hint: str = "",
    severity: Severity | None = None,
) -> Finding:
    """A finding about ``template``: file from its source path, severity from the code.

    The line is where ``step`` starts, else where the top-level ``key`` is
    (known only for templates loaded from YAML text).
    """
    line = template.step_line(step) if step is not None else None
    if line is None and key is not None:
        line = template.key_line(key)
    return Finding(
        code=code,
        severity=severity or CODES[code][0],
        file=str(template.source_path) if template.source_path is not None else None,
        step=step,
        message=message,
        hint=hint,
        line=line,
    )


def finding_from_problem(problem: TemplateProblem, file: str | None) -> Finding:
    """A finding for a load-time problem (bad field shape) in ``file``."""
    return Finding(
        code=problem.code,
        severity=CODES.get(problem.code, ("error", ""))[0],
        file=file,
        step=problem.step,
        message=problem.message,
        hint=problem.hint,
        line=problem.line,
    )


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(finding.is_error for finding in findings)


__all__ = ["Finding", "finding_for", "finding_from_problem", "has_errors"]
