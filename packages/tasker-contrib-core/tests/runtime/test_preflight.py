"""The database preflight: fast, GIL-free, and clear about what failed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from tasker_contrib_core.errors import DatabaseUnreachableError, RuntimeStartError
from tasker_contrib_core.runtime.preflight import (
    check_database_reachable,
    parse_database_address,
)


@pytest.fixture
def fake_postgres() -> Iterator[int]:
    """A listener that answers an SSLRequest with 'N', as PostgreSQL without TLS does."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(5)
    port = int(server.getsockname()[1])

    def serve() -> None:
        try:
            connection, _ = server.accept()
        except OSError:
            return
        with connection:
            connection.recv(8)
            connection.sendall(b"N")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    server.close()


def test_a_server_answering_like_postgres_passes(fake_postgres: int) -> None:
    result = check_database_reachable(f"postgresql://u:p@127.0.0.1:{fake_postgres}/db")
    assert result.answer == "N"
    assert result.address.port == fake_postgres
    assert result.seconds < 1.0


def test_real_postgres_passes(postgres_url: str) -> None:
    result = check_database_reachable(postgres_url)
    assert result.answer in ("S", "N")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_closed_port_fails_at_once_with_a_masked_url() -> None:
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachableError) as info:
        check_database_reachable(f"postgresql://tasker:hunter2@127.0.0.1:{port}/app")
    assert time.monotonic() - started < 1.0
    message = str(info.value)
    assert "connection refused" in message
    assert f"127.0.0.1:{port}" in message
    assert "hunter2" not in message
    assert isinstance(info.value, RuntimeStartError)
    assert info.value.url is not None
    assert "hunter2" not in info.value.url


def test_a_listener_that_never_speaks_times_out_within_the_bound() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = int(server.getsockname()[1])
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnreachableError, match="no answer"):
            check_database_reachable(f"postgresql://u:p@127.0.0.1:{port}/db", timeout=0.5)
        assert time.monotonic() - started < 1.5
    finally:
        server.close()


def test_a_server_that_is_not_postgres_is_named() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = int(server.getsockname()[1])

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(8)
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    try:
        with pytest.raises(DatabaseUnreachableError, match="not how PostgreSQL answers"):
            check_database_reachable(f"postgresql://u:p@127.0.0.1:{port}/db", timeout=2)
    finally:
        server.close()


def test_the_probe_leaves_other_threads_running() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    port = int(server.getsockname()[1])
    stalls: list[float] = []
    done = threading.Event()

    def tick() -> None:
        last = time.monotonic()
        while not done.wait(0.01):
            now = time.monotonic()
            stalls.append(now - last)
            last = now

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        with pytest.raises(DatabaseUnreachableError):
            check_database_reachable(f"postgresql://u:p@127.0.0.1:{port}/db", timeout=0.6)
    finally:
        done.set()
        ticker.join(1)
        server.close()
    assert max(stalls) < 0.2


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://u:p@db/app", "not a postgresql:// URL"),
        ("postgresql://u:p@db:notaport/app", "invalid port"),
        ("postgresql:///app", "no host"),
    ],
)
def test_urls_the_probe_cannot_use_are_refused(url: str, fragment: str) -> None:
    with pytest.raises(DatabaseUnreachableError, match=fragment):
        parse_database_address(url)


def test_address_defaults_to_port_5432() -> None:
    address = parse_database_address("postgresql://u:p@db.internal/app")
    assert (address.host, address.port, address.database) == ("db.internal", 5432, "app")
