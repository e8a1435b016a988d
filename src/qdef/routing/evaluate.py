"""Evaluate a condition on a response: the concrete semantics of the condition language.

A response maps variable names (``q1``, ``q13.beteiligung``, ``q2_programm``)
to answers; a name that is missing is *absent*. The rules for absent answers
are those of docs/format.md ("Unanswered variables"): ``==``, ``in``, ``has``
and the order comparisons are false, ``!=`` and ``not in`` true, a check box
is false, ``answered(x)`` is false.

Conditions are assumed to have passed the type checker: this module decides
truth, it does not diagnose.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from qdef.expr.nodes import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref

ABSENT: Any = None

#: A variable name -> the names of its parts (for ``answered(matrix)`` etc.).
Parts = Callable[[str], tuple[str, ...]]


def _no_parts(_name: str) -> tuple[str, ...]:
    return ()


def holds(expr: Expr, response: Mapping[str, Any], parts: Parts = _no_parts) -> bool:
    """Whether the condition ``expr`` holds on ``response``.

    ``parts`` names the parts of a question with several parts (matrix, grid,
    text list, date range), so that ``answered(q)`` holds when any part is
    answered.
    """
    match expr:
        case Literal(value=value):
            return value is True
        case Ref(name=name):
            return response.get(name) is True  # a check box
        case Answered(ref=Ref(name=name)):
            if name in response:
                return True
            return any(part in response for part in parts(name))
        case Not(operand=operand):
            return not holds(operand, response, parts)
        case And(operands=operands):
            return all(holds(o, response, parts) for o in operands)
        case Or(operands=operands):
            return any(holds(o, response, parts) for o in operands)
        case Compare():
            return _compare(expr, response, parts)
        case Has(left=left, value=value):
            chosen = _value(left, response, parts)
            wanted = _value(value, response, parts)
            if chosen is ABSENT or wanted is ABSENT:
                return False
            return wanted in chosen
        case In(left=left, values=values, negated=negated):
            value = _value(left, response, parts)
            found = value is not ABSENT and any(_equal(value, v.value) for v in values)
            return found != negated
    raise TypeError(f"not a condition node: {expr!r}")  # pragma: no cover


def _value(expr: Expr, response: Mapping[str, Any], parts: Parts) -> Any:
    match expr:
        case Literal(value=value):
            return value
        case Ref(name=name):
            return response.get(name, ABSENT)
        case _:
            return holds(expr, response, parts)


def _is_truth(expr: Expr, response: Mapping[str, Any]) -> bool:
    """Whether a comparison side is a truth value (a condition, a bool, or a check box)."""
    if isinstance(expr, Literal):
        return isinstance(expr.value, bool)
    if isinstance(expr, Ref):
        return isinstance(response.get(expr.name), bool)
    return True


def _compare(node: Compare, response: Mapping[str, Any], parts: Parts) -> bool:
    op = node.op
    if _is_truth(node.left, response) or _is_truth(node.right, response):
        # check boxes and conditions: an unticked (absent) box is false
        left = _truth(node.left, response, parts)
        right = _truth(node.right, response, parts)
        if left is None or right is None:  # an absent non-check variable against a truth
            return op == "!="
        return (left == right) if op == "==" else (left != right)
    left, right = _value(node.left, response, parts), _value(node.right, response, parts)
    if left is ABSENT or right is ABSENT:
        return op == "!="
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _truth(expr: Expr, response: Mapping[str, Any], parts: Parts) -> bool | None:
    if isinstance(expr, Literal):
        return expr.value if isinstance(expr.value, bool) else None
    if isinstance(expr, Ref):
        value = response.get(expr.name, ABSENT)
        return value is True if value is ABSENT or isinstance(value, bool) else None
    return holds(expr, response, parts)


def _equal(left: Any, right: Any) -> bool:
    """Equality without Python's ``True == 1``: a bool equals only a bool."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return bool(left == right)
