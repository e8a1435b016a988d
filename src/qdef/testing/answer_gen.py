"""Answer sets and respondents for any instrument (part of :mod:`qdef.testing`).

Values lean towards what the instrument's routing looks at: the codes of
choices, and for numbers, dates and texts the constants its conditions
compare them with (and their neighbours), so that few examples reach every
branch. Unanswered is the simplest value, so counterexamples shrink towards
answering little.
"""

from __future__ import annotations

import datetime
import importlib
import random
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, NamedTuple, Protocol

from hypothesis import reject
from hypothesis import strategies as st

from qdef.expr.nodes import Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.patterns import FORMATS, matches, to_python
from qdef.model import (
    CheckColumn,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    RankingQuestion,
    TextListQuestion,
)
from qdef.pipeline.compiled import Compiled
from qdef.routing.answers import normalize
from qdef.routing.evaluate import holds, value
from qdef.routing.interpreter import iterations
from qdef.routing.order import codes as order_codes
from qdef.routing.plan import Plan, Roster, Step, VarInfo, as_plan, compared_constants

Draw = Callable[[st.SearchStrategy[Any]], Any]

_ABSENT = None


class _Values:
    """Strategies for the value of each variable of one instrument."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.hints = compared_constants(plan)
        self._cache: dict[str, st.SearchStrategy[Any]] = {}
        self._optional: dict[str, st.SearchStrategy[Any]] = {}
        self.whole = len(plan.variables) <= WHOLE
        """Every answer drawn by hypothesis (a small instrument), or a few decisions'."""
        self.decisions = [] if self.whole else decisions(plan)
        self._samplers: dict[str, Callable[[random.Random], Any]] = {}

    def seeded(self, rng: random.Random, density: float) -> Pick:
        """Values from ``rng``: a variable that need not be answered is answered with
        probability ``density``."""

        def pick(name: str, needed: bool, exclude: frozenset[str] = frozenset()) -> Any:
            if not needed and rng.random() >= density:
                return _ABSENT
            sampler = self._samplers.get(name) if not exclude else None
            if sampler is None:
                info = self.info(name)
                sampler = _sampler(info, self.hints.get(name, set()), exclude)
                if not exclude:
                    self._samplers[name] = sampler
            return sampler(rng)

        return pick

    def info(self, name: str) -> VarInfo:
        """The variable ``name``: an answer's, or a hidden variable's."""
        found = self.plan.variables.get(name) or self.plan.hidden_info(name)
        assert found is not None, name
        return found

    def value(self, name: str, exclude: frozenset[str] = frozenset()) -> st.SearchStrategy[Any]:
        """Values of ``name``; ``exclude``: codes not to choose (options not offered)."""
        if exclude:
            return self._build(self.info(name), exclude)
        strategy = self._cache.get(name)
        if strategy is None:
            strategy = self._build(self.info(name))
            self._cache[name] = strategy
        return strategy

    def maybe(self, name: str, exclude: frozenset[str] = frozenset()) -> st.SearchStrategy[Any]:
        """The value, or None (unanswered): the simplest, so examples shrink towards it."""
        if exclude:
            return st.one_of(st.none(), self.value(name, exclude))
        strategy = self._optional.get(name)
        if strategy is None:
            strategy = st.one_of(st.none(), self.value(name))
            self._optional[name] = strategy
        return strategy

    def _build(
        self, info: VarInfo, exclude: frozenset[str] = frozenset()
    ) -> st.SearchStrategy[Any]:
        built = self._values(info, exclude)
        default = _default(info, exclude)
        # a default is what a respondent who leaves the pre-filled answer gives
        return built if default is None else st.one_of(st.just(default), built)

    def _values(self, info: VarInfo, exclude: frozenset[str]) -> st.SearchStrategy[Any]:
        hints = self.hints.get(info.name, set())
        if info.kind == "choice":
            offered = [c for c in info.codes if c not in exclude]
            return st.sampled_from(offered) if offered else st.nothing()
        if info.kind == "choices":
            return _choices(info, exclude)
        if info.kind == "ranking":
            offered = [c for c in info.codes if c not in exclude]
            top = _top(info, offered)
            if not top:
                return st.nothing()
            return st.permutations(offered).flatmap(
                lambda order: st.integers(1, top).map(lambda n: list(order[:n]))
            )
        if info.kind == "check":
            return st.just(True)
        if info.kind == "text":
            return _text(info, hints)
        if info.kind == "number":
            return _number(info, hints)
        return _date(info, hints)


