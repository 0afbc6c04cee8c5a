"""Pre-flight diagnostics for running the Tasker engine in this environment.

Each check answers one question a failed start would otherwise answer the
hard way (a crash at import, an abort at bootstrap, a frozen process, a port
clash), and carries the fix. ``tasker-contrib doctor`` prints them; framework
packages may reuse them in their own system checks.

The engine itself is only ever imported in a child process here: a broken
wheel (wrong glibc) or a noisy import must not take the diagnosing process
down with it. Handler resolution does import handler modules (that is what
it checks), and with them the engine's Python package, quietly.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tasker_contrib_core.config import engine_facts
from tasker_contrib_core.config.placeholders import engine_value, substitute
from tasker_contrib_core.errors import TaskerContribError
from tasker_contrib_core.runtime.dotenv_files import find_dotenv_files

if TYPE_CHECKING:
    from tasker_contrib_core.config.effective import EffectiveConfig
    from tasker_contrib_core.config.settings import TaskerSettings

CheckStatus = Literal["ok", "warn", "fail", "skip"]

#: tasker-py versions this release of tasker-contrib was verified against.
SUPPORTED_TASKER_PY = ("0.1.8",)

#: Oldest glibc the tasker-py 0.1.8 Linux wheel runs on (manylinux_2_34).
MIN_GLIBC = (2, 34)

_IMPORT_PROBE = (
    "import json, importlib.metadata as m\n"
    "import tasker_core\n"
    "print(json.dumps({'version': m.version('tasker-py'), "
    "'module': tasker_core.__file__}))\n"
)


@dataclass(frozen=True)
class CheckResult:
    """One diagnostic: its name, outcome, what was found, and the fix when not ok."""

    name: str
    status: CheckStatus
    detail: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix}


def check_tasker_py(*, timeout: float = 60.0) -> CheckResult:
    """tasker-py is installed, imports cleanly (in a child process), and is a known version."""
    name = "tasker-py importable"
    try:
        installed = metadata.version("tasker-py")
    except metadata.PackageNotFoundError:
        return CheckResult(
            name, "fail", "tasker-py is not installed", "pip install 'tasker-py>=0.1.8'"
        )
    env = {**os.environ, "RUST_LOG": "error"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return CheckResult(
            name,
            "fail",
            f"import tasker_core did not finish within {timeout:g}s",
            "Reinstall tasker-py; check that nothing in sitecustomize blocks the import",
        )
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        tail = lines[-1] if lines else f"exit status {result.returncode}"
        return CheckResult(
            name,
            "fail",
            f"tasker-py {installed} is installed but `import tasker_core` fails: {tail}",
            "Check the platform check below (the wheel needs glibc >= 2.34 on Linux x86_64, "
            "or macOS arm64); reinstall tasker-py for this interpreter",
        )
    info: dict[str, Any] = {}
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            info = json.loads(line)
            break
    version = str(info.get("version") or installed)
    if version not in SUPPORTED_TASKER_PY:
        return CheckResult(
            name,
            "warn",
            f"tasker-py {version} imports, but tasker-contrib was verified against "
            f"{', '.join(SUPPORTED_TASKER_PY)}",
            f"pip install 'tasker-py=={SUPPORTED_TASKER_PY[-1]}'",
        )
    return CheckResult(name, "ok", f"tasker-py {version} ({info.get('module', 'imported')})")


def _glibc_version() -> tuple[int, ...] | None:
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):
        text = ""
    if not text.startswith("glibc "):
        libc, version = platform.libc_ver()
        text = f"glibc {version}" if libc == "glibc" else ""
    if not text:
        return None
    try:
        return tuple(int(part) for part in text.split()[1].split(".")[:2])
    except (IndexError, ValueError):
        return None


def check_platform() -> CheckResult:
    """The machine is one tasker-py 0.1.8 ships a wheel for."""
    name = "platform wheel"
    system, machine = platform.system(), platform.machine().lower()
    if system == "Linux" and machine in ("x86_64", "amd64"):
        glibc = _glibc_version()
        if glibc is None:
            return CheckResult(
                name,
                "fail",
                "Linux x86_64 without glibc (musl, e.g. Alpine): no tasker-py wheel fits",
                "Use a glibc-based image (Debian bookworm, Ubuntu 22.04+) with glibc >= 2.34",
            )
        shown = ".".join(map(str, glibc))
        if glibc < MIN_GLIBC:
            return CheckResult(
                name,
                "fail",
                f"glibc {shown} is older than 2.34 (the wheel is manylinux_2_34_x86_64)",
                "Use a newer base image: Debian bookworm (2.36), Ubuntu 22.04 (2.35) or later",
            )
        return CheckResult(name, "ok", f"Linux x86_64, glibc {shown}")
    if system == "Darwin" and machine == "arm64":
        return CheckResult(name, "ok", "macOS arm64")
    return CheckResult(
        name,
        "fail",
        f"{system} {machine}: tasker-py 0.1.8 has wheels only for Linux x86_64 (glibc >= "
        "2.34) and macOS arm64",
        "Run the worker in a Linux x86_64 container; the local runtime still works here",
    )


def check_config(settings: TaskerSettings) -> tuple[CheckResult, EffectiveConfig | None]:
    """The settings merge into a configuration the engine accepts, and it renders."""
    name = "config renders"
    report = settings.check()
    if not report.ok:
        problems = "; ".join(str(error) for error in report.errors[:5])
        more = f" (+{len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
        return (
            CheckResult(
                name,
                "fail",
                f"{len(report.errors)} problem(s): {problems}{more}",
                "Run `tasker-contrib config validate` for the full list and fix each key",
            ),
            None,
        )
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            effective = settings.effective_config()
            path = settings.render()
    except (TaskerContribError, OSError) as exc:
        return CheckResult(name, "fail", str(exc), "Fix the configuration and retry"), None
    if report.warnings:
        return (
            CheckResult(
                name,
                "warn",
                f"rendered {path}; warnings: {'; '.join(report.warnings)}",
                "Update the values the warnings name",
            ),
            effective,
        )
    return CheckResult(name, "ok", f"rendered {path} ({settings.environment})"), effective


def _resolved(value: Any) -> str:
    return substitute(str(value), os.environ)[0]


def check_database(
    settings: TaskerSettings, effective: EffectiveConfig | None, *, timeout: float = 3.0
) -> CheckResult:
    """PostgreSQL answers at the configured address (only the worker runtime needs it)."""
    from tasker_contrib_core.runtime.preflight import check_database_reachable

    name = "database reachable"
    if settings.resolved_runtime() == "local":
        return CheckResult(name, "skip", "the local runtime needs no database")
    if effective is None:
        return CheckResult(name, "skip", "no valid configuration to read the URL from")
    try:
        result = check_database_reachable(
            _resolved(effective.value("common.database.url")), timeout=timeout
        )
    except TaskerContribError as exc:
        return CheckResult(
            name,
            "fail",
            str(exc).split(". The worker was not started")[0],
            "Start PostgreSQL or fix common.database.url / DATABASE_URL",
        )
    return CheckResult(
        name,
        "ok",
        f"{result.address.shown_url} answered in {result.seconds * 1000:.0f} ms",
    )


def check_database_ready(
    settings: TaskerSettings, effective: EffectiveConfig | None, *, timeout: float = 5.0
) -> CheckResult:
    """A real login with the configured credentials; the tasker schema and pgmq exist."""
    from tasker_contrib_core.runtime.database_check import (
        MIGRATIONS_HINT,
        PoolSize,
        check_database,
    )

    name = "database ready"
    if settings.resolved_runtime() == "local":
        return CheckResult(name, "skip", "the local runtime needs no database")
    if effective is None:
        return CheckResult(name, "skip", "no valid configuration to read the URL from")
    verdict = check_database(
        _resolved(effective.value("common.database.url")),
        timeout=timeout,
        pool=PoolSize.from_config(effective),
    )
    if verdict.ok:
        return CheckResult(name, "ok", verdict.message)
    if verdict.problem == "unreachable":  # "database reachable" already says so, with its fix
        return CheckResult(name, "skip", "the database does not answer (see database reachable)")
    hints = {
        "driver_missing": "pip install 'tasker-contrib-core[worker]'",
        "unreachable": "Start PostgreSQL or fix common.database.url / DATABASE_URL",
        "too_many_clients": "Close idle connections or raise the server's max_connections",
        "too_few_connections": (
            "Lower common.database.pool.max_connections, close other clients' connections or "
            "raise the server's max_connections"
        ),
        "auth_failed": "Fix the user and password in DATABASE_URL / common.database.url",
        "database_missing": "Create the database, then apply tasker-core's migrations",
        "schema_missing": MIGRATIONS_HINT[0].upper() + MIGRATIONS_HINT[1:],
        "pgmq_missing": "Install pgmq, then apply tasker-core's migrations",
    }
    status: CheckStatus = "warn" if verdict.problem == "driver_missing" else "fail"
    return CheckResult(name, status, verdict.message, hints.get(verdict.problem or "", ""))


def check_templates(settings: TaskerSettings, *, resolve_handlers: bool) -> CheckResult:
    """Every task template loads and validates; its handlers resolve as the worker would."""
    from tasker_contrib_core.templates.validator import validate_paths

    name = "templates and handlers"
    existing = [path for path in settings.template_paths if Path(path).exists()]
    if not existing:
        shown = ", ".join(str(path) for path in settings.template_paths) or "(none)"
        return CheckResult(
            name,
            "warn",
            f"no template path exists ({shown}); the worker would serve no task template",
            "Set template_paths (TASKER_TEMPLATE_PATH) to your templates directory",
        )
    os.environ.setdefault("RUST_LOG", "error")
    findings = validate_paths(
        existing,
        handler_packages=settings.handler_packages,
        check_handlers=resolve_handlers,
        environment=settings.environment,
    )
    errors = [finding for finding in findings if finding.is_error]
    warnings_ = [finding for finding in findings if not finding.is_error]
    skipped = "" if resolve_handlers else " (handler resolution skipped: tasker-py unusable)"
    if errors:
        shown = "; ".join(str(finding) for finding in errors[:3])
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        return CheckResult(
            name,
            "fail",
            f"{len(errors)} error(s): {shown}{more}",
            "Run `tasker-contrib validate` for every finding with its hint",
        )
    from tasker_contrib_core.templates.loader import find_template_files

    count = len(find_template_files(existing))
    source = ", ".join(settings.handler_packages) or "no handler package"
    skipped = f" (handlers from {source}){skipped}"
    if warnings_:
        return CheckResult(
            name,
            "warn",
            f"{count} template(s) valid, {len(warnings_)} warning(s){skipped}",
            "Run `tasker-contrib validate` to see them",
        )
    return CheckResult(name, "ok", f"{count} template(s) valid{skipped}")


def _bind_free(address: str) -> str | None:
    host, _, port_text = address.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        return f"'{address}' is not host:port"
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host.strip("[]") or "0.0.0.0", port))
        except OSError as exc:
            return f"{address}: {exc.strerror or exc}"
    return None


def check_ports(effective: EffectiveConfig | None) -> CheckResult:
    """The worker's web and gRPC ports are free when those servers are enabled."""
    name = "ports free"
    if effective is None:
        return CheckResult(name, "skip", "no valid configuration to read the ports from")
    enabled: list[tuple[str, str]] = []
    for table in ("worker.web", "worker.grpc"):
        try:
            if effective.value(f"{table}.enabled") is True:
                enabled.append((table, _resolved(effective.value(f"{table}.bind_address"))))
        except KeyError:
            continue
    if not enabled:
        return CheckResult(name, "ok", "worker web and gRPC servers disabled: no port needed")
    busy = [(table, problem) for table, address in enabled if (problem := _bind_free(address))]
    if busy:
        shown = "; ".join(f"{table}: {problem}" for table, problem in busy)
        return CheckResult(
            name,
            "fail",
            shown,
            "Stop the other process, change bind_address, or disable the server "
            "(worker.web.enabled / worker.grpc.enabled = false); two workers on one host "
            "need distinct ports",
        )
    shown = ", ".join(f"{table} {address}" for table, address in enabled)
    return CheckResult(name, "ok", f"free: {shown}")


