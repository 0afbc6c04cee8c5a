"""A throwaway Redis server for tests that need a real Celery broker.

Started from Debian's ``redis-server`` binary on 127.0.0.1 and a free port,
with no persistence and its files in a temporary folder, and killed when the
tests end. Readiness is checked over the socket with a plain ``PING`` (no
client library needed here).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = ["RedisNotFoundError", "RedisServer", "RedisStartError", "find_redis_server"]

#: Environment variable naming the ``redis-server`` binary; wins over ``PATH``.
BINARY_ENV = "TASKER_TEST_REDIS_SERVER"

_INSTALL_HINT = (
    f"install Debian's redis-server package (`apt-get install redis-server`), or set "
    f"{BINARY_ENV} to the redis-server binary"
)


class RedisNotFoundError(RuntimeError):
    """No ``redis-server`` binary on this machine."""


class RedisStartError(RuntimeError):
    """The server did not start or did not answer PING in time."""


def find_redis_server() -> Path:
    """The ``redis-server`` binary to run; raises :class:`RedisNotFoundError` with a hint."""
    explicit = os.environ.get(BINARY_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise RedisNotFoundError(f"{BINARY_ENV}={explicit} is not a file; {_INSTALL_HINT}")
        return path
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None
    )
    if found is None:
        raise RedisNotFoundError(f"redis-server not found; {_INSTALL_HINT}")
    return Path(found)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ping(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """One private ``redis-server`` on 127.0.0.1; use as a context manager."""

    binary: Path
    port: int = 0
    start_timeout: float = 15.0

    def __post_init__(self) -> None:
        self._dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._next_db = 0

    def url(self, db: int = 0) -> str:
        """``redis://127.0.0.1:<port>/<db>``."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def new_url(self) -> str:
        """The URL of a database number no other caller of this method got (0-15)."""
        self._next_db = (self._next_db + 1) % 16
        return self.url(self._next_db)

    def start(self) -> RedisServer:
        self._dir = Path(tempfile.mkdtemp(prefix="tasker-redis-"))
        for _ in range(3):
            self.port = self.port or _free_port()
            self._process = subprocess.Popen(
                [
                    str(self.binary),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self._dir),
                    "--daemonize",
                    "no",
                    "--protected-mode",
                    "yes",
                ],
                stdout=(self._dir / "redis.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline and self._process.poll() is None:
                if _ping(self.port):
                    return self
                time.sleep(0.05)
            self._kill()
            self.port = 0  # maybe the port was taken meanwhile: try another
        log = (self._dir / "redis.log").read_text(errors="replace")[-2000:]
        raise RedisStartError(f"redis-server did not answer PING; its log:\n{log}")

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)

    def stop(self) -> None:
        self._kill()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
