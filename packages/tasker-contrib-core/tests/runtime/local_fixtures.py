"""Templates and handlers for the local runtime tests (loaded by path from conftest)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

CONTRACT_TEMPLATE = """\
name: contract_task
namespace_name: contract
version: "1.0.0"
steps:
  - name: first
    handler: {callable: contract.first}
  - name: second
    handler: {callable: contract.second}
    dependencies: [first]
"""

SLOW_TEMPLATE = """\
name: slow_task
namespace_name: contract
version: "1.0.0"
steps:
  - name: wait
    handler: {callable: contract.wait}
  - name: after
    handler: {callable: contract.second}
    dependencies: [wait]
"""

FAILING_TEMPLATE = """\
name: failing_task
namespace_name: contract
version: "1.0.0"
steps:
  - name: first
    handler: {callable: contract.first}
  - name: explode
    handler: {callable: contract.explode}
    dependencies: [first]
    retry: {retryable: false, max_attempts: 1}
  - name: never
    handler: {callable: contract.second}
    dependencies: [explode]
"""

#: Released by tests that want the slow handler to finish.
RELEASE = threading.Event()


def write_templates(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "contract.yaml").write_text(CONTRACT_TEMPLATE, encoding="utf-8")
    (directory / "slow.yaml").write_text(SLOW_TEMPLATE, encoding="utf-8")
    (directory / "failing.yaml").write_text(FAILING_TEMPLATE, encoding="utf-8")
    return directory


def handlers() -> dict[str, Any]:
    os.environ.setdefault("RUST_LOG", "error")
    from tasker_core import StepHandler

    class First(StepHandler):  # type: ignore[misc]
        handler_name = "contract.first"

        def call(self, context: Any) -> Any:
            return self.success({"order": context.get_input("order_id")})

    class Second(StepHandler):  # type: ignore[misc]
        handler_name = "contract.second"

        def call(self, context: Any) -> Any:
            return self.success({"done": True})

    class Wait(StepHandler):  # type: ignore[misc]
        handler_name = "contract.wait"

        def call(self, context: Any) -> Any:
            RELEASE.wait(float(os.environ.get("CONTRACT_WAIT_SECONDS", "5")))
            return self.success({"waited": True})

    class Explode(StepHandler):  # type: ignore[misc]
        handler_name = "contract.explode"

        def call(self, context: Any) -> Any:
            return self.failure("it broke", error_type="permanent_error", retryable=False)

    return {
        "contract.first": First,
        "contract.second": Second,
        "contract.wait": Wait,
        "contract.explode": Explode,
    }
