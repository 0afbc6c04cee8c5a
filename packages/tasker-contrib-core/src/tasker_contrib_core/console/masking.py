"""What the console may show of user data: secrets masked, big values cut.

Contexts, step inputs, results, errors and event payloads are the user's data
and may hold credentials (a payment token in an order context) or megabytes
(a step returning a whole report). Every value the console answers with goes
through :class:`ValueRedactor` first, so no route can forget it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import to_jsonable_python

#: What a masked value is shown as.
MASK = "***"

#: Characters of a truncated value kept as its preview.
PREVIEW_CHARS = 2000

#: Deepest nesting walked; anything deeper is shown as a marker (no recursion bombs).
MAX_DEPTH = 64


class ValueRedactor:
    """Masks values under keys matching ``mask_keys`` and truncates long values.

    Patterns are ``fnmatch`` patterns matched case-insensitively against every
    mapping key at any depth; the match is on the key alone, so ``*token*``
    masks ``{"auth": {"refresh_token": ...}}`` as well as a top-level token.
    """

    def __init__(self, mask_keys: Iterable[str], max_value_chars: int) -> None:
        patterns = [pattern.lower() for pattern in mask_keys]
        self._pattern = (
            re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
            if patterns
            else None
        )
        self.max_value_chars = max_value_chars

    def is_masked(self, key: str) -> bool:
        """True when values under ``key`` are never shown."""
        return self._pattern is not None and self._pattern.match(key.lower()) is not None

    def mask(self, value: Any, depth: int = 0) -> Any:
        """A JSON-ready copy of ``value`` with every matching key's value replaced."""
        if depth > MAX_DEPTH:
            return "[nested too deeply]"
        if isinstance(value, Mapping):
            return {
                str(key): MASK if self.is_masked(str(key)) else self.mask(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.mask(item, depth + 1) for item in value]
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return self.mask(to_jsonable_python(value, fallback=repr), depth + 1)

    def shown(self, value: Any) -> Any:
        """``value`` as the console shows it: masked, then cut if too long.

        A value whose JSON text exceeds ``max_value_chars`` becomes
        ``{"truncated": true, "chars": N, "preview": "<first 2000 chars>"}``;
        the preview is text, never parsed again, so it is shown as it is.
        """
        masked = self.mask(value)
        if masked is None or isinstance(masked, (bool, int, float)):
            return masked
        text = json.dumps(masked, ensure_ascii=False, separators=(",", ":"), default=repr)
        if len(text) <= self.max_value_chars:
            return masked
        return {"truncated": True, "chars": len(text), "preview": text[:PREVIEW_CHARS]}


__all__ = ["MASK", "MAX_DEPTH", "PREVIEW_CHARS", "ValueRedactor"]
