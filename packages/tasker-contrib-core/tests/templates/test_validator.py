"""One broken fixture per validation code: code, severity, step, file and message."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from tasker_contrib_core.templates import (
    CODES,
    Finding,
    has_errors,
    load_template,
    validate_paths,
    validate_template,
)


@dataclass(frozen=True)
class Expected:
    fixture: str
    code: str
    step: str | None
    severity: str
    text: str
    line: int | None = None


CASES = [
    Expected("yaml_syntax.yaml", "YAML_SYNTAX", None, "error", "line 8, column 4", line=8),
    Expected("template_invalid.yaml", "TEMPLATE_INVALID", None, "error", 'version: "1.0"', 3),
    Expected(
        "template_invalid_step_fields.yaml",
        "TEMPLATE_INVALID",
        "charge",
        "error",
        "retry.max_attempts: Input should be a valid integer (got 'three')",
        13,
    ),
    Expected(
        "namespace_invalid.yaml",
        "NAMESPACE_INVALID",
        None,
        "error",
        "'order-processing' may contain only letters, digits and '_'",
    ),
    Expected("duplicate_step_name.yaml", "DUPLICATE_STEP_NAME", "notify", "error", "2 steps"),
    Expected("empty_callable.yaml", "EMPTY_CALLABLE", "second", "error", "empty handler.callable"),
    Expected("self_dependency.yaml", "SELF_DEPENDENCY", "second", "error", "lists itself"),
    Expected(
        "missing_dep_ref.yaml",
        "MISSING_DEP_REF",
        "charge_payment",
        "error",
        "depends on 'valdate_order'",
    ),
    Expected("cycle_detected.yaml", "CYCLE_DETECTED", "a", "error", "a -> b -> c -> a"),
    Expected(
        "decision_without_dependency.yaml",
        "DECISION_WITHOUT_DEPENDENCY",
        "route",
        "error",
        "decision step 'route' has no dependencies",
    ),
    Expected(
        "decision_without_branches.yaml",
        "DECISION_WITHOUT_BRANCHES",
        "route",
        "error",
        "no step depends on it",
    ),
    Expected(
        "convergence_without_branches.yaml",
        "CONVERGENCE_WITHOUT_BRANCHES",
        "wrap_up",
        "error",
        "depends on no decision branch and no batch_worker step",
    ),
    Expected(
        "convergence_not_deferred.yaml",
        "CONVERGENCE_NOT_DEFERRED",
        "ship",
        "warning",
        "waits for branches 'express', 'standard' of decision 'route'",
    ),
    Expected(
        "convergence_not_deferred_batch.yaml",
        "CONVERGENCE_NOT_DEFERRED",
        "aggregate",
        "error",
        "depends on batch_worker template 'work'",
    ),
    Expected(
        "batch_config_incomplete.yaml",
        "BATCH_CONFIG_INCOMPLETE",
        "work",
        "error",
        "batch_worker step 'work' has no batch_config",
    ),
    Expected(
        "batch_config_missing_key.yaml",
        "BATCH_CONFIG_INCOMPLETE",
        "work",
        "error",
        "batch_config.cursor_field: required key is missing",
        17,
    ),
    Expected(
        "batch_without_worker.yaml",
        "BATCH_CONFIG_INCOMPLETE",
        "split",
        "error",
        "has no batch_worker step depending on it",
    ),
    Expected(
        "unresolvable_handler.yaml",
        "UNRESOLVABLE_HANDLER",
        "second",
        "error",
        "'tasker_contrib_example.handlers.validation.NoSuchHandler' does not resolve",
    ),
    Expected(
        "handler_dispatch_ignored.yaml",
        "HANDLER_DISPATCH_IGNORED",
        "refund",
        "warning",
        "method: refund and resolver: explicit_mapping",
    ),
    Expected(
        "input_schema_invalid.yaml",
        "INPUT_SCHEMA_INVALID",
        None,
        "error",
        "must describe a JSON object",
    ),
    Expected(
        "input_schema_broken.yaml",
        "INPUT_SCHEMA_INVALID",
        None,
        "error",
        "not a valid JSON Schema: 'text' is not valid",
    ),
    Expected(
        "result_schema_invalid.yaml",
        "RESULT_SCHEMA_INVALID",
        "first",
        "warning",
        "(at required)",
    ),
    Expected(
        "event_declaration_invalid.yaml",
        "EVENT_DECLARATION_INVALID",
        "first",
        "error",
        "event name 'ordervalidated' must have the form namespace.action",
    ),
    Expected(
        "event_declaration_bad_condition.yaml",
        "EVENT_DECLARATION_INVALID",
        "first",
        "error",
        "publishes_events[0].condition",
        12,
    ),
    Expected(
        "event_schema_rejects_null.yaml",
        "EVENT_SCHEMA_REJECTS_NULL",
        "charge",
        "warning",
        "event 'payment.failed' is published on failure, when the failed step has no result "
        "and the payload is null, but its schema rejects null: the engine drops the event",
        5,
    ),
    Expected(
        "env_override_unknown_step.yaml",
        "ENV_OVERRIDE_UNKNOWN_STEP",
        "charge_paymnet",
        "warning",
        "environments.production overrides step 'charge_paymnet'",
    ),
    Expected("orphan_step.yaml", "ORPHAN_STEP", "forgotten", "warning", "no step depends on it"),
    Expected(
        "value_out_of_range.yaml",
        "VALUE_OUT_OF_RANGE",
        "charge",
        "warning",
        "step 'charge': retry.max_attempts is 0, outside 1-100",
    ),
]

#: Findings a fixture produces besides the one it exists for (documented side effects).
ALSO_EXPECTED = {
    "missing_dep_ref.yaml": {"ORPHAN_STEP"},  # the misspelt dependency leaves its target alone
}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.fixture.removesuffix(".yaml"))
def test_fixture_reports_its_code(case: Expected, fixtures: Path) -> None:
    path = fixtures / case.fixture
    findings = validate_paths([path])
    matching = [f for f in findings if f.code == case.code and case.text in f.message]
    assert matching, f"no {case.code} containing {case.text!r} in {findings}"
    finding = matching[0]
    assert finding.severity == case.severity
    assert finding.step == case.step
    assert finding.file == str(path)
    assert finding.hint
    if case.line is not None:
        assert finding.line == case.line
    assert {f.code for f in findings} == {case.code} | ALSO_EXPECTED.get(case.fixture, set())


def test_every_code_has_a_fixture_or_a_dedicated_test() -> None:
    covered = {case.code for case in CASES} | {"NO_TEMPLATES_FOUND", "DUPLICATE_TEMPLATE"}
    assert covered == set(CODES)


def test_missing_dependency_suggests_the_close_name(fixtures: Path) -> None:
    [finding] = [
        f
        for f in validate_paths([fixtures / "missing_dep_ref.yaml"])
        if f.code == "MISSING_DEP_REF"
    ]
    assert "Did you mean 'validate_order'?" in finding.hint


def test_valid_template_has_no_findings(fixtures: Path) -> None:
    assert validate_paths([fixtures / "valid_minimal.yaml"]) == []


def test_directory_reports_every_file_and_duplicates(fixtures: Path) -> None:
    findings = validate_paths([fixtures / "duplicate_template"])
    [duplicate] = findings
    assert duplicate.code == "DUPLICATE_TEMPLATE"
    assert duplicate.file == str(fixtures / "duplicate_template" / "two.yml")
    assert "fixtures/duplicated:1.0.0 is also defined in" in duplicate.message
    assert str(fixtures / "duplicate_template" / "one.yaml") in duplicate.message


def test_a_whole_directory_is_reported_in_one_pass(fixtures: Path) -> None:
    findings = validate_paths([fixtures], check_handlers=False)
    files_with_findings = {Path(f.file).name for f in findings if f.file}
    expected = {case.fixture for case in CASES if case.code != "UNRESOLVABLE_HANDLER"}
    assert expected <= files_with_findings
    assert "valid_minimal.yaml" not in files_with_findings


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    [finding] = validate_paths([tmp_path])
    assert finding.code == "NO_TEMPLATES_FOUND"
    assert finding.severity == "error"
    assert finding.file == str(tmp_path)


def test_handler_checks_can_be_skipped(fixtures: Path) -> None:
    loaded = load_template(fixtures / "unresolvable_handler.yaml")
    assert validate_template(loaded, check_handlers=False) == []


def test_registered_names_resolve_through_handler_packages(tmp_path: Path) -> None:
    path = tmp_path / "registered.yaml"
    path.write_text(
        """name: registered
