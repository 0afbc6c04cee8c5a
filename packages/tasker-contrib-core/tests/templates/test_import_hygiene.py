"""Template tools stay engine-free unless handler resolution is asked for.

Checked in a fresh interpreter, because this test session has long since
imported ``tasker_core``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tasker_contrib_testsupport.subprocesses import run_fresh_python


def run_fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter without any RUST_LOG the test process may have set."""
    env = {name: value for name, value in os.environ.items() if name != "RUST_LOG"}
    return run_fresh_python(code, env=env)


def test_static_validation_graphs_and_help_do_not_import_the_engine(
    example_template: Path,
) -> None:
    result = run_fresh(
        f"""
        import sys
        from tasker_contrib_core.templates import (
            load_template, to_mermaid, to_text_tree, validate_template,
        )
        from tasker_contrib_core.cli import cli
        template = load_template({str(example_template)!r})
        assert validate_template(template, check_handlers=False) == []
        to_mermaid(template), to_text_tree(template)
        for args in (["validate", "--help"], ["graph", "--help"],
                     ["validate", "--no-check-handlers", {str(example_template)!r}],
                     ["graph", {str(example_template)!r}]):
            try:
                cli(args, prog_name="tasker-contrib")
            except SystemExit as exit:
                assert exit.code == 0, (args, exit.code)
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("CLEAN")
    assert result.stderr == ""


def test_handler_resolution_imports_the_engine_quietly(example_template: Path) -> None:
    result = run_fresh(
        f"""
        import sys
        from tasker_contrib_core.cli import cli
        try:
            cli(["validate", "--handlers", "tasker_contrib_example.handlers",
                 {str(example_template)!r}], prog_name="tasker-contrib")
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == ["1 template checked: no problems found", "ENGINE"]
    assert result.stderr == ""
