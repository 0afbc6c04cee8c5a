"""The pytest plugin, exercised in throwaway projects with pytest's own ``pytester``.

No throwaway project has a conftest.py: every fixture must come from the
``pytest11`` entry point of the installed distribution.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

#: Options of the in-process pytest runs below. When the whole workspace runs in one
#: process, the Django package's tests have configured Django, and pytest-django (installed
#: for them) would set up a Django test environment a second time in the inner run.
INNER_RUN_OPTIONS = ("-p", "no:cacheprovider", "-p", "no:django")

pytest_plugins = ["pytester"]

TEMPLATE = """
name: greet
namespace_name: demo
version: "1.0.0"
steps:
  - name: hello
    handler: {callable: hello}
    retry: {retryable: true, max_attempts: 3, backoff: exponential, backoff_base_ms: 60000,
            max_backoff_ms: 600000}
  - name: goodbye
    handler: {callable: goodbye}
    dependencies: [hello]
"""

HANDLERS = """
import threading
from tasker_core import StepHandler

class Hello(StepHandler):
    def call(self, context):
        return self.success({"greeting": f"hello {context.get_input('name')}"})

class Goodbye(StepHandler):
    def call(self, context):
        return self.success({"farewell": "bye"})

BLOCK = threading.Event()

class Stuck(StepHandler):
    def call(self, context):
        BLOCK.wait(5)
        return self.success({})
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", greet=TEMPLATE)
    pytester.makepyfile(demo_handlers=HANDLERS)
    pytester.syspathinsert()
    return pytester


def test_fixtures_come_from_the_entry_point_and_work(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makepyfile(
        test_demo="""
        import os
        from pathlib import Path

        from demo_handlers import Goodbye, Hello
        from tasker_contrib_core.testing import assert_success, call_handler

        TEMPLATE = Path(__file__).parent / "greet.yaml"
        HANDLERS = {"hello": Hello, "goodbye": Goodbye}

        def test_plugin_is_the_installed_entry_point(request):
            plugin = request.config.pluginmanager.get_plugin("tasker_contrib")
            assert plugin is not None
            assert plugin.__name__ == "tasker_contrib_core.testing.pytest_plugin"
            infos = request.config.pluginmanager.list_plugin_distinfo()
            dists = {dist.project_name for _, dist in infos}
            assert "tasker-contrib-core" in dists
            assert not (Path(__file__).parent / "conftest.py").exists()

        def test_step_context(step_context):
            context = step_context(task_fields={"name": "ada"}, step_name="hello")
            assert_success(call_handler(Hello, context), greeting="hello ada")

        def test_tasker_run_and_events(tasker_run, tasker_events, tasker_run_timeout):
            assert tasker_run_timeout == 30.0
            run = tasker_run(TEMPLATE, {"name": "ada"}, handlers=HANDLERS, fail={"hello": [1, 2]})
            assert run.ok
            assert run.attempts("hello") == 3
            assert run.clock.sleeps == [60.0, 120.0]
            tasker_events.assert_order([
                ("step.execution.failed", "hello"),
                ("step.execution.completed", "goodbye"),
                "task.execution.completed",
            ])

        def test_tasker_settings(tasker_settings):
            assert "DATABASE_URL" not in os.environ
            assert os.environ.get("TASKER_ENV") is None
            settings = tasker_settings(handler_packages=["demo_handlers"])
            assert settings.environment == "development"
            assert settings.handler_packages == ["demo_handlers"]
            assert list(settings.config_dir.iterdir()) == []
            assert tasker_settings(environ={"TASKER_ENV": "test"}).environment == "test"
        """
    )
    monkeypatch.setenv("TASKER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/x")
    result = project.runpytest(*INNER_RUN_OPTIONS)
    result.assert_outcomes(passed=4)


def test_disabling_the_plugin_removes_the_fixtures(project: pytest.Pytester) -> None:
    project.makepyfile(test_off="def test_uses_it(step_context):\n    pass\n")
    result = project.runpytest_subprocess("-p", "no:tasker_contrib")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'step_context' not found*"])


def test_failures_are_reported_readably(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_failing="""
        from pathlib import Path

        from demo_handlers import Goodbye, Hello
        from tasker_contrib_core.testing import assert_success, assert_task_completed, call_handler

        def test_wrong_greeting(step_context):
            result = call_handler(Hello, step_context(task_fields={"name": "ada"}))
            assert_success(result, greeting="hi ada")

        def test_failed_workflow(tasker_run):
            run = tasker_run(
                Path(__file__).parent / "greet.yaml",
                {"name": "ada"},
                handlers={"hello": Hello, "goodbye": Goodbye},
                fail={"hello": "permanent_error"},
            )
            assert_task_completed(run)
        """
    )
    result = project.runpytest(*INNER_RUN_OPTIONS)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            '*assert_success(result, greeting="hi ada")',
            "E       AssertionError: step result succeeded, but its result does not match:",
            "E         result['greeting']: expected 'hi ada', got 'hello ada'",
            "E       actual:",
            "E         result: {'greeting': 'hello ada'}",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected task 'greet' to complete, but it ended 'error'",
            "E       task 'demo/greet' ended 'error'",
            "E         hello    error     1 attempt   permanent_error: injected fault *",
            "E         goodbye  pending   0 attempts",
        ]
    )
    # The helpers hide their own frames: the traceback ends at the test's line.
    assert "def assert_success" not in result.stdout.str()


