"""The semantic checks of rankings, number lists, dual-scale matrices, widgets, random
order and rosters (QD315–QD329; docs/format.md).

They run after the expressions were parsed (:mod:`qdef.validation.checks` calls
:func:`check_structure` last but one), so the random-order checks read the parsed
trees of every condition, computed value and piped text instead of parsing again.
Each check looks at every entry once (the references of a random section's entries:
once per reference), so validation stays linear in the instrument's size.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from qdef.diagnostics import Code, Severity, Span
from qdef.expr import Expr
from qdef.expr.nodes import variables_used
from qdef.expr.template import Template
from qdef.model import (
    END,
    DualMatrixQuestion,
    GridQuestion,
    HiddenNumber,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    NumberQuestion,
    RankingQuestion,
    Section,
    SingleChoice,
    TextListQuestion,
)
from qdef.model.symbols import QuestionEntry, Symbols, Variable
from qdef.source.positions import KeyPath
from qdef.validation.partial import Broken

#: The questions whose options, items or rows may be shown in random order.
ORDERED = (
    SingleChoice,
    MultipleChoice,
    RankingQuestion,
    MatrixQuestion,
    GridQuestion,
    DualMatrixQuestion,
)

#: The tolerance of the step grid, relative to the step (docs/format.md, "Widgets").
STEP_TOLERANCE = 1e-9


class _Locator(Protocol):
    def locate(self, path: KeyPath, *, key: bool = False) -> Span: ...


class Checker(Protocol):
    """What these checks need of the semantic checker (:mod:`qdef.validation.checks`)."""

    @property
    def instrument(self) -> Instrument: ...
    @property
    def symbols(self) -> Symbols: ...
    @property
    def broken(self) -> Broken: ...
    @property
    def locator(self) -> _Locator: ...
    @property
    def conditions(self) -> dict[KeyPath, Expr]: ...
    @property
    def templates(self) -> dict[KeyPath, Template]: ...

    def report(
        self,
        code: Code,
        message: str,
        path: KeyPath,
        *,
        key: bool = False,
        severity: Severity = "error",
    ) -> None: ...


def check_structure(checker: Checker) -> None:
    """Report every problem of issue 19's elements in the instrument."""
    entries = checker.symbols.entries
    sections = checker.instrument.sections
    spans = _spans(checker)
    for entry in entries:
        _question(checker, entry)
    random: set[int] = set()
    for s, section in enumerate(sections):
        _section_anchors(checker, section, s)
        if section.repeat is not None:
            _roster(checker, section, s, spans[s])
        elif section.order == "random":
            random.add(s)
    if random:
        _random_references(checker, spans, random)
    _gotos_across(checker, spans, random)


def _spans(c: Checker) -> list[range]:
    """The sequence positions of each section's entries (one pass over the entries)."""
    starts = [-1] * len(c.instrument.sections)
    for entry in c.symbols.entries:
        if starts[entry.section_index] < 0:
            starts[entry.section_index] = entry.position
    ends = len(c.symbols.entries)
    return [
        range(start, start + len(section.questions)) if start >= 0 else range(ends, ends)
        for start, section in zip(starts, c.instrument.sections, strict=True)
    ]


# ----------------------------------------------------------------- inside one question


def _question(c: Checker, entry: QuestionEntry) -> None:
    question, path = entry.question, entry.path
    if isinstance(question, RankingQuestion):
        codes = [o.code for o in question.options]
        _unique(c, codes, (*path, "options"), Code.QD301, "item code")
        if question.top is not None and question.top > len(codes):
            c.report(
                Code.QD315,
                f"top is {question.top}, but there are only {len(codes)} items to rank; "
                f"lower it to at most {len(codes)}, or leave it out to rank all items",
                (*path, "top"),
            )
    elif isinstance(question, NumberListQuestion):
        _unique(c, [f.code for f in question.fields], (*path, "fields"), Code.QD304, "field code")
        if question.total is not None:
            _total(c, question, path)
    elif isinstance(question, DualMatrixQuestion):
        _unique(c, [r.code for r in question.rows], (*path, "rows"), Code.QD302, "row code")
        _unique(c, [s.code for s in question.scales], (*path, "scales"), Code.QD303, "scale code")
        for i, scale in enumerate(question.scales):
            codes = [col.code for col in scale.columns]
            _unique(c, codes, (*path, "scales", i, "columns"), Code.QD303, "column code")
    elif isinstance(question, NumberQuestion):
        _number_widget(c, question, path)
    if isinstance(question, ORDERED) and question.order == "written":
        _item_anchors(c, question, path)


