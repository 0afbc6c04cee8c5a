"""How ``tasker-contrib validate`` prints findings: a rich table or a JSON document.

Kept apart from the command so framework CLIs (``flask tasker validate``,
``manage.py tasker validate``) print exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tasker_contrib_core.templates.findings import Finding

_STYLES = {"error": "bold red", "warning": "yellow"}

#: Width used when output is not a terminal (rich would otherwise assume 80).
CI_WIDTH = 120


def summary_line(findings: list[Finding], template_count: int) -> str:
    """``"1 template checked: 2 errors, 1 warning"``."""
    errors = sum(1 for finding in findings if finding.is_error)
    warnings = len(findings) - errors
    noun = "template" if template_count == 1 else "templates"
    if not findings:
        return f"{template_count} {noun} checked: no problems found"
    parts = [
        f"{errors} error{'s' if errors != 1 else ''}",
        f"{warnings} warning{'s' if warnings != 1 else ''}",
    ]
    return f"{template_count} {noun} checked: {', '.join(parts)}"


def findings_as_json(findings: list[Finding], template_count: int) -> dict[str, Any]:
    """The ``--format json`` document: counts plus every finding's fields."""
    errors = sum(1 for finding in findings if finding.is_error)
    return {
        "valid": errors == 0,
        "templates": template_count,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [finding.to_dict() for finding in findings],
    }


def _console() -> Console:
    """A console that is wide enough for the table in CI logs and pipes, too."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=CI_WIDTH)
    return console


def print_findings(
    findings: list[Finding],
    template_count: int,
    *,
    display_path: Callable[[str | None], str],
    console: Console | None = None,
) -> None:
    """Print a table of findings (if any) followed by the summary line."""
    out = console or _console()
    if findings:
        table = Table(show_lines=True, expand=True)
        table.add_column("Severity", no_wrap=True)
        table.add_column("Code", no_wrap=True)
        table.add_column("Where", overflow="fold", max_width=60)
        table.add_column("Problem and fix", overflow="fold")
        for finding in findings:
            details = []
            if finding.line:
                details.append(f"line {finding.line}")
            if finding.step:
                details.append(f"step {finding.step}")
            where = display_path(finding.file)
            if details:
                where = f"{where}\n{', '.join(details)}"
            problem = Text(finding.message)
            if finding.hint:
                problem.append("\n")
                problem.append(finding.hint, style="dim")
            table.add_row(
                Text(finding.severity, style=_STYLES[finding.severity]),
                finding.code,
                where,
                problem,
            )
        out.print(table)
    style = "bold red" if any(f.is_error for f in findings) else "bold green"
    out.print(Text(summary_line(findings, template_count), style=style))


__all__ = ["findings_as_json", "print_findings", "summary_line"]
