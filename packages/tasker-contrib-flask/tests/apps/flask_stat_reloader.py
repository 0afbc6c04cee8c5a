"""``flask`` with Werkzeug's stat reloader instead of watchdog's.

On a busy machine watchdog's inotify queue overflows (events lost, reloads
missed); the stat reloader polls and always notices the edit. Werkzeug
re-runs this script for every reloaded child, so the choice holds there too.
"""

import sys

sys.modules["watchdog"] = None  # type: ignore[assignment]  # werkzeug falls back to stat

from flask.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
