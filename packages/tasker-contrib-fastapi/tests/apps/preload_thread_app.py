"""A deliberately wrong app: it starts a thread at import time.

Served with gunicorn ``--preload``, the import happens in the master, which
then forks its workers while that thread runs: Python >= 3.12 warns about
exactly this. The gunicorn test uses it to prove its fork-warning check
would catch an integration that started anything at import.
"""

from __future__ import annotations

import threading
import time

from fastapi import FastAPI

threading.Thread(target=time.sleep, args=(600,), name="started-at-import", daemon=True).start()

app = FastAPI()
