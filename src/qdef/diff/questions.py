"""Comparing the instrument, its sections and its questions, type by type.

Sections and questions are matched by ``id`` (the lists inside a question in
:mod:`.lists`). A question that moved relative to the others is QD752; a
changed ``goto`` or ``when`` is recorded here and settled by :mod:`.routing`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from qdef.diagnostics import Code
from qdef.diff import features, inputs, repeats
from qdef.diff.lists import followups, items
from qdef.diff.record import At, Differ, show
from qdef.model import (
    CheckColumn,
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberColumn,
    NumberListQuestion,
    NumberQuestion,
    RankingQuestion,
    SingleChoice,
    TextColumn,
    TextListQuestion,
    TextQuestion,
)
from qdef.source.positions import KeyPath

Compare = Callable[[Differ, At, Any, Any], None]

# --------------------------------------------------------------------------- routing edits


def when(differ: Differ, at: At, old: str | None, new: str | None) -> None:
    """A changed ``when`` (QD733; QD754 if the routing turns out the same)."""
    before, after = differ.old.condition(at.old, old), differ.new.condition(at.new, new)
    if before == after:
        return
    says = f"shown when {after}" if after else "no longer has a condition"
    was = f"when {before}" if before else "no condition"
    differ.add(Code.QD733, at, f"{says} (was {was})", key="when", old=before, new=after)


def goto(differ: Differ, at: At, old: str | None, new: str | None) -> None:
    """A changed ``goto`` (QD732; QD754 if the routing turns out the same)."""
    if old == new:
        return
    says = f"now goes to {differ.new.name(new)}" if new else "no longer jumps"
    was = f"went to {differ.old.name(old)}" if old else "continued with the next question"
    differ.add(Code.QD732, at, f"{says} ({was})", key="goto", old=old, new=new)


# --------------------------------------------------------------------------- instrument


def instrument(differ: Differ) -> None:
    old, new = differ.old.instrument, differ.new.instrument
    top = At("the instrument", None, None, (), ())
    for key in ("id", "language"):
        before, after = getattr(old, key), getattr(new, key)
        if before != after:
            differ.add(
                Code.QD724,
                top,
                f"its {key} is now {show(after)} (was {show(before)}); data collected with "
                "the old version is filed under the old one: check that they are meant "
                "to be merged",
                key=key,
                old=before,
                new=after,
            )
    for lang in sorted(set(new.translations) - set(old.translations)):
        differ.add(
            Code.QD747,
            top,
            f"translation '{lang}' added; its texts are new, answers keep their codes",
            new_path=("translations", new.translations.index(lang)),
            old_path=("translations",) if old.translations else ("language",),
            new=lang,
        )
    for lang in sorted(set(old.translations) - set(new.translations)):
        differ.add(
            Code.QD725,
            top,
            f"translation '{lang}' removed; answers collected in '{lang}' can no longer "
            "be read against the instrument's texts: keep the translation, or archive "
            "its texts with the data",
            new_path=("translations",) if new.translations else ("language",),
            old_path=("translations", old.translations.index(lang)),
            old=lang,
        )
    if old.version != new.version:
        differ.add(
            Code.QD755,
            top,
            f"version is now {show(new.version)} (was {show(old.version)})",
            new_path=("version",) if new.version is not None else ("id",),
            old_path=("version",) if old.version is not None else ("id",),
            old=old.version,
            new=new.version,
        )
    differ.texts(top, "title", old.title, new.title, noun="title", meaning=False)
    differ.texts(top, "intro", old.intro, new.intro, noun="introduction", meaning=False)
    olds = {s.id: (i, s) for i, s in enumerate(old.sections)}
    for j, section in enumerate(new.sections):
        if section.id not in olds:
            continue
        i, before = olds[section.id]
        at = At(f"section '{section.id}'", None, None, ("sections", i), ("sections", j))
        differ.texts(at, "title", before.title, section.title, noun="title", meaning=False)
        differ.texts(at, "intro", before.intro, section.intro, noun="introduction", meaning=False)
        when(differ, at, before.when, section.when)
        repeats.section(differ, at, before, section)


# --------------------------------------------------------------------------- questions


def questions(differ: Differ) -> None:
    old, new = differ.old, differ.new
    for qid, entry in new.entries.items():
        if qid in old.entries:
            # a question that became a display text is named as the question it was
            name = old.name(qid) if isinstance(entry.question, Display) else new.name(qid)
            at = At(name, qid, None, old.path(qid), entry.path)
            if repeats.roster_moved(differ, at, old.entries[qid].roster, entry.roster):
                continue
            question(differ, at, old.question(qid), entry.question)
            continue
        at = At(new.name(qid), qid, None, None, entry.path)
        if isinstance(entry.question, Display):
            says = "added"
        else:
            says = f"added ({entry.question.noun}); no data from the old version for it"
        differ.add(Code.QD740, at, says, key="id", new=qid)
    _order(differ)
    removed = [qid for qid in old.entries if qid not in new.entries]
    for qid in removed:
        _removed_question(differ, qid)


def _removed_question(differ: Differ, qid: str) -> None:
    old, new = differ.old, differ.new
    sequence = list(old.entries)
    here = sequence.index(qid)
    after = [q for q in sequence[here + 1 :] if q in new.entries]
    before = [q for q in sequence[:here] if q in new.entries]
    nearest = after[0] if after else before[-1] if before else None
    place: KeyPath = (*new.path(nearest), "id") if nearest else ("sections",)
    at = At(old.name(qid), qid, None, old.path(qid), place)
    question_ = old.question(qid)
    if isinstance(question_, Display):
        differ.add(
            Code.QD753,
            at,
            "removed; it had no answers",
            key="id",
            new_path=place,
            at_key=nearest is None,
            old=qid,
        )
        return
    differ.add(
        Code.QD701,
        at,
        f"removed ({question_.noun}); data already collected for '{qid}' has no "
        "counterpart in the new version. Keep the question, or archive its data",
        key="id",
        new_path=place,
        at_key=nearest is None,
        old=qid,
    )


def _order(differ: Differ) -> None:
    """Questions that moved relative to the others (QD752)."""
    old_ids = [q for q in differ.old.entries if q in differ.new.entries]
    new_ids = [q for q in differ.new.entries if q in differ.old.entries]
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    kept = {new_ids[b.b + k] for b in matcher.get_matching_blocks() for k in range(b.size)}
    for qid in new_ids:
        if qid not in kept:
            at = At(differ.new.name(qid), qid, None, differ.old.path(qid), differ.new.path(qid))
            differ.add(
                Code.QD752,
                at,
                "moved to another place in the sequence; the questions before it set its "
                "context, so answers may shift",
                key="id",
            )


def question(differ: Differ, at: At, old: Any, new: Any) -> None:
    when(differ, at, old.when, new.when)
    goto(differ, at, getattr(old, "goto", None), getattr(new, "goto", None))
    if old.type != new.type:
        _type_changed(differ, at, old, new)
        return
    if isinstance(new, Computed):
        features.computed(differ, at, old, new)
        return
    display = isinstance(new, Display)
    differ.texts(at, "text", old.text, new.text, noun="text", meaning=not display)
    differ.texts(at, "help", old.help, new.help, noun="help text", meaning=not display)
    if display:
        return
    differ.texts(at, "hint", old.hint, new.hint, noun="hint")
    repeats.anchor(differ, at, old, new)
    if hasattr(new, "order"):
        kind = "rows" if hasattr(new, "rows") else "options"
        repeats.order(differ, at, old.order, new.order, noun=kind)
    if old.number != new.number:
        differ.add(
            Code.QD751,
            at,
            f"display number is now {show(new.number)} (was {show(old.number)})",
            key="number",
            old=old.number,
            new=new.number,
        )
    differ.flag(
        Code.QD721,
        at,
        "required",
        (old.required, new.required),
        says="missing answers are now "
        + ("refused" if new.required else "allowed")
        + ": compare its distribution across versions with care",
    )
    differ.flag(
        Code.QD722,
        at,
        "personal",
        (old.personal, new.personal),
        says="the answers' handling as personal data changes: check consent, storage and "
        "deletion of the answers already collected",
    )
    KINDS[type(new)](differ, at, old, new)
    features.question(differ, at, old, new)


def _type_changed(differ: Differ, at: At, old: Any, new: Any) -> None:
    if isinstance(old, Display):
        differ.add(
            Code.QD740,
            at,
            f"now {new.noun} (was a display text); it collects answers from now on",
            key="type",
            old=old.type,
            new=new.type,
        )
        return
    if isinstance(new, Display):
        consequence = (
            f"it no longer collects answers, so data already collected for '{old.id}' has "
            "no counterpart in the new version. Keep the question, or archive its data"
        )
    else:
        consequence = (
            "data already collected has another shape and cannot be merged as is. Keep "
            "the type, or give the new question a new id"
        )
    differ.add(
        Code.QD702,
        at,
        f"now {new.noun} (was {old.noun}); {consequence}",
        key="type",
        old=old.type,
        new=new.type,
    )


# --------------------------------------------------------------------------- types


def _single(differ: Differ, at: At, old: SingleChoice, new: SingleChoice) -> None:
    repeats.widget(differ, at, old, new)
    items(differ, at, "options", old.options, new.options, noun="option", compare=_single_option)


def _single_option(differ: Differ, at: At, old: Any, new: Any) -> None:
    _option(differ, at, old, new)
    goto(differ, at, old.goto, new.goto)


def _option(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    features.condition(differ, at, old.when, new.when)
    repeats.anchor(differ, at, old, new)
    followups(differ, at, "specify", old.specify or [], new.specify or [])


def _multiple(differ: Differ, at: At, old: MultipleChoice, new: MultipleChoice) -> None:
    items(differ, at, "options", old.options, new.options, noun="option", compare=_multiple_option)
    choices = "number of choices"
    inputs.bound(
        differ,
        at,
        "min_choices",
        old.min_choices or 0,
        new.min_choices or 0,
        lower=True,
        noun=choices,
    )
    inputs.bound(
        differ, at, "max_choices", old.max_choices, new.max_choices, lower=False, noun=choices
    )


def _multiple_option(differ: Differ, at: At, old: Any, new: Any) -> None:
    _option(differ, at, old, new)
    differ.flag(
        Code.QD723,
        at,
        "exclusive",
        (old.exclusive, new.exclusive),
        says="the combinations of answers allowed change: answers already collected may "
        "combine it with other options",
    )


def _daterange(differ: Differ, at: At, old: DateRangeQuestion, new: DateRangeQuestion) -> None:
    inputs.dates(differ, at, old, new)
    differ.texts(at, "from_label", old.from_label, new.from_label, noun="'from' label")
    differ.texts(at, "to_label", old.to_label, new.to_label, noun="'to' label")


def _textlist(differ: Differ, at: At, old: TextListQuestion, new: TextListQuestion) -> None:
    items(differ, at, "fields", old.fields, new.fields, noun="field", compare=_field)


def _field(differ: Differ, at: At, old: Any, new: Any) -> None:
    inputs.text(differ, at, old, new)
    differ.flag(
        Code.QD722,
        at,
        "personal",
        (old.personal, new.personal),
        says="the answers' handling as personal data changes: check consent, storage and "
        "deletion of the answers already collected",
    )


def _matrix(differ: Differ, at: At, old: MatrixQuestion, new: MatrixQuestion) -> None:
    items(differ, at, "scale", old.scale, new.scale, noun="column", compare=_heading)
    items(differ, at, "rows", old.rows, new.rows, noun="row", compare=_row)


def _grid(differ: Differ, at: At, old: GridQuestion, new: GridQuestion) -> None:
    items(differ, at, "columns", old.columns, new.columns, noun="column", compare=_grid_column)
    items(differ, at, "rows", old.rows, new.rows, noun="row", compare=_row)


def _heading(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    differ.texts(at, "description", old.description, new.description, noun="description")


def _grid_column(differ: Differ, at: At, old: Any, new: Any) -> None:
    if old.input != new.input:
        differ.add(
            Code.QD708,
            at,
            f"its cells now take input '{new.input}' (was '{old.input}'); data already "
            "collected in this column has another type",
            key="input",
            old=old.input,
            new=new.input,
        )
        return
    _heading(differ, at, old, new)
    if isinstance(new, TextColumn):
        inputs.text(differ, at, old, new)
    elif isinstance(new, NumberColumn):
        inputs.number(differ, at, old, new)
    elif isinstance(new, CheckColumn):
        differ.flag(
            Code.QD723,
            at,
            "exclusive",
            (old.exclusive, new.exclusive),
            says="the combinations of answers allowed in a row change",
        )


def _row(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    features.condition(differ, at, old.when, new.when)
    repeats.anchor(differ, at, old, new)
    before = [old.specify] if old.specify else []
    after = [new.specify] if new.specify else []
    followups(differ, at, "specify", before, after, single=True)


def _number(differ: Differ, at: At, old: NumberQuestion, new: NumberQuestion) -> None:
    inputs.number(differ, at, old, new)
    repeats.widget(differ, at, old, new)
    repeats.step(differ, at, old, new)


def _ranking(differ: Differ, at: At, old: RankingQuestion, new: RankingQuestion) -> None:
    items(differ, at, "options", old.options, new.options, noun="item", compare=_ranked)
    inputs.bound(
        differ,
        at,
        "top",
        old.top or len(old.options),
        new.top or len(new.options),
        lower=False,
        noun="number of ranks",
    )


def _ranked(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    features.condition(differ, at, old.when, new.when)
    repeats.anchor(differ, at, old, new)


def _numbers(differ: Differ, at: At, old: NumberListQuestion, new: NumberListQuestion) -> None:
    items(differ, at, "fields", old.fields, new.fields, noun="field", compare=_number_field)
    repeats.total(differ, at, old, new)


def _number_field(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    inputs.number(differ, at, old, new)


def _dualmatrix(differ: Differ, at: At, old: DualMatrixQuestion, new: DualMatrixQuestion) -> None:
    items(differ, at, "scales", old.scales, new.scales, noun="scale", compare=_scale)
    items(differ, at, "rows", old.rows, new.rows, noun="row", compare=_row)


def _scale(differ: Differ, at: At, old: Any, new: Any) -> None:
    differ.texts(at, "label", old.label, new.label, noun="label")
    items(differ, at, "columns", old.columns, new.columns, noun="column", compare=_heading)


KINDS: dict[type, Compare] = {
    SingleChoice: _single,
    MultipleChoice: _multiple,
    TextQuestion: inputs.text,
    NumberQuestion: _number,
    DateQuestion: inputs.date,
    DateRangeQuestion: _daterange,
    TextListQuestion: _textlist,
    MatrixQuestion: _matrix,
    GridQuestion: _grid,
    RankingQuestion: _ranking,
    NumberListQuestion: _numbers,
    DualMatrixQuestion: _dualmatrix,
}

__all__ = ["instrument", "question", "questions"]
