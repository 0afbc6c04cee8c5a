"""Importing the runtime package (and building runtimes) never imports the engine.

``import tasker_core`` prints engine logs and must wait until the worker
runtime starts, after ``RUST_LOG`` and the config path are set. Checked in a
fresh interpreter, without RUST_LOG, so any premature import would also be loud.
"""

from __future__ import annotations

from types import ModuleType


def test_importing_and_building_runtimes_does_not_import_the_engine(helpers: ModuleType) -> None:
    result = helpers.fresh_interpreter(
        """
        import sys
        import tasker_contrib_core.runtime as runtime
        from tasker_contrib_core.config import TaskerSettings

        worker = runtime.WorkerRuntime(TaskerSettings(_environ={}, runtime="worker"))
        local = runtime.runtime_from_settings(TaskerSettings(_environ={}, runtime="local"))
        worker.status().to_dict()
        local.status().to_dict()
        import tasker_contrib_core.cli.worker_cmd, tasker_contrib_core.cli.doctor_cmd
        import tasker_contrib_core.runtime.diagnostics
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "CLEAN"
    assert result.stderr == ""


def test_cli_help_lists_the_commands_without_importing_them(helpers: ModuleType) -> None:
    result = helpers.fresh_interpreter(
        """
        import sys
        from tasker_contrib_core.cli import cli
        for args in (["--help"], ["worker", "--help"], ["doctor", "--help"]):
            try:
                cli(args, prog_name="tasker-contrib")
            except SystemExit:
                pass
        print("ENGINE" if "tasker_core" in sys.modules else "CLEAN")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("CLEAN")
    assert "worker" in result.stdout
    assert "doctor" in result.stdout
    assert "--handlers" in result.stdout
