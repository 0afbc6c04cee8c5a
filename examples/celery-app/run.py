"""One command: a private Redis broker, a Celery worker hosting Tasker with beat, one order.

    python3 -m uv run python examples/celery-app/run.py

Starts ``redis-server`` on a free 127.0.0.1 port (Debian's ``redis-server``
package; or set ``CELERY_BROKER_URL`` to use your own broker), then
``celery -A celery_orders.app worker -B``. Beat submits the example order,
the worker runs its steps on the embedded engine, the completion event
arrives at the ``order_completed`` Celery task through the broker. Stops
everything once it did (or after ``--timeout`` seconds) and exits 0 on
success.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DONE = "order workflow complete"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def broker(folder: Path) -> Iterator[str]:
    if os.environ.get("CELERY_BROKER_URL"):
        yield os.environ["CELERY_BROKER_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found: `apt-get install redis-server`, or set CELERY_BROKER_URL")
    port = free_port()
    redis = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=90.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="celery-orders-") as tmp, broker(Path(tmp)) as url:
        env = {
            **os.environ,
            "CELERY_BROKER_URL": url,
            "ORDER_EVERY_SECONDS": os.environ.get("ORDER_EVERY_SECONDS", "3"),
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
            "RUST_LOG": os.environ.get("RUST_LOG", "error"),
        }
        schedule = Path(tmp) / "beat-schedule"
        output = Path(tmp) / "worker.log"
        with output.open("wb") as sink:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "celery_orders.app",
                    "worker",
                    "-B",
                    "-s",
                    str(schedule),
                    "-c",
                    "1",
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + options.timeout
        shown = 0
        done = False
        while time.monotonic() < deadline and worker.poll() is None:
            text = output.read_text(errors="replace")
            sys.stdout.write(text[shown:])
            sys.stdout.flush()
            shown = len(text)
            if DONE in text:
                done = True
                break
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        sys.stdout.write(output.read_text(errors="replace")[shown:])
    print(
        "\nOK: beat submitted the order, the worker ran it, the event task saw it complete"
        if done
        else "\nFAILED: no completed order within the timeout"
    )
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
