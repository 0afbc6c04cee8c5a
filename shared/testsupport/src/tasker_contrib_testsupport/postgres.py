"""A throwaway PostgreSQL cluster for tests that need the real engine.

The Tasker worker only starts against a real PostgreSQL server, and our test
suite must not depend on a database somebody happened to leave running. So the
suite starts its own cluster from Debian's server binaries: a fresh data
directory in a temporary folder, listening on 127.0.0.1 on a free port, with its
unix socket inside that folder so it never collides with a system server. It is
tuned for speed (no fsync, no synchronous commit) because its data is thrown
away when the tests end.

Only the standard library is used: there is no Python PostgreSQL driver in the
workspace, so administration goes through the ``psql`` client binary over the
cluster's private unix socket.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = [
    "PostgresCluster",
    "PostgresError",
    "PostgresNotFoundError",
    "PostgresStartError",
    "find_postgres_bindir",
]

#: Major version we prefer when several server versions are installed.
PREFERRED_MAJOR = "15"

#: Environment variable that points straight at a ``bin`` directory holding
#: ``initdb`` and ``postgres``; it wins over every automatic lookup.
BINDIR_ENV = "TASKER_TEST_PG_BINDIR"

_INSTALL_HINT = (
    "install Debian's PostgreSQL server package (e.g. `apt-get install postgresql-15`), "
    f"or set {BINDIR_ENV} to a directory containing initdb and postgres"
)

# Names we are willing to splice into SQL. Anything else is refused rather than
# quoted, so a test can never build an injection by accident.
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Variables that would redirect psql/initdb to another server or user.
_PG_ENV_PREFIXES = ("PG",)


class PostgresError(RuntimeError):
    """Base class for every failure of the throwaway cluster."""


class PostgresNotFoundError(PostgresError):
    """No PostgreSQL server binaries were found on this machine."""


class PostgresStartError(PostgresError):
    """The cluster could not be initialised or did not become ready in time."""


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in ("initdb", "postgres", "pg_isready", "psql"))


def _version_key(path: Path) -> tuple[int, ...]:
    parts = path.name.split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def find_postgres_bindir(preferred: str = PREFERRED_MAJOR) -> Path:
    """Return the directory that holds ``initdb``/``postgres``.

    Lookup order: ``$TASKER_TEST_PG_BINDIR``, Debian's
    ``/usr/lib/postgresql/<major>/bin`` (the preferred major first, then the
    newest), then ``pg_config --bindir``. Debian puts the server binaries
    outside ``PATH``, which is why ``shutil.which("initdb")`` alone is not
    enough.

    Raises:
        PostgresNotFoundError: nothing usable was found; the message says what
            to install.
    """
    override = os.environ.get(BINDIR_ENV)
    if override:
        path = Path(override)
        if _has_server_binaries(path):
            return path
        raise PostgresNotFoundError(
            f"{BINDIR_ENV}={override} does not contain initdb, postgres, pg_isready and psql"
        )

    debian_root = Path("/usr/lib/postgresql")
    if debian_root.is_dir():
        candidates = sorted(
            (p for p in debian_root.iterdir() if _has_server_binaries(p / "bin")),
            key=_version_key,
            reverse=True,
        )
        candidates.sort(key=lambda p: p.name != preferred)  # stable: preferred first
        if candidates:
            return candidates[0] / "bin"

    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            if out and _has_server_binaries(Path(out)):
                return Path(out)

    initdb = shutil.which("initdb")
    if initdb and _has_server_binaries(Path(initdb).parent):
        return Path(initdb).parent

    raise PostgresNotFoundError(f"no PostgreSQL server binaries found: {_INSTALL_HINT}")


def _free_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1.

    There is a small window before postgres binds it; ``start`` retries on a
    bind failure, which covers the race.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class _RunAs:
    """The OS account the server runs under (``initdb`` refuses to run as root)."""

    uid: int
    gid: int
    name: str


def _server_account() -> _RunAs | None:
    """Pick an unprivileged account when we are root, else ``None`` (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    import pwd  # POSIX only; imported lazily so the module still imports elsewhere

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _RunAs(uid=entry.pw_uid, gid=entry.pw_gid, name=name)
    raise PostgresStartError(
        "running as root and neither a 'postgres' nor a 'nobody' account exists; "
        "initdb refuses to run as root. Create a 'postgres' user or run the tests unprivileged."
    )


def _base_tempdir(account: _RunAs | None) -> str:
    """A temp root the server account can traverse.

    Root's own temp dirs (``/root/...``, pytest's 0700 basetemp) are closed to
    the ``postgres`` user, so when we switch users we fall back to ``/tmp``
    unless every ancestor of the usual temp dir is world-traversable.
    """
    base = tempfile.gettempdir()
    if account is None:
        return base
    path = Path(base).resolve()
    for part in (path, *path.parents):
        if not part.stat().st_mode & 0o001:
            return "/tmp"
    return base


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PG_ENV_PREFIXES)}
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


