"""Random order, reproducibly: the shuffle every renderer and the walk share.

``order: random`` on a question shows its options (rows, ranking items) in an
order drawn per respondent; on a section, its questions and texts. Anchored
entries (:func:`anchored`) keep their written place. The draw is a Fisher–Yates
shuffle driven by mulberry32, seeded with the respondent's seed mixed (FNV-1a)
with the question's or section's id, so that the web form's JavaScript gives the
same order for the same seed (docs/responses.md, "_order"; tested against
``tests/cases/shuffle_vectors.json``, which the web form's tests read too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from qdef.model import (
    Computed,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    Question,
    RankingQuestion,
    Section,
    SingleChoice,
)

T = TypeVar("T")

_MASK = 0xFFFFFFFF


def mix(seed: int, key: str) -> int:
    """FNV-1a over the UTF-8 bytes of ``key``, starting from the basis xor ``seed``
    (its low 32 bits)."""
    h = 2166136261 ^ (seed & _MASK)
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 16777619) & _MASK
    return h


def _imul(a: int, b: int) -> int:
    """JavaScript's ``Math.imul`` on unsigned 32-bit values (result unsigned)."""
    return (a * b) & _MASK


class Mulberry32:
    """The mulberry32 generator: uniform floats in [0, 1) from a 32-bit state."""

    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & _MASK

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & _MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + _imul(t ^ (t >> 7), t | 61)) & _MASK)) & _MASK
        return ((t ^ (t >> 14)) & _MASK) / 4294967296


def shuffled(items: Sequence[T], anchored: Sequence[bool], seed: int, key: str) -> list[T]:
    """``items`` in the random order for ``seed`` and ``key`` (a question's or section's
    id): the items not anchored are shuffled (Fisher–Yates from the last one down) and
    take the places not anchored, in order; anchored items stay where they are."""
    if len(anchored) != len(items):
        raise ValueError("one anchored flag per item")
    free = [item for item, fixed in zip(items, anchored, strict=True) if not fixed]
    rng = Mulberry32(mix(seed, key))
    for i in range(len(free) - 1, 0, -1):
        j = int(rng.next() * (i + 1))
        free[i], free[j] = free[j], free[i]
    taken = iter(free)
    return [item if fixed else next(taken) for item, fixed in zip(items, anchored, strict=True)]


def anchored(item: Any, question_or_section: Question | Section) -> bool:
    """Whether ``item`` keeps its written place when ``question_or_section`` is shown in
    random order. An option, row or ranking item: its ``anchor`` when given, else
    whether it is exclusive or has a ``specify`` (an "other"). An entry of a section: a
    computed value always, a question or text when it says ``anchor: true``."""
    if isinstance(question_or_section, Section):
        return isinstance(item, Computed) or getattr(item, "anchor", False) is True
    anchor = getattr(item, "anchor", None)
    if anchor is not None:
        return bool(anchor)
    return getattr(item, "exclusive", False) is True or getattr(item, "specify", None) is not None


def entries(question_or_section: Question | Section) -> list[Any]:
    """What ``order: random`` shuffles: a question's options (rows, ranking items), a
    section's questions and texts (its computed values stay, anchored)."""
    if isinstance(question_or_section, Section):
        return list(question_or_section.questions)
    match question_or_section:
        case SingleChoice() | MultipleChoice() | RankingQuestion():
            return list(question_or_section.options)
        case MatrixQuestion() | GridQuestion() | DualMatrixQuestion():
            return list(question_or_section.rows)
    return []


def shown_order(question_or_section: Question | Section, seed: int) -> list[str]:
    """The codes (ids) of ``question_or_section``'s entries in the order shown for
    ``seed``: what ``_order`` records. A section's computed values are left out (they
    are not shown)."""
    items = entries(question_or_section)
    flags = [anchored(item, question_or_section) for item in items]
    order = shuffled(items, flags, seed, question_or_section.id)
    if isinstance(question_or_section, Section):
        return [item.id for item in order if not isinstance(item, Computed)]
    return [item.code for item in order]


def codes(question_or_section: Question | Section) -> list[str]:
    """The codes (ids) ``_order`` lists for ``question_or_section``, in written order."""
    items = entries(question_or_section)
    if isinstance(question_or_section, Section):
        return [item.id for item in items if not isinstance(item, Computed)]
    return [item.code for item in items]


def is_permutation(given: Any, written: Sequence[str]) -> bool:
    """Whether ``given`` is a list of exactly the codes ``written``, in some order."""
    return (
        isinstance(given, list)
        and len(given) == len(written)
        and all(isinstance(code, str) for code in given)
        and sorted(given) == sorted(written)
    )


__all__ = [
    "Mulberry32",
    "anchored",
    "codes",
    "entries",
    "is_permutation",
    "mix",
    "shown_order",
    "shuffled",
]
