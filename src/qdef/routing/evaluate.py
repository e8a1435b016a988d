"""Evaluate an expression on a response: the concrete semantics of the expression language.

A response maps variable names (``q1``, ``q13.beteiligung``, ``q2_programm``)
to answers; a name that is missing is *absent* (:data:`ABSENT`, None). The rules
for absent answers are those of docs/format.md ("Unanswered variables" and
"Functions"): ``==``, ``in``, ``has`` and the order comparisons are false, ``!=``
and ``not in`` true, a check box is false, ``answered(x)`` is false; arithmetic
on an absent number is absent, and each function says what it makes of absent
arguments.

Numbers are IEEE doubles, as in the web form's JavaScript and LimeSurvey's PHP:
arithmetic is done on floats; the result of ``+ - *`` on two integers is an
integer again (the double's value). A result that overflows (infinite) is absent,
as is a division by zero.

Aggregates over a roster (:class:`~qdef.expr.nodes.Over`, SPEC19 §1.6) read the
roster's records, ``response[roster]`` (a list of mappings, one per iteration; absent:
none), and evaluate their body on each record layered over the response (the record's
answers first): ``sum`` adds the present numbers (0 when none), ``count`` counts the
records where the body is present and not false, ``min``/``max`` take the least and
greatest present value (absent when none), ``any`` holds when the body holds in some
record (false when there are none), ``all`` when it holds in every one (true when
there are none). Inside a roster, the response a condition sees is itself such a
layering of the current record over the response (the walk makes it).

Expressions are assumed to have passed the type checker: this module computes
values, it does not diagnose.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
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
)
from qdef.expr.values import format_number
from qdef.model.symbols import ValueType

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
        case Literal(value=literal):
            return literal is True
        case Ref(name=name):
            return response.get(name) is True  # a check box, a computed truth value
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
        case Has(left=left, value=wanted_expr):
            chosen = value(left, response, parts)
            wanted = value(wanted_expr, response, parts)
            if chosen is ABSENT or wanted is ABSENT:
                return False
            return wanted in chosen
        case In(left=left, values=values, negated=negated):
            found_value = value(left, response, parts)
            found = found_value is not ABSENT and any(_equal(found_value, v.value) for v in values)
            return found != negated
        case Call():
            return _call(expr, response, parts) is True
        case Over():
            return over(expr, response, parts) is True
        case Arith() | Neg():
            return False  # a number is no condition (the type checker refuses it)
    raise TypeError(f"not an expression node: {expr!r}")  # pragma: no cover


def value(expr: Expr, response: Mapping[str, Any], parts: Parts = _no_parts) -> Any:
    """The value of ``expr`` on ``response``: a number, text, ISO date, code, list of
    codes, ``True`` (a ticked check box), a bool (a condition), or :data:`ABSENT`."""
    match expr:
        case Literal(value=literal):
            return literal
        case Ref(name=name):
            return response.get(name, ABSENT)
        case Arith(op=op, left=left, right=right):
            return arithmetic(op, value(left, response, parts), value(right, response, parts))
        case Neg(operand=operand):
            number = value(operand, response, parts)
            return ABSENT if number is ABSENT else -number
        case Call():
            return _call(expr, response, parts)
        case Over():
            return over(expr, response, parts)
        case _:
            return holds(expr, response, parts)


class Layered(Mapping[str, Any]):
    """A roster's record layered over the response: a name is looked up in ``record``
    first, then in ``response`` (what ``collections.ChainMap`` does, read-only)."""

    __slots__ = ("record", "response")

    def __init__(self, record: Mapping[str, Any], response: Mapping[str, Any]) -> None:
        self.record = record
        self.response = response

    def __getitem__(self, name: str) -> Any:
        if name in self.record:
            return self.record[name]
        return self.response[name]

    def __contains__(self, name: object) -> bool:
        return name in self.record or name in self.response

    def __iter__(self) -> Iterator[str]:
        yield from self.record
        yield from (name for name in self.response if name not in self.record)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def records(roster: str, response: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    """The records of ``roster`` in ``response`` (none when absent)."""
    found = response.get(roster, ABSENT)
    return () if found is ABSENT else found


def over(node: Over, response: Mapping[str, Any], parts: Parts = _no_parts) -> Any:
    """The value of the aggregate ``node`` over its roster's records in ``response``."""
    scopes = [Layered(record, response) for record in records(node.roster, response)]
    func, body = node.func, node.body
    if func == "any":
        return any(holds(body, scope, parts) for scope in scopes)
    if func == "all":
        return all(holds(body, scope, parts) for scope in scopes)
    found = [value(body, scope, parts) for scope in scopes]
    if func == "count":
        return sum(1 for v in found if v is not ABSENT and v is not False)
    present = [v for v in found if v is not ABSENT]
    if func == "sum":
        return _sum(present)
    if not present:
        return ABSENT
    return min(present) if func == "min" else max(present)


def _sum(numbers: list[Any]) -> Any:
    """The sum of ``numbers`` (0 for none), absent when it overflows."""
    total: Any = 0
    for number in numbers:
        total = arithmetic("+", total, number)
        if total is ABSENT:
            return ABSENT
    return total


def rank(ranking: Any, code: Any) -> Any:
    """The rank (1 = first) of ``code`` in the ranking answer ``ranking`` (a list of
    codes in rank order); absent when it is not ranked."""
    if ranking is ABSENT or code is ABSENT or code not in ranking:
        return ABSENT
    return list(ranking).index(code) + 1


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """``left op right`` on doubles; absent if either is absent, on division by zero
    and when the result overflows. ``+ - *`` of two integers give an integer."""
    if left is ABSENT or right is ABSENT:
        return ABSENT
    x, y = float(left), float(right)
    if op == "/":
        if y == 0:
            return ABSENT
        result = x / y
    elif op == "+":
        result = x + y
    elif op == "-":
        result = x - y
    else:
        result = x * y
    if not math.isfinite(result):
        return ABSENT
    if op != "/" and isinstance(left, int) and isinstance(right, int):
        return int(result)
    return result


