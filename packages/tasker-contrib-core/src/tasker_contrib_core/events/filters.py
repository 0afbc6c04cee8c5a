"""fnmatch filters on event names, compiled once and cached per name.

Sinks say which events they want with shell-style patterns (``payment.*``,
``step.execution.*``), the same syntax ``tasker_core``'s domain event
subscribers use. Matching runs for every event on the engine's thread, so the
patterns are compiled into one regular expression up front and every answer is
remembered per event name: an application has a few dozen event names, and
after the first event of each name a match is one dictionary lookup done in C.

Matching is case-sensitive on every platform (``fnmatchcase``), because event
names are identifiers, not file names.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable

#: Names remembered per filter; beyond this the cache is cleared and refilled,
#: so a source inventing unbounded names cannot grow memory without limit.
CACHE_LIMIT = 4096

NameMatcher = Callable[[str], bool]


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


class _MatchCache(dict[str, bool]):
    """name -> wanted; a miss computes the answer once (``__missing__``)."""

    __slots__ = ("_decide",)

    def __init__(self, decide: NameMatcher) -> None:
        super().__init__()
        self._decide = decide

    def __missing__(self, name: str) -> bool:
        wanted = self._decide(name)
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[name] = wanted
        return wanted


class EventFilter:
    """Include/exclude fnmatch patterns over event names.

    An event is wanted when its name matches at least one include pattern and
    no exclude pattern. ``EventFilter()`` wants everything.
    """

    __slots__ = ("_cache", "_exclude_re", "_include_re", "exclude", "include", "matches")

    def __init__(self, include: Iterable[str] = ("*",), exclude: Iterable[str] = ()) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        for pattern in (*self.include, *self.exclude):
            if not isinstance(pattern, str) or not pattern:
                raise ValueError(f"event name patterns must be non-empty strings, got {pattern!r}")
        self._include_re = _compile(self.include)
        self._exclude_re = _compile(self.exclude)
        self._cache = _MatchCache(self._decide)
        #: The fast matcher: ``matches(name) -> bool`` (a C-level dict lookup once warm).
        self.matches: NameMatcher = self._cache.__getitem__

    @property
    def matches_everything(self) -> bool:
        """True when no event can be filtered out (lets callers skip the check)."""
        return "*" in self.include and not self.exclude

    def _decide(self, name: str) -> bool:
        if self._include_re is None or self._include_re.match(name) is None:
            return False
        return self._exclude_re is None or self._exclude_re.match(name) is None

    def __call__(self, name: str) -> bool:
        return self.matches(name)

    def __repr__(self) -> str:
        return f"EventFilter(include={list(self.include)!r}, exclude={list(self.exclude)!r})"


def as_filter(
    patterns: Iterable[str] | str | None = None, exclude: Iterable[str] | str | None = None
) -> EventFilter:
    """An :class:`EventFilter` from loose arguments (a single pattern is allowed)."""
    include = ("*",) if patterns is None else _tuple(patterns)
    return EventFilter(include, _tuple(exclude or ()))


def _tuple(value: Iterable[str] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


__all__ = ["CACHE_LIMIT", "EventFilter", "NameMatcher", "as_filter"]
