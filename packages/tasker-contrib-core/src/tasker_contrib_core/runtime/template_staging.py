"""Give the engine exactly one template directory: the templates you configured.

``TASKER_TEMPLATE_PATH`` names one directory. When it does not exist the
engine goes looking elsewhere (``$WORKSPACE_PATH/config/tasks``, the nearest
project root's ``config/tasks``, ``./config/tasks``) and may register
templates nobody configured. Our settings accept several files and
directories (``template_paths``). So: one existing directory is used as is;
anything else is copied into a private, content-addressed staging directory,
which is empty (but present) when no template was found.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from tasker_contrib_core.config.render import default_render_dir
from tasker_contrib_core.templates.loader import find_template_files


@dataclass(frozen=True)
class StagedTemplates:
    """The directory handed to the engine and the template files it holds."""

    directory: Path
    files: tuple[Path, ...]
    staged: bool  # True when copied into a staging directory
    missing: tuple[Path, ...]  # configured paths that do not exist

    def namespaces(self) -> tuple[str, ...]:
        """The ``namespace_name`` of every template that parses (sorted, unique).

        Read leniently: a file the engine will reject is reported by the engine
        and by ``tasker-contrib validate``; here it simply adds no namespace.
        """
        found: set[str] = set()
        for file in self.files:
            try:
                data = yaml.safe_load(file.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("namespace_name"), str):
                found.add(data["namespace_name"])
        return tuple(sorted(found))


def stage_templates(paths: Sequence[Path], *, base_dir: Path | None = None) -> StagedTemplates:
    """Resolve ``paths`` (files or directories) into one directory for the engine."""
    existing = [Path(path).resolve() for path in paths if Path(path).exists()]
    missing = tuple(Path(path) for path in paths if not Path(path).exists())
    files = tuple(find_template_files(existing)) if existing else ()
    if len(existing) == 1 and existing[0].is_dir():
        return StagedTemplates(existing[0], files, staged=False, missing=missing)

    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file).encode())
        digest.update(file.read_bytes())
    root = base_dir if base_dir is not None else default_render_dir()
    directory = root / f"templates-{digest.hexdigest()[:16]}"
    if not directory.is_dir():
        scratch = root / f".{directory.name}.tmp"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(mode=0o700, parents=True)
        for index, file in enumerate(files):
            shutil.copyfile(file, scratch / f"{index:03d}_{file.name}")
        try:
            scratch.rename(directory)
        except OSError:  # another process staged the same content first
            shutil.rmtree(scratch, ignore_errors=True)
    return StagedTemplates(directory, files, staged=True, missing=missing)


__all__ = ["StagedTemplates", "stage_templates"]