namespace_name: fixtures
version: "1"
steps:
  - name: reserve
    handler:
      callable: order_processing.reserve_inventory
"""
    )
    loaded = load_template(path)
    assert [f.code for f in validate_template(loaded)] == ["UNRESOLVABLE_HANDLER"]
    assert validate_template(loaded, handler_packages=["tasker_contrib_example.handlers"]) == []


def test_several_cycles_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "cycles.yaml"
    steps = {"a": ["b"], "b": ["a"], "x": ["z"], "y": ["x"], "z": ["y"]}
    body = "".join(
        f"  - name: {name}\n    handler: {{callable: h}}\n    dependencies: {deps}\n".replace(
            "'", ""
        )
        for name, deps in steps.items()
    )
    path.write_text(f'name: c\nnamespace_name: ns\nversion: "1"\nsteps:\n{body}')
    findings = validate_template(load_template(path), check_handlers=False)
    cycles = sorted(f.message for f in findings if f.code == "CYCLE_DETECTED")
    assert cycles == ["dependency cycle: a -> b -> a", "dependency cycle: x -> y -> z -> x"]


def test_findings_are_json_serialisable(fixtures: Path) -> None:
    findings = validate_paths([fixtures / "orphan_step.yaml"])
    payload = json.loads(json.dumps([f.to_dict() for f in findings]))
    assert payload[0]["code"] == "ORPHAN_STEP"
    assert set(payload[0]) == {"code", "severity", "file", "step", "message", "hint", "line"}
    assert not has_errors(findings)
    assert "warning ORPHAN_STEP" in str(findings[0])


def test_finding_is_immutable() -> None:
    finding = Finding(code="ORPHAN_STEP", severity="warning", message="m")
    with pytest.raises(AttributeError):
        finding.code = "X"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fixture", "code", "line"),
    [
        ("missing_dep_ref.yaml", "MISSING_DEP_REF", 8),
        ("namespace_invalid.yaml", "NAMESPACE_INVALID", 2),
        ("input_schema_invalid.yaml", "INPUT_SCHEMA_INVALID", 4),
        ("env_override_unknown_step.yaml", "ENV_OVERRIDE_UNKNOWN_STEP", 8),
    ],
)
def test_findings_point_at_the_step_or_key_line(
    fixtures: Path, fixture: str, code: str, line: int
) -> None:
    [finding] = [f for f in validate_paths([fixtures / fixture]) if f.code == code]
    assert finding.line == line


def test_lines_survive_environment_overrides(fixtures: Path) -> None:
    loaded = load_template(fixtures / "missing_dep_ref.yaml", environment="test")
    assert loaded.step_line("charge_payment") == 8
    assert loaded.key_line("namespace_name") == 2


def test_out_of_range_values_are_all_listed(fixtures: Path) -> None:
    messages = [
        f.message
        for f in validate_paths([fixtures / "value_out_of_range.yaml"])
        if f.code == "VALUE_OUT_OF_RANGE"
    ]
    assert messages == [
        "step 'charge': retry.max_attempts is 0, outside 1-100",
        "step 'charge': retry.backoff_base_ms is 50, outside 100-3600000",
        "step 'charge': retry.max_backoff_ms is 20, outside 1000-3600000",
        "step 'charge': retry.backoff_base_ms (50) is above retry.max_backoff_ms (20)",
        "environments.test override of 'charge': retry.max_attempts is 500, outside 1-100",
    ]


def test_only_failure_path_events_that_reject_null_are_reported(fixtures: Path) -> None:
    """`payment.charged` (success) and `payment.attempted` (accepts null) are fine."""
    findings = validate_paths([fixtures / "event_schema_rejects_null.yaml"], check_handlers=False)
    assert [f.code for f in findings] == ["EVENT_SCHEMA_REJECTS_NULL"]
    assert "payment.failed" in findings[0].message
    assert "Accept null in the schema" in findings[0].hint
