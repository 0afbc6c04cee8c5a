"""pytest plugin: Tasker testing fixtures, loaded automatically once installed.

Registered through the ``pytest11`` entry point ``tasker_contrib``, so pytest
imports this module in *every* session of every project that has
tasker-contrib installed. It therefore imports only pytest and the standard
library at load time; the engine and ``tasker_core`` are imported by a fixture
when a test uses it. Disable it with ``-p no:tasker_contrib``.

Fixtures:

``step_context``
    :func:`~tasker_contrib_core.testing.build_step_context` (a factory).
``tasker_run``
    :func:`~tasker_contrib_core.testing.run_task` with a fake clock, the
    session's run timeout and the test's ``tasker_events`` recorder attached.
``tasker_events``
    An :class:`~tasker_contrib_core.testing.EventRecorder` for the test.
``tasker_settings``
    A factory of ``TaskerSettings`` that see no environment variables; every
    ``TASKER_*`` variable and ``DATABASE_URL`` is removed for the test and
    restored afterwards, and ``config_dir`` defaults to an empty directory.
``tasker_run_timeout``
    The time limit ``tasker_run`` applies, in seconds (``None``: no limit).

Run timeout: 30 s unless the ``tasker_run_timeout`` ini option,
``--tasker-run-timeout`` or a ``@pytest.mark.tasker_run_timeout(seconds)``
marker (most specific wins; ``0`` or ``None`` disables) says otherwise. With a
limit the run executes on a helper thread; code whose state is bound to the
test's thread (a Django test transaction, for instance) needs the limit off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tasker_core import StepContext

    from tasker_contrib_core.config.settings import TaskerSettings
    from tasker_contrib_core.testing.events import EventRecorder
    from tasker_contrib_core.testing.run import TaskRun

#: Seconds a ``tasker_run`` may take when nothing configures the limit.
DEFAULT_RUN_TIMEOUT = 30.0
TIMEOUT_NAME = "tasker_run_timeout"
_OFF = frozenset({"", "0", "none", "off", "false", "no"})


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        TIMEOUT_NAME,
        help="Seconds a tasker_run workflow may take before the test fails (0 disables; "
        f"default {DEFAULT_RUN_TIMEOUT:g}).",
        default=f"{DEFAULT_RUN_TIMEOUT:g}",
    )
    group = parser.getgroup("tasker-contrib")
    group.addoption(
        "--tasker-run-timeout",
        dest=TIMEOUT_NAME,
        default=None,
        metavar="SECONDS",
        help="Override the tasker_run_timeout ini option for this session (0 disables).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "tasker_run_timeout(seconds): time limit for tasker_run workflows in this test "
        "(None or 0 disables it).",
    )
    # Test modules import handler modules, and with them tasker_core, whose Rust side
    # logs to stdout unless RUST_LOG is set first. A user's own RUST_LOG still wins.
    os.environ.setdefault("RUST_LOG", "error")


def parse_timeout(raw: Any, source: str) -> float | None:
    """Seconds from an ini value, option or marker argument; ``None`` means no limit."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in _OFF):
        return None
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        raise pytest.UsageError(
            f"{source} must be a number of seconds (or 0 to disable), got {raw!r}"
        ) from None
    if seconds < 0:
        raise pytest.UsageError(f"{source} must not be negative, got {raw!r}")
    return seconds or None


@pytest.fixture
def tasker_run_timeout(request: pytest.FixtureRequest) -> float | None:
    """The run time limit for this test: marker, then command line, then ini option."""
    marker = request.node.get_closest_marker(TIMEOUT_NAME)
    if marker is not None:
        if marker.args:
            raw = marker.args[0]
        elif "seconds" in marker.kwargs:
            raw = marker.kwargs["seconds"]
        else:
            raise pytest.UsageError(
                f"@pytest.mark.{TIMEOUT_NAME} needs the seconds, e.g. "
                f"@pytest.mark.{TIMEOUT_NAME}(60) or ({TIMEOUT_NAME}(None) to disable)"
            )
        return parse_timeout(raw, f"@pytest.mark.{TIMEOUT_NAME}")
    option = request.config.getoption(TIMEOUT_NAME, default=None)
    if option is not None:
        return parse_timeout(option, "--tasker-run-timeout")
    return parse_timeout(request.config.getini(TIMEOUT_NAME), f"ini option {TIMEOUT_NAME}")


@pytest.fixture
def step_context() -> Callable[..., StepContext]:
    """Build a real ``StepContext``: ``step_context(task_fields={...}, ...)``."""
    from tasker_contrib_core.testing.context import build_step_context

    return build_step_context


@pytest.fixture
def tasker_events() -> EventRecorder:
    """Records every event of the test's ``tasker_run`` runs (or anything you attach it to)."""
    from tasker_contrib_core.testing.events import EventRecorder

    return EventRecorder()


@pytest.fixture
def tasker_run(
    tasker_events: EventRecorder, tasker_run_timeout: float | None
) -> Callable[..., TaskRun]:
    """Run a workflow: ``tasker_run(template, context, fail={...}, ...)`` -> ``TaskRun``."""
    from tasker_contrib_core.testing.run import run_task

    def run(template_or_path: Any, context: Any = None, **options: Any) -> TaskRun:
        __tracebackhide__ = True
        options.setdefault("timeout", tasker_run_timeout)
        listeners = (tasker_events, *options.pop("listeners", ()))
        return run_task(template_or_path, context, listeners=listeners, **options)

    return run


@pytest.fixture
def tasker_settings(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., TaskerSettings]]:
    """Isolated ``TaskerSettings``: ``tasker_settings(handler_packages=[...], environ={...})``."""
    from tasker_contrib_core.testing.environment import clean_tasker_environment, isolated_settings

    empty: list[Path] = []

    def build(environ: dict[str, str] | None = None, **values: Any) -> TaskerSettings:
        if "config_dir" not in values:
            if not empty:
                empty.append(tmp_path_factory.mktemp("tasker-config"))
            values["config_dir"] = empty[0]
        return isolated_settings(environ, **values)

    with clean_tasker_environment():
        yield build


__all__ = [
    "DEFAULT_RUN_TIMEOUT",
    "parse_timeout",
    "pytest_addoption",
    "pytest_configure",
    "step_context",
    "tasker_events",
    "tasker_run",
    "tasker_run_timeout",
    "tasker_settings",
]
