"""Check that PostgreSQL answers before the engine is allowed to try.

The engine's bootstrap holds the GIL for its whole duration. Against a host
that does not answer it waits for the pool's ``acquire_timeout_seconds`` (30 s
by default) and every Python thread of the process (web requests, heartbeats,
other event loops) freezes with it. A wrong password or a missing database,
by contrast, fails in milliseconds. So the only thing worth checking first is
"does a PostgreSQL server answer at that address", and it must be checked
with a short, hard bound while the GIL is free.

The probe opens a TCP connection and sends the 8-byte ``SSLRequest`` that
every PostgreSQL client starts with; a server answers one byte (``S`` or
``N``) before any authentication. That catches a closed port, a host that
drops packets, a wrong address and a socket that accepts but never speaks,
without a database driver. It runs as a bounded call (a daemon thread joined with a timeout),
so even a stuck DNS lookup cannot hold the caller longer than the bound.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from tasker_contrib_core._internal.bounded_call import call_bounded
from tasker_contrib_core.config.masking import mask_url
from tasker_contrib_core.errors import DatabaseUnreachableError

#: Default bound for the whole probe (resolve + connect + one-byte answer).
DEFAULT_PREFLIGHT_TIMEOUT = 3.0

#: PostgreSQL's SSLRequest: length 8, then the magic code 1234.5679.
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)

#: Bytes a PostgreSQL server may answer an SSLRequest with ("E": a very old
#: server that reports an error instead, still a PostgreSQL server).
_POSTGRES_ANSWERS = frozenset({b"S", b"N", b"E"})


@dataclass(frozen=True)
class DatabaseAddress:
    """Where a database URL points."""

    host: str
    port: int
    database: str
    shown_url: str  # password masked, safe for messages


@dataclass(frozen=True)
class PreflightResult:
    """A successful probe: who answered and how long it took."""

    address: DatabaseAddress
    seconds: float
    answer: str


def parse_database_address(url: str) -> DatabaseAddress:
    """Host, port (default 5432) and database name of a ``postgresql://`` URL."""
    parts = urlsplit(url)
    shown = mask_url(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise DatabaseUnreachableError(
            f"database URL {shown} is not a postgresql:// URL; the engine keeps its state in "
            "PostgreSQL. Set common.database.url (or DATABASE_URL) to "
            "postgresql://user:password@host:5432/dbname"
        )
    try:
        port = parts.port or 5432
    except ValueError:
        raise DatabaseUnreachableError(
            f"database URL {shown} has an invalid port; use a number, e.g. host:5432"
        ) from None
    host = unquote(parts.hostname or "")
    if not host:
        raise DatabaseUnreachableError(
            f"database URL {shown} has no host; the engine connects over TCP only, so write "
            "postgresql://user:password@host:5432/dbname"
        )
    return DatabaseAddress(host, port, parts.path.lstrip("/"), shown)


def _probe(address: DatabaseAddress, timeout: float) -> str:
    """Connect and read the one-byte answer; raise OSError-like failures as text."""
    deadline = time.monotonic() + timeout
    with socket.create_connection((address.host, address.port), timeout=timeout) as sock:
        remaining = max(0.05, deadline - time.monotonic())
        sock.settimeout(remaining)
        sock.sendall(_SSL_REQUEST)
        answer = sock.recv(1)
    if not answer:
        raise ConnectionError("the server closed the connection without answering")
    if answer not in _POSTGRES_ANSWERS:
        raise ConnectionError(
            f"the server answered {answer!r}, which is not how PostgreSQL answers"
        )
    return answer.decode("ascii")


def _explain(address: DatabaseAddress, error: BaseException, timeout: float) -> str:
    where = f"{address.host}:{address.port}"
    if isinstance(error, socket.gaierror):
        return (
            f"cannot resolve the database host '{address.host}' ({error}); check the host "
            "name in the URL and your DNS"
        )
    if isinstance(error, ConnectionRefusedError):
        return (
            f"nothing accepts connections on {where} (connection refused); check that "
            "PostgreSQL is running and listens on this port"
        )
    if isinstance(error, (socket.timeout, TimeoutError)):
        return (
            f"no answer from {where} within {timeout:g}s (the host drops packets, the "
            "address is wrong, or the server is overloaded)"
        )
    return f"{where} did not answer like PostgreSQL: {type(error).__name__}: {error}"


def check_database_reachable(
    url: str, *, timeout: float = DEFAULT_PREFLIGHT_TIMEOUT, key: str = "common.database.url"
) -> PreflightResult:
    """Probe the server behind ``url`` within ``timeout`` seconds.

    Raises :class:`~tasker_contrib_core.errors.DatabaseUnreachableError` with
    what failed, where, and what to do. The GIL is free while it waits.
    """
    address = parse_database_address(url)
    # A little slack on top of the socket timeouts: only DNS can overrun them.
    outcome = call_bounded(
        lambda: _probe(address, timeout), timeout + 0.25, name="tasker-contrib-db-preflight"
    )
    seconds = outcome.seconds
    if outcome.finished and outcome.error is None:
        return PreflightResult(address, seconds, str(outcome.value))
    error = outcome.error
    reason = (
        _explain(address, error, timeout)
        if isinstance(error, BaseException)
        else f"the probe of {address.host}:{address.port} did not finish within {timeout:g}s "
        "(name resolution hangs?)"
    )
    raise DatabaseUnreachableError(
        f"database preflight failed for {key} = {address.shown_url}: {reason}. The worker was "
        "not started: the engine would have frozen every Python thread of this process while "
        "waiting for the database. Fix the URL or start the database, then start again.",
        url=address.shown_url,
        seconds=seconds,
    )


__all__ = [
    "DEFAULT_PREFLIGHT_TIMEOUT",
    "DatabaseAddress",
    "PreflightResult",
    "check_database_reachable",
    "parse_database_address",
]
