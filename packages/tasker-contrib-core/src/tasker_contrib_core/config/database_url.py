"""Database URL checks: the engine aborts the process on URLs it does not like.

A ``postgres://`` scheme or a user without a password make the engine's Rust side
panic, which no ``except`` can catch. We normalise what is safe to normalise and
refuse the rest with a message that says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from tasker_contrib_core.config.masking import mask_url
from tasker_contrib_core.errors import ConfigError


@dataclass(frozen=True)
class CheckedUrl:
    url: str
    warning: str | None = None


def check_database_url(
    url: str, *, key: str, layer: str | None, allow_empty: bool = False
) -> CheckedUrl:
    """Return the URL the engine should get, or raise ``ConfigError`` saying why not."""
    if not url.strip():
        if allow_empty:
            return CheckedUrl(url)
        raise ConfigError(
            "the database URL is empty; set DATABASE_URL or common.database.url to "
            "postgresql://user:password@host:5432/dbname",
            key=key,
            layer=layer,
        )
    parts = urlsplit(url)
    shown = mask_url(url)
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(
            f"'{shown}' has an invalid port; use a number, e.g. host:5432",
            key=key,
            layer=layer,
        ) from None
    warning = None
    if parts.scheme == "postgres":
        parts = parts._replace(scheme="postgresql")
        url = urlunsplit(parts)
        warning = (
            f"{key}: 'postgres://' was changed to 'postgresql://' (the engine accepts only "
            f"the latter); update the value ({layer or 'unknown layer'}) to silence this warning"
        )
    if parts.scheme != "postgresql":
        raise ConfigError(
            f"'{shown}' is not a PostgreSQL URL; the engine keeps its state in PostgreSQL, "
            "so use postgresql://user:password@host:5432/dbname",
            key=key,
            layer=layer,
        )
    if not parts.hostname and not parts.path.strip("/"):
        raise ConfigError(
            f"'{shown}' names neither a host nor a database; use "
            "postgresql://user:password@host:5432/dbname",
            key=key,
            layer=layer,
        )
    if parts.username and not parts.password:
        raise ConfigError(
            f"'{shown}' has the user '{parts.username}' but no password, which makes the "
            f"engine abort the process; write postgresql://{parts.username}:PASSWORD@"
            f"{parts.hostname or 'host'}{':' + str(port) if port else ''}"
            f"{parts.path} (percent-encode special characters in the password)",
            key=key,
            layer=layer,
        )
    return CheckedUrl(url, warning)
