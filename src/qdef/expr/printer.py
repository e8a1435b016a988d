"""Print expressions: canonical source (:func:`to_source`) and a tree dump (:func:`dump`).

``parse(to_source(e)) == e`` for every tree ``e`` the parser can produce
(offsets aside). Parentheses are printed only where precedence needs them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

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

# Precedence levels, low to high; an operand of a construct at one level needs
# parentheses when its own level is lower than the construct requires.
OR_LEVEL = 1
AND_LEVEL = 2
NOT_LEVEL = 3
COMPARISON_LEVEL = 4
SUM_LEVEL = 5
PRODUCT_LEVEL = 6
UNARY_LEVEL = 7
OPERAND_LEVEL = 8

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def level(expr: Expr) -> int:
    match expr:
        case Or():
            return OR_LEVEL
        case And():
            return AND_LEVEL
        case Not():
            return NOT_LEVEL
        case Compare() | Has() | In():
            return COMPARISON_LEVEL
        case Arith(op=op):
            return SUM_LEVEL if op in ("+", "-") else PRODUCT_LEVEL
        case Neg():
            return UNARY_LEVEL
        case _:
            return OPERAND_LEVEL


def quote(value: str) -> str:
    """A string literal in canonical form: double quotes, escapes for ``\\ " \\n \\t``."""
    return '"' + "".join(STRING_ESCAPES.get(char, char) for char in value) + '"'


def format_number(value: int | float) -> str:
    """A number as the grammar writes it: ``-?digits(.digits)?``, never an exponent."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written in a condition")
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def literal_source(literal: Literal) -> str:
    value = literal.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if _spells(literal.text, value):
        return literal.text  # faithful: 1.50 stays 1.50
    return format_number(value)


def _spells(text: str, value: int | float) -> bool:
    """Whether ``text`` is a number literal for exactly ``value`` (and its type)."""
    if not _NUMBER.fullmatch(text):
        return False
    parsed = float(text) if "." in text else int(text)
    return type(parsed) is type(value) and parsed == value


def to_source(expr: Expr) -> str:
    """Canonical source for ``expr`` with the fewest parentheses that keep its structure."""
    match expr:
        case Ref(name=name):
            return name
        case Literal():
            return literal_source(expr)
        case Answered(ref=ref):
            return f"answered({ref.name})"
        case Compare(op=op, left=left, right=right):
            return f"{_side(left)} {op} {_side(right)}"
        case Has(left=left, value=value):
            return f"{_side(left)} has {_side(value)}"
        case In(left=left, values=values, negated=negated):
            keyword = "not in" if negated else "in"
            items = ", ".join(literal_source(v) for v in values)
            return f"{_side(left)} {keyword} [{items}]"
        case Not(operand=operand):
            return f"not {_wrap(operand, NOT_LEVEL)}"
        case And(operands=operands):
            return " and ".join(_wrap(o, AND_LEVEL + 1) for o in operands)
        case Or(operands=operands):
            return " or ".join(_wrap(o, OR_LEVEL + 1) for o in operands)
        case Arith(op=op, left=left, right=right):
            own = level(expr)  # left-associative: a - (b - c) keeps its parentheses
            return f"{_wrap(left, own)} {op} {_wrap(right, own + 1)}"
        case Neg(operand=operand):
            text = _wrap(operand, UNARY_LEVEL)
            # "- 5" and "- -5": "-5" would be the literal, "--x" reads badly
            return f"- {text}" if text[0] in "-0123456789" else f"-{text}"
        case Call(name=name, args=args):
            return f"{name}({', '.join(to_source(a) for a in args)})"
        case Over(func=func, body=body):
            return f"{func}({to_source(body)})"


def _wrap(expr: Expr, required: int) -> str:
    text = to_source(expr)
    return text if level(expr) >= required else f"({text})"


def _side(expr: Expr) -> str:
    """A side of a comparison, ``has`` or ``in``: a sum or anything tighter."""
    return _wrap(expr, SUM_LEVEL)


def dump(expr: Expr) -> str:
    """A compact tree in prefix form, e.g. ``(or (== q1 "a") (and q2 (not q3)))``.

    Numbers keep their type: ``1`` is an integer, ``1.0`` a decimal.
    """
    match expr:
        case Ref(name=name):
            return name
        case Literal(value=value):
            if isinstance(value, bool | str):
                return literal_source(Literal(value))
            return format_number(value)
        case Answered(ref=ref):
            return f"(answered {ref.name})"
        case Compare(op=op, left=left, right=right):
            return f"({op} {dump(left)} {dump(right)})"
        case Has(left=left, value=value):
            return f"(has {dump(left)} {dump(value)})"
        case In(left=left, values=values, negated=negated):
            keyword = "not-in" if negated else "in"
            return f"({keyword} {dump(left)} [{' '.join(dump(v) for v in values)}])"
        case Not(operand=operand):
            return f"(not {dump(operand)})"
        case And(operands=operands):
            return f"(and {' '.join(dump(o) for o in operands)})"
        case Or(operands=operands):
            return f"(or {' '.join(dump(o) for o in operands)})"
        case Arith(op=op, left=left, right=right):
            return f"({op} {dump(left)} {dump(right)})"
        case Neg(operand=operand):
            return f"(neg {dump(operand)})"
        case Call(name=name, args=args):
            return f"({name}{''.join(' ' + dump(a) for a in args)})"
        case Over(func=func, roster=roster, body=body):
            return f"({func}-over {roster} {dump(body)})"
