"""Reading and writing TOML with errors that name the file and line."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import tomli_w

from tasker_contrib_core.errors import TomlSyntaxError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_LINE_IN_MESSAGE = re.compile(r"at line (\d+)")


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error becomes ``TomlSyntaxError(path, line)``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TomlSyntaxError(str(path), None, f"cannot read the file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlSyntaxError(
            str(path),
            raw.count(b"\n", 0, exc.start) + 1,
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "TOML files must be UTF-8, so re-save it as UTF-8",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            match = _LINE_IN_MESSAGE.search(str(exc))
            line = int(match.group(1)) if match else None
        detail = str(exc).split(" (at line")[0]
        raise TomlSyntaxError(str(path), line, detail) from None


def dump_toml(table: dict[str, Any], header: str = "") -> str:
    """Serialise a table, with ``header`` lines written as ``#`` comments first."""
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comment + ("\n" if comment else "") + tomli_w.dumps(table)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so a reader never sees a half-written file (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
