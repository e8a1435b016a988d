"""qdef expressions as the XPath 1.0 of an XForm (with ODK's functions).

An XForm holds an unanswered question — and, on submission and in every
expression that reads it, a question that is not relevant — as the empty
string. qdef's rules for absent answers (docs/format.md, "Unanswered
variables") are kept on that reading:

- a comparison is false when a side is absent and ``!=`` is ``not(==)``:
  strings and dates are guarded (``${x} != ''``), numbers are compared as
  numbers, where an absent value is NaN and every comparison with NaN false;
- arithmetic on an absent number is NaN, division by zero too
  (``x div if(y = 0, number(''), y)``), so it stays absent;
- ``sum``, ``count``, ``coalesce`` and the other functions are written out
  with the absent value of each argument made explicit.

Dates are held as ODK holds them (``2024-05-01``: a month or a year is its first
day) and compared through ``decimal-date-time``. :class:`Compiler` needs to know
how each variable is held; :class:`Node` says it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from qdef.errors import RenderError
from qdef.expr import (
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
    format_number,
    to_source,
)

NAN = "number('')"
"""NaN, the absent number (``number('')`` in every XPath engine)."""


@dataclass(frozen=True, slots=True)
class Node:
    """How a qdef variable is held in the form.

    ``kind`` is its type for conditions (``choice``, ``choices``, ``ranking``,
    ``check``, ``truth``, ``text``, ``number``, ``date``, ``group``); ``names`` the
    XForm names of its nodes: one, or a ranking's slots (rank 1 first), or a
    multi-part question's parts (for ``answered``); ``roster`` the repeat it is in."""

    kind: str
    names: tuple[str, ...]
    roster: str | None = None
    precision: str | None = None


class UnsupportedError(RenderError):
    """An expression the XForm cannot compute as qdef does; the caller locates it."""

    def __init__(self, what: str, node: Expr) -> None:
        super().__init__(what)
        self.what = what
        self.node = node


_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def string(text: str) -> str:
    """An XPath 1.0 string literal of ``text``. XPath has no escapes, so a text with
    both kinds of quotes is a ``concat`` of parts; so is a text with ``${``, which
    pyxform would read as a reference anywhere in an expression (its ``$`` stands
    alone)."""
    # pyxform makes typographic quotes straight in every cell: choose the delimiter
    # for the text it will see (the value shown then has straight quotes)
    text = text.translate(_STRAIGHT)
    if "${" in text:
        parts = text.split("$")
        pieces = [string(p) for p in parts]
        return "concat(" + ", '$', ".join(pieces) + ")"
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    pieces = [f"'{p}'" for p in text.split("'")]
    return "concat(" + ', "\'", '.join(pieces) + ")"


