"""Find the ``.env`` file the engine would load behind your back.

When it reads its configuration, the engine's Rust side calls
``dotenvy::dotenv()``: it looks for a file named ``.env`` in the working
directory, then in each parent up to the filesystem root, and loads the first
one it finds into the process environment (variables already set win). A
forgotten ``.env`` in a home directory or a monorepo root can therefore change
the database URL, or abort the process with a value the engine rejects,
without anything in the project mentioning it. We find the same file, read it
the same way (well enough for ``KEY=value`` lines), and report it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DOTENV_NAME = ".env"


@dataclass(frozen=True)
class DotenvFile:
    """One ``.env`` file on the path from the working directory to the root."""

    path: Path
    loaded_by_engine: bool  # only the first one found is loaded
    values: dict[str, str] = field(default_factory=dict)


def find_dotenv_files(start: Path | None = None) -> list[DotenvFile]:
    """Every ``.env`` from ``start`` (default: the working directory) up to the root.

    The first entry is the one the engine loads; the others are listed so a
    warning can mention them too.
    """
    directory = (start or Path.cwd()).resolve()
    found: list[DotenvFile] = []
    for candidate_dir in (directory, *directory.parents):
        candidate = candidate_dir / DOTENV_NAME
        try:
            if not candidate.is_file():
                continue
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found.append(DotenvFile(candidate, loaded_by_engine=not found, values=parse_dotenv(text)))
    return found


def parse_dotenv(text: str) -> dict[str, str]:
    """``KEY=value`` pairs of a dotenv file (``export`` prefix, quotes and comments handled)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "a").isalnum():
            continue
        values[key] = _unquote(value.strip())
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    comment = value.find(" #")
    return value[:comment].rstrip() if comment >= 0 else value


def loaded_values(files: list[DotenvFile]) -> tuple[Path | None, dict[str, str]]:
    """The file the engine would load and its values (``(None, {})`` when there is none)."""
    for entry in files:
        if entry.loaded_by_engine:
            return entry.path, dict(entry.values)
    return None, {}


__all__ = ["DOTENV_NAME", "DotenvFile", "find_dotenv_files", "loaded_values", "parse_dotenv"]
