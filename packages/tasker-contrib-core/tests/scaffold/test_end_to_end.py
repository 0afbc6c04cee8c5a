"""A whole project built by the generators, then checked the way its owner would check it.

In a temporary directory: ``install``; a task template; every handler type in
both styles, wired into that template (decision branches, a deferred
convergence, batch workers); two subscribers. Then, each in its own process
as a user would run them: ``ruff check`` and ``ruff format --check``, ``mypy
--strict``, ``pytest`` (the plain console script, which relies on the root
``conftest.py`` that ``install`` wrote to import the project's packages),
``tasker-contrib validate`` and ``tasker-contrib run`` on the local engine.

The API handlers' template steps point at a stand-in HTTP server started by
this test, as a user points them at a test server through
``handler.initialization.base_url``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from tasker_contrib_core.cli import cli

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
TEMPLATE = "config/tasks/checkout.yaml"
PACKAGE = "workflows.handlers"

#: (name, options) in the order a user would type them after ``generate task-template
#: checkout --steps load_order``: every handler type in both styles.
GENERATE = [
    ("EnrichOrder", ["--style", "function", "--depends-on", "load_order"]),
    ("fetch-rates", ["--type", "api", "--depends-on", "load_order"]),
    ("fetchCustomer", ["--type", "api", "--style", "function", "--depends-on", "load_order"]),
    (
        "ChooseRoute",
        [
            "--type", "decision", "--branches", "express_route,standard_route",
            "--depends-on", "enrich_order,fetch_rates,fetch_customer",
        ],
    ),
    ("express_route", ["--depends-on", "choose_route"]),
    ("standard_route", ["--style", "function", "--depends-on", "choose_route"]),
    ("finish_route", ["--depends-on", "express_route,standard_route"]),
    (
        "review_order",
        [
            "--type", "decision", "--style", "function", "--branches", "flag_order",
            "--depends-on", "finish_route",
        ],
    ),
    ("flag_order", ["--depends-on", "review_order"]),
    ("split_items", ["--type", "batchable", "--depends-on", "load_order"]),
    ("chunk-lines", ["--type", "batchable", "--style", "function", "--depends-on", "load_order"]),
    (
        "summarize",
        ["--style", "function", "--depends-on", "split_items_batch,chunk_lines_batch,flag_order"],
    ),
]  # fmt: skip


class _Api(ThreadingHTTPServer):
    daemon_threads = True


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def api_url() -> Iterator[str]:
    server = _Api(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def generate(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--target", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def clean_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TASKER_")}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONPATH", None)
    env["NO_COLOR"] = "1"
    env["MYPY_CACHE_DIR"] = str(root.parent / "mypy-cache")
    return env


def start(root: Path, *command: str, pythonpath: bool = False) -> subprocess.Popen[str]:
    env = clean_env(root)
    if pythonpath:  # console scripts do not put the current directory on sys.path
        env["PYTHONPATH"] = str(root)
    return subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    output, _ = process.communicate(timeout=120)
    return process.returncode, output


def test_a_generated_project_lints_types_tests_validates_and_runs(
    tmp_path: Path, api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    monkeypatch.chdir(root)  # the user works from the project root
    generate(root, "install")
    generate(root, "generate", "task-template", "checkout", "--namespace", "shop",
             "--steps", "load_order")  # fmt: skip
    for name, options in GENERATE:
        generate(root, "generate", "step-handler", name, "--template", TEMPLATE, *options)
    generate(root, "generate", "subscriber", "PaymentAudit", "--events", "payment.*")
    generate(root, "generate", "subscriber", "step_watch", "--events", "step.execution.*")
    # Point the API steps at the stand-in server, as a user points them at a test server.
    template = root / TEMPLATE
    template.write_text(template.read_text().replace("https://api.example.com", api_url))

    items = json.dumps({"items": list(range(23))})
    processes = {
        "ruff check": start(root, str(BIN / "ruff"), "check", "--isolated", "."),
        "ruff format": start(root, str(BIN / "ruff"), "format", "--isolated", "--check", "."),
        "mypy": start(root, sys.executable, "-m", "mypy", "--strict", "."),
        "pytest": start(root, str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"),
        "validate": start(
            root, str(BIN / "tasker-contrib"), "validate", TEMPLATE, "--handlers", PACKAGE,
            pythonpath=True,
        ),
        "run": start(
            root, str(BIN / "tasker-contrib"), "run", TEMPLATE, "--handlers", PACKAGE,
            "--context", items, "--fast", "--json", pythonpath=True,
        ),
    }  # fmt: skip
    results = {name: finish(process) for name, process in processes.items()}
    for name, (code, output) in results.items():
        assert code == 0, f"{name} failed:\n{output}"

    assert "All checks passed!" in results["ruff check"][1]
    assert "already formatted" in results["ruff format"][1]
    assert "Success: no issues found" in results["mypy"][1]
    pytest_summary = results["pytest"][1].strip().splitlines()[-1]
    passed = re.match(r"(\d+) passed in ", pytest_summary)
    assert passed is not None, results["pytest"][1]  # nothing failed, errored or skipped
    assert int(passed.group(1)) >= 60  # 61 when written: handlers, workflow, sinks, setup
    assert "no problems found" in results["validate"][1]

    run = json.loads(results["run"][1])
    assert run["status"] == "complete"
    assert run["not_created"] == ["standard_route"]
    steps = run["steps"]
    assert {f"split_items_batch_00{n}" for n in (1, 2, 3)} <= set(steps)
    assert {f"chunk_lines_batch_00{n}" for n in (1, 2, 3)} <= set(steps)
    assert all(step["status"] == "complete" for step in steps.values())
