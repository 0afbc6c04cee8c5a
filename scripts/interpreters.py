"""Find the Python interpreters the compatibility matrix needs, without a fixed path.

nox only looks on ``PATH``; on a developer machine the claimed Pythons usually live
under pyenv (whose shims do not answer for a version that is not "global"), uv's
managed installs or the distribution's ``/usr/bin``. ``find_python`` asks each of
those places in turn and keeps the first interpreter that really runs and reports
the requested ``major.minor``; ``noxfile.py`` puts its directory on ``PATH``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["find_python", "search_places"]

_PROBE_TIMEOUT_SECONDS = 10.0


def _reports_version(candidate: Path, version: str) -> bool:
    """True when ``candidate`` starts and is Python ``version`` (a shim may not be)."""
    try:
        result = subprocess.run(
            [str(candidate), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=_PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def _pyenv_roots() -> Iterator[Path]:
    if root := os.environ.get("PYENV_ROOT"):
        yield Path(root)
    pyenv = shutil.which("pyenv") or str(Path.home() / ".pyenv" / "bin" / "pyenv")
    if Path(pyenv).is_file():
        try:
            out = subprocess.run(
                [pyenv, "root"], capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        if out:
            yield Path(out)
    yield Path.home() / ".pyenv"


def _uv_find(version: str) -> Iterator[Path]:
    uv = shutil.which("uv")
    if uv:
        command = [uv]
    elif importlib.util.find_spec("uv") is not None:
        command = [sys.executable, "-m", "uv"]
    else:
        return
    try:
        out = subprocess.run(
            [*command, "python", "find", "--no-python-downloads", version],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return
    if out:
        yield Path(out)


def search_places(version: str) -> Iterator[Path]:
    """Every candidate executable for ``version``, most specific first."""
    name = f"python{version}"
    if found := shutil.which(name):
        yield Path(found)
    for root in _pyenv_roots():
        yield from sorted((root / "versions").glob(f"{version}.*/bin/{name}"), reverse=True)
    yield from _uv_find(version)
    for prefix in ("/usr/local/bin", "/usr/bin", "/opt/homebrew/bin"):
        yield Path(prefix) / name
    yield from sorted(Path("/opt").glob(f"python*/bin/{name}"), reverse=True)


def find_python(version: str) -> Path | None:
    """The first working interpreter for ``version`` (``"3.12"``), or None."""
    seen: set[Path] = set()
    for candidate in search_places(version):
        if candidate in seen or not candidate.is_file():
            continue
        seen.add(candidate)
        if _reports_version(candidate, version):
            return candidate
    return None
