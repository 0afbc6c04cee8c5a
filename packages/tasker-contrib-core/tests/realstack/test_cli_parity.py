"""``tasker-contrib run ... --parity`` over the example workflow, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tasker_contrib_example as example
from tasker_contrib_testsupport.realstack import RealStack

pytestmark = [pytest.mark.realstack, pytest.mark.engine]


def _run_parity(
    real_stack: RealStack, tmp_path: Path, context: str
) -> subprocess.CompletedProcess[str]:
    env = real_stack.host_env(tmp_path, {"TASKER_REALSTACK_DIR": str(real_stack.realstack_dir)})
    env.pop("TASKER_TEMPLATE_PATH")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from tasker_contrib_core.cli import main; main()",
            "run",
            str(example.TEMPLATES_DIR / "order_processing.yaml"),
            "--context",
            f"@{example.CONTEXTS_DIR / context}",
            "--handlers",
            "tasker_contrib_example.handlers",
            "--env",
            "test",
            "--fast",
            "--parity",
        ],
        cwd=tmp_path,
        env={**env, "PG_BIN": str(real_stack.pg_bin)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_parity_over_the_example_order_reports_every_step_identical(
    real_stack: RealStack, tmp_path: Path
) -> None:
    done = _run_parity(real_stack, tmp_path, "order.json")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    report = done.stdout[done.stdout.index("parity with the real worker") :]
    assert "10 step(s) replayed: 10 identical, 0 with known differences, 0 different" in report
    assert "= complete_order (complete_order)" in report


def test_parity_names_the_known_difference_of_a_retried_payment(
    real_stack: RealStack, tmp_path: Path
) -> None:
    done = _run_parity(real_stack, tmp_path, "order_flaky_gateway.json")
    # The task fails locally (the gateway keeps failing), the parity itself is clean.
    report = done.stdout[done.stdout.index("parity with the real worker") :]
    assert "~ charge_payment (charge_payment)" in report, report
    assert "payment.retrying" in report
    assert "0 different" in report
    assert done.returncode == 0, report
