"""LimeSurvey's rules for codes, and the codes qdef's ids and codes become.

Codes are made valid for LimeSurvey deterministically (:class:`Codes`), so
that the importer never renames or drops anything:

- question codes ``^[A-Za-z][A-Za-z0-9]*$``, at most 20 characters, unique
  (ignoring case), not reserved;
- subquestion codes letters and digits, at most 20, unique per question, not
  ``other`` or ``time``;
- answer codes letters and digits, at most 5, unique per question (ignoring
  case, and numerically: ``1`` and ``01`` would compare equal in
  ExpressionScript).

A code is the qdef id or code with everything but letters and digits
removed, shortened to fit (an answer code of several words is abbreviated:
``nicht_finanziert`` becomes ``nfina``); a code taken already gets a number
at its end.

:class:`Slot` says where a qdef variable lives in the survey (its
ExpressionScript variable, its answer codes); the whole mapping is
:func:`qdef.renderers.limesurvey.code_map`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from qdef.model import (
    DualMatrixQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    SingleChoice,
)

#: Names ExpressionScript reserves (compared ignoring case).
RESERVED = frozenset(n.lower() for n in ("LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ"))
RESERVED_EXACT = frozenset({"self", "that", "this"})
QUESTION_CODE_LENGTH = 20
SUBQUESTION_CODE_LENGTH = 20
ANSWER_CODE_LENGTH = 5
#: The value LimeSurvey stores when "Other" is chosen in a list.
OTHER = "-oth-"
#: Codes of a "Sonstiges" option: as the last option of a single choice, with one
#: unlabelled one-line text follow-up, it becomes LimeSurvey's Other.
OTHER_CODES = frozenset({"sonstiges", "sonstige", "andere", "anderes", "other", "others"})

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def numeric(text: str) -> bool:
    """Whether ExpressionScript compares ``text`` as a number."""
    return _NUMERIC.fullmatch(text) is not None


class Codes:
    """Valid, unique codes within one namespace (a survey's question codes, one
    question's subquestion or answer codes)."""

    def __init__(
        self,
        length: int,
        *,
        letter_first: bool,
        forbidden: frozenset[str] = frozenset(),
        abbreviate: bool = False,
    ):
        self.length = length
        self.letter_first = letter_first
        self.forbidden = forbidden
        self.abbreviate = abbreviate
        self.taken: set[str] = set()

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _key(code: str) -> str:
        return str(Decimal(code).normalize()) if numeric(code) else code.lower()

    def _free(self, code: str) -> bool:
        lower = code.lower()
        return (
            bool(code)
            and self._key(code) not in self.taken
            and lower not in self.forbidden
            and code not in RESERVED_EXACT
        )

    def _natural(self, source: str, suffix: str, fallback: str) -> tuple[str, str]:
        base = _NOT_ALNUM.sub("", source)
        if self.abbreviate and len(base) > self.length:
            words = [w for w in _NOT_ALNUM.split(source) if w]
            if len(words) > 1:
                # nicht_finanziert -> nfina: the initials of the first words, then the last
                initials = "".join(w[0] for w in words[:-1])[: self.length - 1]
                base = initials + words[-1]
        if self.letter_first and (not base or not base[0].isalpha()):
            base = fallback + base
        base = base or fallback
        return base, base[: self.length - len(suffix)] + suffix

    def reserve(self, sources: list[str], fallback: str = "Q") -> dict[str, str]:
        """Codes for many sources at once: each keeps its natural code where no earlier
        source has it, and only the others are numbered, so that a numbered code
        never takes the natural code of a later source."""
        found: dict[str, str] = {}
        for source in sources:
            _, code = self._natural(source, "", fallback)
            if self._free(code):
                self.taken.add(self._key(code))
                found[source] = code
        for source in sources:
            if source not in found:
                found[source] = self.make(source, fallback=fallback)
        return found

    def make(self, source: str, suffix: str = "", fallback: str = "Q") -> str:
        """A code for ``source`` (an id or code), with ``suffix`` kept at its end."""
        base, code = self._natural(source, suffix, fallback)
        number = 1
        while not self._free(code):
            number += 1
            tail = str(number) + suffix
            code = base[: self.length - len(tail)] + tail
        self.taken.add(self._key(code))
        return code


#: Subquestion codes LimeSurvey reserves (compared ignoring case).
SUBQUESTION_FORBIDDEN = frozenset({"other", "time"})


@dataclass(frozen=True)
class Slot:
    """Where a qdef variable lives in LimeSurvey."""

    name: str
    """The ExpressionScript variable (``schwerpunkte_beteiligung``); for a multiple
    choice, the question code (its options are in ``options``)."""
    kind: str
    """qdef's kind of the variable: choice, choices, text, number, date, check."""
    values: Mapping[str, str] = field(default_factory=dict)
    """qdef code -> LimeSurvey answer code (choice)."""
    options: Mapping[str, str] = field(default_factory=dict)
    """qdef code -> the variable of its check box (choices)."""
    precision: str | None = None
    guard: str | None = None
    """A condition that must hold for the variable to count (the Other text)."""


def question_sources(instrument: Instrument) -> list[str]:
    """The ids that become question codes, in order: questions and their follow-ups."""
    found: list[str] = []
    for _, question in instrument.questions():
        found.append(question.id)
        if isinstance(question, SingleChoice | MultipleChoice):
            found.extend(f.id for o in question.options for f in o.specify or ())
        elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
            found.extend(r.specify.id for r in question.rows if r.specify is not None)
    return found
