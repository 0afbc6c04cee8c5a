"""Tasker in a plain ``http.server`` app, built on the integration kit (docs/integrating.md).

Run ``python examples/integrating/plain_server.py 8000``, then POST an order to /orders.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import tasker_contrib_example as example
from tasker_contrib_core.client import TaskNotFoundError, TaskRequest
from tasker_contrib_core.integration import TaskerHost, process_role, resolve_settings

CONFIG = {"handler_packages": example.HANDLER_PACKAGES, "template_paths": [example.TEMPLATES_DIR]}
host = TaskerHost(resolve_settings(CONFIG, layer="plain_server.CONFIG"), framework="http.server")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path in ("/health", "/ready"):
            report = host.liveness() if self.path == "/health" else host.readiness()
            self.reply(report.http_status, report.to_dict())
            return
        try:
            task = host.client.get_task(self.path.removeprefix("/orders/"))
        except TaskNotFoundError as exc:
            self.reply(404, {"detail": str(exc)})
            return
        self.reply(200, {"status": task.status, "percent": task.completion_percentage})

    def do_POST(self) -> None:
        order = json.loads(self.rfile.read(int(self.headers["content-length"])))
        request = TaskRequest(name=example.TEMPLATE_NAME, namespace=example.NAMESPACE,
                              version=example.TEMPLATE_VERSION, context=order,
                              initiator="plain-server", reason="order received")  # fmt: skip
        self.reply(202, {"task_uuid": host.client.create_task(request).task_uuid})

    def reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(port: int) -> None:
    if not process_role():  # e.g. a reloader parent: serve, but never host the engine here
        sys.exit(f"not a serving process: {process_role().reason}")
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    host.start()  # in the process that serves, bounded; raises with the reason on failure
    try:
        server.serve_forever()
    finally:
        server.server_close()
        host.stop()  # bounded; flushes events, closes the client


if __name__ == "__main__":
    main(int(sys.argv[1]))
