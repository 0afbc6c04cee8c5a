"""Double-submit CSRF tokens for frameworks without CSRF protection of their own.

The page response sets a random token in a ``SameSite=Strict`` cookie and
embeds the same token in the page; the page's script sends it back in a
header with every action. A cross-site form can neither read the cookie nor
set the header, so a request whose cookie and header agree came from the page.
FastAPI and Flask use these helpers; Django uses its own CSRF middleware.
"""

from __future__ import annotations

import hmac
import secrets

#: Cookie holding the token (set by the framework on the page response).
CONSOLE_CSRF_COOKIE = "tasker_console_csrf"

#: Header the page sends the token back in.
CONSOLE_CSRF_HEADER = "X-Tasker-CSRF"

#: Methods that never change anything and need no token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_csrf_token() -> str:
    """A fresh unguessable token (32 random bytes, URL-safe text)."""
    return secrets.token_urlsafe(32)


def csrf_tokens_match(cookie: str | None, header: str | None) -> bool:
    """True when both are present and equal (compared in constant time)."""
    if not cookie or not header:
        return False
    return hmac.compare_digest(cookie.encode("utf-8"), header.encode("utf-8"))


__all__ = [
    "CONSOLE_CSRF_COOKIE",
    "CONSOLE_CSRF_HEADER",
    "SAFE_METHODS",
    "csrf_tokens_match",
    "new_csrf_token",
]
