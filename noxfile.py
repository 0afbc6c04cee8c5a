"""Sessions for tests, lint, docs and the compatibility matrix.

`tests`, `lint` and `docs` run with the locked versions on the current Python.
`matrix` sessions are generated from each package's `[tool.tasker-contrib.compat]`
table and `lowest` sessions from its dependency bounds, so a new package or a new
supported version needs no change here. Each records its result in
compat/results/<dist>.json; `nox -s gen_docs` turns claims and results into
docs/compatibility.md and the README tables. `release_check` rehearses a release.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nox
from packaging.requirements import Requirement

sys.path.insert(0, str(Path(__file__).parent / "scripts"))
from compat_matrix import (
    LowestTarget,
    MatrixEntry,
    canonical_name,
    compat_tables,
    direct_requirements,
    lowest_targets,
    matrix_entries,
    sibling_dependencies,
)
from compat_results import SessionResult, counts_from_junit, record_result
from interpreters import find_python

nox.options.default_venv_backend = "uv"
# A claimed Python that cannot be found is an error, never a silent skip.
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests", "lint", "docs"]
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

ROOT = Path(__file__).parent
CURRENT_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _claimed_pythons() -> list[str]:
    versions = {str(v) for _, compat in compat_tables(ROOT) for v in compat.get("python", [])}  # type: ignore[attr-defined]
    return sorted(versions, key=lambda v: tuple(int(part) for part in v.split(".")))


def _put_interpreters_on_path() -> None:
    """Make every claimed Python visible to nox, wherever it is installed (pyenv, uv...)."""
    directories = []
    for version in _claimed_pythons():
        found = find_python(version)
        if found is not None and str(found.parent) not in directories:
            directories.append(str(found.parent))
    os.environ["PATH"] = os.pathsep.join([*directories, os.environ.get("PATH", "")])


_put_interpreters_on_path()


def sync(session: nox.Session, *groups: str) -> None:
    """Install the locked workspace into the session's virtualenv."""
    # Every package with every extra: mypy and the tests see what users can install.
    args = ["uv", "sync", "--locked", "--all-packages", "--all-extras", "--no-default-groups"]
    for group in groups:
        args += ["--group", group]
    session.run_install(
        *args,
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session(python=CURRENT_PYTHON)
def tests(session: nox.Session) -> None:
    """Every package's tests with the locked versions."""
    sync(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=CURRENT_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy --strict on every package's src/."""
    sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python=CURRENT_PYTHON)
def docs(session: nox.Session) -> None:
    """Fail when generated pages are stale, then build the site in strict mode."""
    sync(session, "docs")
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    session.run("python", "scripts/generate_docs.py", "--check")
    session.run(
        "mkdocs", "build", "--strict", "--site-dir", str(Path(session.create_tmp()) / "site")
    )


@nox.session(python=CURRENT_PYTHON)
def gen_docs(session: nox.Session) -> None:
    """Regenerate docs/reference/configuration.md, docs/compatibility.md, README tables."""
    sync(session, "docs")
    session.run("python", "scripts/generate_docs.py")


def _installed_versions(session: nox.Session, names: list[str]) -> tuple[str, dict[str, str]]:
    """(full Python version, {name: installed version}) as the session's interpreter sees it."""
    script = (
        "import json, sys, importlib.metadata as m\n"
        "def v(n):\n"
        "    try:\n"
        "        return m.version(n)\n"
        "    except m.PackageNotFoundError:\n"
        "        return 'not installed'\n"
        "print(json.dumps(['%d.%d.%d' % sys.version_info[:3], "
        f"{{n: v(n) for n in {names!r}}}]))"
    )
    output = session.run("python", "-c", script, silent=True)
    python_full, versions = json.loads(str(output).strip().splitlines()[-1])
    return str(python_full), dict(versions)


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def _test_and_record(
    session: nox.Session,
    *,
    name: str,
    package: str,
    distribution: str,
    python: str,
    requested: dict[str, str],
) -> None:
    """Run one package's tests, record the outcome in compat/results/, fail if they failed.

    Extra pytest arguments narrow the run, so such a run is reported but not recorded.
    """
    python_full, installed = _installed_versions(session, list(requested))
    # Not session.create_tmp(): it points TMPDIR into the repository, where the
    # scaffolding test's generated project would find the workspace's pytest config.
    junit = Path(session.virtualenv.location) / "junit.xml"
    junit.unlink(missing_ok=True)
    started = time.monotonic()
    session.run(
        "pytest",
        str(ROOT / "packages" / distribution / "tests"),
        "-q",
        f"--junitxml={junit}",
        *session.posargs,
        success_codes=range(6),  # the outcome comes from the report, recorded either way
    )
    counts = counts_from_junit(junit)
    passed = junit.is_file() and counts.failed == 0 and counts.errors == 0 and counts.passed > 0
    result = SessionResult(
        session=name,
        package=package,
        distribution=distribution,
        python=python,
        python_full=python_full,
        requested=requested,
        installed=installed,
        outcome="passed" if passed else "failed",
        date=datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        duration_seconds=round(time.monotonic() - started, 1),
        counts=counts,
        commit=_git_commit(),
    )
    if session.posargs:
        session.warn(f"not recorded: pytest arguments {session.posargs} narrow the run")
    else:
        session.log(f"recorded in {record_result(ROOT, result).relative_to(ROOT)}")
    if not passed:
        session.error(f"{name}: {counts} (python {python_full}, {installed})")


@nox.session
@nox.parametrize(
    "python,entry",
    [
        nox.param(entry.python, entry, id=entry.session_id, tags=[entry.package])
        for entry in matrix_entries(ROOT)
    ],
)
def matrix(session: nox.Session, entry: MatrixEntry) -> None:
    """One package against one set of claimed versions (framework, tasker-py, Python).

    Select one package's sessions with `nox -t <package>` (e.g. `nox -t fastapi`).
    """
    sync(session, "test")
    session.run_install(
        "uv", "pip", "install", f"--python={session.virtualenv.location}", *entry.requirements
    )
    _test_and_record(
        session,
        name=entry.session_name,
        package=entry.package,
        distribution=entry.distribution,
        python=entry.python,
        requested=dict(entry.pins),
    )


@nox.session
@nox.parametrize(
    "python,target",
    [
        nox.param(target.python, target, id=target.package, tags=[target.package])
        for target in lowest_targets(ROOT)
    ],
)
def lowest(session: nox.Session, target: LowestTarget) -> None:
    """One package's tests with the lowest versions its direct dependencies allow.

    uv resolves the package's declared requirements (every extra included) with
    `--resolution lowest-direct`, so each `>=` bound is what actually gets installed.
    """
    sync(session, "test")
    requirements = direct_requirements(ROOT, target.distribution)
    spec = Path(session.virtualenv.location) / "lowest.in"
    # Siblings (tasker-contrib-core) take part as sources, so their bounds apply too.
    siblings = [
        str(ROOT / "packages" / name) for name in sibling_dependencies(ROOT, target.distribution)
    ]
    spec.write_text("\n".join([*requirements, *siblings]) + "\n", encoding="utf-8")
    compiled = session.run(
        "uv",
        "pip",
        "compile",
        str(spec),
        "--resolution=lowest-direct",
        f"--python={session.virtualenv.location}",
        "--no-header",
        "--no-annotate",
        "--quiet",
        silent=True,
    )
    direct_names = {canonical_name(Requirement(line).name) for line in requirements}
    pins = [
        line.strip()
        for line in str(compiled).splitlines()
        if "==" in line and canonical_name(line.split("==")[0]) in direct_names
    ]
    session.run_install("uv", "pip", "install", f"--python={session.virtualenv.location}", *pins)
    _test_and_record(
        session,
        name=target.session_name,
        package=target.package,
        distribution=target.distribution,
        python=target.python,
        # The declared bounds: the docs check notices when they change after this run.
        requested={canonical_name(Requirement(line).name): line for line in requirements},
    )


@nox.session(python=CURRENT_PYTHON)
def release_check(session: nox.Session) -> None:
    """Rehearse one package's release: `nox -s release_check -- tasker-contrib-fastapi`.

    The same steps as .github/workflows/release.yml (tag and CHANGELOG checks, uv build
    --no-sources, twine check --strict, archive contents, install into a clean venv
    outside the repository and smoke test), except that siblings such as
    tasker-contrib-core are built here instead of coming from PyPI.
    """
    if not session.posargs:
        session.error("name the package: nox -s release_check -- tasker-contrib-fastapi")
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--only-group",
        "release",
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )
    session.run(
        "python",
        str(ROOT / "scripts" / "release_check.py"),
        "--siblings-from-workspace",
        *session.posargs,
    )
