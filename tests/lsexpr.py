"""A small ExpressionScript evaluator, and LimeSurvey's relevance as a walk.

Exactly the subset qdef's ``limesurvey`` renderer writes: ``or``, ``and``,
``!``, parentheses, the six comparisons, ``+ - * /`` and unary ``-``, string and
number literals, variables ``name.NAOK``, and the functions ``is_empty``,
``substr``, ``strcmp``, ``count``, ``join``, ``if``, ``intval``, ``min``,
``max``, ``htmlspecialchars``, ``str_replace``, ``regexMatch`` and
``checkdate``; and ``sum`` (of the numbers among its arguments), which only
the equations LimeSurvey makes itself of a multiple numerical input's sum
attributes use (tests/test_limesurvey19.py models them). Anything else is a
syntax error here, so a test fails when the renderer writes more than this
evaluator (and these tests) understand.

The rules follow LimeSurvey's expression manager (shared/reference:
limesurvey-lss.md §8, and ``RDP_EvaluateBinary`` / ``getMismatchInformation`` of
``em_core_helper.php``, LimeSurvey 6): ``.NAOK`` reads a hidden question's answer as
empty; operands that both look like numbers compare as numbers, others as text;
``"0"`` and ``""`` are false. Arithmetic is PHP's: ``+`` adds two numbers but
*joins* anything else as text (so ``"" + 5`` is ``"5"``: the empty string is not a
number), ``-`` ``*`` ``/`` give NAN on a non-number, ``/`` by zero gives NAN; a
numeric string is an int when it has no point, else a float (IEEE doubles, as
PHP), ``*`` always multiplies floats; unary ``-`` reads ``""`` as 0.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Value = str | Decimal | bool | int | float

# LimeSurvey's tokenizer, as far as strings go, exactly (LimeSurvey 6,
# application/helpers/expressions/em_core_helper.php): the ExpressionManager's
# ``$RDP_regex_dq_string = '(?<!\\\\)".*?(?<!\\\\)"'`` and ``$RDP_regex_sq_string``
# (the same with '), tried first of all the token patterns and without the ``s``
# flag, so that ``.`` stops at a line feed; ``RDP_Tokenize`` then drops the quotes
# and replaces ``\"`` by ``"``, ``\'`` by ``'`` and ``\\`` by ``\``, in that order
# (one ``str_replace`` with arrays). Before that, the relevance equation is
# HTML-decoded: ``htmlspecialchars_decode($eqn, ENT_QUOTES)`` in em_manager_helper.php
# (``_ProcessRelevance``, ``_ProcessGroupRelevance``). Whitespace is ``\s+`` (ASCII: no ``u`` flag).
_STRING = r"""(?<!\\)".*?(?<!\\)"|(?<!\\)'.*?(?<!\\)'"""
_TOKEN = re.compile(
    rf"""(?P<string>{_STRING})
    | (?P<space>[ \t\n\x0b\x0c\r]+)
    | (?P<number>[0-9]+(?:\.[0-9]+)?)
    | (?P<name>[A-Za-z][A-Za-z0-9_]*(?:\.NAOK)?)
    | (?P<op>==|!=|<=|>=|<|>|!|\(|\)|,|\+|-|\*|/)
    """,
    re.VERBOSE,
)
_NUMERIC = re.compile(r"-?[0-9]+(\.[0-9]+)?")
#: What htmlspecialchars_decode(…, ENT_QUOTES) decodes (HTML 4.01 rules): the named
#: entities of & " < > and numeric references to these and to '.
_SPECIAL = re.compile(r"&(?:amp|quot|lt|gt|#0*(?:34|38|39|60|62)|#[xX]0*(?:22|26|27|3[cCeE]));")
_DECODED = {"amp": "&", "quot": '"', "lt": "<", "gt": ">"}


class ExpressionError(ValueError):
    pass


def html_decode(text: str) -> str:
    """``htmlspecialchars_decode($text, ENT_QUOTES)``: one pass, left to right."""

    def one(match: re.Match[str]) -> str:
        name = match.group()[1:-1]
        if name in _DECODED:
            return _DECODED[name]
        number = name[1:]
        return chr(int(number[1:], 16) if number[:1] in "xX" else int(number))

    return _SPECIAL.sub(one, text)


def unquote(token: str) -> str:
    """A string token's value, as ``RDP_Tokenize`` makes it."""
    return token[1:-1].replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")


