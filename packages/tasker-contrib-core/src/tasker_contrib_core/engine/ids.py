"""Cheap unique UUID strings for task, step, event and correlation ids.

``str(uuid.uuid4())`` reads the OS entropy pool on every call, which costs a
few microseconds; a local run makes several ids per step, so that alone would
be a visible share of the per-step budget. These ids only need to be unique
and well-formed (``StepContext`` parses them with ``UUID``), not
unpredictable: each process draws 74 random bits once and appends a 48-bit
counter (starting at a random value), in the canonical version-4 layout. A
forked child draws new bits so it never repeats its parent's ids.
"""

from __future__ import annotations

import os
from itertools import count
from random import getrandbits

_prefix = ""
_counter = count()
#: The counter's 12 hex digits.
_COUNTER_MASK = 0xFFFFFFFFFFFF


def _reseed() -> None:
    global _prefix, _counter
    text = f"{getrandbits(80):020x}"
    # 8-4-4(version 4)-4(variant a)- then 12 hex digits of counter
    _prefix = f"{text[:8]}-{text[8:12]}-4{text[12:15]}-a{text[15:18]}-"
    # Start the counter at a random point so ids do not read as 000000000001, 2, ...
    _counter = count(getrandbits(44))


_reseed()
os.register_at_fork(after_in_child=_reseed)


def new_uuid() -> str:
    """Return a process-unique version-4-shaped UUID in canonical form."""
    # Concatenation and format() cost about half of the equivalent f-string.
    return _prefix + format(next(_counter) & _COUNTER_MASK, "012x")


__all__ = ["new_uuid"]