def _unique(c: Checker, codes: list[str], path: KeyPath, code: Code, what: str) -> None:
    first: dict[str, int] = {}
    for i, value in enumerate(codes):
        if value in first:
            line = c.locator.locate((*path, first[value], "code")).line
            c.report(
                code,
                f"the {what} '{value}' is already used in this question (line {line}); "
                "codes are stored in data and must be unique: rename one",
                (*path, i, "code"),
            )
        else:
            first[value] = i


def _total(c: Checker, question: NumberListQuestion, path: KeyPath) -> None:
    total = question.total
    assert total is not None
    tpath = (*path, "total")
    given = [name for name in ("equals", "at_most") if getattr(total, name) is not None]
    if len(given) != 1:
        which = "neither" if not given else "both"
        c.report(
            Code.QD316,
            f"this total gives {which} of equals and at_most; give exactly one (equals: "
            "the answered fields must add up to it, at_most: their sum may not exceed it)",
            tpath,
        )
        return
    mins = [f.min for f in question.fields]
    maxes = [f.max for f in question.fields]
    low = math.fsum(m for m in mins if m is not None) if None not in mins else -math.inf
    high = math.fsum(m for m in maxes if m is not None) if None not in maxes else math.inf
    if total.equals is not None:
        value = total.equals
        if low > value or value > high:
            c.report(
                Code.QD317,
                f"the fields cannot add up to {_number(value)}: answered within their bounds "
                f"they add up to between {_number(low)} and {_number(high)}; correct the "
                "total or the fields' min and max",
                (*tpath, "equals"),
            )
        elif all(f.kind == "integer" for f in question.fields) and not float(value).is_integer():
            c.report(
                Code.QD317,
                f"the fields are integers, so they cannot add up to {_number(value)}; use a "
                "whole number, or kind: decimal for the fields",
                (*tpath, "equals"),
            )
    elif total.at_most is not None and total.at_most < low:
        c.report(
            Code.QD317,
            f"the sum can never be at most {_number(total.at_most)}: the fields' minimums "
            f"alone add up to {_number(low)}; raise at_most or lower the fields' min",
            (*tpath, "at_most"),
        )


def _number(value: float) -> str:
    if math.isinf(value):
        return "no limit" if value > 0 else "no lower limit"
    return str(int(value)) if float(value).is_integer() else str(value)


def _number_widget(c: Checker, question: NumberQuestion, path: KeyPath) -> None:
    slider = question.widget == "slider"
    if slider:
        missing = [name for name in ("min", "max") if getattr(question, name) is None]
        if missing:
            c.report(
                Code.QD318,
                f"a slider needs min and max, and this question has no {' and no '.join(missing)}"
                f"; give {' and '.join(missing)}, or use widget: input",
                (*path, "widget"),
            )
    step = question.step
    if step is None:
        if slider and question.kind == "decimal":
            c.report(
                Code.QD319,
                "a decimal slider needs a step (e.g. step: 0.5); give one, or use kind: "
                "integer (whose slider moves by 1)",
                (*path, "widget"),
            )
        return
    if question.kind == "integer" and not float(step).is_integer():
        c.report(
            Code.QD319,
            f"the step {step} is not a whole number, but answers are integers; use a whole "
            "step, or kind: decimal",
            (*path, "step"),
        )
        return
    base = question.min if question.min is not None else 0
    if question.max is not None and not on_grid(question.max, base, step):
        c.report(
            Code.QD320,
            f"max ({_number(question.max)}) is not {_grid(base, step)}, so no answer can "
            "reach it; correct max or step",
            (*path, "max"),
            severity="warning",
        )
    if question.default is not None and not on_grid(question.default, base, step):
        c.report(
            Code.QD310,
            f"the default {_number(question.default)} is not {_grid(base, step)}, so it is "
            "not a possible answer; correct it",
            (*path, "default"),
        )


