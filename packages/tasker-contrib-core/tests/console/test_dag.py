"""The DAG: template joined with the task's steps, then laid out by grandalf."""

from __future__ import annotations

import itertools

import pytest
import tasker_contrib_example as example
from tasker_contrib_core.console.dag import NOT_CREATED, NOT_REACHED, NOT_TAKEN, StepView, build_dag
from tasker_contrib_core.console.layout import apply_layout
from tasker_contrib_core.templates import TaskTemplate, load_template


@pytest.fixture(scope="module")
def template() -> TaskTemplate:
    return load_template(example.TEMPLATES_DIR / "order_processing.yaml")


def views(**states: str) -> list[StepView]:
    return [StepView(name, state, f"uuid-{name}") for name, state in states.items()]


def by_name(dag: object) -> dict[str, str]:
    return {node.name: node.state for node in dag.nodes}  # type: ignore[attr-defined]


def test_a_task_before_its_decision_shows_later_steps_pending(template: TaskTemplate) -> None:
    steps = views(validate_order="complete", reserve_inventory="in_progress",
                  charge_payment="pending")  # fmt: skip
    states = by_name(build_dag(template, steps, terminal=False))
    assert states["reserve_inventory"] == "in_progress"
    assert states["choose_shipping"] == NOT_CREATED
    assert states["express_shipping"] == NOT_CREATED
    assert states["standard_shipping"] == NOT_CREATED
    assert states["send_notification_batch"] == NOT_CREATED


def test_the_branch_a_decision_did_not_take_is_not_taken(template: TaskTemplate) -> None:
    steps = views(validate_order="complete", reserve_inventory="complete",
                  charge_payment="complete", choose_shipping="complete",
                  express_shipping="in_progress")  # fmt: skip
    states = by_name(build_dag(template, steps, terminal=False))
    assert states["standard_shipping"] == NOT_TAKEN
    assert states["express_shipping"] == "in_progress"
    # The convergence waits for the branch that was taken: not "not taken".
    assert states["finalize_shipment"] == NOT_CREATED


def test_steps_never_created_in_a_finished_task_are_not_reached(template: TaskTemplate) -> None:
    steps = views(validate_order="error")
    states = by_name(build_dag(template, steps, terminal=True))
    assert states["validate_order"] == "error"
    assert states["reserve_inventory"] == NOT_REACHED
    assert states["complete_order"] == NOT_REACHED


def test_batch_workers_are_grouped_under_their_template_step(template: TaskTemplate) -> None:
    steps = views(prepare_notifications="complete", send_notification_batch_001="complete",
                  send_notification_batch_002="error")  # fmt: skip
    dag = build_dag(template, steps, terminal=False)
    workers = [node for node in dag.nodes if node.group == "send_notification_batch"]
    assert [(n.name, n.state, n.type) for n in workers] == [
        ("send_notification_batch_001", "complete", "batch_worker"),
        ("send_notification_batch_002", "error", "batch_worker"),
    ]
    assert "send_notification_batch" not in by_name(dag)  # the template step is the group
    assert [(g.name, g.count) for g in dag.groups] == [("send_notification_batch", 2)]
    edges = {(e.source, e.target) for e in dag.edges}
    for worker in ("send_notification_batch_001", "send_notification_batch_002"):
        assert ("prepare_notifications", worker) in edges
        assert (worker, "complete_order") in edges


def test_steps_unknown_to_the_template_and_a_missing_template_still_show() -> None:
    steps = views(alpha="complete", beta="pending")
    dag = build_dag(None, steps, terminal=False)
    assert not dag.template_found
    assert [(n.name, n.type, n.state) for n in dag.nodes] == [
        ("alpha", "unknown", "complete"),
        ("beta", "unknown", "pending"),
    ]
    assert dag.edges == []


def test_the_layout_places_every_node_without_overlap_inside_the_drawing(
    template: TaskTemplate,
) -> None:
    steps = views(validate_order="complete", reserve_inventory="complete",
                  charge_payment="complete", choose_shipping="complete",
                  express_shipping="complete", finalize_shipment="complete",
                  prepare_notifications="complete", send_notification_batch_001="complete",
                  send_notification_batch_002="complete", send_notification_batch_003="complete",
                  complete_order="complete")  # fmt: skip
    dag = apply_layout(build_dag(template, steps, terminal=True))
    for node in dag.nodes:
        assert node.width >= len(node.name) * 7
        assert node.x >= 0
        assert node.x + node.width <= dag.width
        assert node.y >= 0
        assert node.y + node.height <= dag.height
    for a, b in itertools.combinations(dag.nodes, 2):
        apart = (a.x + a.width <= b.x or b.x + b.width <= a.x
                 or a.y + a.height <= b.y or b.y + b.height <= a.y)  # fmt: skip
        assert apart, f"{a.name} overlaps {b.name}"
    boxes = {node.name: node for node in dag.nodes}
    # Layered: every edge runs downwards, leaving the source's bottom for the target's top.
    for edge in dag.edges:
        source, target = boxes[edge.source], boxes[edge.target]
        assert target.y > source.y
        assert edge.points[0] == (source.x + source.width / 2, source.y + source.height)
        assert edge.points[-1] == (target.x + target.width / 2, target.y)
    (group,) = dag.groups
    members = [boxes[f"send_notification_batch_00{i}"] for i in (1, 2, 3)]
    assert all(group.x < m.x and m.x + m.width < group.x + group.width for m in members)
