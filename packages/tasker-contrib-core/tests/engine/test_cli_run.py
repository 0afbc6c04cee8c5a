"""``tasker-contrib run``: exit codes, output modes, the live view model."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner
from rich.console import Console
from tasker_contrib_core.cli import cli
from tasker_contrib_core.cli.run_cmd import Progress, read_context
from tasker_contrib_core.engine import TaskerEvent
from tasker_contrib_core.errors import TaskerContribError
from tasker_contrib_core.templates.loader import parse_template

REPO = Path(__file__).resolve().parents[4]
EXAMPLE = REPO / "shared" / "example-workflow"
EXAMPLE_TEMPLATE = EXAMPLE / "templates" / "order_processing.yaml"
EXAMPLE_HANDLERS = "tasker_contrib_example.handlers"

HANDLERS_MODULE = """
from tasker_core import StepHandler


class Hello(StepHandler):
    handler_name = "hello"

    def call(self, context):
        return self.success({"greeting": f"hello {context.get_input('name')}"})


class Shout(StepHandler):
    handler_name = "shout"

    def call(self, context):
        return self.success({"loud": context.get_dependency_result("hello")["greeting"].upper()})
"""

TEMPLATE = """
name: greet
namespace_name: demo
version: "1.0.0"
input_schema:
  type: object
  required: [name]
steps:
  - name: hello
    handler: {callable: hello}
    retry: {max_attempts: 3, backoff: exponential, backoff_base_ms: 1000}
  - name: shout
    handler: {callable: shout}
    dependencies: [hello]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny project: a template and a handler package in the working directory."""
    package = tmp_path / "greet_handlers"
    package.mkdir()
    (package / "__init__.py").write_text(dedent(HANDLERS_MODULE))
    (tmp_path / "greet.yaml").write_text(dedent(TEMPLATE))
    (tmp_path / "ctx.json").write_text('{"name": "ada"}')
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["run", *args], prog_name="tasker-contrib")
    return result.exit_code, result.stdout, result.stderr


def test_a_completed_run_exits_0_with_lines_and_a_summary(project: Path) -> None:
    code, out, err = invoke("greet.yaml", "-c", "@ctx.json", "--handlers", "greet_handlers")
    assert code == 0, err
    assert "complete  hello (attempt 1)" in out
    assert "complete  shout (attempt 1)" in out
    assert "demo/greet:1.0.0 complete" in out
    assert "HELLO ADA" in out


def test_json_mode_prints_only_the_result(project: Path) -> None:
    code, out, _ = invoke(
        "greet.yaml", "--context", '{"name": "bo"}', "--handlers", "greet_handlers", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "complete"
    assert data["steps"]["shout"]["result"] == {"loud": "HELLO BO"}


def test_injected_failures_and_the_fake_clock(project: Path) -> None:
    code, out, _ = invoke(
        "greet.yaml",
        "-c",
        "@ctx.json",
        "--handlers",
        "greet_handlers",
        "--fast",
        "--json",
        "--fail",
        "hello:1,2:retryable_error",
    )
    assert code == 0
    data = json.loads(out)
    assert data["steps"]["hello"]["attempts"] == 3
    assert data["virtual_seconds"] == 3.0

    code, out, _ = invoke(
        "greet.yaml", "-c", "@ctx.json", "--handlers", "greet_handlers", "--fast",
        "--fail", "hello:*:permanent_error",
    )  # fmt: skip
    assert code == 1
    assert "failed    hello (permanent_error: injected fault (permanent_error))" in out
    assert "demo/greet:1.0.0 error" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "does not exist"),
        (["greet.yaml", "-c", "{oops"], "--context is not valid JSON"),
        (["greet.yaml", "-c", "[1]"], "must hold a JSON object"),
        (["greet.yaml", "-c", "@nope.json"], "cannot read context file nope.json"),
        (["greet.yaml", "-c", "{}", "--handlers", "greet_handlers"], "input_schema"),
        (["greet.yaml", "-c", "@ctx.json"], "step 'hello': handler callable 'hello'"),
    ],
)
def test_invalid_input_exits_1_naming_the_problem(
    project: Path, args: list[str], message: str
) -> None:
    code, out, err = invoke(*args)
    assert code == 1
    assert message in err
    assert out == ""


def test_usage_errors_exit_2(project: Path) -> None:
    code, _, err = invoke("greet.yaml", "--fail", "hello:x")
    assert code == 2
    assert "bad attempt list" in err
    code, _, _ = invoke()
    assert code == 2


def test_no_validate_skips_the_input_schema(project: Path) -> None:
    code, out, _ = invoke("greet.yaml", "-c", "{}", "--handlers", "greet_handlers", "--no-validate")
    assert code == 0
    assert "hello None" in out


def test_read_context_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"a": 1}'))
    assert read_context("@-") == {"a": 1}
    monkeypatch.setattr(sys, "stdin", io.StringIO("nope"))
    with pytest.raises(TaskerContribError, match="standard input"):
        read_context("@-")


def test_progress_model_tracks_steps_and_batches() -> None:
    template = parse_template(
        dedent(
            """
            name: t
            namespace_name: n
            version: "1"
            steps:
              - name: split
                type: batchable
                handler: {callable: x}
              - name: work
                type: batch_worker
                handler: {callable: x}
                dependencies: [split]
              - name: flaky
                handler: {callable: x}
            """
        )
    )
    progress = Progress(template)

    def event(name: str, step: str, **payload: object) -> TaskerEvent:
        return TaskerEvent(
            name, "id", datetime.now(timezone.utc), "task", "lifecycle", "n", "s", step, payload
        )

    progress.on_event(event("step.execution.started", "split", attempt=1))
    progress.on_event(event("step.execution.completed", "split", attempt=1))
    progress.on_event(event("step.execution.completed", "work_001", attempt=1))
    progress.on_event(event("step.execution.started", "work_002", attempt=1))
    progress.on_event(event("step.execution.failed", "flaky", attempt=1, will_retry=True))
    assert progress.status["split"] == "complete"
    assert progress.status["flaky"] == "retrying"
    assert progress.attempts["flaky"] == 1
    assert progress.batch["work"] == {"work_001": "complete", "work_002": "running"}
    console = Console(record=True, width=100)
    console.print(progress.render())
    text = console.export_text()
    assert "1/2 complete, 1 running" in text
    assert "retrying" in text


@pytest.mark.skipif(not EXAMPLE_TEMPLATE.exists(), reason="example workflow not present")
def test_the_example_workflow_runs_from_the_command_line() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tasker_contrib_core.cli import main; main()",
            "run",
            str(EXAMPLE_TEMPLATE),
            "--context",
            f"@{EXAMPLE / 'contexts' / 'order.json'}",
            "--handlers",
            EXAMPLE_HANDLERS,
            "--fast",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["status"] == "complete"
    assert data["steps"]["complete_order"]["status"] == "complete"


def test_help_and_engine_import_do_not_import_tasker_core() -> None:
    code = (
        "import sys\n"
        "import tasker_contrib_core.engine\n"
        "from tasker_contrib_core.cli import cli\n"
        "try:\n"
        "    cli(['run', '--help'], prog_name='tasker-contrib')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('ENGINE' if 'tasker_core' in sys.modules else 'CLEAN')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().endswith("CLEAN")
    assert "STEP:ATTEMPTS:ERROR_TYPE" in completed.stdout
