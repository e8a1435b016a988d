"""qdef's values (arithmetic, functions, computed values) compiled to LimeSurvey's
ExpressionScript.

ExpressionScript has no absent value of its own: an unanswered question is the
empty string, which ``+`` joins as text (``"" + 5`` is ``"5"``), ``-`` ``*``
``/`` make NAN of, and ``min`` skips or not depending on where it runs. So a
value is compiled as a pair of equations (:class:`Value`): when it is present,
and what it is then, and every operand is guarded by its presence, exactly as
SPEC §2 (docs/format.md) says for absent operands. What ExpressionScript
cannot compute exactly as qdef does (``len`` in characters, day arithmetic,
``min``/``max`` of dates) is :class:`Unsupported`, refused at its place (QD801).
An aggregate over a roster is one term per unrolled copy (:class:`Copy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    to_source,
)
from qdef.expr import walk as nodes
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.expressions import Compiler, _any, number, string


class Unsupported(Exception):  # noqa: N818 (a reason, raised to the lowering)
    """A part of an expression ExpressionScript cannot compute exactly as qdef does:
    ``node`` (for its offset) and ``feature``, what it is, in words."""

    def __init__(self, node: Expr, feature: str, why: str) -> None:
        super().__init__(f"{feature}: {why}")
        self.node = node
        self.feature = feature
        self.why = why


@dataclass(frozen=True)
class Value:
    """A qdef value as ExpressionScript: ``present`` holds exactly when the value is
    not absent, and ``value`` is the value then (anything where it does not hold).
    ``kind`` is qdef's type (``number``, ``text``, ``date``, ``choice``, ``truth``,
    ``choices``); a date has its ``precision``, a choice its ``slot`` (answer codes)."""

    kind: str
    present: str
    value: str
    precision: str | None = None
    slot: Slot | None = None


@dataclass(frozen=True)
class Copy:
    """One unrolled iteration (slot) of a roster: ``exists`` holds exactly when it
    exists, ``slots`` its copies' variables (and an item that is an answer), ``item``
    an item that is a constant."""

    exists: str
    slots: Mapping[str, Slot]
    item: tuple[str, Expr] | None = None


@dataclass(frozen=True)
class ComputedValue:
    """A computed value for the compiler: its expression, and the condition under
    which the walk reaches (and so computes) it."""

    expr: Expr
    reaching: Expr


class ValueCompiler(Compiler):
    """:class:`~qdef.renderers.limesurvey.expressions.Compiler` with values: arithmetic,
    functions, and references to computed values (compiled as their expression where
    the walk reaches them, never read back from their equation question, whose stored
    text LimeSurvey rounds to 14 significant digits)."""

    def __init__(
        self,
        slots: Mapping[str, Slot],
        computed: Mapping[str, ComputedValue] | None = None,
        copies: Mapping[str, list[Copy]] | None = None,
    ) -> None:
        super().__init__(slots)
        self.computed: Mapping[str, ComputedValue] = computed or {}
        self.copies: Mapping[str, list[Copy]] = copies or {}  # each roster's, for Over

    def within(self, copy: Copy) -> ValueCompiler:
        """The compiler inside one iteration: its copies' variables, and its item."""
        inner = ValueCompiler({**self.slots, **copy.slots}, self.computed, self.copies)
        inner.item = copy.item
        return inner

    item: tuple[str, Expr] | None = None  # inside an iteration: a constant item, its value

    def _general(self, expr: Expr) -> bool:
        """Whether ``expr`` needs the value compiler (arithmetic, functions, computed
        values) rather than the comparisons of variables with constants above, which
        stay as they were written before values existed."""
        if (
            self.item is not None
            and not isinstance(expr, And | Or | Not)
            and any(isinstance(n, Ref) and n.name == self.item[0] for n in nodes(expr))
        ):
            return True  # the item of an iteration, a constant: a value
        match expr:
            case Arith() | Neg() | Call() | Over():
                return True
            case Ref(name=name) | Answered(ref=Ref(name=name)):
                return name in self.computed
            case Compare(left=left, right=right):
                plain = [isinstance(s, Ref) and s.name not in self.computed for s in (left, right)]
                return (
                    not any(plain)
                    or any(not isinstance(side, Ref | Literal) for side in (left, right))
                    or any(isinstance(s, Ref) and s.name in self.computed for s in (left, right))
                )
            case In(left=left):
                return not isinstance(left, Ref) or left.name in self.computed
        return False

    def _condition(self, expr: Expr) -> str:
        """A truth-valued expression that involves values: true exactly where qdef's
        condition holds (an absent truth value does not hold)."""
        match expr:
            case Answered(ref=Ref() as ref):
                return self.value(ref).present
            case Compare(op=op, left=left, right=right):
                return self._compare_values(expr, op, self.value(left), self.value(right))
            case In(left=left, values=values, negated=negated):
                subject = self.value(left)
                any_of = _any(
                    self._compare_values(expr, "==", subject, self.value(v)) for v in values
                )
                return f"!{any_of}" if negated else any_of
        found = self.value(expr)
        if found.kind != "truth":
            raise Unsupported(
                expr, f"the {found.kind} value {to_source(expr)!r}", "not a condition"
            )
        return _both(found.present, found.value)

    def value(self, expr: Expr) -> Value:
        """``expr`` as a :class:`Value`: SPEC §2's rules for absent operands kept by
        guarding every operand with its presence."""
        match expr:
            case Literal(value=bool() as truth):
                return Value("truth", "1", "1" if truth else "0")
            case Literal(value=int() | float() as amount):
                text = number(amount)
                return Value("number", "1", f"({text})" if text.startswith("-") else text)
            case Literal(value=str() as text):
                return Value("text", "1", self._string(expr, text))
            case Ref(name=name) if name in self.computed:
                found = self.computed[name]
                inner = self.value(found.expr)
                reached = self.compile(found.reaching)
                if inner.kind == "truth":  # stored even when false: present when computed
                    return Value("truth", reached, _both(inner.present, inner.value))
                return Value(
                    inner.kind,
                    _both(reached, inner.present),
                    inner.value,
                    inner.precision,
                    inner.slot,
                )
            case Ref(name=name) if self.item is not None and name == self.item[0]:
                return self.value(self.item[1])
            case Ref(name=name):
                return self._variable(expr, name)
            case Over(func=func, roster=roster, body=body):
                return self._over(expr, func, self.copies[roster], body)
            case Answered() | Compare() | Has() | In() | Not() | And() | Or():
                return Value("truth", "1", self._expr(expr))
            case Neg(operand=operand):
                inner = self._number(operand)
                return Value("number", inner.present, f"(-{inner.value})")
            case Arith(op=op, left=left, right=right):
                a, b = self._number(left), self._number(right)
                present = _both(a.present, b.present)
                if op == "/":  # absent when dividing by zero
                    present = _both(present, f"{b.value} != 0")
                return Value("number", present, f"({a.value} {op} {b.value})")
            case Call(name=name, args=args):
                return self._call(expr, name, args)
        raise Unsupported(expr, f"the expression {to_source(expr)!r}", "not known to the compiler")

    def _over(self, expr: Expr, func: str, copies: list[Copy], body: Expr) -> Value:
        """An aggregate over a roster's iterations (SPEC19 §1.6), as one term per
        unrolled copy, each guarded by the copy's existence."""
        found = [(copy.exists, self.within(copy).value(body)) for copy in copies]
        if func in ("any", "all"):
            holds = [f"({e} and {_both(v.present, v.value)})" for e, v in found]
            fails = [f"({e} and !{_both(v.present, v.value)})" for e, v in found]
            return Value("truth", "1", _any(holds) if func == "any" else f"!{_any(fails)}")
        if func == "count":  # present and not false
            kept = [_both(v.present, v.value) if v.kind == "truth" else v.present for _, v in found]
            return Value(
                "number",
                "1",
                _plus(f"if(({e} and {k}), 1, 0)" for (e, _), k in zip(found, kept, strict=True)),
            )
        present = [Value(v.kind, _both(e, v.present), v.value) for e, v in found]
        if func == "sum":
            return Value("number", "1", _plus(f"if({v.present}, {v.value}, 0)" for v in present))
        if any(v.kind != "number" for v in present):
            raise Unsupported(expr, f"the function {func} of dates", "compared as numbers")
        first = _first(present)
        picked = ", ".join(f"if({v.present}, {v.value}, {first})" for v in present)
        return Value("number", _any(v.present for v in present), f"{func}({picked})")

    def _string(self, node: Expr, text: str) -> str:
        try:
            return string(text)
        except ValueError as error:
            raise Unsupported(
                node, f"the string {text!r}", "ExpressionScript cannot write it"
            ) from error

    def _variable(self, ref: Ref, name: str) -> Value:
        if name not in self.slots:  # a group (a matrix, a text list): not a value
            raise Unsupported(ref, f"the variable {name!r}", "a group is not a value")
        slot = self.slots[name]
        if slot.kind == "choices":
            return Value("choices", self._answered(name), "", slot=slot)
        if slot.kind == "check":
            return Value("truth", "1", self._answered(name))
        if slot.kind == "ranking":
            return Value("ranking", self._answered(name), "", slot=slot)
        if slot.kind == "date":
            return Value("date", self._present(slot), self._subject(slot), precision=slot.precision)
        return Value(slot.kind, self._present(slot), f"{slot.name}.NAOK", slot=slot)

    def _number(self, expr: Expr) -> Value:
        found = self.value(expr)
        if found.kind != "number":
            raise Unsupported(expr, f"the {found.kind} value {to_source(expr)!r}", "not a number")
        return found

    def _call(self, expr: Call, name: str, args: tuple[Expr, ...]) -> Value:
        if name == "len":
            raise Unsupported(
                expr,
                "the function len",
                "LimeSurvey counts a text's bytes (strlen on the server) or UTF-16 units "
                "(in the browser), never its characters as qdef does",
            )
        if name == "days_between":
            raise Unsupported(
                expr,
                "the function days_between",
                "ExpressionScript has no exact day arithmetic (strtotime depends on the "
                "server's time zone and daylight saving time)",
            )
        if name == "count":
            parts = [self._counted(a) for a in args]
            return Value("number", "1", _plus(f"if({p}, 1, 0)" for p in parts))
        if name == "selected_count":
            (arg,) = args
            slot = self._choices(arg)
            if slot.kind == "ranking":  # the items ranked: the ranks filled
                counted = (f"if(!is_empty({r}.NAOK), 1, 0)" for r in slot.options.values())
                return Value("number", "1", _plus(counted))
            return Value(
                "number", "1", _plus(f'if({v}.NAOK == "Y", 1, 0)' for v in slot.options.values())
            )
        if name == "rank":  # the item's rank (1 first), absent where it is not ranked
            ranking, item = args
            slot = self._choices(ranking)
            if slot.kind != "ranking" or not isinstance(item, Literal):
                raise Unsupported(expr, "the function rank", "not of a ranking and an item")
            code = str(item.value)
            answer = string(slot.values[code])
            value = "0"
            for rank, variable in reversed(list(slot.options.items())):
                value = f"if({variable}.NAOK == {answer}, {rank}, {value})"
            return Value("number", self.ranked(slot, code), value)
        if name == "sum":
            found = [self._number(a) for a in args]
            return Value("number", "1", _plus(f"if({v.present}, {v.value}, 0)" for v in found))
        if name in ("min", "max"):
            found = [self.value(a) for a in args]
            if any(v.kind != "number" for v in found):
                raise Unsupported(
                    expr,
                    f"the function {name} of dates",
                    "ExpressionScript's min and max compare numbers only (in the browser)",
                )
            if len(found) == 1:
                return found[0]
            first = _first(found)
            picked = ", ".join(f"if({v.present}, {v.value}, {first})" for v in found)
            return Value("number", _any(v.present for v in found), f"{name}({picked})")
        if name == "coalesce":
            found = [self.value(a) for a in args]
            kind = self._same(expr, found)
            return Value(
                kind.kind, _any(v.present for v in found), _first(found), kind.precision, kind.slot
            )
        if name == "if":
            test, yes, no = args
            condition = self._expr(test)
            a, b = self.value(yes), self.value(no)
            kind = self._same(expr, [a, b])
            present = f"(({condition} and {a.present}) or (!({condition}) and {b.present}))"
            if a.present == b.present:
                present = a.present
            if kind.kind == "truth":
                value = f"(({condition} and {a.value}) or (!({condition}) and {b.value}))"
            else:
                value = f"if({condition}, {a.value}, {b.value})"
            return Value(kind.kind, present, value, kind.precision, kind.slot)
        if name == "concat":
            found = [self.value(a) for a in args]
            for arg, v in zip(args, found, strict=True):
                if v.kind != "text":
                    raise Unsupported(arg, f"the {v.kind} value {to_source(arg)!r}", "not a text")
            return Value(
                "text",
                "1",
                "join(" + ", ".join(f'if({v.present}, {v.value}, "")' for v in found) + ")",
            )
        if name in ("months_between", "years_between"):
            return self._between(expr, name, args)
        raise Unsupported(expr, f"the function {name}", "not known to the compiler")

    def _counted(self, expr: Expr) -> str:
        """When ``expr`` counts for ``count``: it is not absent (a check box: ticked)."""
        found = self.value(expr)
        return found.value if found.kind == "truth" and found.present == "1" else found.present

    def _choices(self, expr: Expr) -> Slot:
        if isinstance(expr, Ref) and expr.name in self.slots:
            slot = self.slots[expr.name]
            if slot.kind in ("choices", "ranking"):
                return slot
        raise Unsupported(expr, f"the value {to_source(expr)!r}", "not a multiple choice")

    def _same(self, expr: Expr, found: list[Value]) -> Value:
        """The kind the values share (choices only of one question: their answer codes)."""
        # a date written as a string literal (``coalesce(d, "2027-03")``) is a date:
        # qdef's type checker let it through as one
        dates = [v for v in found if v.kind == "date"]
        if dates and all(v.kind in ("date", "text") for v in found):
            return dates[0]
        first = found[0]
        for other in found[1:]:
            if other.kind != first.kind or (first.kind == "choice" and other.slot != first.slot):
                raise Unsupported(
                    expr,
                    f"the values of {to_source(expr)!r}",
                    "choices of different questions have different answer codes in LimeSurvey",
                )
        return first

    def _between(self, expr: Expr, name: str, args: tuple[Expr, ...]) -> Value:
        """Whole months (or years) between two dates, from their digits: the year and
        month of each, and for full dates whether the day of the month was reached."""
        a, b = (self.value(arg) for arg in args)
        present = _both(a.present, b.present)
        year = [f"intval(substr({v.value}, 0, 4))" for v in (a, b)]
        if a.precision == "year":
            return Value("number", present, f"({year[1]} - {year[0]})")
        month = [f"intval(substr({v.value}, 5, 2))" for v in (a, b)]
        raw = f"(({year[1]} - {year[0]}) * 12 + ({month[1]} - {month[0]}))"
        if a.precision == "day":
            day = [f"intval(substr({v.value}, 8, 2))" for v in (a, b)]
            months = (
                f"if({a.value} <= {b.value}, {raw} - if({day[1]} < {day[0]}, 1, 0), "
                f"{raw} + if({day[0]} < {day[1]}, 1, 0))"
            )
        else:
            months = raw
        if name == "months_between":
            return Value("number", present, months)
        return Value("number", present, f"intval({months} / 12)")

    def _compare_values(self, expr: Expr, op: str, a: Value, b: Value) -> str:
        """Two values compared: false (``!=``: true) where either is absent."""
        if a.kind == "choice" or b.kind == "choice":
            return self._compare_choice(expr, op, a, b)
        if a.kind == "truth" or b.kind == "truth":
            same = f"(({a.value} and {b.value}) or (!({a.value}) and !({b.value})))"
            test = same if op == "==" else f"!{same}"
        elif a.kind == "text":
            test = f"strcmp({a.value}, {b.value}) {op} 0"
        else:
            test = f"{a.value} {op} {b.value}"
        both = _both(a.present, b.present)
        if op == "!=":
            return test if both == "1" else f"(!{both} or {test})"
        return test if both == "1" else f"({both} and {test})"

    def _compare_choice(self, expr: Expr, op: str, a: Value, b: Value) -> str:
        """A choice with a code (a literal, as its LimeSurvey answer code)."""
        choice, other = (a, b) if a.kind == "choice" else (b, a)
        assert choice.slot is not None
        if other.kind == "choice":
            if other.slot != choice.slot:
                raise Unsupported(
                    expr,
                    f"the comparison {to_source(expr)!r}",
                    "choices of different questions have different answer codes in LimeSurvey",
                )
            same = f"({choice.present} and {other.present} and {choice.value} == {other.value})"
        else:
            codes = {string(code): string(v) for code, v in choice.slot.values.items()}
            if other.value not in codes:
                raise Unsupported(expr, f"the comparison {to_source(expr)!r}", "not a code")
            same = f"{choice.value} == {codes[other.value]}"
        return same if op == "==" else f"!({same})"


def _both(a: str, b: str) -> str:
    """``a and b``, leaving out a part that always holds."""
    if a == "1":
        return b
    if b == "1":
        return a
    return f"({a} and {b})"


def _plus(parts: Any) -> str:
    """A sum of numbers (ExpressionScript adds them: every part is a number)."""
    return "(" + " + ".join(parts) + ")"


def _first(found: list[Value]) -> str:
    """The first of the values that is present (the last where none is)."""
    text = found[-1].value
    for v in reversed(found[:-1]):
        text = f"if({v.present}, {v.value}, {text})"
    return text
