"""``tasker-contrib install``: the files a project needs before its first workflow.

* ``<config_dir>/base/{common,worker}.toml`` and
  ``<config_dir>/environments/{test,development,production}/{common,worker}.toml``:
  the package's own complete, commented, headless defaults with a header
  saying how the layers combine, so every key is visible and editable;
* the task template directory (the worker's ``TASKER_TEMPLATE_PATH``);
* the handlers and subscribers packages;
* a test directory with a setup test that validates the configuration of
  every environment and every task template;
* a root ``conftest.py`` (flat layouts only) so pytest imports the project's
  packages the way the worker does.

Existing files are never overwritten without ``force``; package
``__init__.py`` files and ``conftest.py`` not even then.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path, PurePosixPath

from tasker_contrib_core.scaffold.handler_files import package_changes
from tasker_contrib_core.scaffold.layout import ScaffoldLayout
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
        body = _without_builtin_intro(_default_config("base", name))
        changes.append(Change(layout.config_file("base", name), f"{header}\n{body}"))
    for environment in ENVIRONMENTS:
        for name in CONFIG_FILES:
            body = _default_config("environments", environment, name)
            changes.append(Change(layout.config_file("environments", environment, name), body))
    return changes


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
