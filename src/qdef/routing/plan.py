"""An instrument compiled for routing: conditions as syntax trees, gotos as positions.

The plan takes the conditions the semantic checks parsed (and the symbol table
they built); it parses a condition only when it is not given one (an instrument
built in code, see :func:`qdef.pipeline.compiled.compile_instrument`).

Positions are indices in sequence order (all sections' questions, displays and
computed values included); ``END`` is the position one past the last question.

Availability is routing: an option (row) offered only under a condition — its own
``when``, the question's ``filter`` — gives its step an ``option_when`` entry, and a
question none of whose options (rows) may be offered has the disjunction of those
conditions (``Step.available``) in its ``when``.

A roster section (``repeat``) is a :class:`Roster` in :attr:`Plan.rosters`; its steps
and variables (its item too) name it (``Step.roster``, ``VarInfo.roster``), and
aggregates over it are :class:`~qdef.expr.nodes.Over` nodes. A number list's
``total`` is a condition (``Step.total``) checked like a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple
from typing import Literal as OneOf

from qdef.expr.nodes import And, Call, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.parser import parse
from qdef.expr.scope import resolve
from qdef.model import (
    END,
    CheckColumn,
    Computed,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    Question,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.model.inputs import NumberInput
from qdef.model.symbols import Kind, QuestionEntry, Symbols
from qdef.source.positions import KeyPath


class VarInfo(NamedTuple):
    """A variable with what answering and reasoning need to know about it.

    (A named tuple: an instrument has one per answer field, and they are made on
    every validation.)"""

    name: str
    kind: Kind
    question: str
    position: int
    codes: tuple[str, ...] = ()
    node: Any = None
    """The model object that bounds the answer (question, follow-up or column)."""
    option: str | None = None
    """For a follow-up of an option: the code that enables it."""
    roster: str | None = None
    """The id of the roster section whose iterations each have this variable, else None."""


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the sequence, ready to walk."""

    position: int
    entry: QuestionEntry
    section_when: Expr | None
    own_when: Expr | None
    goto: int | None
    """The question's own ``goto`` as a position (END for ``end``), or None."""
    option_gotos: dict[str, int]
    """Option code -> target position, for the options of a single choice that route."""
    variables: tuple[str, ...]
    """Every variable this question defines (answer, parts, follow-ups); none for a
    computed value (its variable is :attr:`computed`'s result, stored by the walk)."""
    option_when: dict[str, Expr] = field(default_factory=dict)
    """Option (row) code -> the condition under which it is offered (its filter atom and
    its own ``when`` together), for the options (rows) that have one."""
    available: Expr | None = None
    """The condition under which at least one option (row) is offered: the disjunction
    of :attr:`option_when` over every option (row); None when one is always offered."""
    computed: Expr | None = None
    """For a computed value: its expression."""
    rules: tuple[Expr, ...] = ()
    """The question's rules' checks, in order."""
    total: Expr | None = None
    """For a number list with a ``total``: the condition its fields' sum must meet
    (``sum(q.a, q.b) == 100`` or ``<= 24``), checked like a rule."""
    roster: str | None = None
    """The id of the roster section this step belongs to (walked once per iteration)."""
    when: Expr | None = field(init=False)
    """The section's and the question's conditions and the availability together
    (None: always)."""

    def __post_init__(self) -> None:
        parts: list[Expr] = []
        for part in (self.section_when, self.own_when, self.available):
            if isinstance(part, And):
                parts.extend(part.operands)
            elif part is not None:
                parts.append(part)
        when = None if not parts else parts[0] if len(parts) == 1 else And(tuple(parts))
        object.__setattr__(self, "when", when)

    def offered(self, code: str, holds: Callable[[Expr], bool]) -> bool:
        """Whether option (row) ``code`` is offered, deciding conditions with ``holds``."""
        condition = self.option_when.get(code)
        return condition is None or holds(condition)

    @property
    def question(self) -> Question:
        return self.entry.question

    @property
    def next_default(self) -> int:
        """Where the walk goes after this question when no option routes."""
        return self.position + 1 if self.goto is None else self.goto


@dataclass(frozen=True, slots=True)
class Roster:
    """A roster section: its steps are walked once per item of its source."""

    id: str
    """The section's id: the response key of the list of its iterations' records."""
    item: str
    """The name of the current item (a variable inside the roster)."""
    source: str
    """The variable the items come from (a multiple choice, a text list, a number)."""
    kind: OneOf["choices", "textlist", "times"]
    """``choices``: one iteration per chosen code; ``textlist``: one per answered field;
    ``times``: the number's value many (at most :attr:`max`)."""
    slots: tuple[str | int, ...]
    """Every possible iteration, in order: the source's codes, its fields' variable names,
    or the numbers 1 … max. An iteration exists when its slot is chosen, answered, or
    at most the number (renderers that unroll make one copy per slot)."""
    start: int
    """The position of the roster's first step."""
    stop: int
    """The position after its last step."""

    @property
    def max(self) -> int:
        return len(self.slots)


