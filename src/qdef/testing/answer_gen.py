"""Answer sets and respondents for any instrument (part of :mod:`qdef.testing`).

Values lean towards what the instrument's routing looks at: the codes of
choices, and for numbers, dates and texts the constants its conditions
compare them with (and their neighbours), so that few examples reach every
branch. Unanswered is the simplest value, so counterexamples shrink towards
answering little.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from qdef.model import (
    CheckColumn,
    DateRangeQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    TextListQuestion,
)
from qdef.pipeline.compiled import Compiled
from qdef.routing.evaluate import holds
from qdef.routing.plan import Plan, Step, VarInfo, as_plan, compared_constants

Draw = Callable[[st.SearchStrategy[Any]], Any]

_ABSENT = None


class _Values:
    """Strategies for the value of each variable of one instrument."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.hints = compared_constants(plan)
        self._cache: dict[str, st.SearchStrategy[Any]] = {}
        self._optional: dict[str, st.SearchStrategy[Any]] = {}

    def value(self, name: str) -> st.SearchStrategy[Any]:
        strategy = self._cache.get(name)
        if strategy is None:
            strategy = self._build(self.plan.variables[name])
            self._cache[name] = strategy
        return strategy

    def maybe(self, name: str) -> st.SearchStrategy[Any]:
        """The value, or None (unanswered): the simplest, so examples shrink towards it."""
        strategy = self._optional.get(name)
        if strategy is None:
            strategy = st.one_of(st.none(), self.value(name))
            self._optional[name] = strategy
        return strategy

    def _build(self, info: VarInfo) -> st.SearchStrategy[Any]:
        hints = self.hints.get(info.name, set())
        if info.kind == "choice":
            return st.sampled_from(info.codes)
        if info.kind == "choices":
            return _choices(info)
        if info.kind == "check":
            return st.just(True)
        if info.kind == "text":
            return _text(info, hints)
        if info.kind == "number":
            return _number(info, hints)
        return _date(info, hints)


def _choices(info: VarInfo) -> st.SearchStrategy[Any]:
    question = info.node
    assert isinstance(question, MultipleChoice)
    low = max(question.min_choices or 1, 1)
    plain = [o.code for o in question.options if not o.exclusive]
    high = min(question.max_choices or len(plain), len(plain))
    options: list[st.SearchStrategy[Any]] = [
        st.just([o.code]) for o in question.options if o.exclusive
    ]  # an exclusive option alone is a whole answer, whatever min_choices
    if plain and low <= high:
        options.append(
            st.lists(st.sampled_from(plain), min_size=low, max_size=high, unique=True).map(
                lambda chosen: [c for c in info.codes if c in chosen]
            )
        )
    return st.one_of(options) if options else st.nothing()


def _text(info: VarInfo, hints: set[Any]) -> st.SearchStrategy[Any]:
    limit = getattr(info.node, "max_length", None) or 40
    known = sorted(h for h in hints if isinstance(h, str) and h and len(h) <= limit)
    free = st.text(min_size=1, max_size=min(limit, 20))
    return st.one_of(st.sampled_from(known), free) if known else free


