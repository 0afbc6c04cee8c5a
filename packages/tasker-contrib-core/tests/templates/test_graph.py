"""Graph renderers: exact output for a small template with every step type."""

from __future__ import annotations

from pathlib import Path

from tasker_contrib_core.templates import (
    TaskTemplate,
    load_template,
    parse_template,
    to_mermaid,
    to_text_tree,
)

SMALL = """
name: small
namespace_name: demo
version: "2.0"
steps:
  - {name: start, handler: {callable: h}}
  - {name: route, type: decision, handler: {callable: h}, dependencies: [start]}
  - {name: fast, handler: {callable: h}, dependencies: [route]}
  - {name: slow, handler: {callable: h}, dependencies: [route]}
  - {name: join, type: deferred_convergence, handler: {callable: h}, dependencies: [fast, slow]}
  - name: split
    type: batchable
    handler: {callable: h, initialization: {worker_template_name: work}}
    dependencies: [join]
  - name: work
    type: batch_worker
    handler: {callable: h}
    dependencies: [split]
    batch_config: {batch_size: 5, parallelism: 2, cursor_field: id, worker_template: work}
  - {name: done, type: deferred_convergence, handler: {callable: h}, dependencies: [work]}
"""


def small() -> TaskTemplate:
    return parse_template(SMALL)


def test_mermaid_output_is_exact() -> None:
    assert to_mermaid(small()) == (
        "flowchart TD\n"
        "    %% demo/small:2.0\n"
        '    start["start"]\n'
        '    route{"route<br/><i>decision</i>"}\n'
        '    fast["fast"]\n'
        '    slow["slow"]\n'
        '    join{{"join<br/><i>deferred_convergence</i>"}}\n'
        '    split[["split<br/><i>batchable</i>"]]\n'
        '    work[/"work<br/><i>batch_worker</i>"/]\n'
        '    done{{"done<br/><i>deferred_convergence</i>"}}\n'
        "    start --> route\n"
        "    route -.-> fast\n"
        "    route -.-> slow\n"
        "    fast --> join\n"
        "    slow --> join\n"
        "    join --> split\n"
        "    split ==> work\n"
        "    work --> done\n"
        "    classDef decision fill:#fff3cd,stroke:#b8860b\n"
        "    class route decision\n"
        "    classDef deferred_convergence fill:#e2f0d9,stroke:#38761d\n"
        "    class join,done deferred_convergence\n"
        "    classDef batchable fill:#dbe9f7,stroke:#1f4e79\n"
        "    class split batchable\n"
        "    classDef batch_worker fill:#dbe9f7,stroke:#1f4e79,stroke-dasharray:4 3\n"
        "    class work batch_worker\n"
    )


def test_text_tree_output_is_exact_and_shares_children_once() -> None:
    assert to_text_tree(small()) == (
        "small (namespace demo, version 2.0)\n"
        "start [standard]\n"
        "└── route [decision]\n"
        "    ├── fast [standard]\n"
        "    │   └── join [deferred_convergence]\n"
        "    │       └── split [batchable]\n"
        "    │           └── work [batch_worker]\n"
        "    │               └── done [deferred_convergence]\n"
        "    └── slow [standard]\n"
        "        └── join [deferred_convergence] (see above)\n"
    )


def test_mermaid_ids_fall_back_for_names_mermaid_cannot_take() -> None:
    loaded = parse_template(
        """
name: odd
namespace_name: demo
version: "1"
steps:
  - {name: end, handler: {callable: h}}
  - {name: 'say "hi"', handler: {callable: h}, dependencies: [end]}
"""
    )
    lines = to_mermaid(loaded).splitlines()
    assert '    step_1["end"]' in lines
    assert '    step_2["say #quot;hi#quot;"]' in lines
    assert "    step_1 --> step_2" in lines


def test_text_tree_survives_cycles_and_lists_unreachable_steps() -> None:
    loaded = parse_template(
        """
name: loop
namespace_name: demo
version: "1"
steps:
  - {name: root, handler: {callable: h}}
  - {name: a, handler: {callable: h}, dependencies: [root, b]}
  - {name: b, handler: {callable: h}, dependencies: [a]}
  - {name: x, handler: {callable: h}, dependencies: [y]}
  - {name: y, handler: {callable: h}, dependencies: [x]}
"""
    )
    assert to_text_tree(loaded) == (
        "loop (namespace demo, version 1)\n"
        "root [standard]\n"
        "└── a [standard]\n"
        "    └── b [standard]\n"
        "        └── a [standard] (see above)\n"
        "not reachable from a root step (cycle?): x, y\n"
    )


def test_example_workflow_graph_mentions_every_step(example_template: Path) -> None:
    loaded = load_template(example_template)
    mermaid = to_mermaid(loaded)
    for name in loaded.step_names:
        assert f"    {name}" in mermaid
    assert "choose_shipping -.-> express_shipping" in mermaid
    assert "prepare_notifications ==> send_notification_batch" in mermaid
