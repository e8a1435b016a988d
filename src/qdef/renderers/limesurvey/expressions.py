"""qdef's expressions compiled to LimeSurvey's ExpressionScript (relevance,
equations, validation).

:class:`Compiler` writes a condition on the variables'
:class:`~qdef.renderers.limesurvey.codes.Slot` as an ExpressionScript
equation that keeps qdef's rules for unanswered variables, and a value
(arithmetic, functions, computed values) in
:mod:`~qdef.renderers.limesurvey.values`. :func:`string` writes a string
literal as LimeSurvey reads it, and :func:`unwritable` says which strings it
cannot write at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from qdef.errors import RenderError
from qdef.expr import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref, to_source
from qdef.renderers.limesurvey.codes import Slot


def number(value: int | float) -> str:
    """A number as ExpressionScript and LimeSurvey's attributes write it: digits,
    never an exponent (ExpressionScript's numbers have none)."""
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value)


#: What ExpressionScript cannot hold in a string literal. LimeSurvey reads a string
#: with the pattern ``(?<!\\)".*?(?<!\\)"`` (``em_core_helper.php``, the
#: ExpressionManager's ``$RDP_regex_dq_string``), whose ``.`` stops at a line feed; and
#: an .lss is XML, whose reader turns a carriage return into a line feed. Characters
#: XML 1.0 cannot carry at all are refused too.
_UNWRITABLE = re.compile("[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def unwritable(text: str) -> str | None:
    """What keeps ``text`` from being written as an ExpressionScript string, or None."""
    found = _UNWRITABLE.search(text)
    if found is None:
        return None
    if found.group() in "\r\n":
        return "a line break"
    return f"the control character U+{ord(found.group()):04X}"


def string(text: str) -> str:
    """An ExpressionScript string literal for ``text``, as LimeSurvey reads it from a
    relevance equation (``em_core_helper.php`` ``RDP_Tokenize`` and
    ``em_manager_helper.php``, read for LimeSurvey 6):

    - the equation is first HTML-decoded (``htmlspecialchars_decode(…, ENT_QUOTES)``),
      so ``&`` is written ``&amp;`` (``&lt;`` in a string would otherwise become ``<``);
    - a string runs from a quote to the next quote not preceded by a backslash, and
      its value is the text between them with ``\\"`` → ``"``, ``\\'`` → ``'``, then
      ``\\\\`` → ``\\`` replaced in turn; so ``\\`` and ``"`` are escaped with a
      backslash.

    A text that ends with a backslash cannot be written (the closing quote would
    follow a backslash): :meth:`Compiler._compare` pads it. Line breaks cannot be
    written at all (:func:`unwritable`; refused before compiling)."""
    if text.endswith("\\"):
        raise ValueError(f"{text!r} ends with a backslash, which a string cannot")
    problem = unwritable(text)
    if problem is not None:
        raise ValueError(f"{text!r} holds {problem}, which a string cannot")
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return '"' + body + '"'


#: Appended to a text and to the value it is compared with when the value ends with a
#: backslash (``join(t.NAOK, "|")``): equality is kept, and the string no longer ends
#: with a backslash.
_PAD = "|"


_DATE_LENGTH = {"year": 4, "month": 7, "day": 10}


class Compiler:
    """qdef conditions as ExpressionScript on the slots: an unanswered (or hidden)
    variable is empty (``.NAOK``), and every comparison keeps qdef's rules for it."""

    def __init__(self, slots: Mapping[str, Slot]) -> None:
        self.slots = slots

    def compile(self, expr: Expr) -> str:
        text = self._expr(expr)
        return "1" if text == "true" else ("0" if text == "false" else text)

    def chosen(self, question: str, code: str | None) -> str:
        """The option ``code`` of ``question`` is chosen."""
        assert code is not None
        slot = self.slots[question]
        if slot.kind == "choices":
            return f'{slot.options[code]}.NAOK == "Y"'
        return f"{slot.name}.NAOK == {string(slot.values[code])}"

    @staticmethod
    def ranked(slot: Slot, code: str) -> str:
        """The item ``code`` of a ranking is ranked: its answer code at some rank."""
        answer = string(slot.values[code])
        return _any(f"{rank}.NAOK == {answer}" for rank in slot.options.values())

    def _name(self, ref: Ref) -> tuple[Slot, str]:
        slot = self.slots[ref.name]
        return slot, f"{slot.name}.NAOK"

    def _present(self, slot: Slot) -> str:
        """The variable has a value (an Other text counts only while Other is chosen)."""
        given = f"!is_empty({slot.name}.NAOK)"
        return given if slot.guard is None else f"({slot.guard} and {given})"

    def _answered(self, name: str) -> str:
        if name in self.slots:
            slot = self.slots[name]
            if slot.kind == "choices":
                return "(" + " or ".join(f'{v}.NAOK == "Y"' for v in slot.options.values()) + ")"
            if slot.kind == "check":
                return f'{slot.name}.NAOK == "1"'
            if slot.kind == "ranking":  # some item ranked
                return _any(f"!is_empty({rank}.NAOK)" for rank in slot.options.values())
            return self._present(slot)
        parts = [n for n in self.slots if n.startswith(name + ".")]
        return "(" + " or ".join(self._answered(p) for p in parts) + ")"

    def _expr(self, expr: Expr) -> str:
        if self._general(expr):
            return self._condition(expr)
        match expr:
            case Literal(value=True):
                return "true"
            case Literal(value=False):
                return "false"
            case Ref():
                return self._answered(expr.name)  # a check box: ticked
            case Answered(ref=Ref(name=name)):
                return self._answered(name)
            case Not(operand=operand):
                return f"!({self._expr(operand)})"
            case And(operands=operands):
                return "(" + " and ".join(self._expr(o) for o in operands) + ")"
            case Or(operands=operands):
                return "(" + " or ".join(self._expr(o) for o in operands) + ")"
            case Has(left=Ref() as left, value=Literal(value=str() as code)):
                slot = self.slots[left.name]
                if slot.kind == "ranking":  # ranked at all: at some rank
                    return self.ranked(slot, code)
                return f'{slot.options[code]}.NAOK == "Y"'
            case Has(left=Ref() as left, value=Ref() as value):  # q2 has q1 (a single choice)
                chosen, single = self.slots[left.name], self.slots[value.name]
                common = [c for c in single.values if c in chosen.options]
                return _any(
                    f'({chosen.options[c]}.NAOK == "Y" and '
                    f"{single.name}.NAOK == {string(single.values[c])})"
                    for c in common
                )
            case Compare(op=op, left=Ref() as left, right=Ref() as right):
                return self._compare_variables(left, op, right)
            case In(left=Ref() as left, values=values, negated=negated):
                any_of = " or ".join(self._compare(left, "==", v) for v in values)
                return f"!({any_of})" if negated else f"({any_of})"
            case Compare(op=op, left=Ref() as left, right=Literal() as right):
                return self._compare(left, op, right)
            case Compare(op=op, left=Literal() as left, right=Ref() as right):
                return self._compare(right, _FLIP[op], left)
        raise _bug(expr)

    def _general(self, expr: Expr) -> bool:
        """Whether ``expr`` needs more than comparisons of variables with constants
        (:class:`~qdef.renderers.limesurvey.values.ValueCompiler` says, and compiles
        such an expression in its :meth:`_condition`)."""
        return False

    def _condition(self, expr: Expr) -> str:
        """An expression :meth:`_general` accepts; this compiler accepts none."""
        raise _bug(expr)

    def _compare_variables(self, left: Ref, op: str, right: Ref) -> str:
        """Two variables compared: false (``!=``: true) where either is unanswered."""
        a, b = self.slots[left.name], self.slots[right.name]
        if a.kind == "check" or b.kind == "check":
            ticked_a, ticked_b = self._answered(left.name), self._answered(right.name)
            same = f"(({ticked_a} and {ticked_b}) or (!({ticked_a}) and !({ticked_b})))"
            return same if op == "==" else f"!{same}"
        if a.kind == "choice":
            same = _any(
                f"({a.name}.NAOK == {string(a.values[c])} and "
                f"{b.name}.NAOK == {string(b.values[c])})"
                for c in a.values
                if c in b.values
            )
            return same if op == "==" else f"!({same})"
        subject_a, subject_b = self._subject(a), self._subject(b)
        if a.kind == "text":
            test = f"strcmp({subject_a}, {subject_b}) {op} 0"
        else:
            test = f"{subject_a} {op} {subject_b}"
        both = f"({self._present(a)} and {self._present(b)})"
        if op == "!=":
            return f"(!{both} or {test})"
        return f"({both} and {test})"

    def _subject(self, slot: Slot) -> str:
        name = f"{slot.name}.NAOK"
        if slot.kind == "date":
            assert slot.precision is not None
            return f"substr({name}, 0, {_DATE_LENGTH[slot.precision]})"
        return name

    def _compare(self, ref: Ref, op: str, literal: Literal) -> str:
        slot, name = self._name(ref)
        value = literal.value
        if slot.kind == "check" or isinstance(value, bool):
            ticked = f'{name} == "1"'
            truth = value is True
            want = truth if op == "==" else not truth
            return ticked if want else f"!({ticked})"
        if slot.kind == "choice":
            assert isinstance(value, str)
            equal = f"{name} == {string(slot.values[value])}"
            return equal if op == "==" else f"!({equal})"
        if slot.kind == "date":
            assert isinstance(value, str) and slot.precision is not None
            subject = f"substr({name}, 0, {_DATE_LENGTH[slot.precision]})"
            literal_text = string(value)
        elif slot.kind == "number":
            subject, literal_text = name, number(value)  # type: ignore[arg-type]
        elif str(value).endswith("\\"):  # text (only == and !=): see string()
            subject = f"strcmp(join({name}, {string(_PAD)}), {string(str(value) + _PAD)})"
            literal_text = "0"
        else:  # text: compared as text, also where it looks like a number
            subject = f"strcmp({name}, {string(str(value))})"
            literal_text = "0"
        test = f"{subject} {op} {literal_text}"
        if op == "!=":  # an unanswered variable differs from every value
            return f"(!({self._present(slot)}) or {test})"
        return f"({self._present(slot)} and {test})"


def _any(parts: Any) -> str:
    """``parts`` joined with ``or`` (never true when there are none)."""
    found = list(parts)
    if "1" in found:
        return "1"
    return "(" + " or ".join(found) + ")" if found else "0"


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _bug(expr: Expr) -> RenderError:
    """A condition no branch of the compiler handles: a bug in qdef, not the author's."""
    return RenderError(
        f"cannot compile the condition {to_source(expr)!r} for LimeSurvey; "
        "this is a bug in qdef's limesurvey renderer, please report it with the instrument"
    )
