"""The two versions being compared, where things are in them, and the list of changes.

:class:`Differ` holds both sides and collects :class:`Change` records; the
comparisons (:mod:`.questions`, :mod:`.inputs`, :mod:`.features`, :mod:`.routing`) add
to it.
An :class:`At` is "the thing being compared": how messages name it, its
question and item, and its key path in each version.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qdef.diagnostics import Code
from qdef.diff.changes import Change
from qdef.diff.wording import BEYOND_WORDING, SAYS, Reading, read, worst
from qdef.expr import parse, to_source
from qdef.model import END, Display, Question
from qdef.model.symbols import QuestionEntry
from qdef.model.texts import recorded_source, source_hash
from qdef.pipeline.compiled import Compiled
from qdef.source.loader import Document
from qdef.source.positions import KeyPath
from qdef.validation.translations import at_path

if TYPE_CHECKING:
    from qdef.expr.template import Template


class Side:
    """One version: the compiled instrument, its document (for positions; None for none)
    and its questions."""

    def __init__(self, compiled: Compiled, document: Document | None) -> None:
        self.compiled = compiled
        self.instrument = compiled.instrument
        self.document = document
        self.numbers = compiled.numbers
        self.entries: dict[str, QuestionEntry] = {
            e.question.id: e for e in compiled.symbols.entries
        }

    def condition(self, owner: KeyPath | None, source: str | None) -> str | None:
        """The ``when`` of the section or question at ``owner`` (its text ``source``),
        printed as qdef prints conditions; None for none."""
        if source is None:
            return None
        expr = None if owner is None else self.compiled.condition((*owner, "when"))
        return to_source(parse(source) if expr is None else expr)

    @functools.cached_property
    def templates(self) -> list[tuple[KeyPath, Template]]:
        """Every piped text (with ``{…}`` pieces) and its key path, found once."""
        return list(self.compiled.texts_with_pieces())

    def question(self, qid: str) -> Question:
        return self.entries[qid].question

    def name(self, qid: str) -> str:
        """How messages name a question: ``question 18 'fortsetzung_geplant'``."""
        if qid == END:
            return "the end"
        entry = self.entries.get(qid)
        if entry is not None and isinstance(entry.question, Display):
            return f"display text '{qid}'"
        number = self.numbers.get(qid)
        return f"question {number} '{qid}'" if number else f"question '{qid}'"

    def path(self, qid: str) -> KeyPath:
        return self.entries[qid].path

    def text(self, value: str | dict[str, str] | None) -> str | None:
        """A text in the instrument's language (for messages and for matching labels)."""
        if value is None or isinstance(value, str):
            return value
        return value.get(self.instrument.language) or next(iter(value.values()))


@dataclass(frozen=True, slots=True)
class At:
    """The thing being compared, and where it is in the old and the new version."""

    where: str
    """How messages name it: ``question 8 'wochenstunden'``, ``…, option 'ja'``."""
    question: str | None
    item: str | None
    old: KeyPath | None
    """None: the thing is not in the old version."""
    new: KeyPath

    @property
    def was(self) -> KeyPath:
        """The key path in the old version (the root if there is none)."""
        return self.old or ()

    def child(self, where: str, item: str | None, old: KeyPath, new: KeyPath) -> At:
        return At(f"{self.where}, {where}", self.question, item, old, new)