def check_dotenv(cwd: Path | None = None) -> CheckResult:
    """No ``.env`` file the engine would silently load (or at least none that breaks it)."""
    name = "stray .env files"
    files = find_dotenv_files(cwd)
    if not files:
        return CheckResult(name, "ok", "none in the working directory or its parents")
    loaded = files[0]
    bad = [
        key
        for key, value in loaded.values.items()
        if key in engine_facts.PLACEHOLDER_ALLOWLIST
        and key not in os.environ
        and engine_value(key, value) is None
    ]
    relevant = sorted(
        key
        for key in loaded.values
        if key in engine_facts.PLACEHOLDER_ALLOWLIST or key.startswith(("TASKER_", "RUST_"))
    )
    detail = f"the engine loads {loaded.path}" + (
        f", which sets {', '.join(relevant)}" if relevant else ""
    )
    if bad:
        return CheckResult(
            name,
            "fail",
            f"{detail}; the engine rejects its value(s) for {', '.join(sorted(bad))} and "
            "would abort the process",
            f"Fix or remove {loaded.path}, or set those variables in the environment",
        )
    return CheckResult(
        name,
        "warn",
        detail,
        f"Remove or rename {loaded.path} unless you mean the engine to read it",
    )


def run_checks(settings: TaskerSettings, *, cwd: Path | None = None) -> list[CheckResult]:
    """Every check, in the order a failure would bite."""
    engine = check_tasker_py()
    results = [engine, check_platform()]
    config, effective = check_config(settings)
    results.append(config)
    guarded: Sequence[tuple[str, Callable[[], CheckResult]]] = (
        ("database reachable", lambda: check_database(settings, effective)),
        ("database ready", lambda: check_database_ready(settings, effective)),
        (
            "templates and handlers",
            lambda: check_templates(settings, resolve_handlers=not engine.failed),
        ),
        ("ports free", lambda: check_ports(effective)),
        ("stray .env files", lambda: check_dotenv(cwd)),
    )
    for name, check in guarded:
        try:
            results.append(check())
        except Exception as exc:  # a diagnostic must report, not crash
            results.append(
                CheckResult(
                    name,
                    "fail",
                    f"the check itself failed: {type(exc).__name__}: {exc}",
                    "Report this with the output of `tasker-contrib doctor`",
                )
            )
    return results


__all__ = [
    "MIN_GLIBC",
    "SUPPORTED_TASKER_PY",
    "CheckResult",
    "CheckStatus",
    "check_config",
    "check_database",
    "check_dotenv",
    "check_platform",
    "check_ports",
    "check_tasker_py",
    "check_templates",
    "run_checks",
]
