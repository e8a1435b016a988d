"""Is a changed text still the same wording, or does it say something else?

The heuristic is deterministic and documented in docs/diff.md. For two
versions of one text (in one language), in this order:

1. equal: no change;
2. the numbers in it differ (``50 %`` -> ``40 %``, ``1.5`` -> ``15``): **number**;
3. the negations in it differ (``nicht``, ``kein…``, ``nie``, ``ohne``, ``not``,
   ``no``, ``never``, ``without`` …, counted as words): **negation**;
4. equal once spacing, punctuation and case are ignored: **cosmetic**;
5. at least :data:`ALIKE` alike (:class:`difflib.SequenceMatcher` ratio of the
   case-folded texts, punctuation as spaces): **reworded**;
6. otherwise: **meaning**.

cosmetic and reworded are wording; number, negation and meaning are "check".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Literal

Reading = Literal["cosmetic", "reworded", "number", "negation", "meaning"]

#: How alike (0–1) two texts must be for a change to count as rewording.
ALIKE = 0.8

#: Readings that may change what a code or question means ("check").
BEYOND_WORDING: frozenset[Reading] = frozenset({"number", "negation", "meaning"})

NEGATIONS = frozenset(
    {
        # German
        "nicht",
        "nichts",
        "kein",
        "keine",
        "keinem",
        "keinen",
        "keiner",
        "keines",
        "nie",
        "niemals",
        "niemand",
        "ohne",
        "weder",
        # English
        "not",
        "no",
        "none",
        "never",
        "nothing",
        "nobody",
        "without",
        "neither",
        "nor",
    }
)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("n't", " not")


def _numbers(text: str) -> list[str]:
    return [n.replace(",", ".") for n in _NUMBER.findall(text)]


def _negations(text: str) -> list[str]:
    return sorted(w for w in _WORD.findall(text) if w in NEGATIONS)


def read(old: str, new: str) -> Reading | None:
    """How ``new`` differs from ``old`` (None: not at all)."""
    if old == new:
        return None
    a, b = _fold(old), _fold(new)
    if _numbers(a) != _numbers(b):
        return "number"
    if _negations(a) != _negations(b):
        return "negation"
    plain_a, plain_b = _NOT_WORD.sub(" ", a).split(), _NOT_WORD.sub(" ", b).split()
    if "".join(plain_a) == "".join(plain_b):
        return "cosmetic"
    ratio = difflib.SequenceMatcher(None, " ".join(plain_a), " ".join(plain_b)).ratio()
    return "reworded" if ratio >= ALIKE else "meaning"


def key(text: str) -> str:
    """``text`` with case, spacing and punctuation normalised (to match labels)."""
    return " ".join(_NOT_WORD.sub(" ", _fold(text)).split())


#: How messages say what a reading found.
SAYS: dict[Reading, str] = {
    "cosmetic": "changed in spacing, punctuation or case only",
    "reworded": "reworded, with much the same words",
    "number": "changed: a number in it is different",
    "negation": "changed: a negation was added or removed",
    "meaning": f"changed beyond rewording (less than {ALIKE:.0%} alike)",
}

#: Readings from harmless to harmful, to pick the worst over several languages.
_ORDER: tuple[Reading, ...] = ("cosmetic", "reworded", "meaning", "negation", "number")


def worst(readings: list[Reading]) -> Reading | None:
    return max(readings, key=_ORDER.index) if readings else None


__all__ = ["ALIKE", "BEYOND_WORDING", "NEGATIONS", "SAYS", "Reading", "key", "read", "worst"]
