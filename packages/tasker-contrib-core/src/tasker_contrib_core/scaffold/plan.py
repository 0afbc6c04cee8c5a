"""Apply a list of planned file changes: create, skip, overwrite, update, or just report.

Generators only *plan* (a list of :class:`Change`); this module alone touches
the disk, so the rules hold for every command:

* a generated file that exists is **skipped** unless ``force`` (user edits
  are never clobbered by a re-run);
* an ``ensure`` file (a package ``__init__.py``) is created when missing and
  never overwritten, even with ``force``: it may hold the user's code
  (reported as ``exists``);
* an ``edit`` (a step added to a task template) rewrites a file whose new
  text was computed from its current text;
* ``dry_run`` decides every action without writing anything;
* every path is resolved and checked to be inside the target right before
  writing, and new files are opened exclusively so a file that appeared in
  the meantime is not overwritten either.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.paths import contained, ensure_inside, resolve_target

Mode = Literal["generated", "ensure", "edit"]
Action = Literal["create", "overwrite", "update", "skip", "exists", "unchanged"]


@dataclass(frozen=True)
class Change:
    """One file a generator wants: its path (relative to the target) and full text."""

    path: PurePosixPath
    content: str
    mode: Mode = "generated"
    detail: str = ""


@dataclass(frozen=True)
class FileAction:
    """What happened (or, in a dry run, would happen) to one file."""

    path: PurePosixPath
    action: Action
    detail: str = ""


@dataclass
class ScaffoldResult:
    """The outcome of one generator run: file actions plus hints for what to do next."""

    target: Path
    actions: list[FileAction] = field(default_factory=list)
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def paths(self, *actions: Action) -> list[str]:
        """Relative paths whose action is one of ``actions`` (all when none given)."""
        return [str(a.path) for a in self.actions if not actions or a.action in actions]

    @property
    def written(self) -> list[str]:
        """Files created, overwritten or updated (would be, in a dry run)."""
        return self.paths("create", "overwrite", "update")

    @property
    def skipped(self) -> list[str]:
        """Files left as they were because they exist (generated ones and package files)."""
        return self.paths("skip", "exists")


def _decide(change: Change, path: Path, force: bool) -> FileAction:
    exists = path.exists()
    if change.mode == "edit":
        if not exists:
            raise GenerationError(f"{change.path} disappeared while it was being edited")
        current = path.read_text(encoding="utf-8")
        action: Action = "unchanged" if current == change.content else "update"
        return FileAction(change.path, action, change.detail)
    if not exists:
        return FileAction(change.path, "create", change.detail)
    if change.mode == "ensure":
        return FileAction(change.path, "exists", "kept as is")
    if not force:
        return FileAction(change.path, "skip", "exists; --force overwrites it")
    current = path.read_text(encoding="utf-8")
    if current == change.content:
        return FileAction(change.path, "unchanged", "identical")
    return FileAction(change.path, "overwrite", change.detail)


def _make_parents(root: Path, path: Path) -> None:
    missing = [parent for parent in path.parents if not parent.exists()]
    for directory in reversed(missing):
        directory.mkdir()
        ensure_inside(root, directory)


def _replace(path: Path, content: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", text=True)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(root: Path, action: FileAction, change: Change) -> FileAction:
    path = ensure_inside(root, root / Path(str(change.path)))
    _make_parents(root, path)
    path = ensure_inside(root, path)
    if action.action == "create":
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(change.content)
        except FileExistsError:
            return FileAction(change.path, "skip", "appeared while generating; left as is")
        return action
    _replace(path, change.content)
    return action


def apply_changes(
    target: Path, changes: Iterable[Change], *, force: bool = False, dry_run: bool = False
) -> list[FileAction]:
    """Decide (and unless ``dry_run``, perform) every change; returns one action each."""
    root = resolve_target(target)
    planned = list(changes)
    decided = [(change, _decide(change, contained(root, change.path), force)) for change in planned]
    if dry_run:
        return [action for _, action in decided]
    if not root.exists():
        root.mkdir(parents=True)
    results = []
    for change, action in decided:
        if action.action in ("skip", "exists", "unchanged"):
            results.append(action)
        else:
            results.append(_write(root, action, change))
    return results


__all__ = ["Action", "Change", "FileAction", "Mode", "ScaffoldResult", "apply_changes"]
