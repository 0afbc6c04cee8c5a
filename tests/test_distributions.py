"""Every package under packages/ builds into archives fit to publish."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from compat_matrix import compat_tables
from dist_inspect import check_sdist, check_wheel, module_name, project_metadata
from trove_classifiers import classifiers as known_classifiers

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.parent.name for p in ROOT.glob("packages/*/pyproject.toml"))


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("uv is not on PATH under CI")
        pytest.skip("uv is not on PATH")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    for distribution in PACKAGES:
        subprocess.run(
            [_uv(), "build", "--package", distribution, "--no-sources", "--out-dir", str(out)],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=300,
        )
    return out


@pytest.mark.parametrize("distribution", PACKAGES)
def test_wheel_and_sdist_carry_license_metadata_and_only_what_runs(
    built: Path, distribution: str
) -> None:
    version = str(project_metadata(ROOT / "packages" / distribution)["version"])
    wheel = built / f"{module_name(distribution)}-{version}-py3-none-any.whl"
    sdist = built / f"{module_name(distribution)}-{version}.tar.gz"
    assert check_wheel(wheel, distribution, version) == []
    assert check_sdist(sdist, distribution, version) == []


def test_the_inspection_catches_a_wheel_without_license(built: Path, tmp_path: Path) -> None:
    import zipfile

    distribution = PACKAGES[0]
    version = str(project_metadata(ROOT / "packages" / distribution)["version"])
    source = built / f"{module_name(distribution)}-{version}-py3-none-any.whl"
    broken = tmp_path / source.name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            if not item.filename.endswith("licenses/LICENSE"):
                copy.writestr(item, original.read(item))
    assert any(
        "licenses/LICENSE" in problem for problem in check_wheel(broken, distribution, version)
    )


@pytest.mark.parametrize("distribution", PACKAGES)
def test_metadata_matches_the_claims(distribution: str) -> None:
    folder = ROOT / "packages" / distribution
    project = project_metadata(folder)
    declared = list(project["classifiers"])  # type: ignore[call-overload]
    assert set(declared) <= known_classifiers, set(declared) - known_classifiers
    assert (folder / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()
    assert project["license"] == "MIT"
    urls = project["urls"]
    assert urls["Changelog"].endswith(f"/packages/{distribution}/CHANGELOG.md")  # type: ignore[index]
    compat = dict(compat_tables(ROOT)).get(distribution)
    if compat is None:
        return
    pythons = {
        c.rsplit(" :: ", 1)[-1]
        for c in declared
        if c.startswith("Programming Language :: Python :: 3.")
    }
    assert pythons == set(compat["python"])  # type: ignore[call-overload]
    for framework, versions in compat.items():
        if framework in ("package", "python", "python-for", "tasker-py"):
            continue
        title = {"fastapi": "FastAPI"}.get(framework, framework.capitalize())
        assert f"Framework :: {title}" in declared
        # Where PyPI has per-version classifiers (Django), each claimed one is declared.
        for version in versions:  # type: ignore[attr-defined]
            major_minor = ".".join(str(version).split(".")[:2])
            specific = f"Framework :: {title} :: {major_minor}"
            if specific in known_classifiers:
                assert specific in declared, specific
