"""Item 9 of the first hour, the parts fixed: messages a new user reads on the way.

Each through the real CLI in a fresh project: ``run`` on the real clock claims
no backoff when nothing was retried; a configuration error names the
environment variable once; ``validate`` suggests the closest existing class
for a misspelt callable.
"""

from __future__ import annotations

import pytest

from .conftest import NewProject

pytestmark = pytest.mark.slow


def test_run_without_retries_mentions_no_backoff(new_project: NewProject) -> None:
    output = new_project.ok("run", "config/tasks/order.yaml", "--context", "{}")
    assert " complete in " in output, output
    assert "backoff" not in output, output


def test_config_error_names_the_variable_once(new_project: NewProject) -> None:
    done = new_project.cli("config", "validate", env={"DATABASE_URL": "mysql://u:p@h/db"})
    assert done.returncode != 0
    text = done.stdout + done.stderr
    assert "set by env var DATABASE_URL:" in text, text
    assert "(env var" not in text, text
    warned = new_project.cli("config", "validate", env={"DATABASE_URL": "postgres://u:p@h/db"})
    text = warned.stdout + warned.stderr
    assert "update the value (env var DATABASE_URL)" in text, text


def test_validate_suggests_the_closest_class(new_project: NewProject) -> None:
    template = new_project.root / "config/tasks/order.yaml"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("check.CheckHandler", "check.ChekHandler"), encoding="utf-8")
    done = new_project.cli("validate", env={"COLUMNS": "400"})
    assert done.returncode != 0
    assert "Did you mean 'myapp.handlers.check.CheckHandler'?" in done.stdout, done.stdout
    assert "handler_name = 'myapp.handlers.check.ChekHandler'" not in done.stdout


def test_run_json_keeps_handler_prints_off_stdout(new_project: NewProject) -> None:
    import json

    handler = new_project.root / "myapp/handlers/check.py"
    text = handler.read_text(encoding="utf-8")
    handler.write_text(
        text.replace(
            "        return self.success(",
            '        print("debug from check")\n        return self.success(',
            1,
        ),
        encoding="utf-8",
    )
    done = new_project.cli("run", "config/tasks/order.yaml", "--context", "{}", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["status"] == "complete"
    assert "debug from check" in done.stderr, done.stderr


def test_yaml_syntax_error_points_inside_the_file(new_project: NewProject) -> None:
    broken = new_project.root / "config/tasks/broken.yaml"
    broken.write_text('name: x\nsteps:\n  - name: a\n    handler: {callable: "x\n')
    done = new_project.cli("validate", "config/tasks/broken.yaml", env={"COLUMNS": "400"})
    assert done.returncode != 0
    assert "line 4, column 25" in done.stdout, done.stdout
    assert "line 5" not in done.stdout, done.stdout
