"""Real steps on the real Tasker worker: a throwaway cluster with upstream's schema,
host processes against it, and single-step injection.

The folder ``shared/realstack`` (beside the repository: ``<repo>/../shared/realstack``,
or ``$TASKER_REALSTACK_DIR``) holds tasker-core's pinned migrations, ``setup_db.sh``
(a PostgreSQL cluster with that schema) and ``inject_step.py`` (orchestration's part
for one step: the rows the worker reads, and the queue message). This module wraps
them for pytest:

* :class:`RealStack` starts the cluster on a free 127.0.0.1 port, with its state in
  a temporary directory the ``postgres`` OS user can reach (the shared folder may be
  read-only);
* :meth:`RealStack.start_host` runs a host (``tasker-contrib worker``, uvicorn, ...)
  as a subprocess against it and waits until it is ready;
* :meth:`RealStack.inject` hands the worker one step and waits for its outcome;
* :meth:`Host.events` reads what the host's event sinks wrote (JSON lines).

Two hosts serving one namespace on one database share its queue, so every host gets
a namespace of its own: :func:`namespaced_templates` writes copies of templates
under a new ``namespace_name``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_contrib_core.testing.step_injection import (
    REALSTACK_DIR_ENV,
    DynamicInstance,
    StepInjector,
    StepOutcome,
)

__all__ = [
    "REALSTACK_DIR_ENV",
    "DynamicInstance",
    "Host",
    "HostStartError",
    "RealStack",
    "RealStackUnavailable",
    "StepOutcome",
    "find_realstack_dir",
    "namespaced_templates",
    "open_real_stack",
    "ready_when_http_ok",
    "ready_when_logged",
    "unique_namespace",
    "worker_command",
]


_REPO_ROOT = Path(__file__).resolve().parents[4]
_REQUIRED = ("setup_db.sh", "stop_db.sh", "inject_step.py", "schema")

#: Variables of the caller that must not leak into a host: they would point it at
#: another database, another config or another template directory.
_HOST_ENV_DROP_PREFIXES = ("TASKER_", "PG")
# DJANGO_SETTINGS_MODULE: the Django tests' conftest sets it in the test process;
# a host that wants it (the Django project's) passes it in ``extra``.
_HOST_ENV_DROP = frozenset({"DATABASE_URL", "RUST_LOG", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE"})


class RealStackUnavailable(RuntimeError):
    """The realstack folder or the PostgreSQL binaries are missing."""


class HostStartError(RuntimeError):
    """A host process exited or did not become ready in time."""


def find_realstack_dir() -> Path:
    """The realstack folder: ``$TASKER_REALSTACK_DIR``, else ``shared/realstack`` beside
    the repository (``<repo>/../shared/realstack``) or beside one of its parents."""
    override = os.environ.get(REALSTACK_DIR_ENV)
    if override:
        candidates = [Path(override)]
    else:
        candidates = [parent / "shared" / "realstack" for parent in _REPO_ROOT.parents]
    for candidate in candidates:
        if all((candidate / name).exists() for name in _REQUIRED):
            return candidate.resolve()
    where = override or f"{_REPO_ROOT.parent / 'shared' / 'realstack'} (or above)"
    raise RealStackUnavailable(
        f"no realstack folder at {where} (it needs {', '.join(_REQUIRED)}); "
        f"set {REALSTACK_DIR_ENV} to the folder holding setup_db.sh and inject_step.py"
    )


def unique_namespace(label: str = "rs") -> str:
    """A fresh namespace name (``rs_<label>_<hex>``), valid as a queue name part."""
    clean = "".join(ch if ch.isalnum() else "_" for ch in label.lower())[:20]
    return f"rs_{clean}_{uuid.uuid4().hex[:8]}"


def namespaced_templates(
    sources: Iterable[Path | str], namespace: str, destination: Path | str
) -> Path:
    """Copy template YAML files into ``destination`` with ``namespace_name`` replaced.

    ``sources`` are files or directories of ``*.yaml``/``*.yml``. Returns
    ``destination`` (the directory to give a host as its template path).
    """
    import yaml

    out = Path(destination)
    out.mkdir(parents=True, exist_ok=True)
    for source in sources:
        path = Path(source)
        files = (
            sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            document = yaml.safe_load(file.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or "namespace_name" not in document:
                raise ValueError(f"{file}: not a task template (no top-level namespace_name)")
            document["namespace_name"] = namespace
            (out / file.name).write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _searchable_tempdir() -> Path:
    """A new temp dir the ``postgres`` OS user can traverse when we run as root."""
    base = Path(tempfile.gettempdir()).resolve()
    if os.geteuid() == 0 and any(not p.stat().st_mode & 0o001 for p in (base, *base.parents)):
        base = Path("/tmp")
    made = Path(tempfile.mkdtemp(prefix="tasker-realstack-", dir=base))
    made.chmod(0o755)
    return made


@dataclass
class Host:
    """A host process (a worker or a web server running one) on the real stack."""

    name: str
    namespace: str
    process: subprocess.Popen[bytes]
    log_path: Path
    event_log: Path
    templates: Path
    port: int | None = None
    started_in: float = 0.0

    @property
    def url(self) -> str:
        if self.port is None:
            raise AttributeError(f"host {self.name} has no HTTP port")
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything the host printed so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def events(
        self, predicate: Callable[[dict[str, Any]], bool] | None = None
    ) -> list[dict[str, Any]]:
        """Events the host's JSON-lines sink wrote (``TaskerEvent.to_dict()`` each)."""
        try:
            lines = self.event_log.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        found = [json.loads(line) for line in lines if line.strip()]
        return [event for event in found if predicate is None or predicate(event)]

    def step_events(self, step_uuid: str) -> list[dict[str, Any]]:
        return self.events(lambda event: event.get("step_uuid") == step_uuid)

    def wait_for_events(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        *,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[dict[str, Any]]:
        """Poll the event log until ``count`` events match (returns what matched by then)."""
        deadline = time.monotonic() + timeout
        while True:
            matched = self.events(predicate)
            if len(matched) >= count or time.monotonic() >= deadline:
                return matched
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM the host and wait; SIGKILL its process group when it does not exit."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        return self.process.returncode


ReadyCheck = Callable[[Host], bool]


def ready_when_logged(text: str) -> ReadyCheck:
    """Ready once ``text`` appears in the host's output."""
    return lambda host: text in host.log()


def ready_when_http_ok(path: str = "/tasker/ready") -> ReadyCheck:
    """Ready once ``GET path`` on the host's port answers 200."""
    import urllib.error
    import urllib.request

    def check(host: Host) -> bool:
        try:
            with urllib.request.urlopen(host.url + path, timeout=2) as response:
                return int(response.status) == 200
        except (OSError, urllib.error.URLError):
            return False

    return check


@dataclass
class RealStack:
    """The cluster from ``shared/realstack`` plus the hosts started against it."""

    realstack_dir: Path
    pg_bin: Path
    work_dir: Path = field(default_factory=_searchable_tempdir)
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    hosts: list[Host] = field(default_factory=list)
    setup_seconds: float = 0.0
    _injector: StepInjector | None = None

    # -- cluster -----------------------------------------------------------------

    @property
    def state_dir(self) -> Path:
        return self.work_dir / "pg"

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def role_url(self, role: str, password: str) -> str:
        """The database's URL through the login role ``role`` (a superuser, created once).

        A test that swaps the password, or looks for it in logs, needs one that
        appears nowhere else in the URL: pick ``role`` and ``password`` so that
        neither is part of the other or of the host and database names.
        """
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            found = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if found.fetchone() is None:
                connection.execute(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'")
        parts = urlsplit(self.database_url)
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{role}:{password}@{host}"))

    def _script_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(
            {
                "PG_BIN": str(self.pg_bin),
                "REALSTACK_STATE_DIR": str(self.state_dir),
                "PYTHON": sys.executable,
                "TMPDIR": str(self.work_dir),
            }
        )
        return env

    def start(self, attempts: int = 3) -> RealStack:
        """Create the cluster (``setup_db.sh``) on a free port; retry when the port was taken."""
        started = time.monotonic()
        last = ""
        for _ in range(attempts):
            self.port = _free_port()
            done = subprocess.run(
                [str(self.realstack_dir / "setup_db.sh"), str(self.port)],
                capture_output=True,
                text=True,
                env=self._script_env(),
                timeout=180,
                check=False,
            )
            if done.returncode == 0:
                self.env = _parse_exports(done.stdout)
                self.setup_seconds = time.monotonic() - started
                return self
            last = done.stderr[-3000:]
            self._stop_cluster(purge=True)
        raise RuntimeError(f"setup_db.sh failed {attempts} times; last stderr:\n{last}")

    def stop(self) -> None:
        """Stop every host, then the cluster, and delete the temp dir."""
        for host in self.hosts:
            host.stop()
        self.hosts.clear()
        self._stop_cluster(purge=True)
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def _stop_cluster(self, *, purge: bool) -> None:
        if not self.port:
            return
        args = [str(self.realstack_dir / "stop_db.sh"), str(self.port)]
        if purge:
            args.append("--purge")
        subprocess.run(args, capture_output=True, env=self._script_env(), timeout=60, check=False)

    # -- hosts -------------------------------------------------------------------

    def host_env(self, templates: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment a host needs: the caller's, minus anything Tasker-related, plus
        the cluster's ``DATABASE_URL``, the template dir, the test environment, quiet logs."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(_HOST_ENV_DROP_PREFIXES) and key not in _HOST_ENV_DROP
        }
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "TASKER_TEMPLATE_PATH": str(templates),
                "TASKER_ENV": "test",
                "RUST_LOG": "warn",
                "LOG_LEVEL": "warn",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra or {})
        return env

    def start_host(
        self,
        name: str,
        command: list[str] | Callable[[Host], list[str]],
        *,
        templates: Iterable[Path | str],
        namespace: str | None = None,
        ready: ReadyCheck | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        http: bool = False,
        timeout: float = 90.0,
    ) -> Host:
        """Start a host subprocess serving ``templates`` under a namespace of its own.

        ``command`` is the argv, or a function of the :class:`Host` (to place its
        ``port``, ``event_log`` or ``templates`` on the command line). The host gets
        ``REALSTACK_EVENT_LOG`` (a JSON-lines path for its sinks) and, with
        ``http=True``, a free ``port``. ``ready`` defaults to the worker's
        template registration being visible in the database.
        """
        namespace = namespace or unique_namespace(name)
        home = Path(tempfile.mkdtemp(prefix=f"host-{name}-", dir=self.work_dir))
        template_dir = namespaced_templates(templates, namespace, home / "templates")
        host = Host(
            name=name,
            namespace=namespace,
            process=None,  # type: ignore[arg-type]  # set right below
            log_path=home / "host.log",
            event_log=home / "events.jsonl",
            templates=template_dir,
            port=_free_port() if http else None,
        )
        argv = command(host) if callable(command) else list(command)
        extra = {"REALSTACK_EVENT_LOG": str(host.event_log), **(env or {})}
        started = time.monotonic()
        with host.log_path.open("wb") as log:
            host.process = subprocess.Popen(
                argv,
                cwd=str(cwd or home),
                env=self.host_env(template_dir, extra),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.hosts.append(host)
        check = ready or self.namespace_registered(namespace)
        deadline = time.monotonic() + timeout
        while not check(host):
            if host.process.poll() is not None:
                raise HostStartError(
                    f"host {name} exited with {host.process.returncode} before it was ready:\n"
                    + host.log()[-4000:]
                )
            if time.monotonic() > deadline:
                host.stop()
                raise HostStartError(
                    f"host {name} not ready within {timeout}s:\n" + host.log()[-4000:]
                )
            time.sleep(0.1)
        if ready is not None:
            # Readiness of a web server says nothing of the worker's queue; wait for it too.
            self.wait_until(self.namespace_registered(namespace), host, timeout)
        host.started_in = time.monotonic() - started
        return host

    def namespace_registered(self, namespace: str) -> ReadyCheck:
        """Ready once the worker has registered ``namespace`` and created its queue."""
        sql = (
            "SELECT count(*) FROM tasker.task_namespaces WHERE name = "
            f"'{namespace}' AND to_regclass('pgmq.q_worker_{namespace}_queue') IS NOT NULL;"
        )
        return lambda host: self.query(sql).strip() == "1"

    def wait_until(self, check: ReadyCheck, host: Host, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not check(host):
            if host.process.poll() is not None or time.monotonic() > deadline:
                raise HostStartError(
                    f"host {host.name} never registered namespace {host.namespace}:\n"
                    + host.log()[-4000:]
                )
            time.sleep(0.1)

    def stop_host(self, host: Host) -> int | None:
        code = host.stop()
        with contextlib.suppress(ValueError):
            self.hosts.remove(host)
        return code

    # -- steps -------------------------------------------------------------------

    @property
    def injector(self) -> StepInjector:
        if self._injector is None:
            self._injector = StepInjector(self.realstack_dir, self.database_url, self.pg_bin)
        return self._injector

    def inject(self, host: Host, template: str, step: str, **options: Any) -> StepOutcome:
        """Hand ``host``'s worker one step of ``template`` (its name) and wait for the outcome.

        ``options`` (``context``, ``deps``, ``inputs``, ``instances``, ``wait``,
        ``timeout``...) go unchanged to
        :meth:`tasker_contrib_core.testing.step_injection.StepInjector.inject`,
        which documents them; keeping them in one place means a new option there
        needs no edit here.
        """
        return self.injector.inject(host.namespace, template, step, **options)

    def query(self, sql: str) -> str:
        """Run SQL against the cluster's database with ``psql``; return its unaligned output."""
        done = subprocess.run(
            [
                str(self.pg_bin / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.database_url,
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout


def worker_command(host: Host, handler_packages: Iterable[str], *extra: str) -> list[str]:
    """argv of ``tasker-contrib worker`` for ``host``: the real runtime, its event log on."""
    argv = [
        sys.executable, "-c", "from tasker_contrib_core.cli import main; main()",
        "worker", "--runtime", "worker", "--event-log", str(host.event_log),
    ]  # fmt: skip
    for package in handler_packages:
        argv += ["--handlers", package]
    return [*argv, *extra]


def _parse_exports(stdout: str) -> dict[str, str]:
    """``export NAME='value'`` lines (setup_db.sh's stdout contract) as a dict."""
    env: dict[str, str] = {}
    for line in stdout.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.strip("'")
    if "DATABASE_URL" not in env:
        raise RuntimeError(f"setup_db.sh printed no DATABASE_URL:\n{stdout}")
    return env


def open_real_stack() -> RealStack:
    """Find the realstack folder and PostgreSQL, start the cluster (raises RealStackUnavailable)."""
    from tasker_contrib_testsupport.postgres import PostgresNotFoundError, find_postgres_bindir

    folder = find_realstack_dir()
    try:
        pg_bin = find_postgres_bindir()
    except PostgresNotFoundError as exc:
        raise RealStackUnavailable(str(exc)) from exc
    if not shutil.which("bash"):
        raise RealStackUnavailable("bash is needed to run setup_db.sh")
    stack = RealStack(realstack_dir=folder, pg_bin=pg_bin)
    try:
        return stack.start()
    except BaseException:
        stack.stop()
        raise
