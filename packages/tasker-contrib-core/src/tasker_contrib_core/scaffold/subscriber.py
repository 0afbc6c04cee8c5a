"""``generate subscriber``: an event sink class and its test.

A sink is a small class with ``patterns`` (fnmatch over event names) and
``publish(event)``: the interface of :mod:`tasker_contrib_core.events`, so the
generated class can be handed to any runtime's event dispatcher as is. Its
test feeds events through a real :class:`~tasker_contrib_core.events.EventDispatcher`,
which proves the patterns select what they should.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from tasker_contrib_core.errors import GenerationError
from tasker_contrib_core.scaffold.handler_files import package_changes
from tasker_contrib_core.scaffold.layout import ScaffoldLayout
from tasker_contrib_core.scaffold.naming import split_list, to_names
from tasker_contrib_core.scaffold.plan import Change, ScaffoldResult, apply_changes
from tasker_contrib_core.scaffold.rendering import render

#: Characters allowed in event patterns: event names plus the ``*`` and ``?`` wildcards.
PATTERN = re.compile(r"^[A-Za-z0-9_.*?-]+$")
#: A name no sensible pattern matches, used to show that filtering works.
UNMATCHED_EVENT = "zz_unrelated.event"
_LIFECYCLE_PREFIXES = ("step.", "task.")


def check_patterns(events: Sequence[str]) -> list[str]:
    """Validated fnmatch patterns (``payment.*``); at least one is required."""
    patterns = split_list(events)
    if not patterns:
        raise GenerationError(
            'give the events to receive, e.g. --events "payment.*" (fnmatch patterns, '
            '"*" for every event)'
        )
    for pattern in patterns:
        if not PATTERN.match(pattern):
            raise GenerationError(
                f"event pattern {pattern!r} may only use letters, digits, '_', '.', '-' and "
                "the wildcards '*' and '?'"
            )
    return patterns


def sample_event(pattern: str) -> str:
    """An event name ``pattern`` matches (its wildcards filled in)."""
    return pattern.replace("*", "sample").replace("?", "x")


def generate_subscriber(
    name: str,
    *,
    events: Sequence[str],
    target: Path | str = ".",
    layout: ScaffoldLayout | None = None,
    skip_test: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> ScaffoldResult:
    """Generate ``<subscribers_package>/<name>.py`` with a sink class for ``events``."""
    root = Path(target)
    chosen = layout or ScaffoldLayout()
    names = to_names(name, what="subscriber name", strip_suffixes=("subscriber", "sink"))
    patterns = check_patterns(events)
    class_name = names.class_name("Subscriber")
    module = f"{chosen.subscribers_package}.{names.snake}"
    sample = sample_event(patterns[0])
    unmatched = (
        UNMATCHED_EVENT
        if not any(fnmatchcase(UNMATCHED_EVENT, pattern) for pattern in patterns)
        else ""
    )
    context = {
        "class_name": class_name,
        "module": module,
        "snake": names.snake,
        "sink_name": names.snake,
        "patterns": patterns,
        "sample": sample,
        "unmatched": unmatched,
        "kind": "lifecycle" if sample.startswith(_LIFECYCLE_PREFIXES) else "domain",
    }
    changes = package_changes(chosen, chosen.subscribers_package)
    changes.append(
        Change(chosen.subscriber_module(names.snake), render("subscriber.py.j2", **context))
    )
    if not skip_test:
        test = render("tests/test_subscriber.py.j2", **context)
        changes.append(Change(chosen.test_file(f"test_{names.snake}_subscriber"), test))
    actions = apply_changes(root, changes, force=force, dry_run=dry_run)
    notes = [
        f"Register it: dispatcher.add_sink({class_name}()) (from {module} import {class_name})."
    ]
    return ScaffoldResult(target=root.resolve(), actions=actions, dry_run=dry_run, notes=notes)


__all__ = ["PATTERN", "check_patterns", "generate_subscriber", "sample_event"]
