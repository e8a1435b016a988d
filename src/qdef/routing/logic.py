"""Conditions as decision diagrams over finite abstractions of the answers.

Every variable a condition (or an option's ``goto``) looks at gets a finite
domain whose first value (index 0) is *absent*:

- a single choice or matrix row: its codes;
- a multiple choice: one two-valued variable per code ("chosen or not");
- a check box: ticked;
- a number or date: the *regions* cut out by the constants the instrument's
  conditions compare it with (each constant, and one value strictly between
  neighbouring constants), within the question's bounds and, for integers
  and dates, only where a whole value exists;
- a text: each string it is compared with, and one text different from all.

Every comparison of a variable with a literal has one truth value on each
region, so reasoning over these domains is exact. The only comparisons it
cannot decide are between two number, text or date variables (``a < b``):
those become *opaque* two-valued variables, treated as independent of
everything else, and every conclusion that depends on one says "unknown".

Hidden variables are free inputs over their declared domain (first in the
order: they come before every question). A computed value is a variable like
an answer; what it is *defined* to be (its expression on the answers before
it) is a constraint of its step (:attr:`Logic.constraints`). Atoms that
compute (arithmetic, functions) and computed values are decided *exactly*
by enumeration where every variable they read has an exact finite domain
(codes, check boxes, truth values, integers with bounds at most
:data:`MAX_EXACT_RANGE` apart, computed values that are themselves
enumerated) and the combinations are at most :data:`MAX_EXPANSION`;
otherwise the atom is opaque and the computed value undefined, each with the
reason, and every conclusion that depends on them is undecided.

The truth of an atom on each value of its domain is computed by the concrete
evaluator (:mod:`qdef.routing.evaluate`) on a representative value, so the
diagrams cannot disagree with the walk.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qdef.expr.nodes import (
    And,
    Answered,
    Arith,
    Call,
    Compare,
    Expr,
    Has,
    In,
    Literal,
    Neg,
    Not,
    Or,
    Over,
    Ref,
    children,
)
from qdef.expr.printer import to_source
from qdef.expr.template import Template, TemplateSyntaxError
from qdef.model import (
    CheckColumn,
    Computed,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.model.symbols import Kind
from qdef.routing import evaluate
from qdef.routing.dd import DD, FALSE, MAX_NODES, TRUE, working_on
from qdef.routing.evaluate import ABSENT, holds
from qdef.routing.plan import Plan, Roster, Step, VarInfo
from qdef.source.positions import KeyPath

#: The most combinations of values an atom that computes (or a computed value) is
#: evaluated on; beyond it, the atom is undecided.
MAX_EXPANSION = 4096
#: The aggregates over a roster that always have a value (without iterations: 0, 0,
#: false, true).
NEVER_ABSENT = frozenset({"sum", "count", "any", "all"})
#: An integer answer whose bounds are at most this many values apart is enumerated
#: value by value when an atom computes with it.
MAX_EXACT_RANGE = 1000


# The plan's fields of issue 18 (SPEC18 §4), read through these accessors so that a
# plan without them (built before them) is a plan without those features.


def step_rules(step: Step) -> tuple[Expr, ...]:
    """The parsed ``check`` of each rule of ``step``."""
    return tuple(getattr(step, "rules", None) or ())


def step_computed(step: Step) -> Expr | None:
    """The parsed ``value`` of a computed entry (None for a question)."""
    found: Expr | None = getattr(step, "computed", None)
    return found


def step_available(step: Step) -> Expr | None:
    """The condition under which some option (row) of ``step`` is offered."""
    found: Expr | None = getattr(step, "available", None)
    return found


def step_option_when(step: Step) -> Mapping[str, Expr]:
    """Option (row) code -> the condition under which it is offered."""
    found: Mapping[str, Expr] = getattr(step, "option_when", None) or {}
    return found


def step_total(step: Step) -> Expr | None:
    """For a number list with a ``total``: the condition its fields' sum meets."""
    found: Expr | None = getattr(step, "total", None)
    return found


def step_checks(step: Step) -> tuple[Expr, ...]:
    """What the answers of ``step`` are checked against whenever one is given: its rules'
    checks, in order, then its number list's total (checked like a rule)."""
    total = step_total(step)
    return step_rules(step) if total is None else (*step_rules(step), total)


def plan_rosters(plan: Plan) -> Mapping[str, Roster]:
    """The roster sections by id (none for a plan built before them)."""
    found: Mapping[str, Roster] = getattr(plan, "rosters", None) or {}
    return found


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, parents before children, but not the body of an aggregate
    over a roster (:class:`~qdef.expr.nodes.Over`): its references mean each iteration's
    answers, which the diagrams do not hold (the aggregate is one atom, see
    :meth:`Logic.condition`)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, Over):
            stack.extend(reversed(children(node)))


def aggregates(expr: Expr) -> list[Over]:
    """The aggregates over rosters in ``expr`` (outermost ones)."""
    return [node for node in walk(expr) if isinstance(node, Over)]


def rank_name(question: str, code: str) -> str:
    """The name of the diagram variable for ``rank(question, "code")`` (it cannot clash
    with an answer's name: ids have no ``#``)."""
    return f"{question}#rank:{code}"


def plan_hidden(plan: Plan) -> tuple[VarInfo, ...]:
    """The hidden variables (position -1: before every question)."""
    return tuple(getattr(plan, "hidden", None) or ())


def is_computed(info: VarInfo | None) -> bool:
    return info is not None and isinstance(info.node, Computed)


def is_hidden(info: VarInfo | None) -> bool:
    return info is not None and info.position < 0


def expressions(step: Step) -> Iterator[Expr]:
    """Every expression the routing of ``step`` evaluates: its condition (with the
    offering of its options), each option's (row's) condition, its rules, its value."""
    if step.when is not None:
        yield step.when
    yield from step_option_when(step).values()
    yield from step_checks(step)
    computed = step_computed(step)
    if computed is not None:
        yield computed


def computes(expr: Expr) -> bool:
    """Whether ``expr`` computes (arithmetic or a function somewhere in it)."""
    return any(isinstance(node, Arith | Neg | Call) for node in walk(expr))


def constants_in(exprs: Iterator[Expr]) -> dict[str, set[Any]]:
    """The literals ``exprs`` compare each variable with: ``x < 5``, ``5 > x``,
    ``x == "a"``, ``x in [1, 2]``."""
    found: dict[str, set[Any]] = {}
    for expr in exprs:
        for node in walk(expr):
            if isinstance(node, In) and isinstance(node.left, Ref):
                found.setdefault(node.left.name, set()).update(v.value for v in node.values)
            elif isinstance(node, Compare):
                for ref, literal in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(ref, Ref) and isinstance(literal, Literal):
                        found.setdefault(ref.name, set()).add(literal.value)
    return found


#: ``a op b`` is ``b mirrored-op a``.
_MIRROR = {"==": "==", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True, slots=True)
class Region:
    """A value of a number or date domain: a point, or the open interval between two
    constants (``None``: unbounded), with the representative used as a witness."""

    low: Any
    high: Any
    point: bool
    value: Any


@dataclass(frozen=True, slots=True)
class Piped:
    """A piece of a piped text without a fallback: its value must be there whenever the
    text is shown (``{q}``; ``{q|…}`` has a fallback and is not one of these)."""

    path: KeyPath
    """The text's key path (ending in the language for a translated text)."""
    position: int
    """The question the text belongs to (a section's title: its first question; the
    instrument's intro: 0)."""
    place: tuple[Any, ...]
    """Where in the question: ``()`` its own texts, ``("option", code)`` or
    ``("row", code)`` an option's or row's, ``("rule", k)`` a rule's message,
    ``("section", s)`` a section's title or intro, ``("intro",)`` the instrument's."""
    source: str
    """The piece's expression as written."""
    names: tuple[str, ...]
    """The variables it reads."""


