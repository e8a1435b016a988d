"""Rosters unrolled for LimeSurvey, which has no loops (docs/limesurvey.md, "Rosters").

A roster section becomes one group per slot of the roster
(:attr:`qdef.routing.plan.Roster.slots`: a text list's fields, or the numbers 1 …
``max``), in slot order, each holding one copy of its questions (its name and intro
piping its own item). A copy's codes are its question's with ``x<n>`` at
the end (``age`` → ``agex1``, ``agex2``); a copy is relevant when its iteration
exists (the field is answered, the number reaches ``n``) and the question's own
reaching condition holds on that copy's answers (the roster's variables renamed to
the copy's, the item replaced by the field's answer or the iteration's number). An
aggregate after the roster adds one term per copy
(:meth:`~qdef.renderers.limesurvey.values.ValueCompiler.within`). The mapping lists
the copies of each roster in slot order (``rosters``), the key that reads
LimeSurvey's columns back into records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError
from qdef.expr import Answered, Compare, Expr, Has, Literal, Ref
from qdef.model import (
    Computed,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    Question,
    Section,
    SingleChoice,
)
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.kinds import KindLowering
from qdef.renderers.limesurvey.piping import Piping
from qdef.renderers.limesurvey.survey import LsGroup, LsQuestion
from qdef.renderers.limesurvey.values import Copy, ValueCompiler
from qdef.routing import Roster

#: The most LimeSurvey questions one roster may unroll to (a stated limit: beyond it
#: the survey grows unwieldy in LimeSurvey's editor and response table).
MAX_UNROLLED = 1000


class RosterLowering(KindLowering):
    """The rosters of a lowering, unrolled."""

    rosters: dict[str, Roster]
    unrolled: dict[str, list[tuple[Expr, dict[str, Slot], tuple[str, Expr] | None]]]
    """Each roster's copies: (when it exists, its variables' slots, a constant item)."""
    raw: dict[str, Slot]
    question: Callable[[Question], list[LsQuestion]]
    """A question lowered (the whole lowering's method, lowering.py)."""

    def group_relevance(
        self,
        compiler: ValueCompiler,
        sections: list[Expr | None],
        labels: dict[str, Any],
        resolve: Callable[[Expr], Expr] | None,
    ) -> None:
        """Each group's relevance, its section's condition; a roster's copy's piping."""
        for group in self.groups:
            # the first group holds the hidden variables, which LimeSurvey would empty
            # with the group: its questions' relevance holds the section's condition
            when = sections[group.section]
            if when is not None and not (group is self.groups[0] and self.raw):
                group.relevance = compiler.compile(when)
            if group.copy is not None:  # a roster's copy: its name pipes its item
                roster, k = group.copy
                inner = compiler.within(compiler.copies[roster][k])
                group.piece = Piping(inner, labels, resolve).piece

    def in_copy(
        self,
        outer: ValueCompiler,
        items: list[LsQuestion],
        labels: dict[str, Any],
        resolve: Callable[[Expr], Expr] | None,
    ) -> tuple[ValueCompiler, str | None]:
        """The compiler for lowered ``items`` and, for a roster's copy, when its
        iteration exists (its texts then pipe its own item and answers)."""
        copy = items[0].copy if items else None
        if copy is None:
            return outer, None
        found = outer.copies[copy[0]][copy[1]]
        compiler = outer.within(found)
        for item in items:
            item.piece = Piping(compiler, labels, resolve).piece
        return compiler, found.exists

    def unroll(
        self,
        index: int,
        section: Section,
        group: LsGroup,
        lowered: list[tuple[LsGroup, Question, list[LsQuestion]]],
    ) -> None:
        """Every copy of the roster ``section`` into ``group`` (and ``lowered``)."""
        roster = self.rosters[section.id]
        for position, question in enumerate(section.questions):
            if isinstance(question, Computed):
                self.place = ("sections", index, "questions", position)
                self.refuse_roster(index, f"the computed value {question.id!r} in it is not")
        self.unrolled.setdefault(roster.id, [])
        for k, slot in enumerate(roster.slots):
            if k:  # one group per copy: its name and intro pipe its own item
                group = LsGroup(group.name, group.description, "1", section=index)
                self.groups.append(group)
            group.copy = (roster.id, k)
            before = set(self.slots)
            copy_items: list[LsQuestion] = []
            for position, question in enumerate(section.questions):
                self.place = ("sections", index, "questions", position)
                for source in _sources(question):
                    self.question_codes[source] = self.codes.make(source, suffix=f"x{k + 1}")
                items = self.question(question)
                group.questions.extend(items)
                copy_items.extend(items)
                lowered.append((group, question, items))
                for lowered_item in items:
                    lowered_item.copy = (roster.id, k)
            if len(copy_items) * roster.max > MAX_UNROLLED:
                self.refuse_roster(
                    index,
                    f"unrolled, it would be {len(copy_items) * roster.max} LimeSurvey "
                    f"questions, more than the {MAX_UNROLLED} this renderer writes for one",
                )
            own = {name: self.slots.pop(name) for name in set(self.slots) - before}
            item: tuple[str, Expr] | None = None
            if roster.kind == "textlist":
                assert isinstance(slot, str)
                own[roster.item] = self.slots[slot]
                exists: Expr = Answered(Ref(slot))
            elif roster.kind == "choices":  # the option's code (piped as its label)
                item = (roster.item, Literal(str(slot)))
                exists = Has(Ref(roster.source), Literal(str(slot)))
            else:
                item = (roster.item, Literal(k + 1))
                exists = Compare(">=", Ref(roster.source), Literal(k + 1))
            self.unrolled[roster.id].append((exists, own, item))

    def copies(self, compiler: ValueCompiler) -> dict[str, list[Copy]]:
        """Each roster's copies, their existence compiled."""
        return {
            roster: [Copy(compiler.compile(e), own, item) for e, own, item in found]
            for roster, found in self.unrolled.items()
        }

    def compiler_at(self, compiler: ValueCompiler, section: int) -> ValueCompiler:
        """The compiler for the expressions of ``section``: in a roster, its first
        copy's (every copy is compiled alike)."""
        found = self.instrument.sections[section]
        if found.repeat is None or found.id not in compiler.copies:
            return compiler
        return compiler.within(compiler.copies[found.id][0])

    def copy_slots(self, name: str) -> list[Slot]:
        """The slots of a roster variable ``name`` in every copy (none outside rosters)."""
        return [own[name] for found in self.unrolled.values() for _, own, _ in found if name in own]

    def roster_map(self) -> dict[str, Any]:
        """The copies of each roster for the mapping: per slot, its variables."""
        found: dict[str, Any] = {}
        for roster_id, copies in self.unrolled.items():
            roster = self.rosters[roster_id]
            found[roster_id] = {
                "item": roster.item,
                "source": roster.source,
                "kind": roster.kind,
                "copies": [
                    {
                        "slot": slot,
                        "variables": {
                            name: {"variable": s.name, "kind": s.kind, **_codes(s)}
                            for name, s in sorted(own.items())
                            if name != roster.item
                        },
                    }
                    for slot, (_, own, _) in zip(roster.slots, copies, strict=True)
                ],
            }
        return found

    def refuse_roster(self, index: int, why: str | None = None) -> NoReturn:
        """A roster the renderer does not unroll, at its ``repeat`` (or the place)."""
        section = self.instrument.sections[index]
        raise LocatedRenderError(
            Code.QD808,
            f"the section {section.id!r} is repeated (a roster); LimeSurvey has no loops, "
            f"and the limesurvey renderer unrolls a roster into copies of its questions, "
            f"but {why}; leave it out of the instrument you render for LimeSurvey",
            f"the roster {section.id!r}",
            self.place if len(self.place) > 2 else ("sections", index, "repeat"),
        )


def _sources(question: Question) -> list[str]:
    """The ids of ``question`` that become question codes: it and its follow-ups."""
    found = [question.id]
    entries: list[Any] = []
    match question:
        case SingleChoice() | MultipleChoice():
            entries = list(question.options)
        case MatrixQuestion() | GridQuestion() | DualMatrixQuestion():
            entries = list(question.rows)
    for entry in entries:
        specify = getattr(entry, "specify", None)
        if isinstance(specify, list):
            found.extend(f.id for f in specify)
        elif specify is not None:
            found.append(specify.id)
    return found


def _codes(slot: Slot) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if slot.values:
        found["answers"] = dict(slot.values)
    if slot.options:
        key = "ranks" if slot.kind == "ranking" else "options"
        values = slot.options.values()
        found[key] = list(values) if slot.kind == "ranking" else dict(slot.options)
    return found
