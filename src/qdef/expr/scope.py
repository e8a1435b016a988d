"""Rosters in expressions: which roster a variable belongs to, and aggregates over one.

A roster (a section with ``repeat``) defines its variables once per iteration. Outside
the roster they have no single value; there, and only there, an aggregate combines
them: ``sum(age)``, ``count(age >= 18)``, ``min(age)``, ``max(age)``, ``any(c)``,
``all(c)`` with one argument that refers to the variables (or the item) of exactly one
roster. :func:`resolve` turns such a call into an :class:`~qdef.expr.nodes.Over` node,
which every consumer (the walk, the analysis, the renderers) evaluates over the
roster's records; the type checker (:mod:`qdef.expr.types`) enforces the scope rules
(docs/format.md, "Aggregates over a roster").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from qdef.expr.nodes import (
    AGGREGATES,
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
    walk,
)
from qdef.model.symbols import Symbols, Variable

RosterOf = Callable[[str], str | None]
"""A variable's name -> the id of the roster that defines it (None outside rosters)."""


def roster_of(symbols: Symbols) -> RosterOf:
    """:data:`RosterOf` for an instrument's symbol table (unknown names: None)."""
    variables = symbols.variables

    def find(name: str) -> str | None:
        variable = variables.get(name)
        return None if variable is None else variable.roster

    return find


def resolved(expr: Expr, symbols: Symbols) -> Expr:
    """:func:`resolve` against the rosters of ``symbols`` (``expr`` itself when the
    instrument has none)."""
    return resolve(expr, roster_of(symbols)) if symbols.rosters else expr


def is_item(variable: Variable) -> bool:
    """Whether ``variable`` is a roster's item (``repeat.item``: the current option's
    code, text-list entry or iteration number), which is always present inside it."""
    return variable.path[2:4] == ("repeat", "item")


def free_rosters(expr: Expr, roster_of: RosterOf) -> dict[str, Ref]:
    """The rosters whose variables ``expr`` refers to outside any :class:`Over`, each
    with its first such reference, in source order."""
    found: dict[str, Ref] = {}
    _free(expr, roster_of, found)
    return found


def _free(expr: Expr, roster_of: RosterOf, found: dict[str, Ref]) -> None:
    if isinstance(expr, Over):
        return
    if isinstance(expr, Ref):
        roster = roster_of(expr.name)
        if roster is not None:
            found.setdefault(roster, expr)
        return
    for child in children(expr):
        _free(child, roster_of, found)


def resolve(expr: Expr, roster_of: RosterOf) -> Expr:
    """``expr`` with every call of an aggregate (:data:`~qdef.expr.nodes.AGGREGATES`)
    whose single argument refers to the variables of exactly one roster (outside any
    aggregate within it) replaced by ``Over(func, roster, argument)``, innermost first.

    Anything else is left as it is (an aggregate over two rosters, a roster variable
    outside an aggregate: the type checker reports them). An expression that refers to
    no roster variable is returned unchanged (the same object); resolving twice changes
    nothing more."""
    if not any(isinstance(n, Ref) and roster_of(n.name) is not None for n in walk(expr)):
        return expr
    return _resolve(expr, roster_of)


def _resolve(expr: Expr, roster_of: RosterOf) -> Expr:
    def again(node: Expr) -> Expr:
        return _resolve(node, roster_of)

    match expr:
        case Ref() | Literal() | Answered():
            return expr
        case Compare(left=left, right=right) | Arith(left=left, right=right):
            return dataclasses.replace(expr, left=again(left), right=again(right))
        case Has(left=left, value=value):
            return dataclasses.replace(expr, left=again(left), value=again(value))
        case In(left=left):
            return dataclasses.replace(expr, left=again(left))
        case Not(operand=operand) | Neg(operand=operand):
            return dataclasses.replace(expr, operand=again(operand))
        case And(operands=operands) | Or(operands=operands):
            return dataclasses.replace(expr, operands=tuple(map(again, operands)))
        case Over(body=body):
            return dataclasses.replace(expr, body=again(body))
        case Call(name=name, args=args):
            args = tuple(map(again, args))
            if name in AGGREGATES and len(args) == 1:
                rosters = free_rosters(args[0], roster_of)
                if len(rosters) == 1:
                    (roster,) = rosters
                    return Over(name, roster, args[0], expr.start, expr.end)
            return dataclasses.replace(expr, args=args)
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover
