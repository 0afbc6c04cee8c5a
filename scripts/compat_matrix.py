"""Build the test matrix from each package's ``[tool.tasker-contrib.compat]`` table.

A table lists the Python versions, the ``tasker-py`` versions and (for framework
packages) the framework versions a package claims. Like sentry-python's generated
matrix, we do not test the full cross product: every claimed framework version runs
with the newest tasker-py, every claimed tasker-py version runs with the newest
framework, each on the newest claimed Python; and the newest versions of both run
on every claimed Python. A framework version that supports fewer Pythons than the
package (Django 6 needs Python >= 3.12) lists them in the optional ``python-for``
table (``"django==6.1.3" = ["3.12", "3.13"]``): it then runs on the newest of
those, and each Python runs with the newest framework version it supports.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENGINE = "tasker-py"
#: Optional sub-table: ``"<framework>==<version>" = [pythons]`` for versions with fewer Pythons.
PYTHON_FOR = "python-for"
#: Keys of a compat table that are not framework version lists.
NOT_FRAMEWORKS = ("package", "python", ENGINE, PYTHON_FOR)


@dataclass(frozen=True)
class MatrixEntry:
    package: str  # short name from the table, e.g. "core", "fastapi"
    distribution: str  # folder and PyPI name, e.g. "tasker-contrib-core"
    python: str
    pins: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def requirements(self) -> list[str]:
        return [f"{name}=={version}" for name, version in self.pins]

    @property
    def session_id(self) -> str:
        pins = ", ".join(f"{name}={version}" for name, version in self.pins)
        return f"{self.package}, {pins}, python={self.python}"

    @property
    def session_name(self) -> str:
        """The name nox gives the session, and the key of its recorded result."""
        return f"matrix({self.session_id})"


@dataclass(frozen=True)
class LowestTarget:
    """One package's tests with the lowest versions its ``>=`` bounds allow."""

    package: str
    distribution: str
    python: str  # the oldest claimed Python: old releases may lack wheels for new ones

    @property
    def session_name(self) -> str:
        return f"lowest({self.package})"


def compat_tables(root: Path) -> list[tuple[str, dict[str, object]]]:
    """(distribution, compat table) for every package under packages/ that has one."""
    tables = []
    for pyproject in sorted(root.glob("packages/*/pyproject.toml")):
        compat = read_compat(pyproject)
        if compat:
            tables.append((pyproject.parent.name, compat))
    return tables


def lowest_targets(root: Path) -> list[LowestTarget]:
    return [
        LowestTarget(str(compat["package"]), distribution, str(compat["python"][0]))  # type: ignore[index]
        for distribution, compat in compat_tables(root)
    ]


def read_compat(pyproject: Path) -> dict[str, object]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    table: dict[str, object] = data.get("tool", {}).get("tasker-contrib", {}).get("compat", {})
    return table


def _pins(newest: dict[str, str], chosen: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Every framework then the engine (dict order), at its newest unless chosen."""
    return tuple((name, chosen.get(name, version)) for name, version in newest.items())


@dataclass(frozen=True)
class _Supports:
    """Whether a framework version runs on a Python (``python-for``, else every claimed one)."""

    limits: dict[str, list[str]]
    pythons: list[str]

    def __call__(self, name: str, version: str, python: str) -> bool:
        return python in self.limits.get(f"{name}=={version}", self.pythons)


def _newest_for(
    frameworks: dict[str, list[str]], supports: _Supports, python: str
) -> dict[str, str] | None:
    """The newest version of every framework that runs on ``python`` (None: one has none)."""
    chosen: dict[str, str] = {}
    for name, versions in frameworks.items():
        fitting = [v for v in versions if supports(name, v, python)]
        if not fitting:
            return None
        chosen[name] = fitting[-1]
    return chosen


def matrix_entries(root: Path) -> list[MatrixEntry]:
    entries: list[MatrixEntry] = []
    for distribution, compat in compat_tables(root):
        package = str(compat["package"])
        pythons = [str(v) for v in compat.get("python", [])]  # type: ignore[attr-defined]
        engines = [str(v) for v in compat.get(ENGINE, [])]  # type: ignore[attr-defined]
        frameworks = {
            name: [str(v) for v in versions]  # type: ignore[attr-defined]
            for name, versions in compat.items()
            if name not in NOT_FRAMEWORKS
        }
        limits: dict[str, list[str]] = {
            str(key): [str(v) for v in value]
            for key, value in dict(compat.get(PYTHON_FOR, {})).items()  # type: ignore[call-overload]
        }

        supports = _Supports(limits, pythons)

        newest_python = pythons[-1]
        newest = {name: versions[-1] for name, versions in frameworks.items()}
        newest[ENGINE] = engines[-1]

        candidates = [(newest_python, _pins(newest, {ENGINE: engine})) for engine in engines]
        for name, versions in frameworks.items():
            for version in versions:
                fitting = [py for py in pythons if supports(name, version, py)]
                others = _newest_for(frameworks, supports, fitting[-1]) if fitting else None
                if others is not None:
                    candidates.append((fitting[-1], _pins(newest, {**others, name: version})))
        for python in pythons:
            chosen = _newest_for(frameworks, supports, python)
            if chosen is not None:
                candidates.append((python, _pins(newest, chosen)))
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        for python, combo in candidates:
            if (python, combo) not in seen:
                seen.add((python, combo))
                entries.append(MatrixEntry(package, distribution, python, combo))
    return entries


def workspace_distributions(root: Path) -> set[str]:
    """Names of the distributions built from this repository (sources, not PyPI pins)."""
    names = set()
    for pyproject in root.glob("*/*/pyproject.toml"):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if "name" in project:
            names.add(canonical_name(str(project["name"])))
    return names


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_requirements(root: Path, distribution: str) -> list[str]:
    """A package's declared requirements, every extra included, siblings left out.

    Siblings come from the workspace; what the ``lowest`` session proves is every
    third-party ``>=`` bound.
    """
    from packaging.requirements import Requirement

    pyproject = root / "packages" / distribution / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    declared = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        declared += extra
    siblings = workspace_distributions(root)
    kept: dict[str, str] = {}
    for line in declared:
        requirement = Requirement(line)
        if canonical_name(requirement.name) not in siblings:
            kept.setdefault(str(requirement), str(requirement))
    return list(kept)


def sibling_dependencies(root: Path, distribution: str) -> list[str]:
    """The workspace packages ``distribution`` depends on, as folder names under packages/."""
    from packaging.requirements import Requirement

    pyproject = root / "packages" / distribution / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    folders = {
        canonical_name(p.parent.name): p.parent.name for p in root.glob("packages/*/pyproject.toml")
    }
    names = [canonical_name(Requirement(line).name) for line in project.get("dependencies", [])]
    return [folders[name] for name in names if name in folders]
