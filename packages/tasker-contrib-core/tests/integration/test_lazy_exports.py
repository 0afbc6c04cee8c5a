"""``lazy_exports``: the one PEP 562 implementation every package's ``__init__`` uses.

The framework packages promise an import that loads none of their modules (and
nothing of core but the kit's entry point), so what the helper does on first
access, and what importing the kit loads, is checked here.
"""

from __future__ import annotations

import types

import pytest
from tasker_contrib_core.integration import lazy_exports
from tasker_contrib_testsupport.subprocesses import run_fresh_python


def package_with(homes: dict[str, str], distribution: str | None = None) -> types.ModuleType:
    package = types.ModuleType("lazy_example")
    getattr_, dir_ = lazy_exports(package.__name__, homes, vars(package), distribution=distribution)
    package.__getattr__ = getattr_  # type: ignore[method-assign]
    package.__dir__ = dir_  # type: ignore[method-assign]
    return package


def test_a_name_loads_from_its_absolute_home_once_and_is_cached() -> None:
    from json.decoder import JSONDecoder

    package = package_with({"JSONDecoder": "json.decoder"})
    assert "JSONDecoder" not in vars(package)
    assert package.__getattr__("JSONDecoder") is JSONDecoder
    assert vars(package)["JSONDecoder"] is JSONDecoder


def test_a_relative_home_is_a_module_of_the_package() -> None:
    getattr_, _ = lazy_exports("tasker_contrib_core", {"ConfigError": "errors"}, {})
    from tasker_contrib_core.errors import ConfigError

    assert getattr_("ConfigError") is ConfigError


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    package = package_with({"JSONDecoder": "json.decoder"})
    with pytest.raises(AttributeError, match="'lazy_example' has no attribute 'loads'"):
        package.__getattr__("loads")
    with pytest.raises(AttributeError, match="__version__"):
        package.__getattr__("__version__")


def test_version_is_the_distributions_and_a_missing_one_says_uninstalled() -> None:
    installed = package_with({}, distribution="tasker-contrib-core")
    from importlib.metadata import version

    assert installed.__getattr__("__version__") == version("tasker-contrib-core")
    missing = package_with({}, distribution="no-such-distribution-anywhere")
    assert missing.__getattr__("__version__") == "0.0.0"


def test_dir_lists_lazy_names_and_version_before_they_load() -> None:
    package = package_with({"JSONDecoder": "json.decoder"}, distribution="tasker-contrib-core")
    names = package.__dir__()
    assert {"JSONDecoder", "__version__", "__name__"} <= set(names)
    assert names == sorted(names)


def test_importing_the_kit_loads_none_of_its_modules() -> None:
    code = """
        import sys
        import tasker_contrib_core.integration as kit
        loaded = sorted(m for m in sys.modules if m.startswith("tasker_contrib_core"))
        print(" ".join(loaded))
        kit.TaskerHost
        print("asyncio" in sys.modules, "tasker_contrib_core.integration._host" in sys.modules)
    """
    result = run_fresh_python(code)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.split() == [
        "tasker_contrib_core",
        "tasker_contrib_core._internal",
        "tasker_contrib_core._internal.lazy_exports",
        "tasker_contrib_core.errors",
        "tasker_contrib_core.integration",
    ]
    assert second.split()[1] == "True"
