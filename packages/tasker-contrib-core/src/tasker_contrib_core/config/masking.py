"""Masking of secrets wherever configuration is shown, explained or logged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# Leaf names whose whole value is a secret.
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_key|private_key|jwt_public_key)$")
# ``scheme://user:password@host`` anywhere in a string: keep the user, hide the password.
_URL_PASSWORD = re.compile(
    r"(?P<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]+)@"
)


def mask_url(text: str) -> str:
    """Hide the password part of every URL in ``text``."""
    return _URL_PASSWORD.sub(lambda match: f"{match.group('prefix')}{MASK}@", text)


def is_secret_key(path: str) -> bool:
    """True when the last part of a dotted key names a secret."""
    return bool(_SECRET_KEY.search(path.rsplit(".", 1)[-1].lower()))


def mask_value(path: str, value: Any) -> Any:
    """The displayable form of one leaf."""
    if is_secret_key(path) and value not in ("", None):
        return MASK
    if isinstance(value, str):
        return mask_url(value)
    if isinstance(value, list):
        return [mask_value(path, item) for item in value]
    return value


def mask_table(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A copy of ``table`` with every secret masked, at any depth."""
    masked: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            masked[key] = mask_table(value, path)
        else:
            masked[key] = mask_value(path, value)
    return masked
