"""A reaching condition as an SQL truth value: the sibling of
:func:`qdef.routing.responses_schema.condition_schema`, for the SQL engine.

The condition is evaluated on what the walk *keeps* of a response (the routing
analysis's reaching conditions are exact there: answers of questions not shown are
absent), so every reference to a variable becomes its *kept* value — the raw cell
when its question is shown, the value is valid, a check box is ticked and a
follow-up's option is chosen — which :class:`Kept` spells for the query. Absent
values follow docs/format.md ("Unanswered variables"): ``==``, ``in``, ``has`` and the
order comparisons are false, ``!=`` and ``not in`` true, ``answered`` false. Every
expression written here is two-valued (never NULL): each comparison is guarded by
the kept test, so ``NOT`` means what it says in SQL's three-valued logic too.

What SQL is not given here — arithmetic, functions, two variables compared,
aggregates over a roster, computed values, hidden variables — raises
:class:`UnsupportedError` with why: the question is then left to the walk, and said so.
"""

from __future__ import annotations

from collections.abc import Callable

from qdef.data.sql.dialect import Dialect
from qdef.data.sql.values import has_code, number
from qdef.expr.nodes import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.routing.plan import Plan, VarInfo

TRUE = "1 = 1"
FALSE = "1 = 0"

_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SQL_OPS = {"==": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class UnsupportedError(Exception):
    """A condition (or a question) the SQL engine leaves to the walk, with why."""


#: A variable's name -> (its kept test, its raw text): how the query spells them.
Kept = Callable[[str], tuple[str, str]]


def condition_sql(d: Dialect, plan: Plan, expr: Expr, kept: Kept) -> str:
    """``expr`` as an SQL condition that holds exactly when ``expr`` holds on the
    kept answers (never NULL); :class:`UnsupportedError` where SQL is not given it."""
    if isinstance(expr, Literal):
        if isinstance(expr.value, bool):
            return TRUE if expr.value else FALSE
        raise UnsupportedError(f"the literal {expr.value!r} is no condition")
    if isinstance(expr, Ref):
        _, test = _check(plan, expr.name, kept)
        return test
    if isinstance(expr, Answered):
        return _answered(plan, expr.ref.name, kept)
    if isinstance(expr, Not):
        return f"NOT ({condition_sql(d, plan, expr.operand, kept)})"
    if isinstance(expr, And | Or):
        joiner = " AND " if isinstance(expr, And) else " OR "
        return (
            "(" + joiner.join(f"({condition_sql(d, plan, o, kept)})" for o in expr.operands) + ")"
        )
    if isinstance(expr, Has):
        return _has(d, plan, expr, kept)
    if isinstance(expr, In):
        return _in(d, plan, expr, kept)
    if isinstance(expr, Compare):
        return _compare(d, plan, expr, kept)
    raise UnsupportedError(f"{type(expr).__name__.lower()} is not compiled to SQL")


def _info(plan: Plan, name: str) -> VarInfo:
    info = plan.variables.get(name)
    if info is None:
        raise UnsupportedError(f"{name!r} is a computed value or a hidden variable")
    if info.roster is not None:
        raise UnsupportedError(f"{name!r} is a variable of the roster {info.roster!r}")
    return info


def _check(plan: Plan, name: str, kept: Kept) -> tuple[VarInfo, str]:
    """A check box as a truth value: ticked (kept: only a ticked box is stored)."""
    info = _info(plan, name)
    if info.kind != "check":
        raise UnsupportedError(f"{name!r} is used as a truth value")
    return info, kept(name)[0]


def _answered(plan: Plan, name: str, kept: Kept) -> str:
    if name in plan.variables:
        _info(plan, name)
        return kept(name)[0]
    parts = plan.parts(name)
    if not parts:
        raise UnsupportedError(f"answered({name}) names no variable")
    for part in parts:
        _info(plan, part)
    return "(" + " OR ".join(f"({kept(part)[0]})" for part in parts) + ")"


def _has(d: Dialect, plan: Plan, expr: Has, kept: Kept) -> str:
    if not isinstance(expr.left, Ref) or not isinstance(expr.value, Literal):
        raise UnsupportedError("has with a computed side")
    info = _info(plan, expr.left.name)
    code = expr.value.value
    if info.kind not in ("choices", "ranking") or not isinstance(code, str):
        raise UnsupportedError(f"has on {info.kind}")
    test, raw = kept(info.name)
    return f"({test} AND {has_code(d, raw, code)})"


def _in(d: Dialect, plan: Plan, expr: In, kept: Kept) -> str:
    if not isinstance(expr.left, Ref):
        raise UnsupportedError("in with a computed side")
    info = _info(plan, expr.left.name)
    values = [literal.value for literal in expr.values]
    test, raw = kept(info.name)
    if info.kind in ("choice", "text", "date") and all(isinstance(v, str) for v in values):
        within = f"{raw} IN ({', '.join(d.lit(str(v)) for v in values)})"
    elif info.kind == "number" and all(_is_number(v) for v in values):
        within = f"{number(d, raw)} IN ({', '.join(_number_literal(v) for v in values)})"
    else:
        raise UnsupportedError(f"in on {info.kind} with these values")
    found = f"({test} AND {within})"
    return f"NOT {found}" if expr.negated else found


def _compare(d: Dialect, plan: Plan, expr: Compare, kept: Kept) -> str:
    op, left, right = expr.op, expr.left, expr.right
    if isinstance(right, Ref) and isinstance(left, Literal):
        op, left, right = _MIRRORED[op], right, left
    if not isinstance(left, Ref) or not isinstance(right, Literal):
        raise UnsupportedError("a comparison of two variables or of computed values")
    value = right.value
    info = _info(plan, left.name)
    if isinstance(value, bool):
        if info.kind != "check" or op not in ("==", "!="):
            raise UnsupportedError(f"{info.kind} compared with a truth value")
        ticked = kept(info.name)[0]
        same = ticked if value else f"NOT ({ticked})"
        return same if op == "==" else f"NOT ({same})"
    test, raw = kept(info.name)
    if info.kind == "number" and _is_number(value):
        side, other = number(d, raw), _number_literal(value)
    elif info.kind in ("choice", "text", "date") and isinstance(value, str):
        side, other = raw, d.lit(value)
    else:
        raise UnsupportedError(f"{info.kind} compared with {value!r}")
    if op == "!=":
        return f"NOT ({test} AND {side} = {other})"
    return f"({test} AND {side} {_SQL_OPS[op]} {other})"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_literal(value: object) -> str:
    assert isinstance(value, int | float)
    return repr(float(value)) if isinstance(value, float) else str(int(value))


__all__ = ["FALSE", "TRUE", "Kept", "UnsupportedError", "condition_sql"]
