"""Assertions on step outcomes and runs whose failures explain themselves.

``assert result.is_success`` fails with ``assert False``: the reader then has
to rerun with prints to learn the error type and message. These helpers raise
``AssertionError`` with a multi-line message instead: what was expected, what
came back, the error type, message and metadata, and the handler's traceback
when it raised. pytest shows the message as is (and hides the helper's own
frame); any other runner prints it too.

Each assertion accepts a ``StepHandlerResult`` (from :func:`call_handler`) or
a ``StepRun`` (from ``run.step(name)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tasker_contrib_core.engine.outcomes import parse_batch_outcome, parse_decision_outcome
from tasker_contrib_core.testing.matching import subset_mismatches
from tasker_contrib_core.testing.render import (
    describe,
    describe_run,
    field_lines,
    outcome_word,
    short,
)
from tasker_contrib_core.testing.views import ResultView, error_type_text, view_of


def _fail(*parts: str) -> AssertionError:
    return AssertionError("\n".join(part for part in parts if part))


def _actual(view: ResultView) -> str:
    return "actual:\n" + describe(view)


def _require_success(view: ResultView, wanted: str) -> None:
    __tracebackhide__ = True
    if not view.succeeded:
        raise _fail(
            f"expected {view.label} to {wanted}, but it {outcome_word(view)}", describe(view)
        )


def assert_success(result: Any, /, **expected: Any) -> Any:
    """Assert the handler succeeded and its result contains ``expected``.

    Keyword arguments are matched as a subset (nested dicts too); returns the
    result so the test can go on with it::

        data = assert_success(result, status="processed")
    """
    __tracebackhide__ = True
    view = view_of(result)
    _require_success(view, "succeed")
    problems = subset_mismatches(expected, view.result) if expected else []
    if problems:
        raise _fail(
            f"{view.label} succeeded, but its result does not match:",
            "\n".join(f"  {problem}" for problem in problems),
            _actual(view),
        )
    return view.result


def assert_failure(
    result: Any,
    /,
    error_type: str | None = None,
    retryable: bool | None = None,
    message_contains: str | None = None,
    error_code: str | None = None,
) -> None:
    """Assert the handler failed, optionally with this error type, retryability, message, code.

    ``error_type`` takes a string or a ``tasker_core.ErrorType`` member.
    """
    __tracebackhide__ = True
    view = view_of(result)
    if not view.failed:
        raise _fail(f"expected {view.label} to fail, but it {outcome_word(view)}", describe(view))
    wanted_type = error_type_text(error_type)
    problems: list[tuple[str, str]] = []
    if wanted_type is not None and view.error_type != wanted_type:
        problems.append(
            ("error_type", f"expected {short(wanted_type)}, got {short(view.error_type)}")
        )
    if error_code is not None and view.error_code != error_code:
        problems.append(
            ("error_code", f"expected {short(error_code)}, got {short(view.error_code)}")
        )
    if retryable is not None and view.retryable is not retryable:
        problems.append(("retryable", f"expected {retryable}, got {view.retryable}"))
    if message_contains is not None and message_contains not in (view.error_message or ""):
        problems.append(
            (
                "message",
                f"expected to contain {short(message_contains)}, got {short(view.error_message)}",
            )
        )
    if problems:
        raise _fail(
            f"{view.label} failed, but not as expected:",
            "\n".join(field_lines(problems)),
            _actual(view),
        )


def assert_decision(result: Any, /, steps: Iterable[str] | None = None) -> list[str]:
    """Assert a decision that creates ``steps`` (any order); returns the created step names."""
    __tracebackhide__ = True
    view = view_of(result)
    wanted = list(steps) if steps is not None else None
    target = f"a decision creating {short(wanted)}" if wanted is not None else "a decision"
    _require_success(view, f"be {target}")
    decision = parse_decision_outcome(view.result)
    if isinstance(decision, str):
        raise _fail(f"expected {view.label} to be {target}, but {decision}", _actual(view))
    if decision.kind == "no_branches":
        raise _fail(
            f"expected {view.label} to be {target}, but it creates no branches (no_branches)",
            _actual(view),
        )
    created = list(decision.step_names)
    if wanted is not None and set(created) != set(wanted):
        missing = [name for name in wanted if name not in created]
        extra = [name for name in created if name not in wanted]
        pairs: list[tuple[str, str]] = []
        if missing:
            pairs.append(("missing", ", ".join(missing)))
        if extra:
            pairs.append(("unexpected", ", ".join(extra)))
        raise _fail(
            f"expected {view.label} to be {target}, but it creates {short(created)}",
            "\n".join(field_lines(pairs)),
            _actual(view),
        )
    return created


def assert_no_branches(result: Any, /) -> None:
    """Assert a decision that creates no branch (``skip_branches`` / ``no_branches``)."""
    __tracebackhide__ = True
    view = view_of(result)
    _require_success(view, "skip every branch")
    decision = parse_decision_outcome(view.result)
    if isinstance(decision, str):
        raise _fail(f"expected {view.label} to skip every branch, but {decision}", _actual(view))
    if decision.kind != "no_branches":
        raise _fail(
            f"expected {view.label} to skip every branch, but it creates "
            f"{short(list(decision.step_names))}",
            _actual(view),
        )


def assert_batches(
    result: Any,
    /,
    count: int | None = None,
    total_items: int | None = None,
    worker_template: str | None = None,
) -> None:
    """Assert a batch analysis creating ``count`` workers over ``total_items``.

    ``count=0`` expects ``no_batches`` (nothing to do: the orchestrator then
    runs one placeholder worker so the convergence step still runs).
    """
    __tracebackhide__ = True
    view = view_of(result)
    _require_success(view, "create batches")
    outcome = parse_batch_outcome(view.result)
    if isinstance(outcome, str):
        raise _fail(f"expected {view.label} to create batches, but {outcome}", _actual(view))
    created = 0 if outcome.is_no_batches else len(outcome.cursors)
    total = 0 if outcome.is_no_batches else outcome.total_items
    problems: list[tuple[str, str]] = []
    if count is not None and created != count:
        problems.append(("count", f"expected {count}, got {created}"))
    if total_items is not None and total != total_items:
        problems.append(("total_items", f"expected {total_items}, got {total}"))
    if (
        worker_template is not None
        and not outcome.is_no_batches
        and outcome.worker_template_name != worker_template
    ):
        problems.append(
            (
                "worker_template",
                f"expected {short(worker_template)}, got {short(outcome.worker_template_name)}",
            )
        )
    if problems:
        kind = "no_batches" if outcome.is_no_batches else f"{created} batch(es)"
        cursors = ", ".join(
            f"{c.batch_id} [{short(c.start_cursor)}, {short(c.end_cursor)})"
            for c in outcome.cursors
        )
        summary = [("outcome", kind)] + ([("cursors", cursors)] if cursors else [])
        raise _fail(
            f"{view.label} has a batch outcome, but not the expected one:",
            "\n".join(field_lines(problems)),
            "batch outcome:",
            "\n".join(field_lines(summary)),
        )


def assert_no_batches(result: Any, /) -> None:
    """Assert a batch analysis that found nothing to do (``no_batches``)."""
    __tracebackhide__ = True
    assert_batches(result, count=0)


def _run_result(run: Any) -> Any:
    """Accept a :class:`~tasker_contrib_core.testing.run.TaskRun` or a bare ``TaskRunResult``."""
    return getattr(run, "raw", run)


def assert_task_completed(run: Any, /) -> None:
    """Assert the whole run completed; on failure, show every step and each failure in full."""
    __tracebackhide__ = True
    raw = _run_result(run)
    if raw.ok:
        return
    details = [
        f"step '{name}' failed:\n{describe(view_of(step))}"
        for name, step in raw.steps.items()
        if step.status == "error"
    ]
    raise _fail(
        f"expected task '{raw.task_name}' to complete, but it ended '{raw.status}'",
        describe_run(raw),
        *details,
    )


def assert_task_failed(run: Any, /, step: str | None = None, error_type: str | None = None) -> None:
    """Assert the run ended in error (at ``step``, with ``error_type``, when given)."""
    __tracebackhide__ = True
    raw = _run_result(run)
    if raw.ok:
        raise _fail(f"expected task '{raw.task_name}' to fail, but it completed", describe_run(raw))
    failed = raw.failed_steps
    if step is not None and step not in failed:
        raise _fail(
            f"expected step '{step}' of task '{raw.task_name}' to fail, but the failed "
            f"step(s) are: {', '.join(failed) or '(none)'}",
            describe_run(raw),
        )
    wanted = error_type_text(error_type)
    if wanted is not None:
        names = [step] if step is not None else failed
        types = {name: raw.steps[name].error.error_type for name in names if raw.steps[name].error}
        if wanted not in types.values():
            got = ", ".join(f"{name}: {kind}" for name, kind in types.items()) or "(none)"
            raise _fail(
                f"expected task '{raw.task_name}' to fail with error_type {short(wanted)}, "
                f"but got {got}",
                describe_run(raw),
            )


__all__ = [
    "assert_batches",
    "assert_decision",
    "assert_failure",
    "assert_no_batches",
    "assert_no_branches",
    "assert_success",
    "assert_task_completed",
    "assert_task_failed",
]
