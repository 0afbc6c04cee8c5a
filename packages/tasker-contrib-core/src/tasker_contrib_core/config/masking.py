"""Masking of secrets wherever configuration is shown, explained or logged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# Leaf names whose whole value is a secret.
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_key|private_key|jwt_public_key)$")
# ``scheme://user:password@host`` anywhere in a string: keep the user, hide the password.
# The password runs to the *last* ``@`` of the authority, so a raw ``@`` inside it
# (``p@ss``, which drivers accept) is hidden too.
_URL_PASSWORD = re.compile(
    r"(?P<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^\s/?#]*)@"
    r"(?=[^@\s/?#]*(?:[/?#\s]|$))"
)
# Credentials in a query string: ``?password=``, ``&sslpassword=``, ``?token=``...
_QUERY_SECRET = re.compile(
    r"(?P<name>[?&;][A-Za-z0-9_.-]*?(?:password|passwd|secret|token|api_key|apikey)=)"
    r"(?P<value>[^&#\s]*)",
    re.IGNORECASE,
)


def mask_url(text: str) -> str:
    """Hide every credential-bearing part of every URL in ``text``.

    That is the password of the user info (up to the last ``@`` before the host)
    and the value of every query parameter naming a secret (``password``,
    ``sslpassword``, ``token``, ``secret``, ``api_key``).
    """
    text = _URL_PASSWORD.sub(lambda match: f"{match.group('prefix')}{MASK}@", text)
    return _QUERY_SECRET.sub(
        lambda match: match.group("name") + (MASK if match.group("value") else ""), text
    )


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
