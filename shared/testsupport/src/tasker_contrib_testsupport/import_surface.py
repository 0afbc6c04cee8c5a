"""Find imports of core modules outside its public surface, by parsing source (ast).

Framework packages may import ``tasker_contrib_core`` itself, its public
subpackages (``tasker_contrib_core.<name>`` where ``<name>`` is a package whose
name has no leading underscore), and the few public modules core lists in
``tasker_contrib_core.integration.PUBLIC_MODULES``. Anything deeper
(``tasker_contrib_core.runtime.bounded_call``) or private (``_internal``) is an
implementation detail core may change in any release. Imports under
``if TYPE_CHECKING:`` count too: an annotation naming a private module breaks
type checking of every user of the package when core moves it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORE = "tasker_contrib_core"


@dataclass(frozen=True)
class PrivateImport:
    """One import of a core module outside the public surface."""

    path: Path
    line: int
    module: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module}"


def public_core_modules(core_src: Path, extra: Iterable[str] = ()) -> frozenset[str]:
    """``tasker_contrib_core``, its public subpackages under ``core_src``, and ``extra``."""
    root = core_src / CORE
    packages = {
        f"{CORE}.{child.name}"
        for child in root.iterdir()
        if child.is_dir() and (child / "__init__.py").exists() and not child.name.startswith("_")
    }
    return frozenset({CORE, *packages, *extra})


def imported_modules(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """Every ``(line, module, certain)`` a module imports.

    ``import a.b``, ``from a.b import c`` and ``importlib.import_module("a.b")``
    name the module ``a.b`` for certain. ``from a import b`` imports the
    submodule ``a.b`` only when ``b`` is one (it may be a plain name): it is
    reported with ``certain=False`` and the caller decides.
    """
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, True) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, True))
            found.extend(
                (node.lineno, f"{node.module}.{alias.name}", False) for alias in node.names
            )
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value, True))
    return found


def private_imports(
    sources: Iterable[Path], public: frozenset[str], core_modules: frozenset[str]
) -> list[PrivateImport]:
    """The imports in ``sources`` of core modules that are not in ``public``.

    ``core_modules`` is every module (and package) core has, so that
    ``from tasker_contrib_core.runtime import Runtime`` (a name, not a module)
    is told apart from ``from tasker_contrib_core.runtime import local``. A
    module path named for certain is reported even when core has no such
    module (any more): that import is wrong either way.
    """
    problems: list[PrivateImport] = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module, certain in imported_modules(tree):
            if module != CORE and not module.startswith(CORE + "."):
                continue
            if module in public or not (certain or module in core_modules):
                continue
            problems.append(PrivateImport(path, line, module))
    return problems


def core_module_names(core_src: Path) -> frozenset[str]:
    """Every module and package name of core under ``core_src``."""
    names: set[str] = set()
    for path in (core_src / CORE).rglob("*.py"):
        parts = list(path.relative_to(core_src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    return frozenset(names)


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in ("import_module", "__import__") and bool(node.args)


__all__ = [
    "CORE",
    "PrivateImport",
    "core_module_names",
    "imported_modules",
    "private_imports",
    "public_core_modules",
]