def _number(info: VarInfo, hints: set[Any]) -> st.SearchStrategy[Any]:
    node = info.node
    low, high = node.min, node.max
    whole = node.kind == "integer"

    def fits(value: Any) -> bool:
        if whole and value != int(value):
            return False
        return (low is None or value >= low) and (high is None or value <= high)

    near = sorted(
        {
            int(v) if whole else v
            for h in hints
            if isinstance(h, int | float) and not isinstance(h, bool)
            for v in (h - 1, h, h + 1, h + 0.5)
            if fits(v)
        }
        | {int(b) if whole else b for b in (low, high) if b is not None and fits(b)}
    )
    # the whole numbers in the range (a decimal range may hold none: 0.5 to 0.7)
    first = None if low is None else int(-(-low // 1))
    last = None if high is None else int(high // 1)
    integers = st.integers(min_value=first, max_value=last)
    if whole:
        free: st.SearchStrategy[Any] = integers
    else:
        # validation compares bounds as numbers, so 0 to -0.0 holds 0; Hypothesis
        # orders -0.0 before 0.0, so hand it zeros of one sign
        floats = st.floats(
            min_value=None if low is None else low + 0.0,
            max_value=None if high is None else high + 0.0,
            allow_nan=False,
            allow_infinity=False,
        )
        empty = first is not None and last is not None and first > last
        free = (floats if empty else st.one_of(integers, floats)).filter(fits)
    return st.one_of(st.sampled_from(near), free) if near else free


_SHAPES = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def _date(info: VarInfo, hints: set[Any]) -> st.SearchStrategy[Any]:
    node = info.node
    precision = node.precision

    def parse(text: str, end: bool) -> datetime.date:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return datetime.date(parts[0], 12, 31) if end else datetime.date(parts[0], 1, 1)
        if len(parts) == 2:
            if end:
                following = datetime.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
                return following - datetime.timedelta(days=1)
            return datetime.date(parts[0], parts[1], 1)
        return datetime.date(*parts)

    low = parse(node.min, False) if node.min else datetime.date(1900, 1, 1)
    high = parse(node.max, True) if node.max else datetime.date(2100, 12, 31)
    shape = _SHAPES[precision]
    free = st.dates(min_value=low, max_value=high).map(lambda d: d.strftime(shape))
    known = sorted(
        h
        for h in hints
        if isinstance(h, str)
        and len(h) == len(low.strftime(shape))
        and (node.min is None or h >= node.min)
        and (node.max is None or h <= node.max)
    )
    return st.one_of(st.sampled_from(known), free) if known else free


def _question_answers(
    draw: Draw, values: _Values, step: Step, *, respondent: bool, required: bool
) -> dict[str, Any]:
    """Answers to one question (its variables, follow-ups, parts)."""
    plan = values.plan
    question = step.question
    must = required and getattr(question, "required", False)
    result: dict[str, Any] = {}
    for name in step.variables:
        info = plan.variables[name]
        if info.option is not None:
            continue  # follow-ups after their option
        own = name == question.id
        matrix_row = isinstance(question, MatrixQuestion) and info.kind == "choice"
        whole = isinstance(question, DateRangeQuestion)
        needed = must and (own or matrix_row or whole)
        value = draw(values.value(name) if needed else values.maybe(name))
        if value is not _ABSENT:
            result[name] = value
    if isinstance(question, TextListQuestion) and must and not result:
        first = step.variables[0]
        result[first] = draw(values.value(first))
    if isinstance(question, GridQuestion):
        _grid_rules(draw, values, question, result, must)
    if isinstance(question, DateRangeQuestion):
        ends = [result.get(f"{question.id}.from"), result.get(f"{question.id}.to")]
        if ends[0] is not None and ends[1] is not None and ends[0] > ends[1]:
            result[f"{question.id}.from"], result[f"{question.id}.to"] = ends[1], ends[0]
    chosen = result.get(question.id)
    for name in step.variables:
        info = plan.variables[name]
        if info.option is None:
            continue
        enabled = chosen == info.option or (isinstance(chosen, list) and info.option in chosen)
        if respondent and not enabled:
            continue
        needed = respondent and enabled and required and bool(getattr(info.node, "required", False))
        value = draw(values.value(name)) if needed else draw(values.maybe(name))
        if value is not _ABSENT:
            result[name] = value
    return result


def _grid_rules(
    draw: Draw, values: _Values, question: GridQuestion, result: dict[str, Any], must: bool
) -> None:
    for row in question.rows:
        cells = [f"{question.id}.{row.code}.{c.code}" for c in question.columns]
        for column, cell in zip(question.columns, cells, strict=True):
            if isinstance(column, CheckColumn) and column.exclusive and result.get(cell):
                for other in cells:
                    if other != cell:
                        result.pop(other, None)
                break
        if must and not any(cell in result for cell in cells):
            result[cells[0]] = draw(values.value(cells[0]))


@st.composite
def _answers(draw: Draw, values: _Values) -> dict[str, Any]:
    plan = values.plan
    result: dict[str, Any] = {}
    for step in plan.steps:
        result.update(_question_answers(draw, values, step, respondent=False, required=False))
    return result


def answers(instrument: Instrument | Plan | Compiled) -> st.SearchStrategy[dict[str, Any]]:
    """Any answer set ``instrument`` accepts: every variable answered or not, values of
    the right type within bounds, codes of the question, exclusive options alone,
    date ranges in order. Answers of questions a walk would not show are included."""
    return _answers(_Values(plan_of(instrument)))


@st.composite
def _respondents(draw: Draw, values: _Values, required: bool) -> dict[str, Any]:
    plan = values.plan
    result: dict[str, Any] = {}
    position = 0
    while position < plan.end:
        step = plan.steps[position]
        if step.when is not None and not holds(step.when, result, plan.parts):
            position += 1
            continue
        result.update(_question_answers(draw, values, step, respondent=True, required=required))
        chosen = result.get(step.question.id)
        target = step.option_gotos.get(chosen) if isinstance(chosen, str) else None
        position = target if target is not None else step.next_default
    return result


def respondents(
    instrument: Instrument | Plan | Compiled, *, required: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Responses of respondents who walk ``instrument``: each shown question answered
    (required ones always, with ``required``), follow-ups only for chosen options,
    nothing for questions the walk does not show. Each equals its own walk's response."""
    return _respondents(_Values(plan_of(instrument)), required)


def plan_of(instrument: Instrument | Plan | Compiled) -> Plan:
    """The routing plan: a Compiled's own, or one compiled afresh."""
    if isinstance(instrument, Compiled):
        return instrument.plan
    return as_plan(instrument)