@dataclass(slots=True)
class Domain:
    """The finite domain of one diagram variable."""

    name: str
    """The condition-language variable (for a multiple-choice code: the question)."""
    info: VarInfo | None
    values: list[Any]
    """Index 0 is absent; the rest are representative answers."""
    code: str | None = None
    """For a multiple-choice code variable: the code."""
    regions: list[Region] = field(default_factory=list)
    """For numbers and dates: region of each value (index 0: unused)."""
    opaque: Expr | None = None
    """For an opaque comparison: the comparison itself; for the condition of a question
    not analysed (``skipped``): that condition."""
    skipped: str | None = None
    """For the condition of a question not analysed: the question."""
    exact: bool = False
    """Whether the values are every value the variable can take (so an atom that
    computes with it can be evaluated on each)."""
    reason: str | None = None
    """For an atom that computes, opaque: why qdef cannot decide it; for a computed value
    whose definition is not encoded: why."""
    precision: str | None = None
    """For a date: its precision."""
    default: int | None = None
    """For a hidden variable with a default: the value that stands for the default. It
    is never absent (the walk gives it its default), so *absent* (value 0) behaves as
    this value in every atom, and is printed as it."""


def to_ordinal(text: str, precision: str) -> int:
    parts = [int(p) for p in text.split("-")]
    if precision == "year":
        return parts[0]
    if precision == "month":
        return parts[0] * 12 + parts[1] - 1
    return datetime.date(parts[0], parts[1], parts[2]).toordinal()


_EARLIEST = {"year": "0001", "month": "0001-01", "day": "0001-01-01"}
_LATEST = {"year": "9999", "month": "9999-12", "day": "9999-12-31"}


def from_ordinal(value: int, precision: str) -> str | None:
    if precision == "year":
        return f"{value:04d}" if 1 <= value <= 9999 else None
    if precision == "month":
        year, month = divmod(value, 12)
        return f"{year:04d}-{month + 1:02d}" if 1 <= year <= 9999 else None
    if not 1 <= value <= datetime.date.max.toordinal():
        return None
    return datetime.date.fromordinal(value).isoformat()


def _between(low: Any, high: Any, lo: Any, hi: Any, whole: bool) -> Any:
    """A value strictly between constants ``low`` and ``high`` (None: unbounded) and
    within the inclusive bounds ``lo`` … ``hi``; whole if ``whole``. None if there is none."""
    below = (low, False)
    if lo is not None and (low is None or lo > low):
        below = (lo, True)
    above = (high, False)
    if hi is not None and (high is None or hi < high):
        above = (hi, True)
    (a, a_in), (b, b_in) = below, above
    if whole:
        start = None if a is None else (math.ceil(a) if a_in else math.floor(a) + 1)
        stop = None if b is None else (math.floor(b) if b_in else math.ceil(b) - 1)
        if start is None and stop is None:
            return 0
        if start is None:
            return stop
        if stop is None or start <= stop:
            return start
        return None
    # whole numbers beside a bound are exact at any size (b - 1 is b for b = 1e300),
    # and halves do not overflow (a + b may)
    if a is None and b is None:
        return 0
    if a is None:
        return b if b_in else math.floor(b) - 1
    if b is None:
        return a if a_in else math.ceil(a) + 1
    if a < b:
        if a_in:
            return a
        if b_in:
            return b
        whole = math.floor(a) + 1  # exact at any size, where the halves below round
        if whole < b:
            return whole
        middle = a / 2 + b / 2
        return middle if a < middle < b else None
    return a if a == b and a_in and b_in else None


def number_regions(constants: set[Any], lo: Any, hi: Any, whole: bool) -> list[Region]:
    """The regions of a number line cut by ``constants`` within ``lo`` … ``hi``."""
    points = sorted(constants)
    edges: list[Any] = [None, *points, None]
    regions: list[Region] = []
    for i in range(len(edges) - 1):
        low, high = edges[i], edges[i + 1]
        rep = _between(low, high, lo, hi, whole)
        if rep is not None and (low is None or rep > low) and (high is None or rep < high):
            regions.append(Region(low, high, False, rep))
        if i < len(points):
            c = points[i]
            if (lo is None or c >= lo) and (hi is None or c <= hi) and (not whole or c == int(c)):
                regions.append(Region(c, c, True, int(c) if whole else c))
    return regions


def on_grid(region: Region, lo: Any, hi: Any, step: Any, whole: bool) -> Region | None:
    """``region`` represented by a value on the grid ``origin + k·step`` (origin: ``lo``,
    or 0), within the bounds ``lo`` … ``hi``; None when the region holds none (an answer
    off the grid is not valid, so no respondent gives one)."""
    origin = lo if lo is not None else 0
    tolerance = 1e-9 * step

    def at(k: int) -> Any:
        value = origin + k * step
        return round(value) if whole else value

    if region.point:
        k = round((region.low - origin) / step)
        return region if abs(origin + k * step - region.low) <= tolerance else None
    below = [(region.low, False), (lo, True)]
    above = [(region.high, False), (hi, True)]
    first: int | None = None
    for bound, inclusive in below:
        if bound is None:
            continue
        k = math.ceil((bound - origin) / step - 1e-9)
        if not inclusive and origin + k * step <= bound + tolerance:
            k += 1
        first = k if first is None else max(first, k)
    last: int | None = None
    for bound, inclusive in above:
        if bound is None:
            continue
        k = math.floor((bound - origin) / step + 1e-9)
        if not inclusive and origin + k * step >= bound - tolerance:
            k -= 1
        last = k if last is None else min(last, k)
    if first is None:
        first = 0 if last is None else min(0, last)
    if last is not None and first > last:
        return None
    return Region(region.low, region.high, False, at(first))


def _rebuild(node: Expr, kids: tuple[Expr, ...]) -> Expr:
    """``node`` with its direct sub-expressions replaced by ``kids`` (in the order of
    :func:`~qdef.expr.nodes.children`)."""
    match node:
        case Answered():
            assert isinstance(kids[0], Ref)
            return dataclasses.replace(node, ref=kids[0])
        case Compare() | Arith():
            return dataclasses.replace(node, left=kids[0], right=kids[1])
        case Has():
            return dataclasses.replace(node, left=kids[0], value=kids[1])
        case In():
            return dataclasses.replace(node, left=kids[0])
        case Not() | Neg():
            return dataclasses.replace(node, operand=kids[0])
        case And() | Or():
            return dataclasses.replace(node, operands=kids)
        case Call():
            return dataclasses.replace(node, args=kids)
        case Over():
            return dataclasses.replace(node, body=kids[0])
    return node


def _ordered(info: VarInfo, chosen: list[str], ranks: Mapping[str, int] | None) -> list[str]:
    """A list answer in the order the walk keeps: the items of a ranking by rank (in the
    options' order where the ranks are not known), a multiple choice's in the options'."""
    codes = [c for c in info.codes if c in chosen]
    return codes if ranks is None else sorted(codes, key=lambda c: ranks.get(c, 0))


def _ranks(info: VarInfo) -> int:
    """How many ranks a ranking has: its ``top``, or every item."""
    top = getattr(info.node, "top", None)
    return min(top, len(info.codes)) if top else len(info.codes)


