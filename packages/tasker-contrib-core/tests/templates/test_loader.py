"""Loading templates: YAML errors with locations, field errors with steps, overrides, dirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from tasker_contrib_core.errors import TemplateError, TemplateFieldError, TemplateSyntaxError
from tasker_contrib_core.templates import (
    BackoffStrategy,
    StepType,
    find_template_files,
    load_template,
    load_templates,
    parse_template,
)

HANDLER = "tasker_contrib_example.handlers.validation.ValidateOrderHandler"


def test_load_template_records_its_source(fixtures: Path) -> None:
    path = fixtures / "valid_minimal.yaml"
    loaded = load_template(path)
    assert loaded.source_path == path
    assert loaded.environment is None
    assert loaded.step_names == ["first", "second"]


def test_aliases_in_yaml() -> None:
    loaded = parse_template(
        f"""
name: t
namespace_name: ns
version: "1"
steps:
  - name: a
    handler: {{callable: {HANDLER}}}
  - name: b
    step_type: decision
    depends_on: [a]
    handler: {{callable: {HANDLER}}}
"""
    )
    assert loaded.step("b").type is StepType.DECISION
    assert loaded.step("b").dependencies == ["a"]


def test_unquoted_version_error_names_file_line_and_fix(fixtures: Path) -> None:
    path = fixtures / "template_invalid.yaml"
    with pytest.raises(TemplateFieldError) as info:
        load_template(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert 'quote it: version: "1.0"' in message
    [problem] = info.value.problems
    assert problem.code == "TEMPLATE_INVALID"
    assert problem.field == "version"
    assert problem.line == 3


def test_field_errors_name_the_step_field_and_line(fixtures: Path) -> None:
    with pytest.raises(TemplateFieldError) as info:
        load_template(fixtures / "template_invalid_step_fields.yaml")
    problems = {problem.field: problem for problem in info.value.problems}
    assert set(problems) == {"type", "retry.max_attempts"}
    retry = problems["retry.max_attempts"]
    assert retry.step == "charge"
    assert retry.line == 13
    assert "got 'three'" in retry.message
    assert "whole number" in retry.hint
    assert problems["type"].step == "charge"
    assert "deferred_convergence" in problems["type"].hint


def test_yaml_syntax_error_names_file_line_and_column(fixtures: Path) -> None:
    path = fixtures / "yaml_syntax.yaml"
    with pytest.raises(TemplateSyntaxError) as info:
        load_template(path)
    assert info.value.line == 8
    assert info.value.column == 4
    assert f"{path}:8:4" in str(info.value)


def test_duplicate_keys_are_syntax_errors() -> None:
    text = f"""name: t
namespace_name: ns
version: "1"
steps:
  - name: a
    handler: {{callable: {HANDLER}}}
    dependencies: []
    dependencies: [a]
"""
    with pytest.raises(TemplateSyntaxError, match="duplicate key 'dependencies'") as info:
        parse_template(text, source="dup.yaml")
    assert info.value.line == 8
    assert "first defined on line 7" in str(info.value)


def test_more_than_one_document_is_refused() -> None:
    with pytest.raises(TemplateSyntaxError, match="one template per file"):
        parse_template("name: a\n---\nname: b\n")


@pytest.mark.parametrize(("text", "expected"), [("", "is empty"), ("- a\n- b\n", "not a list")])
def test_top_level_must_be_a_mapping(text: str, expected: str) -> None:
    with pytest.raises(TemplateError, match=expected):
        parse_template(text, source="x.yaml")


def test_parse_template_accepts_a_mapping() -> None:
    loaded = parse_template(
        {"name": "t", "namespace_name": "ns", "version": "1", "steps": []}, source="mem.yaml"
    )
    assert loaded.source_path == Path("mem.yaml")


def test_missing_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        load_template(tmp_path / "nope.yaml")


def test_environment_all_and_named_overrides(fixtures: Path) -> None:
    base = load_template(fixtures / "env_overrides.yaml")
    test_env = load_template(fixtures / "env_overrides.yaml", environment="test")
    assert test_env.environment == "test"
    assert test_env.source_path == base.source_path
    # ALL sets every step's timeout
    assert [s.timeout_seconds for s in test_env.steps] == [5, 5]
    # a retry override replaces the whole policy: omitted keys take engine defaults
    retry = test_env.step("first").retry
    assert retry.max_attempts == 2
    assert retry.backoff is BackoffStrategy.EXPONENTIAL
    assert retry.backoff_base_ms == 1000
    # the original is untouched
    assert base.step("first").retry.max_attempts == 5
    assert base.step("first").timeout_seconds == 30


def test_environment_initialization_is_merged_key_by_key(fixtures: Path) -> None:
    production = load_template(fixtures / "env_overrides.yaml", environment="production")
    assert production.step("first").handler.initialization == {
        "gateway": "live",
        "timeout_ms": 1000,
    }
    assert production.step("first").timeout_seconds == 30


def test_unknown_environment_changes_nothing(fixtures: Path) -> None:
    base = load_template(fixtures / "env_overrides.yaml")
    staging = load_template(fixtures / "env_overrides.yaml", environment="staging")
    assert staging.steps == base.steps
    assert staging.environment == "staging"


def test_directories_are_searched_recursively_and_sorted(tmp_path: Path, fixtures: Path) -> None:
    text = (fixtures / "valid_minimal.yaml").read_text()
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "b.yaml").write_text(text.replace("minimal", "b"))
    (tmp_path / "a.yml").write_text(text.replace("minimal", "a"))
    (tmp_path / "nested" / "deeper" / "c.yaml").write_text(text.replace("minimal", "c"))
    (tmp_path / "notes.txt").write_text("not a template")
    files = find_template_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.yml",
        "b.yaml",
        "nested/deeper/c.yaml",
    ]
    assert [t.name for t in load_templates([tmp_path])] == ["a", "b", "c"]
    # explicit files are kept, duplicates dropped
    assert find_template_files([tmp_path / "a.yml", tmp_path]) == files


def test_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        find_template_files([tmp_path / "missing"])
