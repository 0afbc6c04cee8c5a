"""What tasker-contrib-flask costs an app at import: side by side with ``import flask``.

Run: ``uv run python bench/flask_import.py [--runs N]``

Fresh interpreters, interleaved so drift hits every variant alike. Each child
imports ``flask``, then the integration, and reports both durations
(``perf_counter`` around each import, so interpreter start-up is excluded):

* ``import tasker_contrib_flask`` alone;
* the two-line setup: ``Tasker(app)`` and ``tasker_blueprint()`` on a new app
  (settings resolved, the host built, nothing started).

Goal: ``import tasker_contrib_flask`` adds at most 100 ms over ``import flask``.
The two-line setup resolves settings (pydantic models): it is shown so its
price is known, and it is paid once per app, in the app factory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

GOAL_IMPORT_MS = 100.0

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import flask
t1 = time.perf_counter()
{statement}
t2 = time.perf_counter()
print(json.dumps({{"flask": t1 - t0, "ours": t2 - t1, "engine": "tasker_core" in sys.modules}}))
"""

VARIANTS = {
    "import tasker_contrib_flask": "import tasker_contrib_flask",
    "Tasker(app) + tasker_blueprint()": (
        "from tasker_contrib_flask import Tasker, tasker_blueprint\n"
        "app = flask.Flask('bench')\n"
        "app.config['TASKER'] = {'runtime': 'local'}\n"
        "Tasker(app)\n"
        "app.register_blueprint(tasker_blueprint())"
    ),
}


def measure(runs: int) -> dict[str, dict[str, list[float]]]:
    results: dict[str, dict[str, list[float]]] = {n: {"flask": [], "ours": []} for n in VARIANTS}
    for _ in range(runs):
        for name, statement in VARIANTS.items():
            output = subprocess.run(
                [sys.executable, "-c", _CHILD.format(statement=statement)],
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            row = json.loads(output.stdout.strip().splitlines()[-1])
            if row["engine"]:
                raise SystemExit(f"{name}: imported tasker_core (it must stay lazy)")
            results[name]["flask"].append(row["flask"] * 1000)
            results[name]["ours"].append(row["ours"] * 1000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    results = measure(args.runs)
    print(f"Import cost over `import flask` (median of {args.runs} fresh interpreters, ms)")
    print(f"{'variant':<36}{'flask':>10}{'ours':>10}{'ours/flask':>12}")
    for name, row in results.items():
        flask_ms = statistics.median(row["flask"])
        ours_ms = statistics.median(row["ours"])
        print(f"{name:<36}{flask_ms:>10.1f}{ours_ms:>10.1f}{ours_ms / flask_ms:>11.2f}x")
    first = statistics.median(results["import tasker_contrib_flask"]["ours"])
    verdict = "within" if first <= GOAL_IMPORT_MS else "OVER"
    print(f"goal: import tasker_contrib_flask <= {GOAL_IMPORT_MS:.0f} ms over flask: {verdict}")


if __name__ == "__main__":
    main()
