"""The example apps (``examples/``) as real servers with the console enabled.

Each function starts one example the way its README does (uvicorn, ``flask
run``, ``manage.py runserver --noreload``) on a free loopback port, on the
embedded local runtime running the shared example workflow, with
``TASKER_CONSOLE__ENABLED=true``, and yields a started
:class:`~tasker_contrib_testsupport.servers.Server` whose port answers. The
server's whole process group is killed when the block ends.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tasker_contrib_testsupport.servers import Server, ServerFailed, clean_env, free_port

__all__ = [
    "EXAMPLES",
    "REPO_ROOT",
    "django_example",
    "fastapi_example",
    "flask_example",
    "post_json",
    "wait_until_answering",
]

REPO_ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = REPO_ROOT / "examples"

#: Every example serves the console; everything else is the example's own default.
CONSOLE_ENV = {"TASKER_CONSOLE__ENABLED": "true", "TASKER_RUNTIME": "local"}


def post_json(base: str, path: str, body: Any, *, timeout: float = 10.0) -> tuple[int, Any]:
    """POST ``body`` as JSON to ``base + path``: (status, decoded body)."""
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except json.JSONDecodeError:
            return error.code, raw.decode(errors="replace")


def wait_until_answering(server: Server, path: str, *, timeout: float = 60.0) -> None:
    """Poll ``path`` until the server answers it with any HTTP status; fail with its output."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{server.port}{path}"
    while True:
        assert server.proc is not None
        if server.proc.poll() is not None:
            raise ServerFailed(f"server exited before answering {path}\n{server.describe()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"{url} did not answer within {timeout:.0f}s\n{server.describe()}"
                ) from None
            time.sleep(0.1)


def _server(args: list[str], tmp_path: Path, cwd: Path, **env: str | None) -> Server:
    port = free_port()
    log = tmp_path / "lifecycle.jsonl"
    return Server(
        [arg.replace("{port}", str(port)) for arg in args],
        env=clean_env(log, defaults=CONSOLE_ENV, **env),
        cwd=cwd,
        log=log,
        output=tmp_path / "server-output.txt",
        port=port,
    )


@contextmanager
def flask_example(tmp_path: Path, **env: str | None) -> Iterator[Server]:
    """``flask --app examples/flask-app/flask_orders run`` (no reloader)."""
    args = ["-m", "flask", "--app", "examples/flask-app/flask_orders", "run"]
    server = _server(
        [*args, "--host", "127.0.0.1", "--port", "{port}", "--no-reload"],
        tmp_path,
        REPO_ROOT,
        FLASK_DEBUG=None,
        **env,
    )
    with server:
        wait_until_answering(server, "/tasker/health")
        yield server


@contextmanager
def fastapi_example(tmp_path: Path, **env: str | None) -> Iterator[Server]:
    """``uvicorn fastapi_orders.main:app --app-dir examples/fastapi-app``."""
    args = ["-m", "uvicorn", "fastapi_orders.main:app", "--app-dir", "examples/fastapi-app"]
    server = _server([*args, "--host", "127.0.0.1", "--port", "{port}"], tmp_path, REPO_ROOT, **env)
    with server:
        wait_until_answering(server, "/tasker/health")
        yield server


@contextmanager
def django_example(
    tmp_path: Path,
    *,
    superuser: tuple[str, str] | None = None,
    **env: str | None,
) -> Iterator[Server]:
    """``manage.py migrate`` then ``manage.py runserver --noreload`` of
    examples/django-project, its SQLite database in ``tmp_path``.

    ``superuser=(name, password)`` creates that user first (``createsuperuser
    --noinput``), so a browser can log in through the admin.
    """
    manage = str(EXAMPLES / "django-project" / "manage.py")
    server = _server(
        [manage, "runserver", "127.0.0.1:{port}", "--noreload"],
        tmp_path,
        tmp_path,
        SHOP_SQLITE=str(tmp_path / "shop.sqlite3"),
        DJANGO_SETTINGS_MODULE=None,
        RUN_MAIN=None,
        **env,
    )
    commands = [[manage, "migrate", "-v0"]]
    if superuser is not None:
        commands.append([manage, "createsuperuser", "--noinput", "--username", superuser[0],
                         "--email", f"{superuser[0]}@example.com"])  # fmt: skip
    for command in commands:
        extra = {} if superuser is None else {"DJANGO_SUPERUSER_PASSWORD": superuser[1]}
        done = subprocess.run(
            [sys.executable, *command],
            env={**server.env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise ServerFailed(f"{' '.join(command[1:])} failed:\n{done.stdout}\n{done.stderr}")
    with server:
        wait_until_answering(server, "/tasker/health/")
        yield server