def number(value: float) -> str:
    """A number literal: digits only (XPath 1.0 numbers have no exponent)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float) and value.is_integer():
        return format_number(int(value))
    return format_number(value)


def full_date(value: str) -> str:
    """An ISO date at any precision as ODK stores it: a year or a month is its first day."""
    parts = value.split("-")
    while len(parts) < 3:
        parts.append("01")
    return "-".join(parts)


def ref(name: str) -> str:
    return "${" + name + "}"


Locator = Callable[[str], str]
"""How a variable's node name is written where an expression stands (``${x}``, or
a path relative to a repeat instance inside an aggregate)."""


class Compiler:
    """Conditions and values as XPath, on the :class:`Node` of each variable."""

    def __init__(
        self,
        nodes: Mapping[str, Node],
        repeats: Mapping[str, tuple[str, Mapping[str, str]]],
        locate: Locator = ref,
    ) -> None:
        """``repeats``: roster id -> (its item's node, each of its variables' path
        relative to an iteration)."""
        self.nodes = nodes
        self.repeats = repeats
        self.locate = locate

    # ----------------------------------------------------------------- conditions

    def condition(self, expr: Expr) -> str:
        match expr:
            case Literal(value=True):
                return "true()"
            case Literal(value=False):
                return "false()"
            case And(operands=operands):
                return "(" + " and ".join(self.condition(o) for o in operands) + ")"
            case Or(operands=operands):
                return "(" + " or ".join(self.condition(o) for o in operands) + ")"
            case Not(operand=operand):
                return f"not({self.condition(operand)})"
            case Answered(ref=Ref(name=name)):
                return self.answered(name)
            case Ref(name=name):
                return self._true(name)
            case Has():
                return self._has(expr)
            case In(left=left, values=values, negated=negated):
                any_of = " or ".join(self._compare("==", left, v) for v in values)
                return f"not({any_of})" if negated else f"({any_of})"
            case Compare(op=op, left=left, right=right):
                return self._compare(op, left, right)
            case Over(func="any" | "all"):
                return self._over_truth(expr)
            case Call(name="if"):
                c, a, b = expr.args
                return f"if({self.condition(c)}, {self.condition(a)}, {self.condition(b)})"
        raise UnsupportedError(f"the condition {to_source(expr)!r}", expr)

    def answered(self, name: str) -> str:
        node = self.nodes.get(name)
        if node is None:  # a multi-part question: any of its parts
            parts = [n for n in self.nodes if n.startswith(name + ".")]
            return "(" + " or ".join(self.answered(p) for p in parts) + ")"
        if node.kind == "check":
            return f"{self.locate(node.names[0])} = 'OK'"
        return f"{self.locate(node.names[0])} != ''"

    def _true(self, name: str) -> str:
        """A check box or a computed condition on its own: ticked, or true."""
        node = self.nodes[name]
        target = "'OK'" if node.kind == "check" else "'true'"
        return f"{self.locate(node.names[0])} = {target}"

    def _has(self, expr: Has) -> str:
        assert isinstance(expr.left, Ref)
        node = self.nodes[expr.left.name]
        code = self.text(expr.value)
        guard = "" if isinstance(expr.value, Literal) else f"{code} != '' and "
        if node.kind == "ranking":
            slots = " or ".join(f"{self.locate(n)} = {code}" for n in node.names)
            return f"({guard}({slots}))"
        test = f"selected({self.locate(node.names[0])}, {code})"
        return f"({guard}{test})" if guard else test

    def _compare(self, op: str, left: Expr, right: Expr) -> str:
        if op == "!=":
            return f"not({self._compare('==', left, right)})"
        kind = self.kind(left) if not isinstance(left, Literal) else self.kind(right)
        if kind in ("check", "truth"):
            return self._truth_compare(op, left, right)
        xop = {"==": "="}.get(op, op)
        if kind == "number":
            return f"{self.value(left)} {xop} {self.value(right)}"
        if kind == "date":
            sides = [self.date(left), self.date(right)]
            guards = [
                f"{s} != ''" for s, e in zip(sides, (left, right), strict=True) if not _is_lit(e)
            ]
            test = " and ".join(
                [*guards, f"decimal-date-time({sides[0]}) {xop} decimal-date-time({sides[1]})"]
            )
            return f"({test})"
        # texts and codes: only == (and != as its negation)
        a, b = self.text(left), self.text(right)
        for side in (left, right):
            if isinstance(side, Literal) and side.value == "":
                return "false()"  # an answer is never the empty text
        guard = [f"{s} != ''" for s, e in ((a, left), (b, right)) if not _is_lit(e)]
        if len(guard) == 2:
            return f"({guard[0]} and {a} = {b})"
        return f"{a} = {b}"

    def _truth_compare(self, op: str, left: Expr, right: Expr) -> str:
        if isinstance(left, Literal):
            left, right = right, left
        if isinstance(right, Literal) and isinstance(right.value, bool):
            if isinstance(left, Ref) and self.nodes[left.name].kind == "truth":
                node = self.locate(self.nodes[left.name].names[0])
                return f"{node} = {string('true' if right.value else 'false')}"
            holds = self.condition(left)
            return holds if right.value else f"not({holds})"
        a, b = self.condition(left), self.condition(right)
        return f"(({a}) = ({b}))"

    # --------------------------------------------------------------------- values

    def kind(self, expr: Expr) -> str:
        """The type of a value, as far as the compiler needs it."""
        match expr:
            case Ref(name=name):
                return self.nodes[name].kind
            case Literal(value=bool()):
                return "truth"
            case Literal(value=int() | float()):
                return "number"
            case Literal(value=str()):
                return "text"
            case Arith() | Neg():
                return "number"
            case Call(name="if"):
                return self._join_kind(expr.args[1:])
            case Call(name="coalesce" | "min" | "max"):
                return self._join_kind(expr.args)
            case Call(name="concat"):
                return "text"
            case Call():
                return "number"
            case Over(func="any" | "all"):
                return "truth"
            case Over(body=body, func="min" | "max"):
                return Compiler(self.nodes, self.repeats).kind(body)
            case Over():
                return "number"
        return "truth"

    def _join_kind(self, args: tuple[Expr, ...]) -> str:
        """The type ``if`` and ``coalesce`` give: one type, integers and decimals mixed
        to a number, a code counted as a text (docs/format.md, "One type")."""
        kinds = {self.kind(a) for a in args}
        for kind in ("date", "number", "truth"):
            if kind in kinds:
                return kind
        return "text"

    def value(self, expr: Expr) -> str:
        """A number: NaN when absent."""
        match expr:
            case Literal(value=int() | float() as v) if not isinstance(v, bool):
                return number(v)
            case Ref(name=name):
                node = self.nodes[name]
                if node.kind != "number":
                    raise UnsupportedError(f"{name!r} as a number", expr)
                return f"number({self.locate(node.names[0])})"
            case Neg(operand=operand):
                return f"(-{self.value(operand)})"
            case Arith(op=op, left=left, right=right):
                a, b = self.value(left), self.value(right)
                if op == "/":
                    return f"({a} div if({b} = 0, {NAN}, {b}))"
                return f"({a} {op} {b})"
            case Call():
                return self._number_call(expr)
            case Over():
                return self._over_number(expr)
        raise UnsupportedError(f"the value {to_source(expr)!r}", expr)

    def text(self, expr: Expr) -> str:
        """A text or code: '' when absent."""
        match expr:
            case Literal(value=str() as v):
                return string(v)
            case Ref(name=name):
                node = self.nodes[name]
                if node.kind in ("number",):
                    return _number_text(self.value(expr))
                if node.kind not in ("text", "choice"):
                    raise UnsupportedError(f"{name!r} as a text", expr)
                return self.locate(node.names[0])
            case Call(name="concat", args=args):
                return "concat(" + ", ".join(self.shown(a) for a in args) + ")"
            case Call(name="if", args=(c, a, b)):
                return f"if({self.condition(c)}, {self.text(a)}, {self.text(b)})"
            case Call(name="coalesce", args=args):
                result = self.text(args[-1])
                for arg in reversed(args[:-1]):
                    value = self.text(arg)
                    result = f"if({value} != '', {value}, {result})"
                return result
        if self.kind(expr) == "number":
            return _number_text(self.value(expr))
        raise UnsupportedError(f"the text {to_source(expr)!r}", expr)

    def shown(self, expr: Expr) -> str:
        """Any value as text ('' when absent)."""
        kind = self.kind(expr)
        if kind == "number":
            return _number_text(self.value(expr))
        if kind == "date":
            return self.date(expr)
        return self.text(expr)

    def date(self, expr: Expr) -> str:
        """A date as ODK holds it (``YYYY-MM-DD``), '' when absent."""
        match expr:
            case Literal(value=str() as v):
                return string(full_date(v))
            case Ref(name=name) if self.nodes[name].kind == "date":
                return self.locate(self.nodes[name].names[0])
            case Call(name="if", args=(c, a, b)):
                return f"if({self.condition(c)}, {self.date(a)}, {self.date(b)})"
            case Call(name="coalesce", args=args):
                result = self.date(args[-1])
                for arg in reversed(args[:-1]):
                    value = self.date(arg)
                    result = f"if({value} != '', {value}, {result})"
                return result
        raise UnsupportedError(f"the date {to_source(expr)!r}", expr)

    def truth_text(self, expr: Expr) -> str:
        """A condition as a computed value stores it."""
        return f"if({self.condition(expr)}, 'true', 'false')"

    def _number_call(self, call: Call) -> str:
        name, args = call.name, call.args
        if name == "sum":
            return "(" + " + ".join(self._zero(a) for a in args) + ")"
        if name == "count":
            return "(" + " + ".join(f"if({self._present(a)}, 1, 0)" for a in args) + ")"
        if name in ("min", "max"):
            if any(self.kind(a) == "date" for a in args):
                raise UnsupportedError(f"{name}() of dates", call)
            op = "<" if name == "min" else ">"
            result = self.value(args[0])
            for arg in args[1:]:
                b = self.value(arg)
                result = (
                    f"if({result} != {result}, {b}, if({b} != {b}, {result}, "
                    f"if({result} {op} {b}, {result}, {b})))"
                )
            return result
        if name == "if":
            test, then, otherwise = args
            return f"if({self.condition(test)}, {self.value(then)}, {self.value(otherwise)})"
        if name == "coalesce":
            result = self.value(args[-1])
            for arg in reversed(args[:-1]):
                value = self.value(arg)
                result = f"if({value} = {value}, {value}, {result})"
            return result
        if name == "len":
            return f"string-length({self.text(args[0])})"
        if name == "selected_count":
            (arg,) = args
            assert isinstance(arg, Ref)
            node = self.nodes[arg.name]
            if node.kind == "ranking":
                slots = [f"if({self.locate(n)} != '', 1, 0)" for n in node.names]
                return "(" + " + ".join(slots) + ")"
            return f"count-selected({self.locate(node.names[0])})"
        if name == "rank":
            q, code = args
            assert isinstance(q, Ref)
            node = self.nodes[q.name]
            result = NAN
            for position, slot in reversed(list(enumerate(node.names, 1))):
                result = f"if({self.locate(slot)} = {self.text(code)}, {position}, {result})"
            return result
        if name == "days_between":
            first, second = (self.date(x) for x in args)
            return f"round(decimal-date-time({second}) - decimal-date-time({first}))"
        if name in ("months_between", "years_between"):
            return self._calendar(call)
        raise UnsupportedError(f"the function {name}()", call)

    def _calendar(self, call: Call) -> str:
        """Whole months (years) from ``a`` to ``b``, as docs/format.md counts them."""
        a, b = (self.date(x) for x in call.args)
        precision = self._precision(call.args)

        def part(date: str, start: int, length: int) -> str:
            return f"number(substr({date}, {start}, {start + length}))"

        if call.name == "years_between" and precision == "year":
            return f"({part(b, 0, 4)} - {part(a, 0, 4)})"
        months = (
            f"(({part(b, 0, 4)} * 12 + {part(b, 5, 2)}) - ({part(a, 0, 4)} * 12 + {part(a, 5, 2)}))"
        )
        if precision == "day":
            da, db = part(a, 8, 2), part(b, 8, 2)
            later = f"decimal-date-time({a}) <= decimal-date-time({b})"
            months = (
                f"if({later}, {months} - if({db} < {da}, 1, 0), {months} + if({da} < {db}, 1, 0))"
            )
        if call.name == "months_between":
            return months
        return f"(({months}) - (({months}) mod 12)) div 12"

    def _precision(self, args: tuple[Expr, ...]) -> str:
        for arg in args:
            if isinstance(arg, Ref) and self.nodes[arg.name].precision is not None:
                return str(self.nodes[arg.name].precision)
            if isinstance(arg, Literal) and isinstance(arg.value, str):
                return {4: "year", 7: "month"}.get(len(arg.value), "day")
        return "day"

    def _zero(self, arg: Expr) -> str:
        value = self.value(arg)
        return f"if({value} = {value}, {value}, 0)"

    def _present(self, arg: Expr) -> str:
        kind = self.kind(arg)
        if isinstance(arg, Ref) and kind in ("check", "truth"):
            return self._true(arg.name) if kind == "check" else self.answered(arg.name)
        if kind == "truth":
            return self.condition(arg)  # count(c): where c holds
        if kind == "number":
            value = self.value(arg)
            return f"{value} = {value}"
        return f"{self.shown(arg)} != ''"

    # -------------------------------------------------------------------- rosters

    def _inside(self, over: Over) -> tuple[str, Compiler]:
        item, paths = self.repeats[over.roster]
        outer = self.locate

        def locate(name: str) -> str:
            return paths[name] if name in paths else outer(name)

        return item, Compiler(self.nodes, self.repeats, locate)

    def _over_truth(self, over: Over) -> str:
        item, inner = self._inside(over)
        body = inner.condition(over.body)
        repeat = ref(over.roster)
        if over.func == "any":
            return f"count({repeat}[{item} != '' and {body}]) > 0"
        return f"count({repeat}[{item} != '' and not({body})]) = 0"

    def _over_number(self, over: Over) -> str:
        item, inner = self._inside(over)
        repeat = ref(over.roster)
        if over.func == "count":
            return f"count({repeat}[{item} != '' and {inner._present(over.body)}])"
        body = over.body
        if not isinstance(body, Ref):
            raise UnsupportedError(
                f"{over.func}() of an expression over a roster (only of a variable)", over
            )
        path = inner.locate(self.nodes[body.name].names[0])
        if over.func == "sum":
            return f"sum({repeat}/{path}[. != ''])"
        if self.nodes[body.name].kind == "date":
            raise UnsupportedError(f"{over.func}() of dates over a roster", over)
        found = f"{repeat}/{path}[. != '']"
        return f"if(count({found}) > 0, {over.func}({found}), {NAN})"


def _is_lit(expr: Expr) -> bool:
    return isinstance(expr, Literal)


def _number_text(value: str) -> str:
    return f"if({value} = {value}, string({value}), '')"
