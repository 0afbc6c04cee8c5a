"""What every published archive must contain, checked on the built files themselves.

Used by ``scripts/release_check.py`` before a release and by the test that builds
every package under ``packages/``: the license travels with the code, the metadata
names the project's URLs and license, typing information ships, and the sdist holds
only what builds and runs outside this repository (the tests need the workspace's
unpublished test support, so they are left out).
"""

from __future__ import annotations

import email.parser
import sys
import tarfile
import zipfile
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["REQUIRED_URLS", "check_sdist", "check_wheel", "module_name", "project_metadata"]

REQUIRED_URLS = ("Source", "Documentation", "Changelog", "Issues")


def project_metadata(package_dir: Path) -> dict[str, object]:
    """The ``[project]`` table of ``package_dir/pyproject.toml``."""
    data = tomllib.loads((package_dir / "pyproject.toml").read_text(encoding="utf-8"))
    project: dict[str, object] = data["project"]
    return project


def module_name(distribution: str) -> str:
    return distribution.replace("-", "_")


def _metadata_problems(text: str, distribution: str, version: str, where: str) -> list[str]:
    message = email.parser.Parser().parsestr(text)
    problems = []
    if message.get("Name") != distribution or message.get("Version") != version:
        problems.append(
            f"{where}: metadata says {message.get('Name')} {message.get('Version')}, "
            f"expected {distribution} {version}"
        )
    if message.get("License-Expression") != "MIT":
        problems.append(f"{where}: License-Expression is {message.get('License-Expression')!r}")
    if "LICENSE" not in (message.get_all("License-File") or []):
        problems.append(f"{where}: no License-File: LICENSE in the metadata")
    labels = {url.split(",", 1)[0].strip() for url in message.get_all("Project-URL") or []}
    missing = [label for label in REQUIRED_URLS if label not in labels]
    if missing:
        problems.append(f"{where}: [project.urls] lacks {', '.join(missing)}")
    return problems


def check_wheel(path: Path, distribution: str, version: str) -> list[str]:
    """Problems with a built wheel (empty when it is fit to publish)."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        info = f"{module_name(distribution)}-{version}.dist-info"
        problems = []
        if f"{info}/licenses/LICENSE" not in names:
            problems.append(f"{path.name}: no {info}/licenses/LICENSE")
        if f"{module_name(distribution)}/py.typed" not in names:
            problems.append(f"{path.name}: no py.typed marker (the package says Typing :: Typed)")
        if any(name.split("/")[0] in ("tests", "conftest.py") for name in names):
            problems.append(f"{path.name}: ships test files")
        if f"{info}/METADATA" in names:
            metadata = archive.read(f"{info}/METADATA").decode("utf-8")
            problems += _metadata_problems(metadata, distribution, version, path.name)
        else:
            problems.append(f"{path.name}: no {info}/METADATA")
    return problems


def check_sdist(path: Path, distribution: str, version: str) -> list[str]:
    """Problems with a built sdist (empty when it is fit to publish)."""
    top = f"{module_name(distribution)}-{version}"
    with tarfile.open(path) as archive:
        names = archive.getnames()
        problems = [
            f"{path.name}: no {top}/{required}"
            for required in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "PKG-INFO")
            if f"{top}/{required}" not in names
        ]
        if not any(name.startswith(f"{top}/src/{module_name(distribution)}/") for name in names):
            problems.append(f"{path.name}: no {top}/src/{module_name(distribution)}/")
        if any(name.startswith(f"{top}/tests") for name in names):
            problems.append(
                f"{path.name}: ships tests/, which cannot run outside the repository "
                "(they import the workspace's test support)"
            )
        member = archive.extractfile(f"{top}/PKG-INFO") if f"{top}/PKG-INFO" in names else None
        if member is not None:
            problems += _metadata_problems(
                member.read().decode("utf-8"), distribution, version, path.name
            )
    return problems