def show(value: Any) -> str:
    """A value as messages print it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


class Differ:
    """Collects the changes between ``old`` and ``new``."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def add(
        self,
        code: str,
        at: At,
        message: str,
        *,
        key: str | None = None,
        old: Any = None,
        new: Any = None,
        new_path: KeyPath | None = None,
        old_path: KeyPath | None = None,
        at_key: bool = False,
    ) -> Change:
        """Record a change of ``at`` (of its field ``key``, if given). A change of the
        whole instrument (``at.where`` empty) has no old position."""
        path = new_path if new_path is not None else (*at.new, key) if key else at.new
        if old_path is None and at.where and at.old is not None:
            old_path = (*at.old, key) if key else at.old
        change = Change(
            code,
            f"{at.where}: {message}" if at.where else message,
            at.question,
            at.item,
            old,
            new,
            path,
            old_path,
            at_key,
        )
        self.changes.append(change)
        return change

    # ------------------------------------------------------------------ texts

    def texts(
        self,
        at: At,
        key: str,
        old: str | dict[str, str] | None,
        new: str | dict[str, str] | None,
        *,
        noun: str,
        meaning: bool = True,
    ) -> Reading | None:
        """Compare a text field; QD720 when it changed beyond wording (and ``meaning``,
        i.e. it defines what an answer means), else QD750. Returns the worst reading."""
        if old == new:
            return None
        self.outdated(at, key, old, new, noun=noun)
        if old is None or new is None:
            what = f"added: '{self.new.text(new)}'" if old is None else "removed"
            if meaning:
                what += (
                    f" (was '{self.old.text(old)}')" if new is None else ""
                ) + "; it says what the answers mean: check that they still ask the same"
            self.add(
                Code.QD720 if meaning else Code.QD750,
                at,
                f"the {noun} was {what}",
                key=key,
                old=old,
                new=new,
            )
            return "words"
        if isinstance(old, str) and isinstance(new, str):
            olds, news = {"": old}, {"": new}
        else:  # a plain text is in its version's language; translations added or dropped
            olds = {self.old.instrument.language: old} if isinstance(old, str) else old
            news = {self.new.instrument.language: new} if isinstance(new, str) else new
        common = sorted(olds.keys() & news.keys())
        readings = [
            reading for lang in common if (reading := read(olds[lang], news[lang])) is not None
        ]
        reading = worst(readings)
        shown_old, shown_new = self.old.text(old), self.new.text(new)
        if reading is None:  # the same where both have it: only the languages differ
            self.add(
                Code.QD750,
                at,
                f"the {noun} is now given in {', '.join(sorted(news))} (was "
                f"{', '.join(sorted(olds))})"
                + ("; it is the same in the languages both versions have" if common else ""),
                key=key,
                old=old,
                new=new,
            )
            return "cosmetic"
        beyond = meaning and reading in BEYOND_WORDING
        if beyond:
            renamed = "give it a new code" if at.item is not None else "give it a new id"
            consequence = (
                f"'{shown_new}' (was '{shown_old}'); answers already collected may "
                "mean something else: check that the old and new wording ask the same, "
                f"or {renamed}"
            )
        else:
            consequence = f"'{shown_new}' (was '{shown_old}')"
        self.add(
            Code.QD720 if beyond else Code.QD750,
            at,
            f"the {noun} {SAYS[reading]}: {consequence}",
            key=key,
            old=old,
            new=new,
        )
        return reading

    def outdated(
        self,
        at: At,
        key: str,
        old: str | dict[str, str] | None,
        new: str | dict[str, str] | None,
        *,
        noun: str,
    ) -> None:
        """QD777 for each translation the new version kept although its source text
        changed — unless it records the new source text's hash (a translator checked
        it: ``qdef translate merge`` of an entry no longer fuzzy)."""
        source = self.new.instrument.language
        if (
            not isinstance(old, dict)
            or not isinstance(new, dict)
            or self.old.instrument.language != source
            or source not in old
            or source not in new
            or old[source] == new[source]
        ):
            return
        now = source_hash(new[source])
        written = (
            at_path(self.new.document.data, (*at.new, key))
            if self.new.document is not None
            else None
        )
        for lang, translation in new.items():
            if lang == source or old.get(lang) != translation:
                continue
            if isinstance(written, dict) and recorded_source(written.get(lang)) == now:
                continue
            self.add(
                Code.QD777,
                at,
                f"the {lang} translation of the {noun} stayed '{translation}' while the "
                f"{source} text changed to '{new[source]}' (was '{old[source]}'); translate "
                f"it again (qdef translate extract --lang {lang} marks it fuzzy)",
                new_path=(*at.new, key, lang),
                old_path=(*at.old, key, lang) if at.old is not None else None,
                old=old[source],
                new=new[source],
            )

    def flag(self, code: str, at: At, key: str, values: tuple[bool, bool], *, says: str) -> None:
        """Compare a yes/no field: ``values`` are its old and new value."""
        old, new = values
        if old != new:
            self.add(
                code,
                at,
                f"{key} is now {show(new)} (was {show(old)}); {says}",
                key=key,
                old=old,
                new=new,
            )

    def resolve(self) -> list[Change]:
        """The changes with their positions, in document order of the new version, then
        the removed things in document order of the old version."""
        located: list[tuple[tuple[int, int, int, int], Change]] = []
        for seq, found in enumerate(self.changes):
            location = old_location = None
            if self.new.document is not None and found.path is not None:
                location = self.new.document.locate(found.path, key=found.at_key)
            if self.old.document is not None and found.old_path is not None:
                old_location = self.old.document.locate(found.old_path)
            change = dataclasses.replace(found, location=location, old_location=old_location)
            anchor = old_location if change.removed else location
            line, column = (anchor.line, anchor.column) if anchor else (0, 0)
            located.append(((int(change.removed), line, column, seq), change))
        located.sort(key=lambda pair: pair[0])
        return [change for _, change in located]


__all__ = ["At", "Differ", "Side", "show"]
