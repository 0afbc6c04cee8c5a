"""Keep every write inside the target directory, symlinks included.

Names are checked in :mod:`~tasker_contrib_core.scaffold.naming`, but layout
options, ``--template`` paths and symbolic links inside the project can still
point elsewhere. Each path is therefore resolved (following every symlink that
exists) and must land under the resolved target before anything is written;
the writer resolves again right before writing.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from tasker_contrib_core.errors import UnsafePathError


def resolve_target(target: Path) -> Path:
    """The target directory as an absolute, symlink-free path."""
    return target.expanduser().resolve()


def contained(target: Path, relative: PurePosixPath | str) -> Path:
    """``target / relative`` resolved, or :class:`UnsafePathError` if it leaves ``target``."""
    root = resolve_target(target)
    candidate = Path(str(relative))
    if candidate.is_absolute():
        raise UnsafePathError(str(relative), str(root), "the path is absolute")
    if ".." in candidate.parts:
        raise UnsafePathError(str(relative), str(root), "the path contains '..'")
    return ensure_inside(root, root / candidate)


def ensure_inside(root: Path, path: Path) -> Path:
    """``path`` resolved (symlinks followed), checked to be under ``root``."""
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        reason = "it resolves outside the target directory"
        if path.is_symlink() or any(parent.is_symlink() for parent in path.parents):
            reason = f"a symbolic link on the way makes it resolve to {resolved}"
        raise UnsafePathError(str(path), str(root), reason)
    return resolved


def user_file_inside(target: Path, path: Path) -> Path:
    """A file the user named (``--template``), resolved and checked to be inside ``target``.

    Relative paths are taken from the current directory, as a shell user expects.
    """
    root = resolve_target(target)
    return ensure_inside(root, path if path.is_absolute() else Path.cwd() / path)


def relative_to_target(target: Path, path: Path) -> PurePosixPath:
    """``path`` (inside ``target``) as a POSIX path relative to the resolved target."""
    return PurePosixPath(path.resolve().relative_to(resolve_target(target)).as_posix())


__all__ = ["contained", "ensure_inside", "relative_to_target", "resolve_target", "user_file_inside"]
