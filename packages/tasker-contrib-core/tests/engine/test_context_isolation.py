"""Contexts the engine builds: what the worker's constructor builds, and one per step.

The engine hands ``from_ffi_event`` its ancestors map as an already-checked
copy instead of letting pydantic copy it entry by entry (see
``context_from_task_sequence_step``). These tests pin what that must not
change: every context equals the one ``StepContext.from_ffi_event`` builds
from the same event, and a handler that edits its own ``dependency_results``
(or the event's task sequence step) changes nothing another step sees.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tasker_contrib_core.engine import FakeClock, run_template
from tasker_contrib_core.templates.model import TaskTemplate
from tasker_core import StepContext, StepHandler, StepHandlerResult

Parse = Callable[[str], TaskTemplate]

#: step name -> (keys of context.dependency_results, keys of the event's map, equal to reference)
SEEN: dict[str, tuple[list[str], list[str], bool]] = {}


def _observe(context: StepContext) -> str:
    name = context.task_sequence_step.workflow_step.name
    reference = StepContext.from_ffi_event(context.event, context.handler_name)
    SEEN[name] = (
        sorted(context.dependency_results),
        sorted(context.event.task_sequence_step["dependency_results"]),
        reference == context and reference.dependency_results == context.dependency_results,
    )
    return name


class Look(StepHandler):
    handler_name = "look"

    def call(self, context: StepContext) -> StepHandlerResult:
        return self.success({"step": _observe(context)})


class Tamper(StepHandler):
    """Rewrites both maps a handler can reach, after recording what it was given."""

    handler_name = "tamper"

    def call(self, context: StepContext) -> StepHandlerResult:
        name = _observe(context)
        for results in (
            context.dependency_results,
            context.event.task_sequence_step["dependency_results"],
        ):
            results.clear()
            results["forged"] = {"result": {"x": 1}, "success": True, "status": "completed"}
        return self.success({"step": name})


HANDLERS = {"look": Look, "tamper": Tamper}

GRAPH = """
steps:
  - name: root
    handler: {callable: look}
  - name: second
    handler: {callable: look}
    dependencies: [root]
  - name: tamperer
    handler: {callable: tamper}
    dependencies: [second]
  - name: sibling
    handler: {callable: look}
    dependencies: [second]
  - name: child
    handler: {callable: look}
    dependencies: [tamperer]
  - name: grandchild
    handler: {callable: look}
    dependencies: [child, sibling]
"""


@pytest.fixture(autouse=True)
def _reset() -> None:
    SEEN.clear()


@pytest.mark.parametrize("max_workers", [1, 3])
def test_a_handler_editing_its_maps_changes_no_other_steps_view(
    template: Parse, clock: FakeClock, max_workers: int
) -> None:
    run = run_template(template(GRAPH), {}, handlers=HANDLERS, clock=clock, max_workers=max_workers)
    assert run.ok, run.failed_steps
    expected = {
        "root": [],
        "second": ["root"],
        "tamperer": ["root", "second"],
        "sibling": ["root", "second"],
        "child": ["root", "second", "tamperer"],
        "grandchild": ["child", "root", "second", "sibling", "tamperer"],
    }
    assert {name: seen[0] for name, seen in SEEN.items()} == expected
    assert {name: seen[1] for name, seen in SEEN.items()} == expected
    assert all(seen[2] for seen in SEEN.values()), SEEN


def test_every_context_of_a_long_chain_is_the_worker_built_one(
    template: Parse, clock: FakeClock
) -> None:
    steps = ["steps:", "  - name: s00", "    handler: {callable: look}"]
    for index in range(1, 30):
        steps += [
            f"  - name: s{index:02d}",
            "    handler: {callable: look}",
            f"    dependencies: [s{index - 1:02d}]",
        ]
    run = run_template(template("\n".join(steps)), {}, handlers=HANDLERS, clock=clock)
    assert run.ok
    assert len(SEEN) == 30
    for index in range(30):
        keys, event_keys, same = SEEN[f"s{index:02d}"]
        assert keys == event_keys == [f"s{i:02d}" for i in range(index)]
        assert same
