"""Find the task template a request names, the way the orchestrator does.

The orchestration service looks a template up by ``(namespace, name,
version)`` among those registered by workers. The local runtime has no
registry, so it loads every template under ``template_paths`` once and keys
them the same way. A miss rescans once (a template file added while a
development server runs is then picked up) before reporting what exists.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from tasker_contrib_core.errors import TemplateError
from tasker_contrib_core.templates.loader import find_template_files, load_template
from tasker_contrib_core.templates.model import TaskTemplate

TemplateKey = tuple[str, str, str]


class TemplateIndex:
    """Templates under some paths, keyed by ``(namespace, name, version)``."""

    def __init__(self, paths: Sequence[Path], *, environment: str | None = None) -> None:
        self.paths = [Path(path) for path in paths]
        self.environment = environment
        self._lock = threading.Lock()
        self._templates: dict[TemplateKey, TaskTemplate] = {}
        self.problems: list[str] = []

    def load(self) -> None:
        """(Re)load every template; files that fail to load are listed in ``problems``."""
        templates: dict[TemplateKey, TaskTemplate] = {}
        problems: list[str] = []
        existing = [path for path in self.paths if path.exists()]
        for file in find_template_files(existing):
            try:
                template = load_template(file, environment=self.environment)
            except TemplateError as exc:
                problems.append(str(exc))
                continue
            key = (template.namespace_name, template.name, template.version)
            if key in templates:
                problems.append(
                    f"{file}: {template.identifier} is also defined in "
                    f"{templates[key].source_path}; the first one is used"
                )
                continue
            templates[key] = template
        with self._lock:
            self._templates = templates
            self.problems = problems

    def find(self, namespace: str, name: str, version: str) -> TaskTemplate | None:
        """The template for the key, rescanning the paths once on a miss."""
        key = (namespace, name, version)
        with self._lock:
            found = self._templates.get(key)
        if found is None:
            self.load()
            with self._lock:
                found = self._templates.get(key)
        return found

    def identifiers(self) -> list[str]:
        """``namespace/name:version`` of every loaded template, sorted."""
        with self._lock:
            return sorted(f"{ns}/{name}:{version}" for ns, name, version in self._templates)

    def namespaces(self) -> tuple[str, ...]:
        """Every namespace with at least one template, sorted."""
        with self._lock:
            return tuple(sorted({ns for ns, _, _ in self._templates}))


__all__ = ["TemplateIndex", "TemplateKey"]