def _default(info: VarInfo, exclude: frozenset[str] = frozenset()) -> Any:
    """The default of the question (or hidden variable) whose own variable ``info`` is,
    if it has one, without codes in ``exclude`` (None: no default left)."""
    if info.name != info.question:
        return None
    default = getattr(info.node, "default", None)
    if isinstance(default, list):
        default = [code for code in default if code not in exclude] or None
        fewest = getattr(info.node, "min_choices", None) or 1
        if default is not None and len(default) < fewest and len(default) < len(info.node.default):
            default = None  # what is left of it after options not offered is too little
    elif isinstance(default, str) and info.kind == "choice" and default in exclude:
        default = None
    return default


def _top(info: VarInfo, offered: list[str]) -> int:
    """How many items a complete ranking of ``info`` (its items ``offered``) has."""
    question = info.node
    assert isinstance(question, RankingQuestion)
    return min(question.top or len(offered), len(offered))


def _choices(info: VarInfo, exclude: frozenset[str] = frozenset()) -> st.SearchStrategy[Any]:
    question = info.node
    assert isinstance(question, MultipleChoice)
    low = max(question.min_choices or 1, 1)
    plain = [o.code for o in question.options if not o.exclusive and o.code not in exclude]
    high = min(question.max_choices or len(plain), len(plain))
    options: list[st.SearchStrategy[Any]] = [
        st.just([o.code]) for o in question.options if o.exclusive and o.code not in exclude
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
    fits = _shape(info.node)
    known = sorted(h for h in hints if isinstance(h, str) and h and len(h) <= limit and fits(h))
    regex = _regex(info.node)
    if regex is None:
        free: st.SearchStrategy[Any] = st.text(min_size=1, max_size=min(limit, 20))
    else:  # texts of the pattern (or format) that fit the other and the length
        free = st.from_regex(to_python(regex), fullmatch=True).filter(
            lambda text: 0 < len(text) <= limit and fits(text)
        )
    return st.one_of(st.sampled_from(known), free) if known else free


def _regex(node: Any) -> str | None:
    """The regex a text must match: its pattern's, else its format's (None: any text)."""
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        return str(pattern.regex)
    shape = getattr(node, "format", None)
    return FORMATS[shape] if shape is not None else None


def _shape(node: Any) -> Callable[[str], bool]:
    """Whether a text matches the pattern and the format of ``node``."""
    pattern = getattr(node, "pattern", None)
    shape = getattr(node, "format", None)
    regexes = [r for r in (pattern.regex if pattern else None, FORMATS.get(shape or "")) if r]
    return lambda text: all(matches(regex, text) for regex in regexes)


#: Characters a sampled text draws from where a pattern allows any (or any but some).
_POOL = "abcxyzABCXYZ0123456789 .-_@/+()äßé€<&"


def _regex_sampler(regex: str) -> Callable[[random.Random], str | None]:
    """Texts matching ``regex`` (of the portable subset) from a plain random generator,
    built from Python's own parse of the translated regex; None when a try does not
    match (a negated class the pool cannot serve)."""
    parser = importlib.import_module("re._parser")
    tree = parser.parse(to_python(regex))
    constants = importlib.import_module("re._constants")

    def member(items: list[tuple[Any, Any]], char: str) -> bool:
        code = ord(char)
        for op, arg in items:
            if op is constants.LITERAL and code == arg:
                return True
            if op is constants.RANGE and arg[0] <= code <= arg[1]:
                return True
        return False

    def emit(nodes: Any, rng: random.Random, out: list[str]) -> None:
        for op, arg in nodes:
            if op is constants.LITERAL:
                out.append(chr(arg))
            elif op is constants.NOT_LITERAL:
                out.append(rng.choice([c for c in _POOL if ord(c) != arg]))
            elif op is constants.ANY:
                out.append(rng.choice(_POOL))
            elif op is constants.IN:
                negated = bool(arg) and arg[0][0] is constants.NEGATE
                items = arg[1:] if negated else arg
                pool = [c for c in _POOL if member(items, c) != negated]
                if not negated:
                    pool += [chr(a) for o, a in items if o is constants.LITERAL]
                    pool += [chr(rng.randint(*a)) for o, a in items if o is constants.RANGE]
                out.append(rng.choice(pool or ["\x00"]))
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                low, high, body = arg
                top = low + 3 if high is constants.MAXREPEAT else min(high, low + 3)
                for _ in range(rng.randint(low, top)):
                    emit(body, rng, out)
            elif op is constants.SUBPATTERN:
                emit(arg[-1], rng, out)
            elif op is constants.BRANCH:
                emit(rng.choice(arg[1]), rng, out)
            # AT (anchors) emits nothing

    def sample(rng: random.Random) -> str | None:
        for _ in range(5):
            out: list[str] = []
            emit(tree, rng, out)
            text = "".join(out)
            if matches(regex, text):
                return text
        return None

    return sample


class _Numbers(NamedTuple):
    """What the values of a number may be: its bounds and the values near its hints."""

    low: Any
    high: Any
    whole: bool
    near: list[Any]
    """The hints and their neighbours, and the bounds, that fit."""
    first: int | None
    """The least whole number in the range (None: unbounded)."""
    last: int | None
    step: float | None = None
    """The question's ``step``: a value is ``min + k·step`` (from 0 without ``min``)."""

    def fits(self, value: Any) -> bool:
        if self.whole and value != int(value):
            return False
        if self.step is not None:
            ratio = (value - (self.low or 0)) / self.step
            if abs(ratio - round(ratio)) > 1e-9:
                return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def stepped(self) -> tuple[int, int]:
        """With :attr:`step`: the least and greatest ``k`` of the values ``base + k·step``
        in the range (1000 steps either side where it is open)."""
        assert self.step is not None
        base = self.low or 0
        first = 0 if self.low is not None else -1000
        if self.high is None:
            return first, first + 2000
        return first, int((self.high - base) // self.step + 1e-9)

    def at(self, k: int) -> Any:
        assert self.step is not None
        value = (self.low or 0) + k * self.step
        return round(value) if self.whole else value


def _numbers(info: VarInfo, hints: set[Any]) -> _Numbers:
    node = info.node
    low, high = node.min, node.max
    whole = node.kind == "integer"
    space = _Numbers(low, high, whole, [], None, None, getattr(node, "step", None))
    near = sorted(
        {
            int(v) if whole else v
            for h in hints
            if isinstance(h, int | float) and not isinstance(h, bool)
            for v in (h - 1, h, h + 1, h + 0.5)
            if space.fits(v)
        }
        | {int(b) if whole else b for b in (low, high) if b is not None and space.fits(b)}
    )
    # the whole numbers in the range (a decimal range may hold none: 0.5 to 0.7)
    first = None if low is None else int(-(-low // 1))
    last = None if high is None else int(high // 1)
    return space._replace(near=near, first=first, last=last)


def _number(info: VarInfo, hints: set[Any]) -> st.SearchStrategy[Any]:
    space = _numbers(info, hints)
    low, high, near, first, last = space.low, space.high, space.near, space.first, space.last
    integers = st.integers(min_value=first, max_value=last)
    if space.step is not None:
        free: st.SearchStrategy[Any] = st.integers(*space.stepped()).map(space.at)
    elif space.whole:
        free = integers
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
        free = (floats if empty else st.one_of(integers, floats)).filter(space.fits)
    return st.one_of(st.sampled_from(near), free) if near else free


_SHAPES = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


class _Dates(NamedTuple):
    low: datetime.date
    high: datetime.date
    shape: str
    """The strftime format of the precision."""
    known: list[str]
    """The hints that fit."""


def _dates(info: VarInfo, hints: set[Any]) -> _Dates:
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
    known = sorted(
        h
        for h in hints
        if isinstance(h, str)
        and len(h) == len(low.strftime(shape))
        and (node.min is None or h >= node.min)
        and (node.max is None or h <= node.max)
    )
    return _Dates(low, high, shape, known)


def _date(info: VarInfo, hints: set[Any]) -> st.SearchStrategy[Any]:
    low, high, shape, known = _dates(info, hints)
    free = st.dates(min_value=low, max_value=high).map(lambda d: d.strftime(shape))
    return st.one_of(st.sampled_from(known), free) if known else free


def _sampler(
    info: VarInfo, hints: set[Any], exclude: frozenset[str] = frozenset()
) -> Callable[[random.Random], Any]:
    """Values of ``info`` from a plain random generator, within the same rules as the
    strategies above (the values conditions compare with, the default, and others)."""
    sampler = _plain_sampler(info, hints, exclude)
    default = _default(info, exclude)
    if default is None:
        return sampler
    return lambda rng: default if rng.random() < 0.5 else sampler(rng)


def _plain_sampler(
    info: VarInfo, hints: set[Any], exclude: frozenset[str]
) -> Callable[[random.Random], Any]:
    kind = info.kind
    if kind == "choice":
        codes: list[str | None] = [c for c in info.codes if c not in exclude] or [None]
        return lambda rng: rng.choice(codes)
    if kind == "choices":
        return _choices_sampler(info, exclude)
    if kind == "ranking":
        offered = [c for c in info.codes if c not in exclude]
        top = _top(info, offered)
        if not top:
            return lambda rng: None
        return lambda rng: rng.sample(offered, rng.randint(1, top))
    if kind == "check":
        return lambda rng: True
    if kind == "text":
        limit = getattr(info.node, "max_length", None) or 40
        fits = _shape(info.node)
        known = sorted(h for h in hints if isinstance(h, str) and h and len(h) <= limit and fits(h))
        regex = _regex(info.node)
        shaped = _regex_sampler(regex) if regex is not None else None

        def text(rng: random.Random) -> str | None:
            if known and rng.random() < 0.5:
                return rng.choice(known)
            if shaped is not None:
                found = shaped(rng)
                ok = found is not None and 0 < len(found) <= limit and fits(found)
                return found if ok else (rng.choice(known) if known else None)
            return "".join(rng.choices("abcxyzäß ", k=rng.randint(1, min(limit, 20))))

        return text
    if kind == "number":
        return _number_sampler(_numbers(info, hints))
    low, high, shape, dates = _dates(info, hints)
    first, last = low.toordinal(), high.toordinal()

    def date(rng: random.Random) -> str:
        if dates and rng.random() < 0.5:
            return rng.choice(dates)
        return datetime.date.fromordinal(rng.randint(first, last)).strftime(shape)

    return date


def _choices_sampler(info: VarInfo, exclude: frozenset[str]) -> Callable[[random.Random], Any]:
    question = info.node
    assert isinstance(question, MultipleChoice)
    low = max(question.min_choices or 1, 1)
    plain = [o.code for o in question.options if not o.exclusive and o.code not in exclude]
    high = min(question.max_choices or len(plain), len(plain))
    alone = [[o.code] for o in question.options if o.exclusive and o.code not in exclude]
    several = bool(plain) and low <= high

    def choices(rng: random.Random) -> list[str] | None:
        index = rng.randrange(len(alone) + several) if alone or several else None
        if index is None:
            return None  # no answer fits (as st.nothing(): the instrument allows none)
        if index < len(alone):
            return list(alone[index])
        chosen = set(rng.sample(plain, rng.randint(low, high)))
        return [c for c in info.codes if c in chosen]

    return choices


def _number_sampler(space: _Numbers) -> Callable[[random.Random], Any]:
    near, low, high = space.near, space.low, space.high
    bottom = low if low is not None else (high - 1000 if high is not None else -1000)
    top = high if high is not None else bottom + 2000

    def number(rng: random.Random) -> Any:
        if near and rng.random() < 0.5:
            return rng.choice(near)
        if space.step is not None:
            return space.at(rng.randint(*space.stepped()))
        value: Any = rng.uniform(bottom, top)
        if space.whole or rng.random() < 0.5:
            value = round(value)
        if space.fits(value):
            return int(value) if space.whole else value
        if near:
            return rng.choice(near)
        return bottom + 0.0 if not space.whole else int(bottom)

    return number


class Pick(Protocol):
    """A value for the variable ``name``, or None (unanswered) unless it is ``needed``;
    not one of the codes ``exclude`` (options not offered)."""

    def __call__(self, name: str, needed: bool, exclude: frozenset[str] = ..., /) -> Any: ...


def _drawing(draw: Draw, values: _Values) -> Pick:
    """Values drawn by hypothesis (shrinking towards unanswered)."""

    def pick(name: str, needed: bool, exclude: frozenset[str] = frozenset()) -> Any:
        return draw(values.value(name, exclude) if needed else values.maybe(name, exclude))

    return pick


def _row_of(question: Any, name: str) -> str | None:
    """The row code of a matrix's or grid's variable ``name`` (a part or a row's
    follow-up), or None."""
    if not isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        return None
    prefix = question.id + "."
    if name.startswith(prefix):
        return name[len(prefix) :].split(".", 1)[0]
    return next(
        (row.code for row in question.rows if row.specify is not None and row.specify.id == name),
        None,
    )


def _question_answers(
    pick: Pick,
    values: _Values,
    step: Step,
    *,
    respondent: bool,
    required: bool,
    dropped: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Answers to one question (its variables, follow-ups, parts); ``dropped``: the codes
    of its options (rows) not offered, which a respondent cannot answer."""
    plan = values.plan
    question = step.question
    must = required and getattr(question, "required", False)
    result: dict[str, Any] = {}
    for name in step.variables:
        info = plan.variables[name]
        if info.option is not None:
            continue  # follow-ups after their option
        if dropped and _row_of(question, name) in dropped:
            continue  # a row not offered
        own = name == question.id
        matrix_row = isinstance(question, MatrixQuestion | DualMatrixQuestion)
        matrix_row = matrix_row and info.kind == "choice"
        whole = isinstance(question, DateRangeQuestion)
        needed = must and (own or matrix_row or whole)
        value = pick(name, needed, dropped) if own and dropped else pick(name, needed)
        if value is not _ABSENT:
            result[name] = value
    if isinstance(question, TextListQuestion | NumberListQuestion) and must and not result:
        first = step.variables[0]
        result[first] = pick(first, True)
    if isinstance(question, RankingQuestion) and must and question.id in result:
        # a required ranking is complete: the items not ranked yet follow, as written
        ranked = result[question.id]
        offered = [o.code for o in question.options if o.code not in dropped]
        missing = [c for c in offered if c not in ranked]
        top = min(question.top or len(offered), len(offered))
        result[question.id] = ranked + missing[: max(top - len(ranked), 0)]
    if isinstance(question, GridQuestion):
        _grid_rules(pick, question, result, must, dropped)
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
        value = pick(name, needed)
        if value is not _ABSENT:
            result[name] = value
    return result


def _grid_rules(
    pick: Pick,
    question: GridQuestion,
    result: dict[str, Any],
    must: bool,
    dropped: frozenset[str] = frozenset(),
) -> None:
    for row in question.rows:
        if row.code in dropped:
            continue
        cells = [f"{question.id}.{row.code}.{c.code}" for c in question.columns]
        for column, cell in zip(question.columns, cells, strict=True):
            if isinstance(column, CheckColumn) and column.exclusive and result.get(cell):
                for other in cells:
                    if other != cell:
                        result.pop(other, None)
                break
        if must and not any(cell in result for cell in cells):
            result[cells[0]] = pick(cells[0], True)


@st.composite
def _answers(draw: Draw, values: _Values) -> dict[str, Any]:
    plan = values.plan
    result: dict[str, Any] = {}
    for info in plan.hidden:
        given = draw(_hidden_value(values, info, outside=True))
        if given is not _ABSENT:
            result[info.name] = given
    if not values.whole:
        pick, focus, background = _scaled(draw, values)
    else:
        pick, focus, background = _drawing(draw, values), frozenset(), None
    steps = plan.steps
    for step in steps:
        if step.roster is not None:
            roster = plan.rosters[step.roster]
            if step.position == roster.start:
                _roster_answers(
                    draw,
                    values,
                    roster,
                    pick=pick,
                    focus=focus,
                    background=background,
                    result=result,
                )
            continue
        chosen = pick if values.whole or step.position in focus else background
        if chosen is not None:
            result.update(_question_answers(chosen, values, step, respondent=False, required=False))
    return result


def _roster_answers(
    draw: Draw,
    values: _Values,
    roster: Roster,
    *,
    pick: Pick,
    focus: frozenset[int],
    background: Pick | None,
    result: dict[str, Any],
) -> None:
    """Records for ``roster`` (any number up to its maximum: the walk ignores extra ones)."""
    records: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, roster.max))):
        record: dict[str, Any] = {}
        for step in values.plan.steps[roster.start : roster.stop]:
            chosen = pick if values.whole or step.position in focus else background
            if chosen is not None:
                record.update(
                    _question_answers(chosen, values, step, respondent=False, required=False)
                )
        records.append(record)
    if records:
        result[roster.id] = records


def answers(instrument: Instrument | Plan | Compiled) -> st.SearchStrategy[dict[str, Any]]:
    """Any answer set ``instrument`` accepts: every variable answered or not, values of
    the right type within bounds, codes of the question, exclusive options alone,
    date ranges in order, texts that match their pattern and format, defaults often.
    Answers of questions a walk would not show are included, and so are answers of
    options and rows that are not offered, and values of hidden variables in and out
    of their domain (which the walk drops or replaces by the default).

    On an instrument of more than :data:`WHOLE` variables, hypothesis draws the answers
    of a few decisions (see :func:`decisions`) and a seeded generator the rest."""
    return _answers(_Values(plan_of(instrument)))


def _hidden_value(values: _Values, info: VarInfo, *, outside: bool) -> st.SearchStrategy[Any]:
    """A hidden variable's value given from outside: none, one of its domain, or (with
    ``outside``) one that is not, which the walk ignores."""
    options = [st.none(), values.value(info.name)]
    if outside:
        options.append(st.just(_outside(info)))
    return st.one_of(options)


def _outside(info: VarInfo) -> Any:
    """A value of the wrong type or outside the domain of hidden variable ``info``."""
    node = info.node
    if info.kind == "choice":
        return "x" + max(info.codes, key=len)  # longer than every code
    if info.kind == "number":
        if node.max is not None:
            return node.max + 1
        return node.min - 1 if node.min is not None else "12"
    if info.kind == "date":
        return "2020-01-01" if node.precision != "day" else "2020-01"
    return 12  # a text variable takes any text


class Attempt(NamedTuple):
    """What a respondent gives, and what the walk makes of it."""

    given: dict[str, Any]
    """The answers as given: hidden values in and out of their domain, answers of options
    and rows not offered, rules met or not."""
    response: dict[str, Any]
    """The response the walk keeps: hidden values (given, else their defaults), the
    answers of shown questions and offered options, computed values."""
    errors: tuple[tuple[str, int], ...]
    """The rules that fail, as (question id, rule index), in the walk's order."""


_RETRIES = 4
"""How often a respondent answers a question again to meet its rules."""


@st.composite
def _attempts(draw: Draw, values: _Values, required: bool, noisy: bool) -> Attempt:
    plan = values.plan
    given: dict[str, Any] = {}
    result: dict[str, Any] = {}
    for info in plan.hidden:
        value_given = draw(_hidden_value(values, info, outside=noisy))
        if value_given is not _ABSENT:
            given[info.name] = value_given
            if value_given != _outside(info):
                result[info.name] = normalize(info, value_given)
        if info.name not in result and info.node.default is not None:
            result[info.name] = info.node.default
    if values.whole:
        pick: Pick | None = _drawing(draw, values)
        focus: frozenset[int] = frozenset()
        background = pick
    else:
        pick, focus, background = _scaled(draw, values, respondent=True)
    walker = _Walker(draw, values, pick, focus, background, required=required, noisy=noisy)
    position = 0
    while position < plan.end:
        step = plan.steps[position]
        if step.roster is not None:
            roster = plan.rosters[step.roster]
            walker.roster(roster, given, result)
            position = roster.stop
            continue
        position = walker.visit(step, result, given)
    walker.order(given, result)
    return Attempt(given, result, tuple(walker.errors))


class _Walker:
    """A respondent walking the instrument step by step, as the walk does (the reference
    this strategy's responses are compared with), answering as it goes."""

    def __init__(
        self,
        draw: Draw,
        values: _Values,
        pick: Pick | None,
        focus: frozenset[int],
        background: Pick | None,
        *,
        required: bool,
        noisy: bool,
    ) -> None:
        self.draw, self.values = draw, values
        self.pick, self.focus, self.background = pick, focus, background
        self.required, self.noisy = required, noisy
        self.errors: list[tuple[str, int]] = []
        self.shown: list[Step] = []

    def visit(
        self,
        step: Step,
        scope: MutableMapping[str, Any],
        given: dict[str, Any],
    ) -> int:
        """Take ``step`` on ``scope`` (the response, or an iteration's record over it),
        putting what is given into ``given``; the next position."""
        parts = self.values.plan.parts
        if step.when is not None and not holds(step.when, scope, parts):
            return step.position + 1
        if step.computed is not None:
            computed = value(step.computed, scope, parts)
            if computed is not None:
                scope[step.question.id] = computed
            return step.position + 1
        self.shown.append(step)
        chosen = self.pick if step.position in self.focus else self.background
        assert chosen is not None  # a respondent's background answers what is required
        dropped = frozenset(
            code for code, cond in step.option_when.items() if not holds(cond, scope, parts)
        )
        own = _answer(
            chosen,
            self.values,
            step,
            required=self.required,
            dropped=dropped,
            before=scope,
            keep_trying=not self.noisy,
        )
        if self.noisy and dropped:
            given.update(_unoffered(self.draw, self.values, step, dropped, own))
        given.update(own)
        scope.update(own)
        if any(name in own for name in step.variables):
            checks = [*enumerate(step.rules)]
            if step.total is not None:
                checks.append((-1, step.total))
            self.errors.extend(
                (step.question.id, k) for k, rule in checks if not holds(rule, scope, parts)
            )
        chosen_code = scope.get(step.question.id)
        target = step.option_gotos.get(chosen_code) if isinstance(chosen_code, str) else None
        return target if target is not None else step.next_default

    def roster(self, roster: Roster, given: dict[str, Any], result: dict[str, Any]) -> None:
        """Walk ``roster`` once per iteration, giving (and keeping) a record for each."""
        plan = self.values.plan
        steps = plan.steps
        section_when = steps[roster.start].section_when
        if section_when is not None and not holds(section_when, result, plan.parts):
            return
        records: list[dict[str, Any]] = []
        records_given: list[dict[str, Any]] = []
        for item in iterations(roster, result):
            record: dict[str, Any] = {roster.item: item}
            own: dict[str, Any] = {}
            scope = ChainMap(record, result)
            position = roster.start
            while position < roster.stop:
                position = self.visit(steps[position], scope, own)
            records.append(record)
            records_given.append(own)
        if self.noisy and records and self.draw(st.integers(0, 3)) == 0:
            records_given.append({})  # a record beyond the iterations: ignored
        if records_given and any(records_given):
            given[roster.id] = records_given
        if records:
            result[roster.id] = records

    def order(self, given: dict[str, Any], result: dict[str, Any]) -> None:
        """``_order`` given now and then: for some randomised questions and sections shown,
        the order shown (the walk keeps it); noisy, also one that is not a permutation
        (the walk ignores it)."""
        sections = self.values.plan.instrument.sections
        candidates: dict[str, list[str]] = {}
        for step in self.shown:
            section = sections[step.entry.section_index]
            for what in (step.question, section):
                if getattr(what, "order", "written") == "random":
                    candidates.setdefault(what.id, order_codes(what))
        chosen: dict[str, list[str]] = {}
        for key, written in candidates.items():
            if self.draw(st.integers(0, 2)) == 0:
                chosen[key] = list(self.draw(st.permutations(written)))
        given_order: dict[str, Any] = dict(chosen)
        if self.noisy and candidates and self.draw(st.integers(0, 3)) == 0:
            key = self.draw(st.sampled_from(sorted(candidates)))
            given_order[key] = candidates[key][:-1] or ["?"]  # not a permutation: ignored
            chosen.pop(key, None)
        if given_order:
            given["_order"] = given_order
        if chosen:
            result["_order"] = chosen


def _answer(
    pick: Pick,
    values: _Values,
    step: Step,
    *,
    required: bool,
    dropped: frozenset[str],
    before: Mapping[str, Any],
    keep_trying: bool,
) -> dict[str, Any]:
    """A respondent's answers to one question; with ``keep_trying``, answers that meet the
    question's rules and a number list's total (answered again a few times, the fields
    moved towards the total; left unanswered where it may be)."""
    answer = _question_answers(
        pick, values, step, respondent=True, required=required, dropped=dropped
    )
    checks = (*step.rules, step.total) if step.total is not None else step.rules
    if not keep_trying or not checks:
        return answer
    parts = values.plan.parts
    for attempt in range(_RETRIES + 1):
        if step.total is not None and attempt % 2 == 0:
            answer = _towards_total(step, answer)
        if all(holds(rule, {**before, **answer}, parts) for rule in checks):
            return answer
        if attempt < _RETRIES:
            answer = _question_answers(
                pick, values, step, respondent=True, required=required, dropped=dropped
            )
    if not (required and getattr(step.question, "required", False)):
        return {}  # unanswered: rules are checked only on answered questions
    reject()  # a required question whose rules these answers did not meet
    return answer  # pragma: no cover - reject() raises


def _towards_total(step: Step, answer: dict[str, Any]) -> dict[str, Any]:
    """A number list's answers moved to meet its ``total`` (when some field is answered):
    every field given, starting from its answer (else its minimum, else 0), the
    difference to ``equals`` (or the excess over ``at_most``) spread over the fields
    within their bounds, in whole numbers for integer fields."""
    question = step.question
    assert isinstance(question, NumberListQuestion) and question.total is not None
    names = [f"{question.id}.{f.code}" for f in question.fields]
    if not any(name in answer for name in names):
        return answer
    moved = dict(answer)
    for name, field in zip(names, question.fields, strict=True):
        moved.setdefault(name, field.min if field.min is not None else 0)
    total = question.total
    current = sum(moved[name] for name in names)
    if total.equals is not None:
        gap = total.equals - current
    elif total.at_most is not None and current > total.at_most:
        gap = total.at_most - current
    else:
        return moved
    for name, field in zip(names, question.fields, strict=True):
        if gap == 0:
            break
        low = field.min if field.min is not None else -float("inf")
        high = field.max if field.max is not None else float("inf")
        shift = max(min(gap, high - moved[name]), low - moved[name])
        if field.kind == "integer":
            shift = int(shift)  # towards 0: stays within the bounds
        moved[name] += shift
        gap -= shift
    return moved


def _unoffered(
    draw: Draw, values: _Values, step: Step, dropped: frozenset[str], own: dict[str, Any]
) -> dict[str, Any]:
    """Answers of options and rows not offered, which the walk drops: a code for the
    question's own variable (a single choice left unanswered, codes added to a multiple
    choice's plain options within its limit), a row's answer."""
    question = step.question
    noise: dict[str, Any] = {}
    codes = sorted(dropped)
    if isinstance(question, MultipleChoice):
        exclusive = {o.code for o in question.options if o.exclusive}
        chosen = own.get(question.id, [])
        extra = [c for c in codes if c not in exclusive]
        limit = question.max_choices or len(question.options)
        if extra and not exclusive & set(chosen) and len(chosen) + 1 <= limit:
            added = {*chosen, draw(st.sampled_from(extra))}
            noise[question.id] = [o.code for o in question.options if o.code in added]
    elif isinstance(question, RankingQuestion):
        ranked = list(own.get(question.id, []))
        extra = [c for c in codes if c not in ranked]
        if extra and len(ranked) < _top(values.plan.variables[question.id], codes + ranked):
            at = draw(st.integers(0, len(ranked)))
            noise[question.id] = [*ranked[:at], draw(st.sampled_from(extra)), *ranked[at:]]
    elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
        for name in step.variables:
            row = _row_of(question, name)
            if (
                row in dropped
                and values.plan.variables[name].option is None
                and draw(st.booleans())
            ):
                noise[name] = draw(values.value(name))
    elif question.id not in own and codes:
        noise[question.id] = draw(st.sampled_from(codes))
    return noise


@st.composite
def _respondents(draw: Draw, values: _Values, required: bool) -> dict[str, Any]:
    attempt: Attempt = draw(_attempts(values, required, False))
    return attempt.response


def respondents(
    instrument: Instrument | Plan | Compiled, *, required: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    """Responses of respondents who walk ``instrument``: each shown question answered
    (required ones always, with ``required``), follow-ups only for chosen options,
    only offered options and rows, nothing for questions the walk does not show,
    rules met (a question whose rules a few tries do not meet is left unanswered, or
    the example is rejected where it is required), defaults often kept, hidden values
    given or not (then their defaults), computed values as the walk computes them.
    Each equals its own walk's response.

    On an instrument of more than :data:`WHOLE` variables, hypothesis draws the answers
    of a few decisions (see :func:`decisions`) and a seeded generator the rest."""
    return _respondents(_Values(plan_of(instrument)), required)


def attempts(
    instrument: Instrument | Plan | Compiled, *, required: bool = True
) -> st.SearchStrategy[Attempt]:
    """Respondents as :func:`respondents`, but each :class:`Attempt` gives also what the
    walk must drop or replace — hidden values outside their domain, answers of options
    and rows not offered — and meets the rules or not: ``walk(instrument,
    attempt.given, check=False)`` keeps ``attempt.response`` and fails
    ``attempt.errors``."""
    return _attempts(_Values(plan_of(instrument)), required, True)


def plan_of(instrument: Instrument | Plan | Compiled) -> Plan:
    """The routing plan: a Compiled's own, or one compiled afresh."""
    if isinstance(instrument, Compiled):
        return instrument.plan
    return as_plan(instrument)


# ---------------------------------------------------------------------- at scale
#
# hypothesis records every choice an example makes, in a buffer of a few thousand
# choices: an example that draws every answer of a long questionnaire outgrows it
# (a few thousand questions) and costs hypothesis' bookkeeping for every answer. So
# on a large instrument an example is a few decisions whose answers hypothesis draws
# (and shrinks), and a seed from which a plain random generator fills in the rest:
# each example is a few dozen choices, whatever the instrument's size.

#: Instruments with at most this many variables have every answer drawn by hypothesis.
WHOLE = 200
#: At most this many decisions per example have their answers drawn by hypothesis.
FOCUS = 3
#: How often the seeded generator answers a question it need not answer; seed 0 (what
#: counterexamples shrink to) answers only what a respondent must.
_DENSITIES = (0.2, 0.5, 0.8, 1.0)


def decisions(plan: Plan) -> list[frozenset[int]]:
    """The places where the walk decides, each as the positions of the questions whose
    answers decide it: a condition (its question and the questions whose answers it
    reads) and a single choice whose options route (the question). In sequence order."""
    found: list[frozenset[int]] = []
    for step in plan.steps:
        if step.when is not None:
            read = {step.position}
            for node in nodes(step.when):
                if isinstance(node, Ref):
                    position = _position_of(plan, node.name)
                    if position is not None:
                        read.add(position)
            found.append(frozenset(read))
        if step.option_gotos or step.goto is not None:
            found.append(frozenset({step.position}))
    return found


def _position_of(plan: Plan, name: str) -> int | None:
    info = plan.variables.get(name)
    if info is not None:
        return info.position
    return plan.symbols.positions.get(name)


def _scaled(
    draw: Draw, values: _Values, *, respondent: bool = False
) -> tuple[Pick, frozenset[int], Pick | None]:
    """For one example at scale: hypothesis' values, the positions it draws for (a few
    decisions, or a few questions where the instrument has no decisions), and the
    seeded generator's values for the rest (None: nothing else answered)."""
    plan = values.plan
    if values.decisions:
        chosen = draw(st.lists(st.sampled_from(values.decisions), min_size=1, max_size=FOCUS))
        focus = frozenset().union(*chosen)
    else:
        positions = st.integers(min_value=0, max_value=max(plan.end - 1, 0))
        focus = frozenset(draw(st.lists(positions, min_size=1, max_size=FOCUS)))
    # few bits: hypothesis shrinks a seed bit by bit, and only 0 is simpler than another
    seed = draw(st.integers(min_value=0, max_value=2**16 - 1))
    rng = random.Random(seed)
    density = rng.choice(_DENSITIES) if seed else 0.0
    background: Pick | None = None
    if seed or respondent:  # a respondent answers what is required, whatever the seed
        background = values.seeded(rng, density)
    return _drawing(draw, values), focus, background