def tokens(text: str) -> list[tuple[str, str]]:
    """The equation's tokens (strings unquoted), after LimeSurvey's HTML decoding."""
    text = html_decode(text)
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        if kind == "string":
            found.append((kind, unquote(match.group(kind))))
        elif kind != "space":
            found.append((kind, match.group(kind)))
        position = match.end()
    return found


@dataclass
class Node:
    kind: str
    args: tuple[Any, ...]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        item = self.peek()
        if item is None or (value is not None and item[1] != value):
            raise ExpressionError(f"expected {value or 'more'} in {self.text!r}")
        self.at += 1
        return item

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()} in {self.text!r}")
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.peek() == ("name", "or"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def and_(self) -> Node:
        parts = [self.unary()]
        while self.peek() == ("name", "and"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def unary(self) -> Node:
        if self.peek() == ("op", "!"):
            self.take()
            return Node("not", (self.unary(),))
        left = self.sum()
        item = self.peek()
        if item is not None and item[0] == "op" and item[1] in {"==", "!=", "<", "<=", ">", ">="}:
            self.take()
            return Node("cmp", (item[1], left, self.sum()))
        return left

    def sum(self) -> Node:
        node = self.product()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            node = Node("arith", (op, node, self.product()))
        return node

    def product(self) -> Node:
        node = self.negation()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            node = Node("arith", (op, node, self.negation()))
        return node

    def negation(self) -> Node:
        if self.peek() == ("op", "-"):
            self.take()
            return Node("neg", (self.negation(),))
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if value == "(" and kind == "op":
            node = self.or_()
            self.take(")")
            return node
        if kind == "string":
            return Node("lit", (value,))
        if kind == "number":
            return Node("lit", (Decimal(value),))
        if kind == "name" and self.peek() == ("op", "("):
            if value not in FUNCTIONS:
                raise ExpressionError(f"unknown function {value} in {self.text!r}")
            self.take("(")
            args = [self.or_()]
            while self.peek() == ("op", ","):
                self.take()
                args.append(self.or_())
            self.take(")")
            return Node("call", (value, tuple(args)))
        if kind == "name" and value.endswith(".NAOK"):
            return Node("var", (value[: -len(".NAOK")],))
        raise ExpressionError(f"unexpected {value!r} in {self.text!r} (variables need .NAOK)")


def parse(text: str) -> Node:
    return _Parser(text).parse()


def _is_number(value: Value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal | int | float):
        return True
    return _NUMERIC.fullmatch(value) is not None


def truthy(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | int | float):
        return value != 0
    return value not in {"", "0"}


def php_number(value: Value) -> int | float:
    """A numeric value as PHP's arithmetic reads it: an int without a point, else a
    float (a Decimal literal of the equation likewise)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def _arith(op: str, left: Value, right: Value) -> Value:
    """``RDP_EvaluateBinary`` for ``+ - * /``: numbers only when both are numeric
    (the empty string is not), else ``+`` joins the texts and the others give NAN."""
    if not (_is_number(left) and _is_number(right)):
        return _text(left) + _text(right) if op == "+" else math.nan
    a, b = php_number(left), php_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return float(a) * float(b)
    if b == 0:
        return math.nan
    quotient = a / b
    return int(quotient) if isinstance(a, int) and isinstance(b, int) and a % b == 0 else quotient


def _text(value: Value) -> str:
    """A value as PHP writes it into a string (floats with 14 significant digits)."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return f"{value:.14G}"
    return str(value)


def stored(value: Value) -> str:
    """How LimeSurvey saves an equation's value: as PHP writes it into a string (a
    float with 14 significant digits; a truth as 1 or nothing)."""
    if isinstance(value, Decimal):
        return str(value)
    return _text(value)


def _negate(value: Value) -> Value:
    """Unary ``-``: the empty string is 0."""
    if value == "":
        return 0
    return -php_number(value) if _is_number(value) else math.nan


def _intval(value: Value) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return int(value)
    match = re.match(r"\s*[+-]?[0-9]+", value)
    return int(match.group()) if match else 0


def _checkdate(month: Value, day: Value, year: Value) -> bool:
    """PHP's checkdate: a real day of the Gregorian calendar (years 1 to 32767)."""
    import datetime  # noqa: PLC0415

    try:
        datetime.date(_intval(year), _intval(month), _intval(day))
    except ValueError:
        return False
    return True


def _extreme(pick: Callable[[int], bool]) -> Callable[..., Value]:
    def extreme(*values: Value) -> Value:
        best = values[0]
        for value in values[1:]:
            if pick(_order(value, best)):
                best = value
        return best

    return extreme


def _order(left: Value, right: Value) -> int:
    if _is_number(left) and _is_number(right):
        a, b = _decimal(left), _decimal(right)
    else:
        a, b = [ord(c) for c in str(left)], [ord(c) for c in str(right)]  # type: ignore[assignment]
    return (a > b) - (a < b)  # type: ignore[operator]


def _decimal(value: Value) -> Decimal:
    """A number exactly (a float's binary value, as PHP compares doubles)."""
    return Decimal(value) if isinstance(value, float) else Decimal(str(value))


def _text_order(left: str, right: str) -> int:
    a, b = [ord(c) for c in left], [ord(c) for c in right]
    return (a > b) - (a < b)


def _substr(text: Value, start: Value, length: Value) -> Value:
    s, a, n = str(text), int(Decimal(str(start))), int(Decimal(str(length)))
    return s[a : a + n]


def _regex_match(pattern: Value, value: Value) -> bool:
    """``regexMatch`` as LimeSurvey runs it twice, without flags: PCRE on the server
    reads the answer's UTF-8 bytes, the browser's JavaScript its UTF-16 units. The
    two must agree (else LimeSurvey itself would contradict itself: a test fails)."""
    source, text = _text(pattern)[1:-1], _text(value)
    server = re.search(source.encode("ascii"), text.encode("utf-8")) is not None
    units = text.encode("utf-16-le", "surrogatepass")
    utf16 = "".join(
        chr(int.from_bytes(units[i : i + 2], "little")) for i in range(0, len(units), 2)
    )
    browser = re.search(source, utf16) is not None
    assert server == browser, f"PCRE and JavaScript read {source} differently on {text!r}"
    return server


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "is_empty": lambda x: x == "",
    "substr": _substr,
    "strcmp": lambda a, b: Decimal(_text_order(str(a), str(b))),  # as text, always
    "count": lambda *xs: Decimal(sum(1 for x in xs if x != "")),
    "sum": lambda *xs: sum((_decimal(x) for x in xs if _is_number(x)), Decimal(0)),
    "join": lambda *xs: "".join(_text(x) for x in xs),
    "if": lambda test, yes, no: yes if truthy(test) else no,
    "regexMatch": _regex_match,
    "checkdate": _checkdate,
    "htmlspecialchars": lambda x: html.escape(_text(x), quote=True).replace("&#x27;", "&#039;"),
    "str_replace": lambda search, replace, subject: _text(subject).replace(
        _text(search), _text(replace)
    ),
    "intval": _intval,
    "min": _extreme(lambda order: order < 0),
    "max": _extreme(lambda order: order > 0),
}


def evaluate(node: Node, values: Mapping[str, str]) -> Value:
    kind, args = node.kind, node.args
    if kind == "lit":
        return args[0]  # type: ignore[no-any-return]
    if kind == "var":
        return values.get(args[0], "")
    if kind == "not":
        return not truthy(evaluate(args[0], values))
    if kind == "and":
        return all(truthy(evaluate(a, values)) for a in args)
    if kind == "or":
        return any(truthy(evaluate(a, values)) for a in args)
    if kind == "call":
        name, call_args = args
        return FUNCTIONS[name](*(evaluate(a, values) for a in call_args))
    if kind == "arith":
        op, left, right = args
        return _arith(op, evaluate(left, values), evaluate(right, values))
    if kind == "neg":
        return _negate(evaluate(args[0], values))
    op, left, right = args
    a, b = evaluate(left, values), evaluate(right, values)
    if any(isinstance(v, float) and math.isnan(v) for v in (a, b)):
        return op == "!="  # PHP: NAN equals and orders with nothing
    order = _order(a, b)
    return {
        "==": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[op]


def holds(text: str, values: Mapping[str, str]) -> bool:
    return truthy(evaluate(parse(text), values))


def variables(node: Node) -> set[str]:
    if node.kind == "var":
        return {node.args[0]}
    found: set[str] = set()
    for arg in node.args:
        if isinstance(arg, Node):
            found |= variables(arg)
        elif isinstance(arg, tuple):
            for inner in arg:
                if isinstance(inner, Node):
                    found |= variables(inner)
    return found
