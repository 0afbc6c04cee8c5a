"""Everything a release of one package checks, in the order the release workflow runs it.

    python scripts/release_check.py tasker-contrib-fastapi                 # rehearsal
    python scripts/release_check.py tasker-contrib-fastapi --tag tasker-contrib-fastapi-v0.1.0

1. the tag (when given) is ``<dist>-v<version of packages/<dist>/pyproject.toml>``;
2. the package's CHANGELOG has a ``## <version> (YYYY-MM-DD)`` heading (a rehearsal
   without ``--tag`` also accepts ``## <version> (unreleased)``, with a warning);
3. ``uv build --package <dist> --no-sources`` builds the sdist and the wheel;
4. ``twine check --strict`` passes and both archives carry what ``dist_inspect`` asks;
5. the wheel installs into a fresh virtualenv outside the repository, its modules
   import from that virtualenv and its console scripts answer ``--help``.

``nox -s release_check -- <dist>`` runs it locally; ``.github/workflows/release.yml``
runs it on a tag before publishing. Siblings (``tasker-contrib-core`` for a framework
package) come from PyPI, or with ``--siblings-from-workspace`` from wheels built here,
for packages whose sibling release is not on PyPI yet.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compat_matrix import canonical_name, workspace_distributions
from dist_inspect import check_sdist, check_wheel, module_name, project_metadata

ROOT = Path(__file__).resolve().parent.parent
DATED = r"\(\d{4}-\d{2}-\d{2}\)"


class ReleaseCheckError(Exception):
    """A check failed; the message says which and what to do."""


def _uv() -> list[str]:
    found = os.environ.get("UV") or shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def _run(command: list[str], cwd: Path, what: str) -> str:
    shown = [arg if "\n" not in arg else "<script>" for arg in command]
    print(f"$ {' '.join(shown)}", flush=True)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseCheckError(f"{what} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def check_tag(distribution: str, version: str, tag: str) -> None:
    expected = f"{distribution}-v{version}"
    if tag.removeprefix("refs/tags/") != expected:
        raise ReleaseCheckError(
            f"tag {tag!r} does not match packages/{distribution}/pyproject.toml "
            f"(version {version}): expected {expected!r}"
        )


def check_changelog(changelog: Path, version: str, *, require_date: bool) -> None:
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    escaped = re.escape(version)
    if re.search(rf"^## \[?{escaped}\]? {DATED}\s*$", text, re.MULTILINE):
        return
    if not require_date and re.search(
        rf"^## \[?{escaped}\]? \(unreleased\)\s*$", text, re.MULTILINE | re.IGNORECASE
    ):
        print(
            f"warning: {changelog} has '## {version} (unreleased)'; date it with "
            "`scripts/bump.py` before tagging (a tagged release requires the date)",
            file=sys.stderr,
        )
        return
    raise ReleaseCheckError(
        f"{changelog} has no heading '## {version} (YYYY-MM-DD)': move the notes under "
        f"it (`python scripts/bump.py <dist> <part>` does) before releasing {version}"
    )


def build(root: Path, distribution: str, out_dir: Path) -> tuple[Path, Path]:
    _run(
        [*_uv(), "build", "--package", distribution, "--no-sources", "--out-dir", str(out_dir)],
        root,
        f"uv build --package {distribution}",
    )
    stem = module_name(distribution)
    wheels = sorted(out_dir.glob(f"{stem}-*.whl"))
    sdists = sorted(out_dir.glob(f"{stem}-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise ReleaseCheckError(f"expected one wheel and one sdist in {out_dir}, found {wheels}")
    return wheels[0], sdists[0]


def inspect(wheel: Path, sdist: Path, distribution: str, version: str) -> None:
    _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
        wheel.parent,
        "twine check --strict",
    )
    problems = check_wheel(wheel, distribution, version)
    problems += check_sdist(sdist, distribution, version)
    if problems:
        raise ReleaseCheckError("archive problems:\n  " + "\n  ".join(problems))


def _siblings(root: Path, distribution: str) -> list[str]:
    from packaging.requirements import Requirement

    siblings = workspace_distributions(root) - {canonical_name(distribution)}
    declared = project_metadata(root / "packages" / distribution).get("dependencies", [])
    return [
        canonical_name(Requirement(str(line)).name)
        for line in declared  # type: ignore[attr-defined]
        if canonical_name(Requirement(str(line)).name) in siblings
    ]


def smoke_test(
    root: Path, distribution: str, version: str, wheel: Path, find_links: Path | None
) -> None:
    """Install the wheel where the repository cannot leak in, then use it."""
    with tempfile.TemporaryDirectory(prefix=f"{distribution}-smoke-") as scratch:
        place = Path(scratch)
        venv = place / "venv"
        _run([*_uv(), "venv", "--no-project", "--python", sys.executable, str(venv)], place, "venv")
        python = venv / "bin" / "python"
        install = [*_uv(), "pip", "install", "--no-config", "--python", str(python), str(wheel)]
        if find_links is not None:
            install += ["--find-links", str(find_links)]
        _run(install, place, f"installing {wheel.name}")
        script = (
            "import importlib, importlib.metadata as md, pkgutil, sys\n"
            f"dist, version, top = {distribution!r}, {version!r}, {module_name(distribution)!r}\n"
            "assert md.version(dist) == version, (md.version(dist), version)\n"
            "package = importlib.import_module(top)\n"
            f"assert package.__file__.startswith({str(venv)!r}), package.__file__\n"
            "skipped = ('testing', 'templates')  # testing needs pytest: checked below\n"
            "for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
            "    if not any(part in skipped for part in info.name.split('.')):\n"
            "        importlib.import_module(info.name)\n"
            "print('imported', top, 'and its modules from', package.__file__)\n"
            "for ep in md.distribution(dist).entry_points:\n"
            "    if ep.group == 'console_scripts':\n"
            "        print('console script', ep.name)\n"
        )
        output = _run([str(python), "-c", script], place, f"importing {distribution}")
        print(output, end="")
        scripts = [line.split()[-1] for line in output.splitlines() if line.startswith("console")]
        # The testing toolkit is for a test environment: there, pytest is installed.
        testing = f"{module_name(distribution)}.testing"
        _run(
            [*_uv(), "pip", "install", "--no-config", "--python", str(python), "pytest"],
            place,
            "installing pytest",
        )
        probe = (
            "import importlib.util, importlib\n"
            f"if importlib.util.find_spec({testing!r}):\n"
            f"    importlib.import_module({testing!r}); print('imported', {testing!r})\n"
        )
        print(_run([str(python), "-c", probe], place, f"importing {testing}"), end="")
        # Console scripts of the package and of what it pulls in (core's CLI for a
        # framework package): a user of `pip install <dist>` gets them all.
        for name in sorted({*scripts, *_console_scripts_of_siblings(root, distribution)}):
            _run([str(venv / "bin" / name), "--help"], place, f"`{name} --help`")
            print(f"`{name} --help` works after installing {wheel.name}")


def _console_scripts_of_siblings(root: Path, distribution: str) -> list[str]:
    names: list[str] = []
    for sibling in _siblings(root, distribution):
        scripts = project_metadata(root / "packages" / sibling).get("scripts", {})
        names += list(scripts)  # type: ignore[call-overload]
    return names


def release_check(
    root: Path, distribution: str, *, tag: str | None, siblings_from_workspace: bool
) -> None:
    package_dir = root / "packages" / distribution
    if not (package_dir / "pyproject.toml").is_file():
        known = sorted(p.parent.name for p in root.glob("packages/*/pyproject.toml"))
        raise ReleaseCheckError(f"no package {distribution!r} under packages/ (known: {known})")
    version = str(project_metadata(package_dir)["version"])
    if tag is not None:
        check_tag(distribution, version, tag)
    check_changelog(package_dir / "CHANGELOG.md", version, require_date=tag is not None)
    with tempfile.TemporaryDirectory(prefix="tasker-contrib-release-") as scratch:
        out_dir = Path(scratch) / "dist"
        wheel, sdist = build(root, distribution, out_dir)
        inspect(wheel, sdist, distribution, version)
        find_links = None
        siblings = _siblings(root, distribution) if siblings_from_workspace else []
        if siblings:
            find_links = Path(scratch) / "siblings"
            for sibling in siblings:
                build(root, sibling, find_links)
        smoke_test(root, distribution, version, wheel, find_links)
        if os.environ.get("RELEASE_CHECK_KEEP"):
            kept = Path(os.environ["RELEASE_CHECK_KEEP"])
            kept.mkdir(parents=True, exist_ok=True)
            for archive in (wheel, sdist):
                shutil.copy2(archive, kept / archive.name)
    print(f"release check passed: {distribution} {version}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("distribution", help="e.g. tasker-contrib-fastapi")
    parser.add_argument("--tag", help="the pushed tag; requires a dated CHANGELOG heading")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository to check")
    parser.add_argument(
        "--siblings-from-workspace",
        action="store_true",
        help="install sibling packages from wheels built here instead of PyPI",
    )
    args = parser.parse_args()
    try:
        release_check(
            args.root.resolve(),
            args.distribution,
            tag=args.tag,
            siblings_from_workspace=args.siblings_from_workspace,
        )
    except ReleaseCheckError as error:
        print(f"release check failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
