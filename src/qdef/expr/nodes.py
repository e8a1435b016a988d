"""The syntax tree of a condition.

Nodes are frozen dataclasses. ``start`` and ``end`` are 0-based offsets into
the condition string (``end`` exclusive); they default to 0 so code can build
trees by hand, and they take no part in equality: two trees are equal when
they have the same structure and values, wherever they were written.

``And`` and ``Or`` are flat: the parser never nests an ``And`` directly inside
an ``And`` (nor ``Or`` in ``Or``), whatever the parentheses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

COMPARE_OPS: tuple[str, ...] = ("==", "!=", "<", "<=", ">", ">=")
ORDER_OPS: frozenset[str] = frozenset({"<", "<=", ">", ">="})


def _offset() -> int:
    return field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """A variable: ``q1``, ``q13.beteiligung``, ``q4.row.col``, ``q2_programm``."""

    name: str
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """A string, number or truth value.

    ``text`` is the spelling in the source (``1.50``, ``'ja'``); it may be
    empty for literals built in code. Equality compares the value and its
    Python type, so ``1``, ``1.0`` and ``true`` are three different literals.
    """

    value: str | int | float | bool
    start: int = _offset()
    end: int = _offset()
    text: str = field(default="", compare=False)

    def _key(self) -> tuple[type, str | int | float | bool]:
        return (type(self.value), self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Literal):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True)
class Answered:
    """``answered(q1)``: the variable has a value."""

    ref: Ref
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right`` with ``op`` one of :data:`COMPARE_OPS`."""

    op: str
    left: Expr
    right: Expr
    start: int = _offset()
    end: int = _offset()

    def __post_init__(self) -> None:
        if self.op not in COMPARE_OPS:
            raise ValueError(f"unknown comparison operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Has:
    """``left has value``: a multiple-choice answer includes a code."""

    left: Expr
    value: Expr
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class In:
    """``left in [v, …]``, or ``left not in [v, …]`` when ``negated``."""

    left: Expr
    values: tuple[Literal, ...]
    negated: bool = False
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class And:
    """Two or more conditions that must all hold (flat)."""

    operands: tuple[Expr, ...]
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class Or:
    """Two or more conditions of which one must hold (flat)."""

    operands: tuple[Expr, ...]
    start: int = _offset()
    end: int = _offset()


ARITH_OPS: tuple[str, ...] = ("+", "-", "*", "/")


@dataclass(frozen=True, slots=True)
class Arith:
    """``left op right`` with ``op`` one of :data:`ARITH_OPS`: arithmetic on numbers."""

    op: str
    left: Expr
    right: Expr
    start: int = _offset()
    end: int = _offset()

    def __post_init__(self) -> None:
        if self.op not in ARITH_OPS:
            raise ValueError(f"unknown arithmetic operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Neg:
    """``-operand``: a number's negation (a negative number literal stays a Literal)."""

    operand: Expr
    start: int = _offset()
    end: int = _offset()


#: The functions of the expression language, by name (docs/format.md, "Functions").
#: ``answered(x)`` is not among them: it is its own node, :class:`Answered`.
FUNCTIONS: frozenset[str] = frozenset(
    {
        "sum",
        "count",
        "min",
        "max",
        "if",
        "coalesce",
        "len",
        "concat",
        "selected_count",
        "days_between",
        "months_between",
        "years_between",
        "rank",
        "any",
        "all",
    }
)

#: The functions that aggregate over a roster's iterations (:class:`Over`).
AGGREGATES: frozenset[str] = frozenset({"sum", "count", "min", "max", "any", "all"})


@dataclass(frozen=True, slots=True)
class Call:
    """``name(arg, …)``: one of the :data:`FUNCTIONS`."""

    name: str
    args: tuple[Expr, ...]
    start: int = _offset()
    end: int = _offset()


@dataclass(frozen=True, slots=True)
class Over:
    """``func(body)`` over the iterations of roster ``roster``: ``body`` is evaluated in
    each iteration (its references to the roster's variables meaning that iteration's
    answers) and ``func`` (one of :data:`AGGREGATES`) combines the results.

    The parser never makes one: a ``Call`` of an aggregate whose argument refers to a
    roster's variables from outside the roster becomes an ``Over`` when the expression
    is resolved against the instrument's rosters (``qdef.expr.scope.resolve``)."""

    func: str
    roster: str
    """The roster section's id (the response key of its records)."""
    body: Expr
    start: int = _offset()
    end: int = _offset()


Expr = Ref | Literal | Answered | Compare | Has | In | Not | And | Or | Arith | Neg | Call | Over
"""Any node of an expression (a condition is an expression of truth type)."""

Operand = Ref | Literal | Answered
"""The nodes that need no parentheses on either side of an operator."""


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``expr``, in source order."""
    match expr:
        case Ref() | Literal():
            return ()
        case Answered(ref=ref):
            return (ref,)
        case Compare(left=left, right=right):
            return (left, right)
        case Has(left=left, value=value):
            return (left, value)
        case In(left=left, values=values):
            return (left, *values)
        case Not(operand=operand):
            return (operand,)
        case And(operands=operands) | Or(operands=operands):
            return operands
        case Arith(left=left, right=right):
            return (left, right)
        case Neg(operand=operand):
            return (operand,)
        case Call(args=args):
            return args
        case Over(body=body):
            return (body,)


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr``, parents before children, in source order."""
    yield expr
    for child in children(expr):
        yield from walk(child)


def variables_used(expr: Expr) -> list[Ref]:
    """Every variable reference in ``expr``, in source order, repeats included."""
    return [node for node in walk(expr) if isinstance(node, Ref)]
