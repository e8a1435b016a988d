"""What an import gives: the instrument as plain data, and every loss, located.

An importer (``qdef.importing.limesurvey``, ``qdef.importing.xlsform``) reads a
survey written in another tool and returns an :class:`ImportResult`: the
instrument as plain data (``dict``/``list``/``str``/``int``/``float``/``bool``,
keys in the order docs/format.md writes them), one :class:`Origin` per question of
the source (where it came from, and where it went in the instrument, if anywhere),
and one :class:`Loss` for everything that could not be carried over exactly.
Nothing is dropped without a loss: that is what makes ``qdef import`` exit 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

#: A key path into the written instrument: ``("sections", 0, "questions", 3)``.
KeyPath = tuple[str | int, ...]

LossKind = Literal["approximated", "left out"]


class ImportRefused(Exception):  # noqa: N818 (a refusal, not a fault of qdef's)
    """The input cannot be read at all (not a survey, broken, hostile, too large):
    ``qdef import`` prints the message and exits 2. The message names the file and,
    where it can, the place (XML line, sheet and cell), and says what to do."""


@dataclass(frozen=True, slots=True)
class Loss:
    """One thing of the source that the instrument does not carry exactly."""

    where: str
    """The place in the source, as its author finds it: ``question Q3 (qid 123)``,
    ``survey sheet, row 14, column relevant``."""
    kind: LossKind
    """``approximated``: carried over, but not exactly (the reason says how it
    differs); ``left out``: not carried over at all."""
    what: str
    """What is affected, in a few words: ``the validation equation``,
    ``the attribute 'hide_tip'``, ``the question (type 'geopoint')``."""
    why: str
    """Why, and what a migrating team can do about it: one sentence."""
    at: KeyPath = ()
    """Where the YAML comment goes: the key path of the nearest node of the written
    instrument (the question it belongs to, or its section; ``()``: the top)."""
    question: str | None = None
    """The source question this loss belongs to (its code/name as in
    :attr:`Origin.code`), or ``None`` for the survey as a whole."""

    def line(self) -> str:
        """The report line: ``where: kind: what: why``."""
        return f"{self.where}: {self.kind}: {self.what}: {self.why}"


@dataclass(frozen=True, slots=True)
class Origin:
    """One question of the source, and where it went."""

    code: str
    """Its code (LimeSurvey title, XLSForm name) as the source writes it."""
    where: str
    """As in :attr:`Loss.where`: ``question Q3 (qid 123)``, ``survey sheet, row 14``."""
    at: KeyPath | None
    """The key path of the question in the written instrument (``None``: left out)."""


QuestionStatus = Literal["faithful", "approximated", "left out"]


@dataclass(slots=True)
class ImportResult:
    """An imported survey: the instrument's plain data, its questions' origins, the
    losses, and comments that point back at the source."""

    source: str
    """The file read, as given."""
    kind: Literal["limesurvey", "xlsform"]
    document: dict[str, Any]
    origins: list[Origin] = field(default_factory=list)
    losses: list[Loss] = field(default_factory=list)
    notes: dict[KeyPath, list[str]] = field(default_factory=dict)
    """Comment lines pointing at the source, written before the node at the key
    path (``LimeSurvey Q3, qid 123``; ``survey row 14``)."""

    def note(self, at: KeyPath, text: str) -> None:
        self.notes.setdefault(at, []).append(text)

    def lose(
        self,
        where: str,
        kind: LossKind,
        what: str,
        why: str,
        *,
        at: KeyPath = (),
        question: str | None = None,
    ) -> None:
        self.losses.append(Loss(where, kind, what, why, at, question))

    @property
    def faithful(self) -> bool:
        return not self.losses

    def status(self, origin: Origin) -> QuestionStatus:
        return _status(origin, {loss.question for loss in self.losses})

    def counts(self) -> dict[QuestionStatus, int]:
        """Questions of the source: faithful / approximated / left out (one pass over
        the losses, not one per question)."""
        lossy = {loss.question for loss in self.losses}
        counts: dict[QuestionStatus, int] = {"faithful": 0, "approximated": 0, "left out": 0}
        for origin in self.origins:
            counts[_status(origin, lossy)] += 1
        return counts


def _status(origin: Origin, lossy: set[str | None]) -> QuestionStatus:
    """``origin``'s status, given the questions that have losses."""
    if origin.at is None:
        return "left out"
    return "approximated" if origin.code in lossy else "faithful"


def report_lines(result: ImportResult) -> Sequence[str]:
    """One located line per loss, prefixed with the file: ``FILE: where: kind: …``; a
    loss at one place of the source that touches several questions (a choice list's
    row, used by each) is one line (its comment stands at each question)."""
    return list(dict.fromkeys(f"{result.source}: {loss.line()}" for loss in result.losses))
