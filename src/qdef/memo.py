"""Results computed once per instrument object (symbols, routing plans).

Instruments are immutable, so what is derived from one can be kept as long
as the instrument itself: the last few results are cached by the instrument's
identity, and the cache holds the instrument, so its ``id`` cannot be reused
while the entry exists. Thread-safe; at worst two threads compute the same
result once each.

Left only for :mod:`qdef.rendering.notes` until the renderers receive the
compiled instrument (:class:`qdef.pipeline.compiled.Compiled`); delete this
module then (tests/test_compiled.py fails while it exists).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:  # the model itself memoizes with this (Instrument.numbers)
    from qdef.model import Instrument

T = TypeVar("T")


class PerInstrument(Generic[T]):
    """``compute(instrument)``, remembered for the last ``size`` instruments."""

    def __init__(self, compute: Callable[[Instrument], T], size: int = 16) -> None:
        self.compute = compute
        self.size = size
        self._entries: OrderedDict[int, tuple[Instrument, T]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, instrument: Instrument) -> T:
        key = id(instrument)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] is instrument:
                self._entries.move_to_end(key)
                return entry[1]
        result = self.compute(instrument)
        with self._lock:
            self._entries[key] = (instrument, result)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result