def on_grid(value: float, base: float, step: float) -> bool:
    """Whether ``value`` is ``base`` plus a whole multiple of ``step`` (within a
    tolerance of 1e-9·step)."""
    ratio = (value - base) / step
    return abs(ratio - round(ratio)) <= STEP_TOLERANCE


def _grid(base: float, step: float) -> str:
    start = "min" if base else "0"
    return f"{start} plus a whole multiple of the step {_number(step)}"


def _item_anchors(c: Checker, question: Any, path: KeyPath) -> None:
    """QD321: an ``anchor`` on an option, item or row of a question in written order."""
    key = (
        "rows"
        if isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion)
        else "options"
    )
    for i, item in enumerate(getattr(question, key)):
        if item.anchor is not None:
            c.report(
                Code.QD321,
                f"anchor has no effect: '{question.id}' shows its {key} in the written order; "
                "add order: random to the question, or remove anchor",
                (*path, key, i, "anchor"),
                key=True,
                severity="warning",
            )


def _section_anchors(c: Checker, section: Section, s: int) -> None:
    """QD321: an ``anchor`` on a question or text of a section in written order."""
    if section.order == "random":
        return
    for q, question in enumerate(section.questions):
        if "anchor" in question.model_fields_set:  # a computed value has none
            c.report(
                Code.QD321,
                f"anchor has no effect: the section '{section.id}' shows its questions in "
                "the written order; add order: random to the section, or remove anchor",
                ("sections", s, "questions", q, "anchor"),
                key=True,
                severity="warning",
            )


# ----------------------------------------------------------------- random sections


def _random_references(c: Checker, spans: list[range], random: set[int]) -> None:
    """QD322: no entry of a section in random order uses the answer of another entry of
    the same section (so that any order shown decides as the written order does). One
    pass over the parsed conditions and texts, and over the random sections' filters."""
    variables = c.symbols.variables
    entries = c.symbols.entries

    def refer(entry: QuestionEntry, names: Iterable[str], path: KeyPath) -> None:
        span = spans[entry.section_index]
        for name in dict.fromkeys(names):
            variable = variables.get(name)
            if variable is None or variable.position not in span:
                continue  # defined elsewhere
            if variable.question == entry.question.id:
                continue  # the entry's own (a rule may use it)
            c.report(
                Code.QD322,
                f"'{name}' is answered in this section, whose questions are shown in random "
                "order (order: random): its entries may not use each other's answers (any "
                f"of them may be shown first); move '{variable.question}' to an earlier "
                "section, or remove order: random",
                path,
            )

    for table in (c.conditions, c.templates):
        for path, tree in table.items():
            if path[0] != "sections" or path[1] not in random or "questions" not in path[2:3]:
                continue  # not inside an entry of a random section
            s, q = path[1], path[3]
            assert isinstance(s, int) and isinstance(q, int)
            if isinstance(tree, Template):
                names = [
                    ref.name
                    for piece in tree.pieces
                    if not isinstance(piece, str)
                    for ref in variables_used(piece.expr)
                ]
            else:
                names = [ref.name for ref in variables_used(tree)]
            refer(entries[spans[s][q]], names, path)
    for s in random:
        for position in spans[s]:
            entry = entries[position]
            spec = getattr(entry.question, "filter", None)
            if spec is not None:
                key = "chosen_in" if spec.chosen_in else "not_chosen_in"
                source = getattr(spec, key)
                if source is not None:
                    refer(entry, (source,), (*entry.path, "filter", key))