def _present(args: tuple[Expr, ...], response: Mapping[str, Any], parts: Parts) -> list[Any]:
    values = (value(arg, response, parts) for arg in args)
    return [v for v in values if v is not ABSENT]


def _call(node: Call, response: Mapping[str, Any], parts: Parts) -> Any:
    name, args = node.name, node.args
    if name == "if":
        chosen = args[1] if holds(args[0], response, parts) else args[2]
        return value(chosen, response, parts)
    if name == "coalesce":
        for arg in args:
            found = value(arg, response, parts)
            if found is not ABSENT:
                return found
        return ABSENT
    if name == "count":
        return sum(
            1
            for arg in args
            if (found := value(arg, response, parts)) is not ABSENT and found is not False
        )
    if name == "rank":
        return rank(value(args[0], response, parts), value(args[1], response, parts))
    present = _present(args, response, parts)
    if name == "sum":
        return _sum(present)
    if name in ("min", "max"):
        if not present:
            return ABSENT
        return min(present) if name == "min" else max(present)
    if name == "len":
        text = value(args[0], response, parts)
        return 0 if text is ABSENT else len(text)
    if name == "concat":
        return "".join(str(v) for v in present)
    if name == "selected_count":
        chosen = value(args[0], response, parts)
        return 0 if chosen is ABSENT else len(chosen)
    if len(present) < len(args):
        return ABSENT
    start, end = present
    if name == "days_between":
        return days_between(start, end)
    if name == "months_between":
        return months_between(start, end)
    if name == "years_between":
        return years_between(start, end)
    raise TypeError(f"unknown function {name!r}")  # pragma: no cover


def _date_parts(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("-"))


def days_between(start: str, end: str) -> int:
    """``end - start`` in days, for two dates of day precision (``YYYY-MM-DD``)."""
    return (datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)).days


def months_between(start: str, end: str) -> int:
    """Whole months from ``start`` to ``end`` (both ``YYYY-MM`` or both ``YYYY-MM-DD``):
    for start <= end, the months between the two months, less one if the day of
    ``end`` comes before the day of ``start``; negative when ``end`` is earlier."""
    if start > end:  # ISO dates of one precision sort as text
        return -months_between(end, start)
    first, last = _date_parts(start), _date_parts(end)
    months = (last[0] - first[0]) * 12 + (last[1] - first[1])
    if len(first) == 3 and last[2] < first[2]:
        months -= 1
    return months


def years_between(start: str, end: str) -> int:
    """Whole years from ``start`` to ``end``: ``months_between // 12`` toward zero, or
    the difference of the years for dates of year precision (``YYYY``)."""
    if len(start) == 4:
        return int(end) - int(start)
    months = months_between(start, end)
    return months // 12 if months >= 0 else -(-months // 12)


def _is_truth(expr: Expr, response: Mapping[str, Any], parts: Parts) -> bool:
    """Whether a comparison side is a truth value (a condition, a bool, or a check box)."""
    if isinstance(expr, Literal):
        return isinstance(expr.value, bool)
    if isinstance(expr, Ref):
        return isinstance(response.get(expr.name), bool)
    if isinstance(expr, Arith | Neg):
        return False
    if isinstance(expr, Call | Over):
        return isinstance(value(expr, response, parts), bool)
    return True


def _compare(node: Compare, response: Mapping[str, Any], parts: Parts) -> bool:
    op = node.op
    if _is_truth(node.left, response, parts) or _is_truth(node.right, response, parts):
        # check boxes and conditions: an unticked (absent) box is false
        left = _truth(node.left, response, parts)
        right = _truth(node.right, response, parts)
        if left is None or right is None:  # an absent non-check variable against a truth
            return op == "!="
        return (left == right) if op == "==" else (left != right)
    left, right = value(node.left, response, parts), value(node.right, response, parts)
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
        found = response.get(expr.name, ABSENT)
        return found is True if found is ABSENT or isinstance(found, bool) else None
    if isinstance(expr, Call | Arith | Neg | Over):
        found = value(expr, response, parts)
        return found if isinstance(found, bool) else None
    return holds(expr, response, parts)


def _equal(left: Any, right: Any) -> bool:
    """Equality without Python's ``True == 1``: a bool equals only a bool."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return bool(left == right)


def as_text(found: Any, vtype: ValueType, labels: Mapping[str, str]) -> str:
    """A value as piped into a text (docs/format.md, "Piping"): a single choice as its
    option's label (``labels``: code -> label in the language shown; so is the item of
    a roster over a multiple choice), a multiple choice as its chosen labels in option
    order joined by ", ", a ranking as its ranked labels in rank order joined alike
    (the text of a text list's entry, the item of a roster over one, and the number of
    a ``times`` roster's iteration are a text and a number), a number by
    :func:`~qdef.expr.values.format_number`, a date as stored (ISO), a text as given;
    absent as "". Truth values, check boxes and groups are not piped (ValueError)."""
    if found is ABSENT:
        return ""
    match vtype.kind:
        case "choice":
            return labels.get(found, found)
        case "choices":
            chosen = set(found)
            ordered = [code for code in vtype.codes if code in chosen]
            ordered += [code for code in found if code not in vtype.codes]
            return ", ".join(labels.get(code, code) for code in ordered)
        case "ranking":
            return ", ".join(labels.get(code, code) for code in found)
        case "number":
            return format_number(found)
        case "text" | "date":
            return str(found)
    raise ValueError(f"{vtype.describe()} cannot be shown in a text")
