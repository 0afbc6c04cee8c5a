"""Sessions for tests, lint, docs and the compatibility matrix.

`tests`, `lint` and `docs` run with the locked versions on the current Python.
`matrix` sessions are generated from each package's `[tool.tasker-contrib.compat]`
table, so adding a supported version is a one-line change in that package's
pyproject.toml (and `nox -s gen_docs` regenerates docs/compatibility.md from it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "scripts"))
from compat_matrix import MatrixEntry, matrix_entries

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["tests", "lint", "docs"]
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

ROOT = Path(__file__).parent
CURRENT_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


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
    """Regenerate docs/reference/configuration.md and docs/compatibility.md."""
    sync(session, "docs")
    session.run("python", "scripts/generate_docs.py")


@nox.session
@nox.parametrize(
    "python,entry",
    [nox.param(entry.python, entry, id=entry.session_id) for entry in matrix_entries(ROOT)],
)
def matrix(session: nox.Session, entry: MatrixEntry) -> None:
    """One package against one set of claimed versions (framework, tasker-py, Python)."""
    sync(session, "test")
    session.run_install(
        "uv", "pip", "install", f"--python={session.virtualenv.location}", *entry.requirements
    )
    session.run("pytest", str(ROOT / "packages" / entry.distribution / "tests"), *session.posargs)