class PostgresCluster:
    """A private PostgreSQL server living in a temporary directory.

    Use it as a context manager (or call :meth:`start` / :meth:`stop`)::

        with PostgresCluster() as pg:
            url = pg.create_database("t_orders")

    Connections over TCP (127.0.0.1) require the role's password, as a real
    deployment would; the private unix socket trusts everyone and is what the
    admin helpers use. The application role is a superuser because the cluster
    is disposable and tests may need to create extensions or drop databases.
    """

    def __init__(
        self,
        *,
        bindir: Path | str | None = None,
        user: str = "tasker",
        password: str = "tasker-test-password",
        database: str = "tasker_test",
        start_timeout: float = 30.0,
        stop_timeout: float = 15.0,
        command_timeout: float = 30.0,
    ) -> None:
        for label, value in (("user", user), ("database", database)):
            if not _IDENTIFIER.match(value):
                raise ValueError(f"{label} {value!r} must match {_IDENTIFIER.pattern}")
        if not password or any(ch in password for ch in "'\\@:/ \t\n"):
            raise ValueError("password must be non-empty and free of quotes, @, :, / and spaces")
        self.bindir = Path(bindir) if bindir is not None else find_postgres_bindir()
        if not _has_server_binaries(self.bindir):
            raise PostgresNotFoundError(
                f"{self.bindir} lacks initdb/postgres/pg_isready/psql: {_INSTALL_HINT}"
            )
        self.user = user
        self.password = password
        self.database = database
        self.host = "127.0.0.1"
        self.port = 0
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.command_timeout = command_timeout
        self.superuser = "postgres"
        self._tmp: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._account: _RunAs | None = None
        self._finalizer: weakref.finalize[..., PostgresCluster] | None = None

    # -- paths -----------------------------------------------------------------

    @property
    def base_dir(self) -> Path:
        """The temporary directory holding data, socket and log."""
        if self._tmp is None:
            raise PostgresError("cluster is not started")
        return self._tmp

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base_dir

    @property
    def log_path(self) -> Path:
        return self.base_dir / "postgres.log"

    # -- urls ------------------------------------------------------------------

    def url_for(self, database: str) -> str:
        """Password-authenticated TCP URL in the exact form the engine accepts."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    @property
    def url(self) -> str:
        """URL of the database created at start-up."""
        return self.url_for(self.database)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- lifecycle -------------------------------------------------------------

    def __enter__(self) -> PostgresCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> PostgresCluster:
        """Initialise the data directory, start the server and create role + database."""
        if self._tmp is not None:
            raise PostgresError("cluster already started")
        self._account = _server_account()
        self._tmp = Path(tempfile.mkdtemp(prefix="tasker-pg-", dir=_base_tempdir(self._account)))
        # Whatever happens from here on, the directory and server are cleaned up at exit.
        self._finalizer = weakref.finalize(self, _cleanup, self._tmp, None, self.stop_timeout)
        try:
            if self._account is not None:
                os.chown(self._tmp, self._account.uid, self._account.gid)
            self._initdb()
            self._launch_with_retries()
            self._bootstrap_role_and_database()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Fast shutdown (SIGINT), escalating if needed, then delete everything."""
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        proc, self._proc = self._proc, None
        tmp, self._tmp = self._tmp, None
        _cleanup(tmp, proc, self.stop_timeout)

    # -- internals -------------------------------------------------------------

    def _as_server_account(self) -> dict[str, Any]:
        """``subprocess`` arguments that drop root privileges to the server account."""
        if self._account is None:
            return {}
        return {"user": self._account.uid, "group": self._account.gid, "extra_groups": []}

    def _run_server_tool(self, args: list[str], what: str) -> None:
        try:
            result = subprocess.run(
                args,
                capture_output=True,
                text=True,
                timeout=self.command_timeout,
                check=False,
                env=_clean_env(),
                cwd=self.base_dir,
                **self._as_server_account(),
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresStartError(f"{what} timed out after {self.command_timeout}s") from exc
        if result.returncode != 0:
            raise PostgresStartError(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
            )

    def _initdb(self) -> None:
        self._run_server_tool(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.superuser,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            "initdb",
        )

    def _launch_with_retries(self, attempts: int = 3) -> None:
        last_error: PostgresStartError | None = None
        for _ in range(attempts):
            self.port = _free_port()
            try:
                self._launch()
                return
            except PostgresStartError as exc:
                last_error = exc
                if "could not bind" not in str(exc) and "already in use" not in str(exc):
                    raise
        assert last_error is not None
        raise last_error

    def _launch(self) -> None:
        log = self.log_path.open("ab")
        try:
            if self._account is not None:
                os.chown(self.log_path, self._account.uid, self._account.gid)
            self._proc = subprocess.Popen(
                [
                    str(self.bindir / "postgres"),
                    "-D",
                    str(self.data_dir),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.socket_dir),
                    "-c",
                    f"listen_addresses={self.host}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "shared_buffers=32MB",
                    "-c",
                    "log_min_messages=warning",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=_clean_env(),
                cwd=self.base_dir,
                **self._as_server_account(),
            )
        finally:
            log.close()
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _cleanup, self._tmp, self._proc, self.stop_timeout)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                proc, self._proc = self._proc, None
                raise PostgresStartError(
                    f"postgres exited with code {proc.returncode} during start-up:\n"
                    f"{self.log_tail()}"
                )
            check = subprocess.run(
                [
                    str(self.bindir / "pg_isready"),
                    "-q",
                    "-h",
                    str(self.socket_dir),
                    "-p",
                    str(self.port),
                    "-t",
                    "1",
                ],
                env=_clean_env(),
                capture_output=True,
                timeout=10,
                check=False,
            )
            if check.returncode == 0:
                return
            time.sleep(0.05)
        raise PostgresStartError(
            f"postgres did not accept connections within {self.start_timeout}s:\n{self.log_tail()}"
        )

    def _bootstrap_role_and_database(self) -> None:
        self.execute(f"CREATE ROLE {self.user} LOGIN SUPERUSER PASSWORD '{self.password}'")
        self.create_database(self.database)

    # -- administration ------------------------------------------------------

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run SQL through ``psql`` on the private socket as the superuser; return stdout."""
        if not self.running:
            raise PostgresError("cluster is not running")
        try:
            result = subprocess.run(
                [
                    str(self.bindir / "psql"),
                    "-X",
                    "-q",
                    "-A",
                    "-t",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    str(self.socket_dir),
                    "-p",
                    str(self.port),
                    "-U",
                    self.superuser,
                    "-d",
                    database,
                    "-c",
                    sql,
                ],
                env=_clean_env(),
                capture_output=True,
                text=True,
                timeout=self.command_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresError(f"psql timed out after {self.command_timeout}s") from exc
        if result.returncode != 0:
            raise PostgresError(f"psql failed (exit {result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def execute(self, sql: str, *, database: str = "postgres") -> None:
        """Run SQL for its side effects."""
        self.psql(sql, database=database)

    def create_database(self, name: str | None = None) -> str:
        """Create a database owned by the application role and return its URL.

        Without a name a unique ``t_<hex>`` name is generated, which is what
        per-test isolation wants.
        """
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if not _IDENTIFIER.match(name):
            raise ValueError(f"database name {name!r} must match {_IDENTIFIER.pattern}")
        self.execute(f"CREATE DATABASE {name} OWNER {self.user}")
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if a client is still connected to it."""
        if not _IDENTIFIER.match(name):
            raise ValueError(f"database name {name!r} must match {_IDENTIFIER.pattern}")
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the server log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except (OSError, PostgresError):
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def _cleanup(tmp: Path | None, proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Stop the server (fast, then immediate, then kill) and remove its directory.

    A module-level function so ``weakref.finalize`` can call it at interpreter
    exit without keeping the cluster object alive.
    """
    if proc is not None and proc.poll() is None:
        for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
