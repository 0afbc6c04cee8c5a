"""Scenario 16: the app started its runtime on the first request, then user code forks.

The child's first request must fail fast with the fork error, never hang.
Prints one JSON line: what the child saw and how long it took.
"""

from __future__ import annotations

import json
import os
import sys
import time

from lifecycle_app import app

app.config["TESTING"] = True  # the test client re-raises the view's error
client = app.test_client()
assert client.get("/debug/pid").status_code == 200  # starts the runtime here

read_end, write_end = os.pipe()
child = os.fork()
if child == 0:
    os.close(read_end)
    started = time.monotonic()
    try:
        client.get("/debug/pid")
        outcome = {"error": None}
    except Exception as exc:
        outcome = {"error": type(exc).__name__, "message": str(exc)}
    outcome["seconds"] = time.monotonic() - started
    os.write(write_end, json.dumps(outcome).encode())
    os._exit(0)
os.close(write_end)
with os.fdopen(read_end) as pipe:
    seen = pipe.read()
os.waitpid(child, 0)
print(seen)
sys.stdout.flush()
