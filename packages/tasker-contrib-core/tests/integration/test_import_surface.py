"""Framework packages import only core's public surface (parsed with ast, not imported).

The surface: ``tasker_contrib_core``, its public subpackages' ``__init__``
(``integration``, ``config``, ``events``, ``client``, ``runtime``...), and
``integration.PUBLIC_MODULES``. Every package under ``packages/`` other than
core is checked, so a new framework package is covered the day it lands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tasker_contrib_core.integration import PUBLIC_MODULES
from tasker_contrib_testsupport.import_surface import (
    PrivateImport,
    core_module_names,
    private_imports,
    public_core_modules,
)

PACKAGES = Path(__file__).resolve().parents[3]
CORE_SRC = PACKAGES / "tasker-contrib-core" / "src"


def framework_sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES.iterdir()
        if package.name != "tasker-contrib-core" and (package / "src").is_dir()
        for path in (package / "src").rglob("*.py")
    )


def check(sources: list[Path]) -> list[PrivateImport]:
    return private_imports(
        sources, public_core_modules(CORE_SRC, PUBLIC_MODULES), core_module_names(CORE_SRC)
    )


def test_there_are_framework_packages_to_check() -> None:
    assert any("tasker-contrib-fastapi" in str(path) for path in framework_sources())


def test_framework_packages_import_only_cores_public_surface() -> None:
    problems = check(framework_sources())
    assert not problems, "imports outside core's public surface:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize(
    "source",
    [
        "from tasker_contrib_core.runtime.bounded_call import call_bounded\n",
        "import tasker_contrib_core.runtime.bounded_call\n",
        "from tasker_contrib_core.runtime import local\n",
        "from tasker_contrib_core._internal.bounded_call import call_bounded\n",
        "from tasker_contrib_core.integration import _host\n",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from tasker_contrib_core.config.settings import TaskerSettings\n",
        "def later():\n    from tasker_contrib_core.events.context import event_context\n",
        "import importlib\nimportlib.import_module('tasker_contrib_core.runtime.worker')\n",
    ],
)
def test_the_check_catches_a_private_import(tmp_path: Path, source: str) -> None:
    module = tmp_path / "synthetic_framework" / "glue.py"
    module.parent.mkdir()
    module.write_text(source, encoding="utf-8")
    problems = check([module])
    assert len(problems) == 1, problems
    assert problems[0].path == module
    assert problems[0].module.startswith("tasker_contrib_core.")
    assert str(module) in str(problems[0])


def test_public_imports_pass_the_check(tmp_path: Path) -> None:
    module = tmp_path / "glue.py"
    module.write_text(
        "import tasker_contrib_core\n"
        "from tasker_contrib_core import errors\n"
        "from tasker_contrib_core.integration import TaskerHost, resolve_settings\n"
        "from tasker_contrib_core.runtime import Runtime\n"
        "from tasker_contrib_core.events import TaskerEvent\n"
        "from tasker_contrib_core.errors import RuntimeStartError\n"
        "from tasker_contrib_core.testing.pytest_plugin import step_context\n"
        "import fastapi.routing\n",
        encoding="utf-8",
    )
    assert check([module]) == []


@pytest.mark.parametrize("module_name", sorted(public_core_modules(CORE_SRC, PUBLIC_MODULES)))
def test_every_public_module_declares_all_and_every_name_resolves(module_name: str) -> None:
    import importlib

    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    assert isinstance(names, (list, tuple)), f"{module_name} has no __all__"
    missing = [name for name in names if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names what it does not have: {missing}"


def test_the_kits_private_modules_are_underscored() -> None:
    kit = CORE_SRC / "tasker_contrib_core" / "integration"
    modules = [path.stem for path in kit.glob("*.py") if path.name != "__init__.py"]
    assert modules
    assert all(name.startswith("_") for name in modules), modules
