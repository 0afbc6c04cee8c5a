"""Finding the template of a task, to draw its DAG.

On the local runtime the runtime's own template index answers. Against the
orchestration API, the templates are the ones under ``template_paths`` of this
process (the ones its workers register); a task of a template not found there
is shown without a DAG layout of its template (its steps only).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from tasker_contrib_core.runtime.template_index import TemplateIndex, TemplateKey
from tasker_contrib_core.templates.model import TaskTemplate

#: Seconds a miss is remembered before the template paths are scanned again.
MISS_TTL_SECONDS = 30.0


class TemplateLookup(Protocol):
    def find(self, namespace: str, name: str, version: str) -> TaskTemplate | None: ...


class CachedTemplates:
    """A :class:`TemplateIndex` that rescans on a miss at most every ``MISS_TTL_SECONDS``.

    The index itself rescans on every miss, which is right for starting a
    task and wrong for a page that polls a task whose template lives elsewhere.
    """

    def __init__(self, index: TemplateIndex) -> None:
        self.index = index
        self._misses: dict[TemplateKey, float] = {}
        self._loaded = False
        self._lock = threading.Lock()

    def find(self, namespace: str, name: str, version: str) -> TaskTemplate | None:
        key = (namespace, name, version)
        now = time.monotonic()
        with self._lock:
            if not self._loaded:
                self.index.load()
                self._loaded = True
            missed = self._misses.get(key)
        if missed is not None and now - missed < MISS_TTL_SECONDS:
            return None
        found = self.index.find(namespace, name, version)
        with self._lock:
            if found is None:
                self._misses[key] = now
            else:
                self._misses.pop(key, None)
        return found


__all__ = ["MISS_TTL_SECONDS", "CachedTemplates", "TemplateLookup"]