def test_a_stuck_workflow_fails_the_test_at_the_ini_limit(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\ntasker_run_timeout = 0.3\n")
    project.makepyfile(
        test_stuck="""
        from pathlib import Path

        from demo_handlers import BLOCK, Goodbye, Hello, Stuck

        def test_stuck(tasker_run):
            try:
                tasker_run(
                    Path(__file__).parent / "greet.yaml",
                    handlers={"hello": Stuck, "goodbye": Goodbye},
                )
            finally:
                BLOCK.set()
        """
    )
    result = project.runpytest(*INNER_RUN_OPTIONS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *TaskRunTimeoutError: task 'demo/greet' did not finish within 0.3s",
            "E * still running: hello (attempt 1, for 0.*s)",
        ]
    )


def test_timeout_sources_and_precedence(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\ntasker_run_timeout = 12\n")
    project.makepyfile(
        test_limits="""
        import pytest

        def test_ini(tasker_run_timeout):
            assert tasker_run_timeout == 12.0

        @pytest.mark.tasker_run_timeout(2.5)
        def test_marker(tasker_run_timeout):
            assert tasker_run_timeout == 2.5

        @pytest.mark.tasker_run_timeout(None)
        def test_marker_disables(tasker_run_timeout):
            assert tasker_run_timeout is None

        @pytest.mark.tasker_run_timeout(seconds=0)
        def test_zero_disables(tasker_run_timeout):
            assert tasker_run_timeout is None
        """
    )
    project.runpytest(*INNER_RUN_OPTIONS, "--strict-markers").assert_outcomes(passed=4)
    overridden = project.runpytest(*INNER_RUN_OPTIONS, "--tasker-run-timeout=7", "-k", "test_ini")
    overridden.assert_outcomes(failed=1)
    overridden.stdout.fnmatch_lines(["*assert 7.0 == 12.0*"])


def test_bad_timeout_values_are_usage_errors(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.tasker_run_timeout("soon")
        def test_bad_marker(tasker_run_timeout):
            pass

        @pytest.mark.tasker_run_timeout
        def test_bare_marker(tasker_run_timeout):
            pass
        """
    )
    result = project.runpytest(*INNER_RUN_OPTIONS)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.tasker_run_timeout must be a number of seconds*got 'soon'*",
            "*@pytest.mark.tasker_run_timeout needs the seconds*",
        ]
    )


def test_loading_the_plugin_imports_nothing_heavy(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_light="""
        import sys

        def test_nothing_heavy_was_imported(request):
            assert request.config.pluginmanager.get_plugin("tasker_contrib") is not None
            heavy = sorted(
                name for name in sys.modules
                if name == "tasker_core" or name.startswith("tasker_core.")
                or name.startswith("tasker_contrib_core.engine")
                or name.startswith("tasker_contrib_core.config")
            )
            assert heavy == []
        """
    )
    project.runpytest_subprocess(*INNER_RUN_OPTIONS).assert_outcomes(passed=1)


def test_importing_the_plugin_module_in_a_fresh_interpreter() -> None:
    code = textwrap.dedent(
        """
        import sys
        import tasker_contrib_core.testing.pytest_plugin
        import tasker_contrib_core.testing as testing
        loaded = sorted(
            name for name in sys.modules
            if name.split(".")[0] == "tasker_core"
            or name.startswith(("tasker_contrib_core.engine", "tasker_contrib_core.templates"))
        )
        print(loaded)
        testing.build_step_context
        print("tasker_core" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "False"]
