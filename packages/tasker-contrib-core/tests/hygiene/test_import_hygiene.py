"""Importing our package and asking the CLI for help must not import the engine.

``import tasker_core`` prints engine logs and costs time; it may happen only when a
runtime starts or a testing helper needs it. Checked in a fresh interpreter.
"""

from __future__ import annotations

from tasker_contrib_testsupport.subprocesses import run_fresh_python


def test_import_and_config_do_not_import_the_engine(tmp_path: object) -> None:
    result = run_fresh_python(
        """
        import sys
        import tasker_contrib_core
        from tasker_contrib_core.config import TaskerSettings
        settings = TaskerSettings(_environ={})
        settings.check()
        settings.render()
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "CLEAN"
    assert result.stderr == ""


def test_cli_help_does_not_import_the_engine() -> None:
    result = run_fresh_python(
        """
        import sys
        from tasker_contrib_core.cli import cli
        try:
            cli(["--help"], prog_name="tasker-contrib")
        except SystemExit:
            pass
        for name in ("config",):
            try:
                cli([name, "--help"], prog_name="tasker-contrib")
            except SystemExit:
                pass
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("CLEAN")
    assert "Usage: tasker-contrib" in result.stdout
    assert result.stderr == ""
