"""Prepare one package's release: version, dated CHANGELOG heading, sibling ranges.

    python scripts/bump.py tasker-contrib-core minor      # 0.1.0 -> 0.2.0
    python scripts/bump.py tasker-contrib-fastapi release  # keep 0.1.0, date its notes

- ``packages/<dist>/pyproject.toml``: ``version`` moves by the given part (``release``
  keeps it: the first release of a version already in the file);
- ``packages/<dist>/CHANGELOG.md``: the ``## Unreleased`` section (or
  ``## <version> (unreleased)``) becomes ``## <new> (<today>)``, with a fresh empty
  ``## Unreleased`` above it;
- every other package requiring ``<dist>`` whose range excludes the new version gets
  the compatible range (``>=0.2,<0.3`` below 1.0, ``>=1.4,<2`` from 1.0) and a
  CHANGELOG line saying so;
- ``uv lock`` records the new versions (``--no-lock`` skips it).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("major", "minor", "patch", "release")
UNRELEASED = "## Unreleased"


class BumpError(Exception):
    """Something in the repository prevents the bump; the message says what."""


def next_version(version: str, part: str) -> str:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        raise BumpError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(group) for group in match.groups())
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def compatible_range(version: str) -> str:
    """The semver range of releases compatible with ``version``."""
    major, minor, _ = (int(part) for part in version.split("."))
    if major == 0:
        return f">={major}.{minor},<{major}.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def _set_version(pyproject: Path, old: str, new: str) -> None:
    text = pyproject.read_text(encoding="utf-8")
    updated, count = re.subn(
        rf'^version = "{re.escape(old)}"$', f'version = "{new}"', text, count=1, flags=re.M
    )
    if count != 1:
        raise BumpError(f'{pyproject}: no line `version = "{old}"` to update')
    pyproject.write_text(updated, encoding="utf-8")


def date_changelog(changelog: Path, old: str, new: str, today: str) -> None:
    """Move the unreleased notes under ``## <new> (<today>)``."""
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    heading = re.compile(
        rf"^(## Unreleased|## \[?{re.escape(old)}\]? \(unreleased\))[ \t]*$", re.M | re.I
    )
    match = heading.search(text)
    if match is None:
        raise BumpError(
            f"{changelog}: no '{UNRELEASED}' (or '## {old} (unreleased)') section; "
            "write the release notes there first"
        )
    body_end = text.find("\n## ", match.end())
    body = text[match.end() : body_end if body_end != -1 else len(text)]
    if not body.strip():
        raise BumpError(f"{changelog}: the unreleased section is empty; list the changes first")
    dated = f"{UNRELEASED}\n\n## {new} ({today})"
    changelog.write_text(text[: match.start()] + dated + text[match.end() :], encoding="utf-8")


def _add_unreleased_note(changelog: Path, note: str) -> None:
    text = changelog.read_text(encoding="utf-8")
    if UNRELEASED not in text:
        first = text.find("\n## ")
        insert_at = first + 1 if first != -1 else len(text)
        text = text[:insert_at] + f"{UNRELEASED}\n\n" + text[insert_at:]
    start = text.index(UNRELEASED) + len(UNRELEASED)
    rest = text[start:].lstrip("\n")
    changelog.write_text(text[:start] + f"\n\n### Changed\n- {note}\n\n" + rest, "utf-8")


def update_siblings(root: Path, distribution: str, new: str) -> list[Path]:
    """Give every package requiring ``distribution`` a range that admits ``new``."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    changed = []
    requirement_line = re.compile(rf'"({re.escape(distribution)}[^"]*)"')
    for pyproject in sorted(root.glob("packages/*/pyproject.toml")):
        if pyproject.parent.name == distribution:
            continue
        text = pyproject.read_text(encoding="utf-8")
        match = requirement_line.search(text)
        if match is None:
            continue
        requirement = Requirement(match.group(1))
        if requirement.name != distribution or requirement.specifier.contains(Version(new)):
            continue
        widened = f"{distribution}{compatible_range(new)}"
        pyproject.write_text(text.replace(match.group(0), f'"{widened}"', 1), encoding="utf-8")
        _add_unreleased_note(pyproject.parent / "CHANGELOG.md", f"Requires `{widened}`.")
        changed.append(pyproject)
    return changed


def bump(root: Path, distribution: str, part: str, today: str) -> str:
    package_dir = root / "packages" / distribution
    pyproject = package_dir / "pyproject.toml"
    if not pyproject.is_file():
        raise BumpError(f"no package {distribution!r} under {root / 'packages'}")
    found = re.search(r'^version = "([^"]+)"$', pyproject.read_text(encoding="utf-8"), re.M)
    if found is None:
        raise BumpError(f"{pyproject}: no static `version = ...` line")
    old = found.group(1)
    new = next_version(old, part)
    date_changelog(package_dir / "CHANGELOG.md", old, new, today)
    if new != old:
        _set_version(pyproject, old, new)
    for sibling in update_siblings(root, distribution, new):
        print(f"updated {sibling.relative_to(root)}: {distribution}{compatible_range(new)}")
    return new


def _lock(root: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    subprocess.run([*command, "lock"], cwd=root, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("distribution", help="e.g. tasker-contrib-core")
    parser.add_argument("part", choices=PARTS)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--date", help="release date (default: today, UTC)")
    parser.add_argument("--no-lock", action="store_true", help="do not run `uv lock`")
    args = parser.parse_args()
    today = args.date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    try:
        new = bump(args.root.resolve(), args.distribution, args.part, today)
    except BumpError as error:
        print(f"bump failed: {error}", file=sys.stderr)
        return 1
    if not args.no_lock:
        _lock(args.root.resolve())
    print(f"{args.distribution} {new}: commit, then tag {args.distribution}-v{new}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
