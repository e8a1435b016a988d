"""Is a changed text still the same words, or does it say something else?

Only what provably keeps the words counts as wording. Two versions of one text
(in one language) are compared, in this order:

1. equal: no change;
2. the numbers in it differ, as written (``50 %`` -> ``40 %``, ``1.5`` -> ``15``,
   ``1.5`` -> ``1,5``): **number**;
3. the negations in it differ (``nicht``, ``kein…``, ``nie``, ``ohne``, ``not``,
   ``no``, ``never``, ``without`` …, counted as words): **negation**;
4. the same words once :func:`words` has normalised both (Unicode NFC, case,
   spacing, the punctuation of :data:`PUNCTUATION`, typographic or straight
   quotes and dashes, invisible formatting characters): **cosmetic**;
5. otherwise: **words** — anything else, however small (``satisfied`` ->
   ``dissatisfied``, ``%`` -> ``€``, ``E-Mail`` -> ``Email``).

cosmetic is wording; number, negation and words are "check" for the texts that
define an answer. No similarity ratio: a typo fixed and an antonym look alike.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Reading = Literal["cosmetic", "number", "negation", "words"]

#: Readings that may change what a code or question means ("check").
BEYOND_WORDING: frozenset[Reading] = frozenset({"number", "negation", "words"})

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

#: Punctuation that separates words without being one: full stop, comma, semicolon,
#: colon, question and exclamation marks (also inverted), the ellipsis, the middle
#: dot, brackets, and every straight or typographic quotation mark and apostrophe.
#: Read as spaces. Not here, so a change of them is a change of words: ``% ‰ & / * # §
#: + = < > € $ ° ′ ″`` and the like.
PUNCTUATION = frozenset(".,;:!?¡¿…·()[]{}'\"‘’‚‛“”„‟‹›«»")
#: Hyphens, dashes and the minus sign: one another's typographic variants. They stay
#: (``E-Mail`` is not ``EMail``, ``-5`` not ``5``), each as a word of its own.
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
#: Invisible formatting characters: soft hyphen, zero-width space, word joiner, BOM.
INVISIBLE = frozenset("\u00ad\u200b\u2060\ufeff")

_TRANSLATE = {
    **{ord(c): " " for c in PUNCTUATION},
    **{ord(c): " - " for c in DASHES},
    **{ord(c): None for c in INVISIBLE},
}
#: Numbers as written: digits, with ``.`` or ``,`` between digits.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """The words of ``text`` as wording sees them: NFC, lower case, punctuation of
    :data:`PUNCTUATION` read as spaces, every dash as ``-``, invisible formatting
    characters dropped, split at any white space."""
    folded = _nfc(_nfc(text).lower())  # not casefold(): "Maße" is not "Masse"
    return folded.translate(_TRANSLATE).split()


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(_nfc(text))


def _negations(text: str) -> list[str]:
    folded = _nfc(text).lower().replace("n't", " not").replace("n\u2019t", " not")
    return sorted(w for w in _WORD.findall(folded) if w in NEGATIONS)


def read(old: str, new: str) -> Reading | None:
    """How ``new`` differs from ``old`` (None: not at all)."""
    if old == new:
        return None
    if _numbers(old) != _numbers(new):
        return "number"
    if _negations(old) != _negations(new):
        return "negation"
    return "cosmetic" if words(old) == words(new) else "words"


def key(text: str) -> str:
    """``text`` as :func:`words` sees it, as one string (to match labels)."""
    return " ".join(words(text))


#: How messages say what a reading found.
SAYS: dict[Reading, str] = {
    "cosmetic": "changed in case, spacing, punctuation, quotes or dashes only",
    "number": "changed: a number in it is different",
    "negation": "changed: a negation was added or removed",
    "words": "changed its words",
}

#: Readings from harmless to harmful, to pick the worst over several languages.
_ORDER: tuple[Reading, ...] = ("cosmetic", "words", "negation", "number")


def worst(readings: list[Reading]) -> Reading | None:
    return max(readings, key=_ORDER.index) if readings else None


__all__ = [
    "BEYOND_WORDING",
    "DASHES",
    "INVISIBLE",
    "NEGATIONS",
    "PUNCTUATION",
    "SAYS",
    "Reading",
    "key",
    "read",
    "words",
    "worst",
]
