"""fnmatch filters on event names."""

from __future__ import annotations

import pytest
from tasker_contrib_core.events import EventFilter
from tasker_contrib_core.events.filters import CACHE_LIMIT, as_filter


@pytest.mark.parametrize(
    ("include", "exclude", "name", "wanted"),
    [
        (("*",), (), "anything.at.all", True),
        (("step.*",), (), "step.execution.completed", True),
        (("step.*",), (), "task.execution.completed", False),
        (("step.execution.*", "payment.*"), (), "payment.captured", True),
        (("*",), ("*.started",), "step.execution.started", False),
        (("*",), ("*.started",), "step.execution.failed", True),
        (("step.execution.?ailed",), (), "step.execution.failed", True),
        (("payment.[ab]*",), (), "payment.captured", False),
        (("payment.[ab]*",), (), "payment.authorised", True),
        (("Step.*",), (), "step.execution.failed", False),  # case-sensitive everywhere
        ((), (), "step.execution.failed", False),
    ],
)
def test_include_and_exclude(
    include: tuple[str, ...], exclude: tuple[str, ...], name: str, wanted: bool
) -> None:
    event_filter = EventFilter(include, exclude)
    assert event_filter(name) is wanted
    assert event_filter.matches(name) is wanted  # cached answer is the same
    assert event_filter.matches(name) is wanted


def test_matches_everything_only_without_excludes() -> None:
    assert EventFilter().matches_everything
    assert not EventFilter(["*"], ["x.*"]).matches_everything
    assert not EventFilter(["step.*"]).matches_everything


def test_as_filter_accepts_a_single_pattern() -> None:
    event_filter = as_filter("payment.*", "payment.debug")
    assert event_filter.include == ("payment.*",)
    assert event_filter("payment.captured")
    assert not event_filter("payment.debug")
    assert as_filter(None).matches_everything


@pytest.mark.parametrize("bad", ["", None, 3])
def test_bad_patterns_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="non-empty strings"):
        EventFilter([bad])  # type: ignore[list-item]


def test_cache_is_bounded() -> None:
    event_filter = EventFilter(["n.*"])
    for i in range(CACHE_LIMIT * 2 + 3):
        assert event_filter(f"n.{i}")
    assert len(event_filter._cache) <= CACHE_LIMIT