def _gotos_across(c: Checker, spans: list[range], random: set[int]) -> None:
    """QD323 and QD329, in one pass over every goto: none in a random section, none into
    its middle; inside a roster only to a later entry of the same roster (never ``end``),
    into a roster only at its first entry."""
    entries = c.symbols.entries
    positions = c.symbols.positions
    sections = c.instrument.sections
    for entry in entries:
        s = entry.section_index
        for target, path in _gotos(entry):
            if s in random:
                c.report(
                    Code.QD323,
                    f"the section '{sections[s].id}' shows its questions in random order, so "
                    f"'{entry.question.id}' cannot route (goto '{target}'): the questions "
                    "after it differ from respondent to respondent; use 'when' conditions, "
                    "or remove order: random",
                    path,
                )
                continue
            at = positions.get(target)
            if entry.roster is not None and target == END:
                c.report(
                    Code.QD329,
                    f"'{entry.question.id}' is in the roster '{entry.roster}', where goto "
                    "cannot end the questionnaire (the other iterations would be lost); "
                    "route to a later entry of the roster, or use 'when' conditions",
                    path,
                )
            if at is None or at <= entry.position:
                continue  # the end, or reported by the goto checks (QD402, QD403)
            into = entries[at]
            span = spans[into.section_index]
            first = entries[span.start].question.id
            if into.section_index in random and at != span.start:
                c.report(
                    Code.QD323,
                    f"goto '{target}' jumps into the middle of the section "
                    f"'{sections[into.section_index].id}', whose questions are shown in "
                    f"random order; jump to its first entry, '{first}'",
                    path,
                )
            elif entry.roster is not None and into.roster != entry.roster:
                c.report(
                    Code.QD329,
                    f"goto '{target}' leaves the roster '{entry.roster}' from inside an "
                    "iteration; a goto in a roster may only skip to a later entry of the same "
                    "roster: use 'when' conditions after the roster instead",
                    path,
                )
            elif entry.roster is None and into.roster is not None and at != span.start:
                c.report(
                    Code.QD329,
                    f"goto '{target}' jumps into the middle of the roster '{into.roster}'; "
                    f"jump to its first entry, '{first}'",
                    path,
                )


def _gotos(entry: QuestionEntry) -> Iterator[tuple[str, KeyPath]]:
    """Every goto of an entry (its own, and its options'), with its key path."""
    question = entry.question
    goto = getattr(question, "goto", None)
    if goto is not None:
        yield goto, (*entry.path, "goto")
    if isinstance(question, SingleChoice):
        for i, option in enumerate(question.options):
            if option.goto is not None:
                yield option.goto, (*entry.path, "options", i, "goto")


# ----------------------------------------------------------------- rosters


def _roster(c: Checker, section: Section, s: int, span: range) -> None:
    repeat = section.repeat
    assert repeat is not None
    rpath: KeyPath = ("sections", s, "repeat")
    if section.order == "random":
        c.report(
            Code.QD324,
            f"the roster '{section.id}' cannot show its questions in random order: each "
            "iteration asks them in the written order; remove order: random",
            ("sections", s, "order"),
        )
    for entry in c.symbols.entries[span.start : span.stop]:
        if getattr(entry.question, "order", "written") == "random":
            c.report(
                Code.QD324,
                f"'{entry.question.id}' is in the roster '{section.id}', where nothing is "
                "shown in random order; remove order: random",
                (*entry.path, "order"),
            )
    given = [name for name in ("for_each", "times") if getattr(repeat, name) is not None]
    if len(given) != 1:
        which = "neither" if not given else "both"
        c.report(
            Code.QD325,
            f"this repeat gives {which} of for_each and times; give exactly one (for_each: an "
            "earlier multiple choice or text list, times: an earlier integer number with its "
            "max, together with the repeat's max)",
            rpath,
        )
        return
    key = given[0]
    source = getattr(repeat, key)
    spath = (*rpath, key)
    first = span.start
    variable = c.symbols.variables.get(source)
    if variable is None:
        if not c.broken.covers(source):
            _unknown_source(c, source, key, first, spath)
        return
    if variable.roster is not None:
        c.report(
            Code.QD326,
            f"'{source}' is answered in the roster '{variable.roster}'; a roster is repeated "
            "for an answer outside every roster (rosters cannot be nested)",
            spath,
        )
        return
    if variable.position >= first:
        c.report(
            Code.QD326,
            f"'{source}' comes after the roster '{section.id}'; a roster is repeated for an "
            "earlier answer: move it before the section",
            spath,
        )
        return
    node = _source_node(c, variable)
    if key == "for_each":
        _for_each(c, repeat.max, node, source, rpath)
    else:
        _times(c, repeat.max, node, source, rpath)


