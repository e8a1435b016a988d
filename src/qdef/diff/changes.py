"""What ``qdef diff`` reports: a :class:`Change`, its kind on one ladder, and the codes.

The kinds, from harmless to harmful (the order ``--fail-on`` counts from):

``wording`` < ``additive`` < ``routing`` < ``check`` < ``breaking``

- **wording**: only what respondents read changed, in words that keep the
  meaning (or only presentation: widget, lines, order, a display text).
- **additive**: something new can be answered (a question, an option, a row,
  a column, a wider range); data already collected keeps its meaning.
- **routing**: who is asked what changed (a question's reaching condition,
  the set of paths, a goto or ``when``).
- **check**: a code or question kept, but what it means may have moved (a
  text that defines an answer changed its words, required, exclusive, personal
  data): a person has to look, and can accept the change (:mod:`.accept`).
- **breaking**: data already collected no longer fits: a question or code
  removed, a type, unit or precision changed, a range narrowed, a code recoded.

Every code belongs to exactly one kind (:data:`CODES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from qdef.diagnostics import Code, Span
from qdef.source.positions import KeyPath

Kind = Literal["wording", "additive", "routing", "check", "breaking"]
KINDS: tuple[Kind, ...] = get_args(Kind)
"""The kinds, from harmless to harmful."""


def rank(kind: Kind) -> int:
    """The place of ``kind`` on the ladder (wording 0 … breaking 4)."""
    return KINDS.index(kind)


#: code -> (kind, what it reports). Stable: codes are never reused for something else.
CODES: dict[str, tuple[Kind, str]] = {
    # breaking
    Code.QD701: ("breaking", "a question was removed"),
    Code.QD702: ("breaking", "a question's type changed"),
    Code.QD703: ("breaking", "an option was removed"),
    Code.QD704: ("breaking", "a matrix or grid row was removed"),
    Code.QD705: ("breaking", "a scale column or grid column was removed"),
    Code.QD706: ("breaking", "a text-list field was removed"),
    Code.QD707: ("breaking", "a follow-up input was removed"),
    Code.QD708: ("breaking", "the input type of a follow-up or grid column changed"),
    Code.QD709: ("breaking", "a unit changed"),
    Code.QD710: ("breaking", "the allowed answers were narrowed (range, length, format, choices)"),
    Code.QD711: ("breaking", "a date precision changed"),
    Code.QD712: ("breaking", "a code was recoded: its label now belongs to another code"),
    Code.QD713: ("breaking", "an instrument file of the base commit is gone or was renamed"),
    Code.QD756: ("breaking", "a hidden variable was removed"),
    Code.QD758: ("breaking", "a hidden variable's type or values were narrowed"),
    Code.QD760: ("breaking", "a computed value's expression changed"),
    Code.QD770: ("breaking", "a question moved into or out of a roster"),
    Code.QD771: (
        "breaking",
        "what a roster repeats for changed, or a section became or stopped being one",
    ),
    Code.QD774: ("breaking", "a scale of a dual-scale matrix was removed"),
    # check
    Code.QD720: (
        "check",
        "a text that defines an answer changed its words (or was added, removed)",
    ),
    Code.QD721: ("check", "required changed"),
    Code.QD722: ("check", "the personal-data flag changed"),
    Code.QD723: ("check", "exclusive changed"),
    Code.QD724: ("check", "the instrument's id or language changed"),
    Code.QD725: ("check", "a translation was removed"),
    Code.QD734: ("check", "the routing could not be compared (too entangled to analyse)"),
    Code.QD759: ("check", "a hidden variable's default changed"),
    Code.QD763: ("check", "a rule was added or its check changed"),
    Code.QD766: ("check", "a pattern was added or its regular expression changed"),
    Code.QD767: ("check", "a question's default answer changed"),
    Code.QD768: ("check", "the variables a question's texts pipe changed"),
    Code.QD772: ("check", "a roster's maximum number of iterations changed"),
    Code.QD776: ("check", "a number list's total was added or changed"),
    # routing
    Code.QD730: ("routing", "a question's reaching condition changed"),
    Code.QD731: ("routing", "the set of paths changed"),
    Code.QD732: ("routing", "a goto changed"),
    Code.QD733: ("routing", "a when condition changed"),
    Code.QD761: ("routing", "a filter of options or rows changed"),
    Code.QD762: ("routing", "an option's or row's condition changed"),
    # additive
    Code.QD740: ("additive", "a question was added"),
    Code.QD741: ("additive", "an option was added"),
    Code.QD742: ("additive", "a matrix or grid row was added"),
    Code.QD743: ("additive", "a scale column or grid column was added"),
    Code.QD744: ("additive", "a text-list field was added"),
    Code.QD745: ("additive", "a follow-up input was added"),
    Code.QD746: ("additive", "the allowed answers were widened (range, length, format, choices)"),
    Code.QD747: ("additive", "a translation was added"),
    Code.QD757: ("additive", "a hidden variable was added"),
    Code.QD764: ("additive", "a rule or pattern was removed"),
    Code.QD775: ("additive", "a scale of a dual-scale matrix was added"),
    # wording
    Code.QD750: (
        "wording",
        "a text changed in case, spacing, punctuation, quotes or dashes only, or a title "
        "or introduction changed",
    ),
    Code.QD751: ("wording", "presentation changed (widget, lines, display number)"),
    Code.QD752: ("wording", "the order of questions, options, rows or columns changed"),
    Code.QD753: ("wording", "a display text was removed"),
    Code.QD754: ("wording", "a goto or when was rewritten; the routing is the same"),
    Code.QD755: ("wording", "the instrument's version string changed"),
    Code.QD765: ("wording", "the message of a rule or pattern changed"),
    Code.QD769: ("wording", "the label of a hidden variable or computed value changed"),
    Code.QD773: ("wording", "random order was switched on or off, or an anchor changed"),
    Code.QD777: (
        "wording",
        "a translation is outdated: its source text changed, the translation did not",
    ),
}

#: Codes of things that are in the old version only: located at the nearest place in
#: the new version, listed after everything else, with their old position.
REMOVED = frozenset(
    {
        Code.QD701,
        Code.QD713,
        Code.QD703,
        Code.QD704,
        Code.QD705,
        Code.QD706,
        Code.QD707,
        Code.QD753,
        Code.QD756,
        Code.QD774,
    }
)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions of an instrument, and what it means for data.

    ``path`` is the key path in the new version (for a removed thing: the nearest
    place that still exists, e.g. the question's ``options``); ``old_path`` the key
    path in the old version. ``location`` and ``old_location`` are those paths as
    file:line:column, when the versions were read from files.
    """

    code: str
    message: str
    question: str | None = None
    """The id of the question (or follow-up's question) concerned; None for the
    instrument or a section."""
    item: str | None = None
    """The code of the option, row, column or field, the id of the follow-up, or the id
    of the hidden variable."""
    old: Any = None
    """The old value (JSON-compatible), if there is one to show."""
    new: Any = None
    path: KeyPath | None = None
    old_path: KeyPath | None = None
    at_key: bool = False
    """Locate ``path`` at its key rather than its value (``options:`` for a removed option)."""
    location: Span | None = None
    old_location: Span | None = None
    accepted: Span | None = None
    """Where the acknowledgement that accepts this change is (``.qdef-accept.yaml``);
    an accepted change does not count for ``--fail-on``."""

    @property
    def kind(self) -> Kind:
        return CODES[self.code][0]

    @property
    def removed(self) -> bool:
        """Whether the thing reported exists in the old version only."""
        return self.code in REMOVED

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON-compatible data (the ``--format json`` entries)."""
        here, there = self.location, self.old_location
        return {
            "kind": self.kind,
            "code": self.code,
            "question": self.question,
            "item": self.item,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "file": str(here.file) if here else None,
            "line": here.line if here else None,
            "column": here.column if here else None,
            "old_file": str(there.file) if there else None,
            "old_line": there.line if there else None,
            "old_column": there.column if there else None,
            "accepted": str(self.accepted) if self.accepted else None,
        }


__all__ = ["CODES", "KINDS", "REMOVED", "Change", "Kind", "rank"]
