"""docs/testing.md tells the truth: its examples run and its failure output is real.

Every ``<!-- example: NAME -->`` python block of the page becomes a test module
in a throwaway pytest project (fixtures from the installed plugin, as a user
gets them). A test function with an ``<!-- output: test_name -->`` text block
must fail with exactly that message; every other test must pass. Every
``<!-- script: NAME -->`` block runs as a plain script and must exit cleanly.

After a deliberate change to a message, regenerate the quoted output by running
this module with ``UPDATE_DOC_OUTPUTS=1`` set, and review the diff of docs/testing.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: Options of the in-process pytest runs below. When the whole workspace runs in one
#: process, the Django package's tests have configured Django, and pytest-django (installed
#: for them) would set up a Django test environment a second time in the inner run.
INNER_RUN_OPTIONS = ("-p", "no:cacheprovider", "-p", "no:django")

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[4] / "docs" / "testing.md"
EXAMPLE = re.compile(r"<!-- example: (\w+) -->\n```python\n(.*?)```", re.DOTALL)
OUTPUT = re.compile(r"(<!-- output: (\w+) -->\n```text\n)(.*?)(```)", re.DOTALL)
SCRIPT = re.compile(r"<!-- script: (\w+) -->\n```python\n(.*?)```", re.DOTALL)
TEST_FUNCTION = re.compile(r"^def (test_\w+)\(", re.MULTILINE)


class MessageCapture:
    """Plugin for the inner session: the exception message of every failed test call."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if call.when == "call" and call.excinfo is not None:
            self.messages[item.name] = str(call.excinfo.value)
        return report


def documented() -> tuple[dict[str, str], dict[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    examples = dict(EXAMPLE.findall(text))
    outputs = {name: body.rstrip("\n") for _, name, body, _ in OUTPUT.findall(text)}
    return examples, outputs


def test_the_page_has_examples_for_every_handler_kind() -> None:
    examples, outputs = documented()
    assert {"validate_order", "api_handler", "decision", "batches", "workflow"} <= set(examples)
    assert len(outputs) >= 5


@pytest.mark.parametrize(
    ("name", "code"), SCRIPT.findall(DOC.read_text(encoding="utf-8")) or [("none", "")]
)
def test_scripts_run(name: str, code: str) -> None:
    assert code, "docs/testing.md has no script block"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "RUST_LOG": "error"},
    )
    assert result.returncode == 0, f"script {name} failed:\n{result.stderr}"


def test_examples_run_and_quoted_failures_are_real(pytester: pytest.Pytester) -> None:
    examples, outputs = documented()
    functions: dict[str, str] = {}
    for name, code in examples.items():
        for function in TEST_FUNCTION.findall(code):
            assert function not in functions, f"{function} is defined in two examples"
            functions[function] = name
        pytester.makepyfile(**{f"test_doc_{name}": code})
    unknown = sorted(set(outputs) - set(functions))
    assert not unknown, f"output blocks name tests that no example defines: {unknown}"

    capture = MessageCapture()
    reprec = pytester.inline_run(*INNER_RUN_OPTIONS, plugins=[capture])
    passed, skipped, failed = reprec.listoutcomes()
    failed_names = sorted(report.nodeid.rsplit("::", 1)[-1] for report in failed)
    passed_names = {report.nodeid.rsplit("::", 1)[-1] for report in passed}
    assert not skipped
    assert passed_names | set(failed_names) == set(functions)
    assert failed_names == sorted(outputs), {
        name: capture.messages.get(name, "") for name in failed_names if name not in outputs
    }

    if os.environ.get("UPDATE_DOC_OUTPUTS"):
        rewrite_outputs(capture.messages)
        return
    for name, expected in outputs.items():
        assert capture.messages[name] == expected, (
            f"docs/testing.md quotes an outdated failure message for {name}; "
            "rerun with UPDATE_DOC_OUTPUTS=1 to regenerate it"
        )


def rewrite_outputs(messages: dict[str, str]) -> None:
    text = DOC.read_text(encoding="utf-8")

    def replace(match: re.Match[str]) -> str:
        return f"{match.group(1)}{messages[match.group(2)]}\n{match.group(4)}"

    DOC.write_text(OUTPUT.sub(replace, text), encoding="utf-8")