def _source_node(c: Checker, variable: Variable) -> Any:
    """The question or hidden variable whose own answer ``variable`` is (None for a part
    of a question, e.g. a follow-up)."""
    if variable.position < 0:
        return (c.instrument.hidden or [])[int(variable.path[1])]
    question = c.symbols.entries[variable.position].question
    return question if question.id == variable.name else None


def _unknown_source(c: Checker, source: str, key: str, first: int, spath: KeyPath) -> None:
    kinds: tuple[type, ...] = (
        (MultipleChoice, TextListQuestion) if key == "for_each" else (NumberQuestion,)
    )
    earlier = [e.question.id for e in c.symbols.entries[:first] if isinstance(e.question, kinds)]
    if key == "times":
        earlier[:0] = [h.id for h in c.instrument.hidden or () if isinstance(h, HiddenNumber)]
    close = difflib.get_close_matches(source, earlier, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif earlier:
        hint = f"the candidates are {', '.join(earlier)}"
    else:
        what = "multiple choice or text list" if key == "for_each" else "integer number"
        hint = f"{key} needs an earlier {what}"
    c.report(Code.QD326, f"'{source}' names no question; {hint}", spath)


def _for_each(c: Checker, most: int | None, node: Any, source: str, rpath: KeyPath) -> None:
    if not isinstance(node, MultipleChoice | TextListQuestion):
        what = node.noun if node is not None else "a part of a question"
        hint = (
            " (for a number, use times:)" if isinstance(node, NumberQuestion | HiddenNumber) else ""
        )
        c.report(
            Code.QD326,
            f"'{source}' is {what}; for_each takes an earlier multiple choice (once per "
            f"chosen option) or text list (once per answered field){hint}",
            (*rpath, "for_each"),
        )
        return
    if most is not None:
        c.report(
            Code.QD327,
            f"max is not allowed with for_each: the roster has at most one iteration per "
            f"{'option' if isinstance(node, MultipleChoice) else 'field'} of '{source}'; "
            "remove it",
            (*rpath, "max"),
        )
    count = len(node.options if isinstance(node, MultipleChoice) else node.fields)
    if count > 100:
        c.report(
            Code.QD327,
            f"'{source}' has {count} entries, but a roster has at most 100 iterations; "
            "split the question",
            (*rpath, "for_each"),
        )


def _times(c: Checker, most: int | None, node: Any, source: str, rpath: KeyPath) -> None:
    if not isinstance(node, NumberQuestion | HiddenNumber) or node.kind != "integer":
        what = node.noun if node is not None else "a part of a question"
        if isinstance(node, NumberQuestion | HiddenNumber):
            what = "a decimal number"
        c.report(
            Code.QD326,
            f"'{source}' is {what}; times takes an earlier integer number question or "
            "hidden number",
            (*rpath, "times"),
        )
        return
    if most is None:
        c.report(
            Code.QD327,
            f"a roster repeated 'times: {source}' needs a max (the most iterations, at most "
            "100, and at least the max of "
            f"'{source}'); add max: {_number(node.max) if node.max is not None else 10}",
            rpath,
        )
        return
    if node.max is None:
        c.report(
            Code.QD328,
            f"'{source}' has no max, so the roster could need more than its {most} "
            f"iterations; give '{source}' max: {most} (or less)",
            (*rpath, "times"),
        )
    elif node.max > most:
        c.report(
            Code.QD328,
            f"'{source}' may be up to {_number(node.max)}, more than the roster's max "
            f"({most}): iterations would be cut off; raise the repeat's max to "
            f"{_number(node.max)}, or lower the max of '{source}'",
            (*rpath, "max"),
        )
