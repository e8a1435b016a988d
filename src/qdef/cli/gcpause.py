"""Pausing Python's cyclic garbage collector while a ``qdef`` command runs.

Loading, checking and rendering an instrument allocate hundreds of thousands
of containers that all stay alive (the data, the model, the routing plan, the
output's pieces) and form almost no reference cycles. To the collector that
looks like a reason for ever more full collections, each traversing every
object made so far: measured on a 5,000-question instrument, they cost about
as much as the work itself (benchmarks/RESULTS.md). Reference counting frees
what is no longer used either way; only cycles wait, and they are collected
as soon as the collector runs again after the pause.

:func:`qdef.cli.main` pauses it around the command it runs (``qdef check`` aside:
the hypothesis runs it makes leave garbage in cycles): the one place qdef does.
The library leaves the collector as its caller set it (its state is the
whole process's: another thread allocating during a pause is not collected
either); a program that loads or renders instruments of thousands of questions
can pause it the same way (``gc.disable()`` … ``gc.enable()``; this module is the
command line's own, not part of the library's API).

The pause nests (an inner pause leaves the collector as the outer one wants
it) and restores the state it found, so a program that has switched the
collector off keeps it off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the body with the cyclic garbage collector off, then restore it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