class Logic:
    """Compiles an instrument's conditions to diagrams over finite domains."""

    def __init__(
        self,
        plan: Plan,
        max_nodes: int = MAX_NODES,
        skipped: frozenset[int] = frozenset(),
        templates: Mapping[KeyPath, Template] | None = None,
    ) -> None:
        self.plan = plan
        self.dd = DD(max_nodes)
        self.domains: list[Domain] = []
        self.var_of: dict[str, int] = {}
        self.bits: dict[tuple[str, str], int] = {}
        self.opaque: dict[Expr, int] = {}
        self.ranges: list[tuple[str, int, int]] = []
        """Date ranges whose two ends conditions look at: (question, from, to). Their
        order (from <= to) is a relation between answers, which is not encoded."""
        self.hidden = {info.name: info for info in plan_hidden(plan)}
        """The hidden variables by name."""
        self.computed = {
            step.question.id: expr
            for step in plan.steps
            if (expr := step_computed(step)) is not None
        }
        """Computed value -> its expression."""
        self.computed_info: dict[str, VarInfo] = {}
        """Computed value -> its variable (kind: its expression's type)."""
        for step in plan.steps:
            if step.question.id in self.computed:
                vtype = self._vtype(step.question.id)
                kind: Kind = "number" if vtype is None else vtype.kind
                self.computed_info[step.question.id] = VarInfo(
                    step.question.id, kind, step.question.id, step.position, (), step.question
                )
        self._compared_by_rules: set[Compare] = set()
        """Comparisons of two answers in rules: enumerated where both can be."""
        self._reads_of: dict[str, list[int]] = {}
        """For a computed value whose definition is encoded: the variables it reads."""
        self.piped = self._piped(templates)
        """The pieces without fallback of the instrument's piped texts."""
        self._rosters()
        self._memo: dict[Expr, int] = {}
        self.skipped = skipped
        """The positions of questions not analysed: each one's condition is an
        independent yes/no (printed as the condition itself), its rules unknown."""
        self._allocate()
        for position in sorted(skipped):
            step = plan.steps[position]
            if step.when is not None and step.when not in self._memo:
                var = self.dd.new_var(2)
                self.domains.append(
                    Domain("", None, [False, True], opaque=step.when, skipped=step.question.id)
                )
                self._memo[step.when] = self.dd.literal(var, [1])
        self.constraints: list[int] = []
        """Per question: the rules its answers obey (see :meth:`rules`), its rules with
        messages, that a chosen option was offered, and for a computed value what it is."""
        self.checks: list[list[int]] = []
        """Per question: each of its rules (``rules:``) as "unanswered, or the check holds"."""
        self.base: list[int] = []
        """Per question: :attr:`constraints` without its rules with messages."""
        for step in plan.steps:
            with working_on(step.position):
                skip = step.position in skipped
                base = TRUE if skip else self.dd.and_(self.rules(step), self.offered(step))
                if not skip:
                    base = self.dd.and_(base, self.definition(step))
                checks = [] if skip else self.checked(step)
                self.base.append(base)
                self.checks.append(checks)
                self.constraints.append(self.dd.all_([base, *checks]))

    def _piped(self, templates: Mapping[KeyPath, Template] | None) -> list[Piped]:
        """The pieces without fallback of ``templates`` (the instrument's piped texts by key
        path, as :meth:`qdef.pipeline.compiled.Compiled.texts_with_pieces` gives them;
        found here when not given)."""
        if templates is None:
            from qdef.validation.checks import piped_templates  # noqa: PLC0415

            try:
                templates = piped_templates(self.plan.instrument)
            except TemplateSyntaxError:  # not a valid instrument: no piped values to check
                return []
        if not templates:
            return []
        entries = {entry.path: entry for entry in self.plan.symbols.entries}
        first: dict[int, int] = {}
        for entry in self.plan.symbols.entries:
            first.setdefault(entry.section_index, entry.position)
        found: list[Piped] = []
        for path, template in templates.items():
            place: tuple[Any, ...]
            if path[:1] != ("sections",):
                position, place = 0, ("intro",)
            elif len(path) < 4 or path[2] != "questions":
                section = int(path[1])
                position, place = first.get(section, 0), ("section", section)
            else:
                entry = entries[path[:4]]
                position, place = entry.position, ()
                rest = path[4:]
                if rest[:1] in (("options",), ("rows",)) and len(rest) > 2:
                    items = getattr(entry.question, str(rest[0]))
                    place = (str(rest[0])[:-1], items[rest[1]].code)
                elif rest[:1] == ("rules",):
                    place = ("rule", rest[1])
            for piece in template.pieces:
                if isinstance(piece, str) or piece.fallback is not None:
                    continue
                names = tuple(dict.fromkeys(self.reads(piece.expr)))
                found.append(Piped(path, position, place, piece.source, names))
        return found

    def info(self, name: str) -> VarInfo | None:
        """The variable ``name`` (an answer, a computed or a hidden variable, a roster's
        item)."""
        return (
            self.items.get(name)
            or self.plan.variables.get(name)
            or self.hidden.get(name)
            or self.computed_info.get(name)
        )

    def _rosters(self) -> None:
        self.rosters = dict(plan_rosters(self.plan))
        """The roster sections by id. The analysis looks at ONE iteration of each: the
        roster's steps are ordinary steps whose item is a free input over its domain,
        tied to the source by :attr:`guard`."""
        self.items: dict[str, VarInfo] = {}
        """Each roster's item, as the variable the diagrams give it."""
        self.entered: dict[int, Expr] = {}
        """Position of a roster's step -> "its source has at least one item" (part of the
        condition of every step of the roster: without items there is no iteration)."""
        self.guard: dict[int, Expr] = {}
        """Position of a roster's first step -> what arriving there implies: where the
        roster has an iteration, the item is one of its source's."""
        self.started: dict[str, Expr] = {}
        """Roster id -> the condition under which it has iterations."""
        for roster in self.rosters.values():
            self._roster(roster)
        self.ranked = self._ranked()
        """The rankings whose items' ranks conditions read (``rank(q, "code")``): each item
        of them has its rank (or absent) as a diagram variable, the others one bit."""

    def _roster(self, roster: Roster) -> None:
        """The item of ``roster`` and the conditions that tie it to its source."""
        plan = self.plan
        item, source = Ref(roster.item), Ref(roster.source)
        link: list[Expr] = [Answered(item)]
        if roster.kind == "choices":
            found = plan.variables.get(roster.source)
            codes = found.codes if found is not None else tuple(str(s) for s in roster.slots)
            info = VarInfo(roster.item, "choice", roster.id, roster.start, codes, None, None)
            entry: Expr = Answered(source)
            link.append(Has(source, item))
        elif roster.kind == "textlist":
            info = VarInfo(roster.item, "text", roster.id, roster.start, (), None, None)
            entry = Answered(source)
        else:  # times: the item is 1 … max, and the number at least the item
            info = VarInfo(roster.item, "number", roster.id, roster.start, (), None, None)
            entry = Compare(">=", source, Literal(1))
            link.extend(
                Or((Not(Compare("==", item, Literal(k))), Compare(">=", source, Literal(k))))
                for k in range(1, roster.max + 1)
            )
        self.items[roster.item] = info._replace(roster=roster.id)
        first = plan.steps[roster.start] if roster.start < plan.end else None
        for position in range(roster.start, min(roster.stop, plan.end)):
            self.entered[position] = entry
        if first is not None:
            started = entry if first.section_when is None else And((first.section_when, entry))
            self.guard[roster.start] = Or((Not(started), And(tuple(link))))
            self.started[roster.id] = started

    def _ranked(self) -> set[str]:
        found: set[str] = set()
        extra = [*self.entered.values(), *self.guard.values()]
        for expr in itertools.chain(
            (e for step in self.plan.steps for e in expressions(step)), extra
        ):
            for node in walk(expr):
                if (
                    isinstance(node, Call)
                    and node.name == "rank"
                    and node.args
                    and isinstance(node.args[0], Ref)
                ):
                    info = self.info(node.args[0].name)
                    if info is not None and info.kind == "ranking":
                        found.add(info.name)
        return found

    def roster_extras(self) -> list[Expr]:
        """The conditions rosters add (see :attr:`entered` and :attr:`guard`)."""
        return [*dict.fromkeys(self.entered.values()), *self.guard.values()]

    # ------------------------------------------------------------------ domains

    def _allocate(self) -> None:
        plan = self.plan
        everything = [e for step in plan.steps for e in expressions(step)]
        everything += self.roster_extras()
        # an aggregate's body is a condition (value) of one iteration: its constants cut
        # its variables' domains, so that which iterations can have it is decided
        everything += [over.body for expr in list(everything) for over in aggregates(expr)]
        constants = constants_in(iter(everything))
        wanted: set[str] = set()
        opaque: list[tuple[int, Expr]] = []
        enumerated: set[str] = set()  # read by an atom that computes, or a computed value
        for step in plan.steps:
            if step.option_gotos:
                wanted.add(step.question.id)
            if step_checks(step) or step_option_when(step):
                # "some answer given" and "an option chosen" look at every answer
                wanted.update(n for n in step.variables if n in plan.variables)
        checks = [rule for step in plan.steps for rule in step_checks(step)]
        for rule in checks:  # two answers compared by a rule: enumerated where they can be
            for node in walk(rule):
                if (
                    isinstance(node, Compare)
                    and isinstance(node.left, Ref)
                    and isinstance(node.right, Ref)
                ):
                    self._compared_by_rules.add(node)
                    enumerated.update((node.left.name, node.right.name))
        for piped in self.piped:
            wanted.update(piped.names)
        for expr in everything:
            for node in walk(expr):
                if isinstance(node, Ref):
                    wanted.add(node.name)
                elif isinstance(node, Answered):
                    wanted.update(plan.parts(node.ref.name))
                elif isinstance(node, Compare):
                    self._collect_opaque(node, opaque)
                if isinstance(node, Arith | Neg | Call) or (
                    isinstance(node, Compare) and self._involves_computed(node)
                ):
                    enumerated.update(n.name for n in walk(node) if isinstance(n, Ref))
        # a computed value read reads in turn what its expression reads (later first)
        for name in sorted(self.computed, key=plan.position_of, reverse=True):
            if name in wanted:
                used = [n.name for n in walk(self.computed[name]) if isinstance(n, Ref)]
                wanted.update(used)
                enumerated.update(used)
        hidden = list(self.hidden)

        def order(info: VarInfo) -> tuple[int, int]:
            if info.position < 0:
                return (-1, hidden.index(info.name))
            names = plan.steps[info.position].variables
            return (info.position, names.index(info.name) if info.name in names else 0)

        infos = [self.info(n) for n in wanted]
        ordered = sorted((i for i in infos if i is not None), key=order)
        opaque.sort(key=lambda item: item[0])
        pending = iter(opaque)
        upcoming = next(pending, None)
        for info in ordered:
            while upcoming is not None and upcoming[0] < info.position:
                self._opaque_var(upcoming[1])
                upcoming = next(pending, None)
            self._variable(info, constants.get(info.name, set()), info.name in enumerated)
        while upcoming is not None:
            self._opaque_var(upcoming[1])
            upcoming = next(pending, None)

    def _involves_computed(self, node: Compare) -> bool:
        return any(
            isinstance(side, Ref) and side.name in self.computed for side in (node.left, node.right)
        )

    def _collect_opaque(self, node: Compare, opaque: list[tuple[int, Expr]]) -> None:
        """A comparison of two number, date or text answers becomes an opaque variable."""
        left, right = node.left, node.right
        if (
            isinstance(left, Ref)
            and isinstance(right, Ref)
            and not self._involves_computed(node)
            and not self._enumerable(node)
        ):
            a, b = self.info(left.name), self.info(right.name)
            if a is not None and b is not None and a.kind not in ("choice", "check"):
                key, _ = self.opaque_key(node.op, left.name, right.name)
                if key not in self.opaque:
                    self.opaque[key] = -1  # allocated in question order, below
                    opaque.append((max(a.position, b.position) + 1, key))

    def opaque_key(self, op: str, left: str, right: str) -> tuple[Compare, bool]:
        """The opaque comparison that stands for ``left op right``, and whether it is
        negated. ``a != b`` is ``not (a == b)`` (on any answers, absent ones included:
        the two are complements), ``b > a`` is ``a < b`` and ``b == a`` is ``a == b``;
        the first spelling met is the one registered (and printed)."""
        negated = op == "!="
        positive = "==" if negated else op
        plain = Compare(positive, Ref(left), Ref(right))
        mirrored = Compare(_MIRROR[positive], Ref(right), Ref(left))
        if plain not in self.opaque and mirrored in self.opaque:
            return mirrored, negated
        return plain, negated

    def _opaque_var(self, expr: Expr) -> None:
        var = self.dd.new_var(2)
        self.domains.append(Domain("", None, [False, True], opaque=expr))
        self.opaque[expr] = var

    def _variable(self, info: VarInfo, constants: set[Any], enumerated: bool) -> None:
        """Allocate ``info``'s diagram variable(s); ``enumerated``: an atom that computes
        (or a computed value) reads it, so it is made exact where it can be."""
        kind = info.kind
        if kind == "ranking" and info.name in self.ranked:  # each item's rank, or absent
            ranks = list(range(1, _ranks(info) + 1))
            for code in info.codes:
                var = self.dd.new_var(len(ranks) + 1)
                self.bits[(info.name, code)] = var
                self.var_of[rank_name(info.name, code)] = var
                self.domains.append(
                    Domain(info.name, info, [ABSENT, *ranks], code=code, exact=True)
                )
            return
        if kind in ("choices", "ranking"):
            for code in info.codes:
                self.bits[(info.name, code)] = self.dd.new_var(2)
                self.domains.append(Domain(info.name, info, [ABSENT, True], code=code, exact=True))
            return
        domain = Domain(info.name, info, [ABSENT])
        roster = self.rosters.get(info.roster or "")
        if roster is not None and roster.item == info.name and kind == "number":
            counts = set(range(1, roster.max + 1))
            self._number_domain(domain, counts, 1, roster.max, True)  # (1 … max: exact)
            domain.exact = True
        elif is_computed(info):
            self._computed_domain(domain, constants)
        elif kind == "choice":
            domain.values.extend(info.codes)
            domain.exact = True
        elif kind == "check":
            domain.values.append(True)
            domain.exact = True
        elif kind == "truth":
            domain.values.extend([False, True])
            domain.exact = True
        elif kind == "text":
            self._text_domain(domain, constants, getattr(info.node, "max_length", None))
        elif kind == "number":
            self._answer_number(domain, info, constants, enumerated)
        else:  # a date
            node = info.node
            self._date_domain(
                domain, constants, node.precision, getattr(node, "min", None), node.max
            )
        default = getattr(info.node, "default", None) if is_hidden(info) else None
        if default is not None:
            index = self._index(domain, default)
            domain.default = index if index > 0 else None
        self.var_of[info.name] = self.dd.new_var(len(domain.values))
        self.domains.append(domain)
        if info.name.endswith(".to") and info.name[:-3] + ".from" in self.var_of:
            start = self.var_of[info.name[:-3] + ".from"]
            self.ranges.append((info.question, start, self.var_of[info.name]))

    def _answer_number(
        self, domain: Domain, info: VarInfo, constants: set[Any], enumerated: bool
    ) -> None:
        """A number answer's domain: regions, or (``enumerated``, whole and bounded) every
        value; on its ``step``'s grid when it has one."""
        node = info.node
        whole = getattr(node, "kind", "decimal") == "integer"
        lo, hi = getattr(node, "min", None), getattr(node, "max", None)
        numbers = {c for c in constants if isinstance(c, int | float) and not isinstance(c, bool)}
        if enumerated and whole and lo is not None and hi is not None and hi - lo < MAX_EXACT_RANGE:
            numbers.update(range(math.ceil(lo), math.floor(hi) + 1))
            domain.exact = True
        self._number_domain(domain, numbers, lo, hi, whole, step=getattr(node, "step", None))

    @staticmethod
    def _text_domain(domain: Domain, constants: set[Any], limit: int | None) -> None:
        texts = sorted(c for c in constants if isinstance(c, str) and c)
        texts = [t for t in texts if limit is None or len(t) <= limit]
        other = "…"
        while other in texts:
            other += "…"
        domain.values.extend([*texts, other])

    @staticmethod
    def _number_domain(
        domain: Domain, numbers: set[Any], lo: Any, hi: Any, whole: bool, *, step: Any = None
    ) -> None:
        """The regions of a number; with a ``step``, only those with a value on its grid
        (``min + k·step``, or ``k·step`` without ``min``), represented by one."""
        regions = number_regions(numbers, lo, hi, whole)
        if step:
            regions = [r for r in (on_grid(r, lo, hi, step, whole) for r in regions) if r]
        domain.regions = [Region(None, None, False, None), *regions]
        domain.values.extend(r.value for r in domain.regions[1:])

    @staticmethod
    def _date_domain(
        domain: Domain, constants: set[Any], precision: str, low: str | None, high: str | None
    ) -> None:
        domain.precision = precision
        ordinals = {to_ordinal(c, precision) for c in constants if isinstance(c, str)}
        lo = to_ordinal(low or _EARLIEST[precision], precision)
        hi = to_ordinal(high or _LATEST[precision], precision)
        domain.regions = [Region(None, None, False, None)]
        for region in number_regions(ordinals, lo, hi, True):
            text = from_ordinal(region.value, precision)
            if text is not None:
                domain.regions.append(Region(region.low, region.high, region.point, text))
        domain.values.extend(r.value for r in domain.regions[1:])

    def _computed_domain(self, domain: Domain, constants: set[Any]) -> None:
        """A computed value's domain: every value its expression takes, when the answers
        it reads are enumerable (then its definition is encoded: :meth:`definition`);
        otherwise the regions of its kind, and the reason it is left undefined."""
        info = domain.info
        assert info is not None
        expr = self.computed[info.name]
        over = aggregates(expr)
        variables: list[int] = []
        reason: str | None
        if over:
            reason = (
                f"aggregates the iterations of roster '{over[0].roster}', which qdef "
                "does not decide"
            )
        else:
            variables, reason = self._expansion(self.reads(expr))
        vtype = self._vtype(info.name)
        if reason is None:
            found: dict[Any, None] = {}
            try:
                for response in self._responses(variables):
                    value = evaluate.value(expr, response, parts=self.plan.parts)
                    if value is not ABSENT:
                        found.setdefault(value, None)
            except (TypeError, ValueError, KeyError, ArithmeticError) as error:
                reason = f"cannot be evaluated by qdef's analysis ({error})"
        if reason is None:
            values = sorted(found, key=lambda v: (str(type(v)), v))
            domain.exact = True
            self._reads_of[info.name] = variables
            if info.kind == "number":
                domain.regions = [Region(None, None, False, None)]
                domain.regions += [Region(v, v, True, v) for v in values]
            domain.values.extend(values)
            if info.kind == "date":
                domain.precision = getattr(vtype, "precision", None) or "day"
            return
        domain.reason = f"the computed value '{info.name}' ({to_source(expr)}) {reason}"
        if info.kind == "number":
            numbers = {
                c for c in constants if isinstance(c, int | float) and not isinstance(c, bool)
            }
            self._number_domain(domain, numbers, None, None, bool(getattr(vtype, "integer", False)))
        elif info.kind == "date":
            precision = getattr(vtype, "precision", None) or "day"
            self._date_domain(domain, constants, precision, None, None)
        elif info.kind == "truth":
            domain.values.extend([False, True])
        else:
            self._text_domain(domain, constants, None)

    def _vtype(self, name: str) -> Any:
        variable = self.plan.symbols.variables.get(name)
        return None if variable is None else variable.type

    # ------------------------------------------------------------------ enumeration

    def reads(self, expr: Expr) -> list[str]:
        """The variables ``expr`` reads (a question with parts: its parts), in order."""
        names: dict[str, None] = {}
        for node in walk(expr):
            if isinstance(node, Ref):
                for name in self.plan.parts(node.name) or (node.name,):
                    names.setdefault(name, None)
        return list(names)

    def _expansion(self, names: list[str]) -> tuple[list[int], str | None]:
        """The diagram variables of ``names`` to enumerate, or why they cannot be."""
        variables: list[int] = []
        combinations = 1
        for name in names:
            found = self.vars_of(name)
            if not found:
                return [], f"reads '{name}', which qdef cannot enumerate"
            for var in found:
                domain = self.domains[var]
                if not domain.exact:
                    return [], f"reads {self._inexact(name, domain)}"
                combinations *= self.dd.sizes[var]
            variables.extend(found)
        if combinations > MAX_EXPANSION:
            return [], (
                f"reads answers with more than {MAX_EXPANSION} combinations of values "
                f"({', '.join(names)})"
            )
        return sorted(set(variables)), None

    @staticmethod
    def _inexact(name: str, domain: Domain) -> str:
        kind = domain.info.kind if domain.info else ""
        if domain.reason is not None:
            return f"'{name}', which is undecided itself"
        if kind == "number":
            return (
                f"'{name}', a number without bounds (or with bounds more than "
                f"{MAX_EXACT_RANGE} whole values apart)"
            )
        return f"'{name}', a {kind or 'value'} (which qdef does not enumerate)"

    def _responses(self, variables: list[int]) -> Iterator[dict[str, Any]]:
        """Every response the values of ``variables`` stand for."""
        sizes = [range(self.dd.sizes[v]) for v in variables]
        for values in itertools.product(*sizes):
            yield self._response(dict(zip(variables, values, strict=True)))

    def _response(self, assigned: Mapping[int, int]) -> dict[str, Any]:
        response: dict[str, Any] = {}
        ranks: dict[str, dict[str, int]] = {}
        for var, k in assigned.items():
            domain = self.domains[var]
            index = domain.default if k == 0 and domain.default is not None else k
            if index == 0:  # (a hidden variable with a default is never absent)
                continue
            if domain.code is not None:
                response.setdefault(domain.name, []).append(domain.code)
                if len(domain.values) > 2:  # a ranked item: its rank
                    response[rank_name(domain.name, domain.code)] = index
                    ranks.setdefault(domain.name, {})[domain.code] = index
            else:
                response[domain.name] = domain.values[index]
        for name, value in response.items():
            info = self.info(name)
            if isinstance(value, list) and info is not None:
                response[name] = _ordered(info, value, ranks.get(name))
        return response

    def table(self, variables: list[int], leaf: Callable[[dict[str, Any]], int]) -> int:
        """The diagram that, for each combination of values of ``variables`` (in order),
        is ``leaf`` of the response they stand for (over later variables only)."""
        dd = self.dd
        assigned: dict[int, int] = {}

        def build(k: int) -> int:
            if k == len(variables):
                return leaf(self._response(assigned))
            var = variables[k]
            kids = []
            for value in range(dd.sizes[var]):
                assigned[var] = value
                kids.append(build(k + 1))
            del assigned[var]
            return dd.mk(var, tuple(kids))

        return build(0)

    def _expand(self, expr: Expr) -> int:
        """An atom that computes: its truth on every combination of the values it reads,
        or, when they cannot be enumerated, an opaque yes/no with the reason."""
        variables, reason = self._expansion(self.reads(expr))
        if reason is None:
            parts = self.plan.parts
            try:
                return self.table(variables, lambda r: TRUE if holds(expr, r, parts) else FALSE)
            except (TypeError, ValueError, KeyError, ArithmeticError) as error:
                reason = f"cannot be evaluated by qdef's analysis ({error})"
        return self.opaque_atom(expr, reason)

    def _expandable(self, expr: Expr) -> bool:
        if computes(expr):
            return True
        return (
            isinstance(expr, Compare)
            and isinstance(expr.left, Ref)
            and isinstance(expr.right, Ref)
            and (self._involves_computed(expr) or self._enumerable(expr))
        )

    def _enumerable(self, node: Compare) -> bool:
        """A comparison of two answers in a rule, both of which are enumerated."""
        if node not in self._compared_by_rules:
            return False
        names = [side.name for side in (node.left, node.right) if isinstance(side, Ref)]
        if not all(name in self.var_of for name in names):
            return self._exactly_bounded(names)
        return all(self.domains_of(name).exact for name in names)

    def _exactly_bounded(self, names: list[str]) -> bool:
        """Before allocation: whether the answers ``names`` will be enumerated."""
        for name in names:
            info = self.info(name)
            if info is None or info.kind != "number":
                return info is not None and info.kind in ("choice", "check", "truth")
            node = info.node
            low, high = getattr(node, "min", None), getattr(node, "max", None)
            if getattr(node, "kind", "") != "integer" or low is None or high is None:
                return False
            if high - low >= MAX_EXACT_RANGE:
                return False
        return True

    # ------------------------------------------------------------------ constraints

    def rules(self, step: Step) -> int:
        """What every valid answer to ``step`` satisfies: exclusive options, min/max
        choices, exclusive check columns (as far as the diagrams look at them)."""
        dd = self.dd
        parts: list[int] = []
        question = step.question
        if (
            isinstance(question, MultipleChoice)
            and (question.id, question.options[0].code) in self.bits
        ):
            bits = [self.bits[(question.id, o.code)] for o in question.options]
            alone = [o.exclusive for o in question.options]
            low = question.min_choices or 0
            high = question.max_choices if question.max_choices is not None else len(bits)
            parts.append(self._choices_rule(bits, alone, low, high))
        if isinstance(question, RankingQuestion) and (question.id, question.options[0].code) in (
            self.bits
        ):
            info = self.info(question.id)
            assert info is not None
            bits = [self.bits[(question.id, o.code)] for o in question.options]
            if question.id in self.ranked:
                parts.append(self._ranking_rule(bits, _ranks(info)))
            else:
                parts.append(self._choices_rule(bits, [False] * len(bits), 0, _ranks(info)))
        if isinstance(question, GridQuestion):
            for row in question.rows:
                cells = {
                    c.code: self.var_of.get(f"{question.id}.{row.code}.{c.code}")
                    for c in question.columns
                }
                for column in question.columns:
                    var = cells[column.code]
                    if not (isinstance(column, CheckColumn) and column.exclusive) or var is None:
                        continue
                    others = dd.all_(
                        dd.literal(v, [0])
                        for c, v in cells.items()
                        if c != column.code and v is not None
                    )
                    parts.append(dd.or_(dd.literal(var, [0]), others))
        return dd.all_(parts)

    def _ranking_rule(self, variables: list[int], ranks: int) -> int:
        """The ranks of a ranking's items are 1 … m for some m (each once), or absent."""
        dd = self.dd
        parts: list[int] = []
        for rank in range(1, ranks + 1):
            given = [dd.literal(v, [rank]) for v in variables]
            for a, b in itertools.combinations(given, 2):  # no rank twice
                parts.append(dd.not_(dd.and_(a, b)))
            if rank > 1:  # no gap: a rank only after the one before it
                before = dd.any_(dd.literal(v, [rank - 1]) for v in variables)
                parts.append(dd.or_(dd.not_(dd.any_(given)), before))
        return dd.all_(parts)

    def offered(self, step: Step) -> int:
        """An option (row) answered was offered: its condition held."""
        dd = self.dd
        parts = []
        for code, condition in step_option_when(step).items():
            chosen = self._answered_option(step, code)
            if chosen is not None:
                parts.append(dd.or_(dd.not_(chosen), self.condition(condition)))
        return dd.all_(parts)

    def _answered_option(self, step: Step, code: str) -> int | None:
        question = step.question
        qid = question.id
        if isinstance(question, SingleChoice | MultipleChoice):
            return self._chosen(question, code) if self._known(qid) else None
        if isinstance(question, MatrixQuestion):
            row = f"{qid}.{code}"
            return self.answered(row) if self._known(row) else None
        if isinstance(question, GridQuestion | DualMatrixQuestion):
            columns = question.columns if isinstance(question, GridQuestion) else question.scales
            cells = [f"{qid}.{code}.{c.code}" for c in columns]
            if all(self._known(c) for c in cells):
                return self.dd.any_(self.answered(c) for c in cells)
        if isinstance(question, RankingQuestion) and (qid, code) in self.bits:
            return self.has(qid, code)
        return None

    def checked(self, step: Step) -> list[int]:
        """Each rule of ``step``: its check holds whenever some answer of it is given."""
        rules = step_checks(step)
        if not rules:
            return []
        dd = self.dd
        given = dd.any_(self.answered(n) for n in step.variables if self._known(n))
        return [dd.or_(dd.not_(given), self.condition(rule)) for rule in rules]

    def definition(self, step: Step) -> int:
        """For a computed value (computed at ``step``): it is its expression's value on
        the answers before it (TRUE when that cannot be enumerated: then it is free; an
        aggregate over a roster that always has a value — ``sum``, ``count``, ``any``,
        ``all``, 0, false or true without iterations — is at least never absent)."""
        expr = step_computed(step)
        name = step.question.id
        if isinstance(expr, Over) and expr.func in NEVER_ABSENT and name in self.var_of:
            return self.answered(name)
        if expr is None or name not in self.var_of or name not in self._reads_of:
            return TRUE
        var = self.var_of[name]
        parts = self.plan.parts

        def leaf(response: dict[str, Any]) -> int:
            value = evaluate.value(expr, response, parts=parts)
            return self.dd.literal(var, [max(self.index_of(name, value), 0)])

        return self.table(self._reads_of[name], leaf)

    def rules_for(self, node: int) -> int:
        """The rules of every question whose answers ``node`` looks at."""
        infos = [self.domains[v].info for v in self.dd.support(node)]
        positions = sorted({info.position for info in infos if info is not None} - {-1})
        return self.dd.all_(self.constraints[p] for p in positions)

    def _choices_rule(self, bits: list[int], alone: list[bool], low: int, high: int) -> int:
        """The rule of a multiple choice whose options are ``bits``: unanswered, or only
        options not exclusive (``alone``), between ``low`` and ``high`` of them, or one
        exclusive option alone.

        Built bottom-up over what is chosen so far — how many plain options, counted
        only as far as the limits need (past ``high`` is false; with no upper limit any
        count from ``max(low, 1)`` on is as good as another), and whether an exclusive
        one — so its size is linear in the number of options (times the limits), and
        no recursion is needed however many options there are."""
        dd = self.dd
        size = len(bits) - sum(alone)
        bounded = high < size
        top = high + 1 if bounded else max(low, 1)  # plain counts are kept at most ``top``
        # a state: (plain options chosen, clipped at ``top``; exclusive ones chosen: 0, 1, 2+)

        def final(plain: int, exclusive: int) -> int:
            if exclusive:
                return TRUE if exclusive == 1 and plain == 0 else FALSE
            if bounded and plain > high:
                return FALSE
            return TRUE if plain == 0 or plain >= low else FALSE

        # only the states some choice of the options before each one can be in
        plain_before, alone_before = [0], [0]
        for exclusive in alone:
            plain_before.append(plain_before[-1] + (not exclusive))
            alone_before.append(alone_before[-1] + exclusive)
        count = len(bits)
        level = {
            (p, e): final(p, e)
            for p in range(min(top, plain_before[count]) + 1)
            for e in range(min(2, alone_before[count]) + 1)
        }
        for i in range(count - 1, -1, -1):
            bit, exclusive = bits[i], alone[i]
            level = {
                (p, e): dd.mk(
                    bit,
                    (
                        level[(p, e)],
                        level[(p, min(e + 1, 2))] if exclusive else level[(min(p + 1, top), e)],
                    ),
                )
                for p in range(min(top, plain_before[i]) + 1)
                for e in range(min(2, alone_before[i]) + 1)
            }
        return level[(0, 0)]

    # ------------------------------------------------------------------ atoms

    def condition(self, expr: Expr | None) -> int:
        """The diagram of a condition (``None``: always)."""
        if expr is None:
            return TRUE
        done = self._memo.get(expr)
        if done is None:
            done = self._compile(expr)
            self._memo[expr] = done
        return done

    def is_value(self, name: str, code: str) -> int:
        """``name == code`` for a single-choice variable."""
        var = self.var_of[name]
        domain = self.domains_of(name)
        index = domain.values.index(code)
        return self.dd.literal(var, [index, 0] if index == domain.default else [index])

    def domains_of(self, name: str) -> Domain:
        return self.domains[self.var_of[name]]

    def answered(self, name: str) -> int:
        dd = self.dd
        if name in self.var_of and self.domains_of(name).default is not None:
            return TRUE  # a hidden variable with a default
        info = self.info(name)
        if info is not None and info.kind in ("choices", "ranking"):  # the last first
            return dd.any_(self.has(name, c) for c in reversed(info.codes))
        if info is None:  # a question with several parts
            return dd.any_(self.answered(part) for part in self.plan.parts(name))
        var = self.var_of[name]
        return dd.literal(var, range(1, dd.sizes[var]))

    def _known(self, name: str) -> bool:
        return bool(self.vars_of(name))

    def required(self, step: Step) -> int:
        """What a respondent shown ``step`` must answer, as far as routing looks at it:
        a required question (every row of a matrix or grid, both ends of a date range,
        some field of a text list), and the required follow-ups of a chosen option."""
        dd = self.dd
        question = step.question
        parts: list[int] = []
        if getattr(question, "required", False):
            if isinstance(question, MatrixQuestion | DateRangeQuestion):
                parts += [self.answered(n) for n in self.plan.parts(question.id) if self._known(n)]
            elif isinstance(question, GridQuestion):
                for row in question.rows:
                    cells = [f"{question.id}.{row.code}.{c.code}" for c in question.columns]
                    if all(self._known(c) for c in cells):
                        parts.append(dd.any_(self.answered(c) for c in cells))
            elif isinstance(question, TextListQuestion):
                fields = self.plan.parts(question.id)
                if all(self._known(f) for f in fields):
                    parts.append(dd.any_(self.answered(f) for f in fields))
            elif self._known(question.id):
                parts.append(self.answered(question.id))
        if isinstance(question, SingleChoice | MultipleChoice) and self._known(question.id):
            for option in question.options:
                for followup in option.specify or ():
                    if followup.required and self._known(followup.id):
                        chosen = self._chosen(question, option.code)
                        parts.append(dd.or_(dd.not_(chosen), self.answered(followup.id)))
        return dd.all_(parts)

    def _chosen(self, question: SingleChoice | MultipleChoice, code: str) -> int:
        if isinstance(question, SingleChoice):
            return self.is_value(question.id, code)
        return self.has(question.id, code)

    def has(self, name: str, code: str) -> int:
        """``name has code`` for a multiple choice or a ranking (ranked at all)."""
        var = self.bits[(name, code)]
        return self.dd.literal(var, range(1, self.dd.sizes[var]))

    def _compile(self, expr: Expr) -> int:
        dd = self.dd
        match expr:
            case Literal(value=value):
                return TRUE if value is True else FALSE
            case Answered(ref=Ref(name=name)):
                return self.answered(name)
            case Not(operand=operand):
                return dd.not_(self.condition(operand))
            case And(operands=operands):
                return dd.all_(self.condition(o) for o in operands)
            case Or(operands=operands):
                return dd.any_(self.condition(o) for o in operands)
            case _ if aggregates(expr):
                over = aggregates(expr)[0]
                which = "" if over == expr else f" (`{to_source(over)}`)"
                unknown = self.opaque_atom(
                    expr,
                    f"aggregates the iterations of roster '{over.roster}'{which}, which qdef "
                    "does not decide",
                )
                return self._possible(expr, unknown)
            case _ if any(isinstance(n, Call) and n.name == "rank" for n in walk(expr)):
                return self._rank(expr)
            case Has(left=Ref(name=name), value=value):
                if isinstance(value, Literal):
                    return self.has(name, str(value.value))
                assert isinstance(value, Ref)
                shared = [c for c in self._codes(name) if c in self._codes(value.name)]
                return dd.any_(
                    dd.and_(self.has(name, c), self.is_value(value.name, c)) for c in shared
                )
            case _ if self._expandable(expr):
                return self._expand(expr)
            case Compare(op=op, left=left, right=right) if not isinstance(
                left, Ref | Literal
            ) or not isinstance(right, Ref | Literal):
                truth, other = (
                    (left, right) if not isinstance(left, Ref | Literal) else (right, left)
                )
                inner = self.condition(truth)
                assert isinstance(other, Literal)
                same = inner if other.value is True else dd.not_(inner)
                return same if op == "==" else dd.not_(same)
            case Compare(op=op, left=Ref(name=a), right=Ref(name=b)):
                info = self.info(a)
                assert info is not None
                if info.kind == "choice":
                    shared = [c for c in info.codes if c in self._codes(b)]
                    equal = dd.any_(
                        dd.and_(self.is_value(a, c), self.is_value(b, c)) for c in shared
                    )
                    return equal if op == "==" else dd.not_(equal)
                # Every comparison but != is false when either answer is absent, so the
                # opaque variable decides only between two answers that exist.
                key, negated = self.opaque_key(op, a, b)
                both = dd.and_(self.answered(a), self.answered(b))
                compared = dd.and_(both, dd.literal(self.opaque[key], [1]))
                return dd.not_(compared) if negated else compared
        names = [n.name for n in walk(expr) if isinstance(n, Ref)]
        if len(set(names)) != 1 or names[0] not in self.var_of:
            return self.opaque_atom(expr, "is a condition qdef's analysis does not decide")
        return self._single(names[0], expr)

    def _possible(self, expr: Expr, unknown: int) -> int:
        """An aggregate's atom (``unknown``, undecided) where it can hold: ``any(c)`` only
        where some iteration can have ``c``, ``all(c)`` wherever none can have ``not c``,
        ``count(b) op k`` only where some count the roster allows meets ``op k`` (0, or
        1 … max where an iteration can have ``b``). Which iterations can have ``c`` is
        over-estimated (each variable ``c`` reads answered only where its question's
        condition holds, the roster entered), so "never" stays a proof; the atom stays
        undecided where it can hold."""
        dd = self.dd
        match expr:
            case Over(func="any", roster=roster, body=body):
                return dd.and_(unknown, self._some_iteration(roster, body))
            case Over(func="all", roster=roster, body=body):
                return dd.or_(unknown, dd.not_(self._some_iteration(roster, Not(body))))
            case Compare(op=op, left=Over(func="count", roster=roster, body=body), right=Literal()):
                limit = self.rosters[roster].max if roster in self.rosters else None
                if limit is None:
                    return unknown
                meets = [holds(Compare(op, Literal(k), expr.right), {}) for k in range(limit + 1)]
                counted = Answered(body) if isinstance(body, Ref) else body
                possible = TRUE if meets[0] else FALSE
                if any(meets[1:]):
                    possible = dd.or_(possible, self._some_iteration(roster, counted))
                return dd.and_(unknown, possible)
        return unknown

    def _some_iteration(self, roster: str, condition: Expr) -> int:
        """Over the answers before ``roster``: some iteration of it can have ``condition``
        (over-estimated, see :meth:`_possible`); TRUE when that is not known."""
        dd = self.dd
        started = self.started.get(roster)
        if started is None or isinstance(condition, Arith | Neg | Call | Over | Literal):
            return TRUE
        inside = {n.name for n in walk(condition) if isinstance(n, Ref)}
        if any((self.info(n) or VarInfo("", "text", "", -1)).roster != roster for n in inside):
            return TRUE
        try:
            parts = [self.condition(started), self.condition(condition)]
            for name in inside:
                info = self.info(name)
                if info is None or info.position < 0 or info.name == self.rosters[roster].item:
                    continue
                step = self.plan.steps[info.position]
                parts.append(dd.or_(dd.not_(self.answered(name)), self.condition(step.when)))
        except (KeyError, AssertionError):
            return TRUE
        ours = {
            var
            for var, domain in enumerate(self.domains)
            if domain.info is not None and domain.info.roster == roster
        }
        return dd.exists(dd.all_(parts), lambda var: var in ours)

    def opaque_atom(self, expr: Expr, reason: str) -> int:
        """``expr`` as an independent yes/no that qdef does not decide, and why."""
        var = self.opaque.get(expr)
        if var is None:
            var = self.dd.new_var(2)
            why = f"`{to_source(expr)}` {reason}"
            self.domains.append(Domain("", None, [False, True], opaque=expr, reason=why))
            self.opaque[expr] = var
        return self.dd.literal(var, [1])

    def _rank(self, expr: Expr) -> int:
        """An atom that reads ranks: on the ranks of the items it names (each item's rank
        a variable of its own), or opaque when an item is not a written code."""

        def swap(node: Expr) -> Expr:
            match node:
                case Call(name="rank", args=(Ref(name=q), Literal(value=str() as code))) if (
                    q in self.ranked
                ):
                    return Ref(rank_name(q, code))
                case Call(name="rank"):
                    raise LookupError(node)
            return _rebuild(node, tuple(swap(c) for c in children(node)))

        try:
            swapped = swap(expr)
        except LookupError as unknown:
            call = unknown.args[0]
            return self.opaque_atom(
                expr,
                f"reads `{to_source(call)}`: qdef decides ranks only of an item written as a code",
            )
        return self._expand(swapped)

    def _codes(self, name: str) -> tuple[str, ...]:
        info = self.info(name)
        return () if info is None else info.codes

    def _single(self, name: str, expr: Expr) -> int:
        var = self.var_of[name]
        domain = self.domains[var]
        values = list(domain.values)
        if domain.default is not None:
            values[0] = values[domain.default]
        allowed = [
            k
            for k, value in enumerate(values)
            if holds(expr, {} if value is ABSENT else {name: value})
        ]
        return self.dd.literal(var, allowed)

    # ------------------------------------------------------------------ reading

    def vars_of(self, name: str) -> list[int]:
        """The diagram variables that stand for the variable ``name`` (none if unused)."""
        if name in self.var_of:
            return [self.var_of[name]]
        info = self.info(name)
        if info is not None and info.kind in ("choices", "ranking"):
            return [self.bits[(name, c)] for c in info.codes if (name, c) in self.bits]
        return []

    def undecided(self, node: int) -> list[str]:
        """The relations between answers that ``node`` depends on and the diagrams do
        not encode: comparisons of two answers, the order of a date range's ends."""
        support = self.dd.support(node)
        found = [to_source(e) for e in self.opaque_in(node)]
        for question, start, end in self.ranges:
            if start in support and end in support:
                found.append(f"{question}.from <= {question}.to")
        return found

    def opaque_in(self, node: int) -> list[Expr]:
        """The opaque comparisons ``node`` depends on."""
        found = []
        for var in sorted(self.dd.support(node)):
            domain = self.domains[var]
            if domain.opaque is not None and domain.skipped is None and domain.reason is None:
                found.append(domain.opaque)
        return found

    def uncertain(self, node: int) -> bool:
        """Whether ``node`` depends on anything the diagrams do not decide (what
        :meth:`undecided`, :meth:`unanalysed_in` and :meth:`unenumerated` name)."""
        support = self.dd.support(node)
        for var in support:
            domain = self.domains[var]
            if domain.opaque is not None or domain.reason is not None:
                return True
        return any(start in support and end in support for _, start, end in self.ranges)

    def unenumerated(self, node: int) -> list[str]:
        """Why ``node`` depends on values the diagrams do not decide: atoms that compute
        with answers qdef cannot enumerate, computed values whose definition is not
        encoded (each reason once, in variable order)."""
        found: dict[str, None] = {}
        for var in sorted(self.dd.support(node)):
            reason = self.domains[var].reason
            if reason is not None:
                found.setdefault(reason, None)
        return list(found)

    def unanalysed_in(self, node: int) -> list[str]:
        """The questions not analysed whose conditions ``node`` depends on."""
        return [
            skipped
            for var in sorted(self.dd.support(node))
            if (skipped := self.domains[var].skipped) is not None
        ]

    def index_of(self, name: str, value: Any) -> int:
        """The value of the domain of the number, date, text or choice ``name`` that
        the answer ``value`` falls in (0: absent; -1: none, the answer is out of bounds)."""
        if value is ABSENT:
            return 0
        return self._index(self.domains_of(name), value)

    @staticmethod
    def _index(domain: Domain, value: Any) -> int:
        if domain.regions:
            info = domain.info
            assert info is not None
            precision = domain.precision
            point = to_ordinal(value, precision) if precision is not None else value
            for k, region in enumerate(domain.regions[1:], start=1):
                if region.point and point == region.low:
                    return k
                if (
                    not region.point
                    and (region.low is None or point > region.low)
                    and (region.high is None or point < region.high)
                ):
                    return k
            return -1
        if value in domain.values[1:]:
            return domain.values.index(value, 1)
        kind = domain.info.kind if domain.info else ""
        return len(domain.values) - 1 if kind == "text" else -1

    def witness(self, node: int) -> dict[str, Any] | None:
        """Answers (of the variables ``node`` looks at) on one path making it true."""
        path = self.dd.pick(node)
        if path is None:
            return None
        return self.answers_for(path)

    def answers_for(self, path: dict[int, int]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        ranks: dict[str, dict[str, int]] = {}
        for var, value in sorted(path.items()):
            domain = self.domains[var]
            if domain.opaque is not None or value == 0 or is_computed(domain.info):
                continue  # (a computed value is the walk's to compute)
            if domain.code is not None:
                answers.setdefault(domain.name, []).append(domain.code)
                if len(domain.values) > 2:
                    ranks.setdefault(domain.name, {})[domain.code] = value
            else:
                answers[domain.name] = domain.values[value]
        for name, ranked in ranks.items():
            answers[name] = sorted(answers[name], key=ranked.__getitem__)
        return answers