@dataclass(frozen=True, slots=True)
class Plan:
    instrument: Instrument
    symbols: Symbols
    steps: tuple[Step, ...]
    variables: dict[str, VarInfo]
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """A question with several parts -> its part variables."""
    hidden: tuple[VarInfo, ...] = ()
    """The hidden variables (position -1, ``node`` the hidden variable's model), in
    document order; they are not in :attr:`variables`, which are the answers of
    questions."""
    rosters: dict[str, Roster] = field(default_factory=dict)
    """The roster sections, by id, in document order."""
    randomised: bool = False
    """Whether anything (a question's options or rows, a section) has ``order: random``."""
    _numbers: Mapping[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def numbers(self) -> Mapping[str, str]:
        """The display number of every question that has one, by question id: counted
        when first asked for, then kept (a listing of paths writes each path with them)."""
        if self._numbers is None:
            object.__setattr__(self, "_numbers", MappingProxyType(self.instrument.numbers()))
        assert self._numbers is not None
        return self._numbers

    @property
    def end(self) -> int:
        return len(self.steps)

    def parts(self, name: str) -> tuple[str, ...]:
        return self.groups.get(name, ())

    def position_of(self, question_id: str) -> int:
        return self.symbols.positions[question_id]

    def hidden_info(self, name: str) -> VarInfo | None:
        """The hidden variable ``name``, if there is one."""
        return next((info for info in self.hidden if info.name == name), None)

    def conditions(self) -> Iterator[Expr]:
        """Every condition and expression once (a section's, not once per question), in
        sequence order: ``when``s, the options' (rows') conditions, computed values and
        rules."""
        section = -1
        for step in self.steps:
            if step.entry.section_index != section:
                section = step.entry.section_index
                if step.section_when is not None:
                    yield step.section_when
            if step.own_when is not None:
                yield step.own_when
            yield from step.option_when.values()
            if step.computed is not None:
                yield step.computed
            yield from step.rules


def compared_constants(plan: Plan) -> dict[str, set[Any]]:
    """The literals the conditions compare each variable with: ``x < 5``, ``5 > x``,
    ``x == "a"``, ``x in [1, 2]``."""
    found: dict[str, set[Any]] = {}
    for expr in plan.conditions():
        for node in nodes(expr):
            if isinstance(node, In) and isinstance(node.left, Ref):
                found.setdefault(node.left.name, set()).update(v.value for v in node.values)
            elif isinstance(node, Compare):
                for ref, literal in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(ref, Ref) and isinstance(literal, Literal):
                        found.setdefault(ref.name, set()).add(literal.value)
    return found


def _variables(question: Question, position: int) -> list[VarInfo]:
    qid = question.id
    found: list[VarInfo] = []
    if isinstance(question, SingleChoice | MultipleChoice):
        codes = tuple(o.code for o in question.options)
        kind: Kind = "choice" if isinstance(question, SingleChoice) else "choices"
        found.append(VarInfo(qid, kind, qid, position, codes, question))
        for option in question.options:
            for followup in option.specify or ():
                found.append(
                    VarInfo(followup.id, followup.type, qid, position, (), followup, option.code)
                )
    elif isinstance(question, DateRangeQuestion):
        for end in ("from", "to"):
            found.append(VarInfo(f"{qid}.{end}", "date", qid, position, (), question))
    elif isinstance(question, TextListQuestion):
        for f in question.fields:
            found.append(VarInfo(f"{qid}.{f.code}", "text", qid, position, (), f))
    elif isinstance(question, MatrixQuestion | GridQuestion):
        for row in question.rows:
            if isinstance(question, MatrixQuestion):
                codes = tuple(c.code for c in question.scale)
                found.append(VarInfo(f"{qid}.{row.code}", "choice", qid, position, codes, row))
            else:
                for column in question.columns:
                    ckind: Kind = "check" if isinstance(column, CheckColumn) else column.input
                    name = f"{qid}.{row.code}.{column.code}"
                    found.append(VarInfo(name, ckind, qid, position, (), column))
            if row.specify is not None:
                found.append(VarInfo(row.specify.id, "text", qid, position, (), row.specify))
    elif isinstance(question, RankingQuestion):
        codes = tuple(o.code for o in question.options)
        found.append(VarInfo(qid, "ranking", qid, position, codes, question))
    elif isinstance(question, NumberListQuestion):
        for number in question.fields:
            found.append(VarInfo(f"{qid}.{number.code}", "number", qid, position, (), number))
    elif isinstance(question, DualMatrixQuestion):
        for row in question.rows:
            for scale in question.scales:
                codes = tuple(c.code for c in scale.columns)
                name = f"{qid}.{row.code}.{scale.code}"
                found.append(VarInfo(name, "choice", qid, position, codes, row))
            if row.specify is not None:
                found.append(VarInfo(row.specify.id, "text", qid, position, (), row.specify))
    elif question.type in ("text", "number", "date"):
        found.append(VarInfo(qid, question.type, qid, position, (), question))
    return found


def total_condition(question: NumberListQuestion) -> Expr | None:
    """The condition a number list's ``total`` sets (``sum(q.a, q.b) == 100`` or
    ``<= 24``), None without a total."""
    total = question.total
    if total is None:
        return None
    fields = tuple(Ref(f"{question.id}.{f.code}") for f in question.fields)
    if total.equals is not None:
        return Compare("==", Call("sum", fields), Literal(total.equals))
    assert total.at_most is not None
    return Compare("<=", Call("sum", fields), Literal(total.at_most))


def _hidden(instrument: Instrument) -> tuple[VarInfo, ...]:
    found: list[VarInfo] = []
    for item in instrument.hidden or ():
        codes = tuple(o.code for o in item.options) if item.type == "choice" else ()
        found.append(VarInfo(item.id, item.type, item.id, -1, codes, item))
    return tuple(found)


def _offers(
    question: Question,
    path: KeyPath,
    condition: Callable[[str | None, KeyPath], Expr | None],
) -> tuple[dict[str, Expr], Expr | None]:
    """The options' (rows') conditions of ``question``, and its availability condition."""
    if isinstance(question, SingleChoice | MultipleChoice):
        items: list[Any] = list(question.options)
        key = "options"
    elif isinstance(question, RankingQuestion):
        items, key = list(question.options), "options"
    elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        items, key = list(question.rows), "rows"
    else:
        return {}, None
    source = question.filter
    option_when: dict[str, Expr] = {}
    always = False
    for i, item in enumerate(items):
        parts: list[Expr] = []
        if source is not None:
            if source.chosen_in is not None:
                parts.append(Has(Ref(source.chosen_in), Literal(item.code)))
            elif source.not_chosen_in is not None:
                parts.append(Not(Has(Ref(source.not_chosen_in), Literal(item.code))))
        own = condition(item.when, (*path, key, i, "when"))
        if isinstance(own, And):
            parts.extend(own.operands)
        elif own is not None:
            parts.append(own)
        if not parts:
            always = True
            continue
        option_when[item.code] = parts[0] if len(parts) == 1 else And(tuple(parts))
    if always or not option_when:
        return option_when, None
    offered = list(option_when.values())
    flat: list[Expr] = []
    for expr in offered:
        flat.extend(expr.operands if isinstance(expr, Or) else (expr,))
    return option_when, flat[0] if len(flat) == 1 else Or(tuple(flat))


def _rosters(instrument: Instrument, symbols: Symbols) -> tuple[dict[str, Roster], list[VarInfo]]:
    """The roster sections, and each roster's item as a variable."""
    rosters: dict[str, Roster] = {}
    items: list[VarInfo] = []
    end = len(symbols.entries)
    for s, section in enumerate(instrument.sections):
        repeat = section.repeat
        if repeat is None:
            continue
        start = symbols.first_position(s)
        stop = start + len(section.questions)
        if start >= end:  # pragma: no cover - a section has at least one question
            continue
        name = repeat.for_each or repeat.times or ""
        source = _source(instrument, symbols, name)
        kind: OneOf["choices", "textlist", "times"]
        slots: tuple[str | int, ...]
        if repeat.for_each is not None and isinstance(source, MultipleChoice):
            codes = tuple(o.code for o in source.options)
            kind, slots = "choices", codes
            item = VarInfo(
                repeat.item, "choice", section.id, start, codes, source, None, section.id
            )
        elif repeat.for_each is not None and isinstance(source, TextListQuestion):
            kind, slots = "textlist", tuple(f"{source.id}.{f.code}" for f in source.fields)
            item = VarInfo(repeat.item, "text", section.id, start, (), None, None, section.id)
        else:
            kind, slots = "times", tuple(range(1, (repeat.max or 0) + 1))
            node = NumberInput(kind="integer", min=1, max=repeat.max)
            item = VarInfo(repeat.item, "number", section.id, start, (), node, None, section.id)
        rosters[section.id] = Roster(section.id, repeat.item, name, kind, slots, start, stop)
        items.append(item)
    return rosters, items


def _source(instrument: Instrument, symbols: Symbols, name: str) -> Any:
    """The question (or hidden variable) a roster's items come from."""
    position = symbols.positions.get(name)
    if position is not None:
        return symbols.entries[position].question
    return next((h for h in instrument.hidden or () if h.id == name), None)


def _target(target: str | None, symbols: Symbols, end: int) -> int | None:
    if target is None:
        return None
    return end if target == END else symbols.positions[target]


def compile_plan(
    instrument: Instrument,
    symbols: Symbols | None = None,
    conditions: Mapping[KeyPath, Expr] | None = None,
    numbers: Mapping[str, str] | None = None,
) -> Plan:
    """Compile a *valid* instrument (one that ``qdef validate`` accepts). In an instrument
    with rosters, aggregates over a roster are :class:`~qdef.expr.nodes.Over` nodes
    (:func:`qdef.expr.scope.resolve`).

    ``symbols`` is its symbol table, ``conditions`` its parsed expressions by the key
    path of each expression place (``when``, ``value``, a rule's ``check``: what the
    semantic checks computed, see
    :class:`qdef.validation.checks.Checked`) and ``numbers`` its questions' display
    numbers (:attr:`Plan.numbers`); what is not given is computed here, or when asked for."""
    if symbols is None:
        from qdef.validation.checks import build_symbols  # noqa: PLC0415

        symbols = build_symbols(instrument)
    given = conditions or {}
    rosters, items = _rosters(instrument, symbols)

    def condition(source: str | None, path: KeyPath) -> Expr | None:
        if source is None:
            return None
        expr = given.get(path)
        if expr is None:
            expr = parse(source)
        # the checks' trees are resolved already (resolving again changes nothing); a
        # tree parsed elsewhere (an instrument built in code) may not be
        return resolve(expr, symbols.roster_of) if rosters else expr

    end = len(symbols.entries)
    section_whens = [
        condition(s.when, ("sections", i, "when")) for i, s in enumerate(instrument.sections)
    ]
    steps: list[Step] = []
    variables: dict[str, VarInfo] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for entry in symbols.entries:
        question = entry.question
        option_gotos: dict[str, int] = {}
        path = entry.path
        option_when, available = _offers(question, path, condition)
        computed = (
            condition(question.value, (*path, "value")) if isinstance(question, Computed) else None
        )
        rules = tuple(
            expr
            for k, rule in enumerate(getattr(question, "rules", None) or ())
            if (expr := condition(rule.check, (*path, "rules", k, "check"))) is not None
        )
        if isinstance(question, SingleChoice):
            for option in question.options:
                target = _target(option.goto, symbols, end)
                if target is not None:
                    option_gotos[option.code] = target
        found = _variables(question, entry.position)
        roster = entry.roster
        if roster is not None:
            found = [info._replace(roster=roster) for info in found]
        for info in found:
            variables.setdefault(info.name, info)
        grouped = MatrixQuestion | GridQuestion | TextListQuestion | NumberListQuestion
        if isinstance(question, grouped | DualMatrixQuestion):
            groups[question.id] = tuple(
                v.name for v in found if v.name.startswith(question.id + ".")
            )
        elif isinstance(question, DateRangeQuestion):
            groups[question.id] = tuple(v.name for v in found)
        steps.append(
            Step(
                entry.position,
                entry,
                section_whens[entry.section_index],
                condition(question.when, (*path, "when")),
                _target(getattr(question, "goto", None), symbols, end),
                option_gotos,
                tuple(v.name for v in found),
                option_when,
                available,
                computed,
                rules,
                total_condition(question) if isinstance(question, NumberListQuestion) else None,
                roster,
            )
        )
    for info in items:
        variables.setdefault(info.name, info)
    randomised = any(s.order == "random" for s in instrument.sections) or any(
        getattr(step.question, "order", "written") == "random" for step in steps
    )
    plan = Plan(
        instrument,
        symbols,
        tuple(steps),
        variables,
        groups,
        _hidden(instrument),
        rosters,
        randomised,
    )
    if numbers is not None:  # counted once already, by whoever gives them
        object.__setattr__(plan, "_numbers", numbers)
    return plan


def as_plan(instrument: Instrument | Plan) -> Plan:
    """A plan as it is; an instrument's plan, compiled afresh (nothing is remembered:
    a caller that has a :class:`~qdef.pipeline.compiled.Compiled` uses its ``plan``)."""
    if isinstance(instrument, Plan):
        return instrument
    return compile_plan(instrument)
