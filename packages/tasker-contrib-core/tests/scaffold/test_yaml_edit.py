"""Steps are added to a user's template without touching a byte of what was there."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold import add_steps
from tasker_contrib_core.templates import parse_template

HEADER = "name: flow\nnamespace_name: ns\nversion: '1'\n"
NEW_STEP: dict[str, Any] = {
    "name": "audit",
    "description": "Audit: everything",
    "handler": {"callable": "app.handlers.audit.AuditHandler", "initialization": {"level": 2}},
    "dependencies": ["first"],
}


def only_additions(before: str, after: str) -> list[str]:
    """The lines ``after`` adds; fails if any line of ``before`` changed or moved."""
    added = []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        assert not line.startswith("- "), f"line removed or changed: {line!r}"
        if line.startswith("+ "):
            added.append(line[2:])
    return added


@pytest.fixture(scope="module")
def example_text() -> str:
    from tasker_contrib_example import TEMPLATES_DIR

    return (TEMPLATES_DIR / "order_processing.yaml").read_text(encoding="utf-8")


def test_the_example_template_keeps_every_line_and_comment(example_text: str) -> None:
    step = {**NEW_STEP, "dependencies": ["complete_order"]}
    edit = add_steps(example_text, [step])
    assert edit.added == ["audit"]
    added = only_additions(example_text, edit.text)
    # ndiff may pair the new blank separator with an old one, so compare as a multiset
    assert sorted(added) == sorted(
        [
            "\n",
            "  - name: audit\n",
            '    description: "Audit: everything"\n',
            "    handler:\n",
            "      callable: app.handlers.audit.AuditHandler\n",
            "      initialization:\n",
            "        level: 2\n",
            "    dependencies: [complete_order]\n",
        ]
    )
    # the new step sits at the end of steps:, before the environments: section
    assert edit.text.index("- name: audit") < edit.text.index("\nenvironments:")
    template = parse_template(edit.text)
    assert template.step_names[-1] == "audit"
    assert template.step("audit").dependencies == ["complete_order"]
    assert template.environments  # overrides after the list survived


def test_a_four_space_style_without_blank_lines_is_followed() -> None:
    text = textwrap.dedent(
        """\
        name: flow   # trailing comment
        namespace_name: ns
        version: '1'
        steps:
            -   name: first
                handler:
                    callable: a.b.First
            -   name: second
                handler:
                    callable: a.b.Second
                depends_on: [first]
        # end of file
        """
    )
    edit = add_steps(text, [NEW_STEP])
    added = only_additions(text, edit.text)
    assert added == [
        "    -   name: audit\n",
        '        description: "Audit: everything"\n',
        "        handler:\n",
        "            callable: app.handlers.audit.AuditHandler\n",
        "            initialization:\n",
        "                level: 2\n",
        "        depends_on: [first]\n",
    ]
    assert edit.text.endswith("depends_on: [first]\n# end of file\n")


def test_comments_inside_the_last_step_stay_with_it() -> None:
    text = textwrap.dedent(
        """\
        name: flow
        namespace_name: ns
        version: "1"
        steps:
          - name: first
            handler:
              callable: a.b.First
            # retry: {max_attempts: 5}

        # Overrides per environment
        environments: {}
        """
    )
    edit = add_steps(text, [NEW_STEP])
    only_additions(text, edit.text)
    lines = edit.text.splitlines()
    assert lines.index("    # retry: {max_attempts: 5}") < lines.index("  - name: audit")
    assert lines.index("  - name: audit") < lines.index("# Overrides per environment")


@pytest.mark.parametrize(
    "steps_line",
    ["steps: []", "steps:", "", "steps: [{name: first, handler: {callable: a.b.First}}]"],
)
def test_templates_without_a_block_list_are_still_extended(steps_line: str) -> None:
    text = f"# header comment\nname: flow\nnamespace_name: ns\nversion: '1'\n{steps_line}\n"
    step = {**NEW_STEP, "dependencies": []}
    edit = add_steps(text, [step])
    assert "# header comment" in edit.text
    data = yaml.safe_load(edit.text)
    assert [s["name"] for s in data["steps"]][-1] == "audit"
    parse_template(edit.text)


def test_existing_steps_are_kept_unless_replace(example_text: str) -> None:
    step = {"name": "choose_shipping", "handler": {"callable": "x.Y"}}
    kept = add_steps(example_text, [step])
    assert kept.kept == ["choose_shipping"]
    assert not kept.changed
    assert kept.text == example_text
    replaced = add_steps(example_text, [step], replace=True)
    assert replaced.replaced == ["choose_shipping"]
    template = parse_template(replaced.text)
    assert template.step("choose_shipping").handler.callable == "x.Y"
    assert template.step_names == parse_template(example_text).step_names
    # the step after it, and the blank line between them, are untouched
    assert "\n      callable: x.Y\n\n  - name: express_shipping\n" in replaced.text


def test_words_yaml_1_1_would_misread_are_quoted() -> None:
    text = HEADER + "steps:\n  - name: no\n    handler:\n      callable: a.No\n"
    step = {"name": "yes", "handler": {"callable": "a.Yes"}, "dependencies": ["no", "1.0", "null"]}
    edit = add_steps(text, [step])
    data = yaml.safe_load(edit.text)
    assert data["steps"][-1]["name"] == "yes"
    assert data["steps"][-1]["dependencies"] == ["no", "1.0", "null"]


def test_a_file_without_a_final_newline_is_extended_cleanly() -> None:
    text = HEADER + "steps:\n  - name: first\n    handler:\n      callable: a.B"
    edit = add_steps(text, [NEW_STEP])
    assert edit.text.startswith(text)
    assert parse_template(edit.text).step_names == ["first", "audit"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "not a task template"),
        ("name: flow\nsteps: 3\n", "not a list"),
    ],
)
def test_unusable_files_are_refused(text: str, words: str) -> None:
    with pytest.raises(GenerationError, match=words):
        add_steps(text, [NEW_STEP])


def test_the_user_template_on_disk_is_edited_in_place(tmp_path: Path, example_text: str) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(example_text)
    edit = add_steps(path.read_text(), [{**NEW_STEP, "dependencies": ["complete_order"]}])
    path.write_text(edit.text)
    assert len(only_additions(example_text, path.read_text())) == 8
