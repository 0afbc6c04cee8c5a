"""``tasker-contrib install``: the files a project needs before its first workflow.

* ``<config_dir>/base/{common,worker}.toml`` and
  ``<config_dir>/environments/{test,development,production}/{common,worker}.toml``:
  the package's own complete, commented, headless defaults with a header
  saying how the layers combine, so every key is visible and editable. The
  database URL is written commented out: a URL in these files counts as
  "configured", which switches ``runtime = "auto"`` to the real worker, and a
  fresh project has no database yet (it runs on the local engine until the
  user sets ``DATABASE_URL`` or uncomments the line);
* the task template directory (the worker's ``TASKER_TEMPLATE_PATH``);
* the handlers and subscribers packages;
* a test directory with a setup test that validates the configuration of
  every environment and every task template;
* ``[tool.tasker-contrib.scaffold]`` in ``pyproject.toml`` (created when
  missing, appended to otherwise): the layout, recorded once, so later
  ``generate`` runs and every runtime find the same handler package;
* a root ``conftest.py`` (flat layouts only) so pytest imports the project's
  packages the way the worker does.

Existing files are never overwritten without ``force``; package
``__init__.py`` files and ``conftest.py`` not even then.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from tasker_contrib_core.config.toml_io import read_toml
from tasker_contrib_core.scaffold.handler_files import package_changes
from tasker_contrib_core.scaffold.layout import PYPROJECT_TABLE, ScaffoldLayout
from tasker_contrib_core.scaffold.plan import Change, ScaffoldResult, apply_changes
from tasker_contrib_core.scaffold.rendering import render

ENVIRONMENTS = ("test", "development", "production")
CONFIG_FILES = ("common.toml", "worker.toml")

_ROLES = {
    "common.toml": "Engine configuration shared by every Tasker process of this project "
    "([common]).",
    "worker.toml": "Engine configuration of this project's Python workers ([worker]).",
}
_BUILTIN_INTRO = "# Built-in defaults"


def _without_builtin_intro(text: str) -> str:
    """Drop the first comment paragraph when it describes the file as built-in defaults."""
    if not text.startswith(_BUILTIN_INTRO):
        return text
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and lines[index].strip() not in ("", "#"):
        index += 1
    while index < len(lines) and lines[index].strip() in ("", "#"):
        index += 1
    return "".join(lines[index:])


_DATABASE_URL_LINE = re.compile(r'^url = "postgresql://[^"]*"$', re.MULTILINE)
_DATABASE_URL_HINT = (
    "# Commented out so a new project runs on the local engine. Uncomment (with\n"
    "# your credentials) or set DATABASE_URL to run the real worker instead.\n"
)


def _without_database_url(text: str) -> str:
    """Comment out the ``[common.database] url`` line of a built-in defaults file.

    A URL in the project's TOML is a configured database (``runtime = "auto"``
    then starts the worker), so ``install`` must not write one the user never chose.
    """
    return _DATABASE_URL_LINE.sub(lambda match: f"{_DATABASE_URL_HINT}# {match.group(0)}", text)


def _default_config(*parts: str) -> str:
    root = resources.files("tasker_contrib_core.config") / "defaults"
    return root.joinpath(*parts).read_text(encoding="utf-8")


def config_changes(layout: ScaffoldLayout) -> list[Change]:
    """The TOML files, rendered from the built-in defaults."""
    changes = []
    for name in CONFIG_FILES:
        header = render(
            "install/config_header.toml.j2", role=_ROLES[name], config_dir=layout.config_dir
        )
        body = _without_database_url(_without_builtin_intro(_default_config("base", name)))
        changes.append(Change(layout.config_file("base", name), f"{header}\n{body}"))
    for environment in ENVIRONMENTS:
        for name in CONFIG_FILES:
            body = _without_database_url(_default_config("environments", environment, name))
            changes.append(Change(layout.config_file("environments", environment, name), body))
    return changes


def _layout_table(layout: ScaffoldLayout) -> str:
    """``[tool.tasker-contrib.scaffold]`` recording ``layout`` (TOML text)."""
    import tomli_w

    values = {
        "handlers-package": layout.handlers_package,
        "source-root": layout.source_root,
        "templates-dir": layout.templates_dir,
        "tests-dir": layout.tests_dir,
        "config-dir": layout.config_dir,
    }
    if not layout._derived_subscribers:
        values["subscribers-package"] = layout.subscribers_package
    body = tomli_w.dumps(values)
    return (
        "# Where tasker-contrib finds this project's handlers, templates and engine\n"
        "# configuration: generate, validate, run, worker, doctor and the framework\n"
        "# packages all read this table (explicit settings and TASKER_* win).\n"
        f"[{'.'.join(PYPROJECT_TABLE)}]\n{body}"
    )


def pyproject_change(root: Path, layout: ScaffoldLayout) -> tuple[Change | None, str | None]:
    """The edit recording ``layout`` in pyproject.toml, or a note why none is needed."""
    path = root / "pyproject.toml"
    table = _layout_table(layout)
    if not path.is_file():
        return Change(PurePosixPath("pyproject.toml"), table, detail="records the layout"), None
    current = path.read_text(encoding="utf-8")
    recorded: Any = read_toml(path)
    for key in PYPROJECT_TABLE:
        recorded = recorded.get(key) if isinstance(recorded, dict) else None
    if recorded is not None:
        if ScaffoldLayout.from_mapping(recorded, source=str(path)) != layout:
            return None, (
                f"pyproject.toml already records a different layout in "
                f"[{'.'.join(PYPROJECT_TABLE)}]; edit it there so every command agrees"
            )
        return None, None
    separator = (
        ""
        if not current or current.endswith("\n\n")
        else ("\n" if current.endswith("\n") else "\n\n")
    )
    change = Change(
        PurePosixPath("pyproject.toml"),
        f"{current}{separator}{table}",
        mode="edit",
        detail=f"adds [{'.'.join(PYPROJECT_TABLE)}]",
    )
    return change, None


def install(
    *,
    target: Path | str = ".",
    layout: ScaffoldLayout | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ScaffoldResult:
    """Plan and (unless ``dry_run``) write the project skeleton described above."""
    root = Path(target)
    chosen = layout or ScaffoldLayout()
    changes = config_changes(chosen)
    changes.append(Change(chosen.templates_path(".gitkeep"), ""))
    changes.extend(package_changes(chosen, chosen.handlers_package))
    for change in package_changes(chosen, chosen.subscribers_package):
        if change.path not in {existing.path for existing in changes}:
            changes.append(change)
    setup_test = render(
        "install/test_tasker_setup.py.j2",
        depth=chosen.tests_depth,
        config_dir=chosen.config_dir,
        templates_dir=chosen.templates_dir,
        package=chosen.handlers_package,
    )
    changes.append(Change(chosen.test_file("test_tasker_setup"), setup_test))
    notes: list[str] = []
    recorded, note = pyproject_change(root, chosen)
    if recorded is not None:
        changes.append(recorded)
    if note:
        notes.append(note)
    top_package = chosen.handlers_package.split(".")[0]
    if chosen.source_root in (".", ""):
        conftest = render("install/conftest.py.j2", top_package=top_package)
        changes.append(Change(PurePosixPath("conftest.py"), conftest, "ensure"))
    else:
        notes.append(
            f"Make {chosen.source_root} importable in tests, e.g. pythonpath = "
            f'["{chosen.source_root}"] under [tool.pytest.ini_options].'
        )
    notes.append("Next: tasker-contrib generate task-template NAME --namespace NS --steps a,b,c")
    actions = apply_changes(root, changes, force=force, dry_run=dry_run)
    return ScaffoldResult(target=root.resolve(), actions=actions, dry_run=dry_run, notes=notes)


__all__ = ["CONFIG_FILES", "ENVIRONMENTS", "config_changes", "install"]
