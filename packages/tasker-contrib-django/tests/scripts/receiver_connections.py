"""Drive 1,000 events through ORM-using receivers and sample pg_stat_activity.

Run with the test project on PYTHONPATH, ``TEST_DJANGO_DB_URL`` (PostgreSQL)
and ``TEST_RECEIVER_WRITES=1``. Every event's receiver writes and reads a row
on the engine's thread; every step's handler writes one too. After each
batch the number of connections to the database (other than the sampler's
own) is recorded. ``--no-hygiene`` turns ``close_old_connections`` into a
no-op, the control that shows what the sampler sees without it. Prints one
``RESULT {json}`` line.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django

TASKS_PER_BATCH = 25  # 4 events per task (task and step started / completed)
BATCHES = 10


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()
    if "--no-hygiene" in sys.argv:
        import django.db as django_db

        django_db.close_old_connections = lambda **_: None

    import psycopg
    from tasker_contrib_core.client import TaskRequest
    from tasker_contrib_django import start

    sampler = psycopg.connect(os.environ["TEST_DJANGO_DB_URL"], autocommit=True)

    def connections() -> int:
        row = sampler.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        return int(row[0]) if row else -1

    def rows(source: str) -> int:
        row = sampler.execute("SELECT count(*) FROM notes_note WHERE source = %s", [source])
        fetched = row.fetchone()
        return int(fetched[0]) if fetched else -1

    host = start()
    baseline = connections()
    samples = []
    submitted = 0
    batches = 2 if "--no-hygiene" in sys.argv else BATCHES
    for _ in range(batches):
        for _ in range(TASKS_PER_BATCH):
            host.client.create_task(
                TaskRequest(
                    name="record_note",
                    namespace="notes",
                    version="1.0.0",
                    context={"note_id": submitted},
                )
            )
            submitted += 1
        deadline = time.monotonic() + 60
        while rows("receiver") < submitted * 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)  # let the last receiver's closing run
        samples.append(connections())
    result = {
        "baseline": baseline,
        "samples": samples,
        "events_written": rows("receiver"),
        "handler_rows": rows("handler"),
        "threads": sorted({t.name for t in __import__("threading").enumerate()}),
    }
    host.stop()
    sampler.close()
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
