"""XLSForm XPath, translated into qdef's expression language.

The tree of :mod:`.xpath` is written as qdef expression text, keeping XPath's
meaning for unanswered questions: in XPath an unanswered question is ``''``, so
``${x} = ''`` is ``not answered(x)``, ``${x} != 'a'`` holds when ``x`` is
unanswered (as ``x != "a"`` does in qdef), and ``${a} = ${b}`` holds when both
are unanswered (qdef needs ``or (not answered(a) and not answered(b))``). What
has no qdef equivalent raises :class:`UntranslatableError` with the reason; what is
carried over only nearly is listed in :attr:`Translation.approximations`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from qdef.importing.xlsform import xpath as x

VarKind = Literal["single", "multiple", "ranking", "text", "number", "date", "computed", "hidden"]
Kind = Literal["bool", "number", "text", "date", "value", "var"]


class UntranslatableError(Exception):
    """The expression has no qdef equivalent; the message says why."""


@dataclass(frozen=True, slots=True)
class Var:
    """What a question of the form is in qdef."""

    id: str
    kind: VarKind
    codes: Mapping[str, str] | None = None
    """For a choice: the XLSForm choice name → the qdef option code."""


@dataclass(slots=True)
class Context:
    variables: Mapping[str, Var]
    """By XLSForm name; a name mapped to a string was left out (the string says why)."""
    left_out: Mapping[str, str] = field(default_factory=dict)
    empty: frozenset[str] = frozenset()
    """Names whose value is always ``''`` (notes: ODK keeps no value for them)."""
    current: str | None = None
    """The XLSForm name ``.`` stands for (a constraint's question)."""
    choice: Mapping[str, str] | None = None
    """In a choice filter: the choice's columns (bare names in the filter)."""
    item: str | None = None
    """In a roster counted by a number: the item (``position(..)``)."""
    approximations: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Translation:
    text: str
    approximations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _T:
    text: str
    kind: Kind
    var: Var | None = None
    literal: str | None = None
    """For a string or number literal: its text value (``''`` for the empty string)."""
    atomic: bool = True


def condition(source: str, context: Context) -> Translation:
    """A ``relevant``, ``constraint`` or choice filter, as a qdef condition."""
    node = _parse(source)
    context.approximations = []
    result = _truth(_tr(node, context), node)
    return Translation(result.text, tuple(context.approximations))


def value(source: str, context: Context) -> Translation:
    """A ``calculation``, as a qdef value."""
    node = _parse(source)
    context.approximations = []
    result = _tr(node, context)
    return Translation(result.text, tuple(context.approximations))


def _parse(source: str) -> x.Node:
    try:
        return x.parse(source)
    except x.XPathError as error:
        raise UntranslatableError(f"it is not an XPath expression: {error}") from None


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _number(text: str) -> str:
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _signed(text: str) -> str:
    return "-" + _number(text[1:]) if text.startswith("-") else _number(text)


def _wrap(t: _T) -> str:
    return t.text if t.atomic else f"({t.text})"


def _truth(t: _T, node: x.Node) -> _T:
    if t.kind == "bool":
        return t
    raise UntranslatableError(
        f"the value {_shown(node)} is used as a condition (XPath converts it to true or false); "
        "write a comparison"
    )


def _shown(node: x.Node) -> str:
    if isinstance(node, x.Name):
        return f"${{{node.name}}}"
    if isinstance(node, x.Path):
        return node.text
    return type(node).__name__.lower()


def _var(name: str, context: Context) -> _T:
    found = context.variables.get(name)
    if found is None and name in context.empty:
        return _T('""', "text", literal="")
    if found is None:
        why = context.left_out.get(name)
        if why is not None:
            raise UntranslatableError(f"${{{name}}} is not in the instrument ({why})")
        raise UntranslatableError(f"${{{name}}} is not a question of the form")
    return _T(found.id, "var", found)


def _tr(node: x.Node, context: Context) -> _T:
    if isinstance(node, x.Name):
        return _var(node.name, context)
    if isinstance(node, x.String):
        return _T(_string(node.value), "text", literal=node.value)
    if isinstance(node, x.Number):
        return _T(_number(node.text), "number", literal=_number(node.text))
    if isinstance(node, x.Path):
        return _path(node, context)
    if isinstance(node, x.Neg):
        inner = _tr(node.operand, context)
        if inner.literal is not None and inner.kind == "number":
            return _T(f"-{inner.text}", "number", literal=f"-{inner.literal}", atomic=False)
        return _T(f"-{_wrap(inner)}", "number", atomic=False)
    if isinstance(node, x.Call):
        return _call(node, context)
    op = node.op
    if op in {"and", "or"}:
        left = _truth(_tr(node.left, context), node.left)
        right = _truth(_tr(node.right, context), node.right)
        return _T(f"{_wrap(left)} {op} {_wrap(right)}", "bool", atomic=False)
    if op in {"=", "!=", "<", "<=", ">", ">="}:
        return _compare(op, _tr(node.left, context), _tr(node.right, context))
    if op in {"+", "-", "*", "div"}:
        left, right = _tr(node.left, context), _tr(node.right, context)
        for side in (left, right):
            if side.kind in {"bool", "text"} or (side.var and side.var.kind in _CHOICES):
                raise UntranslatableError(
                    f"XPath's {op!r} on a text or a choice has no qdef equivalent"
                )
        symbol = "/" if op == "div" else op
        if op == "div":
            context.approximations.append(
                "a division by zero is infinite in XPath and absent in qdef"
            )
        return _T(f"{_wrap(left)} {symbol} {_wrap(right)}", "number", atomic=False)
    if op == "mod":
        raise UntranslatableError("qdef's expression language has no remainder ('mod')")
    raise UntranslatableError(f"the operator {op!r} (a union of node-sets) has no qdef equivalent")


_CHOICES = {"single", "multiple", "ranking"}
_MIRROR = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _code(var: Var, literal: str) -> str | None:
    codes = var.codes or {}
    if literal in codes:
        return codes[literal]
    try:  # XPath compares a number with a code as numbers: 1 = '1.0'
        number = float(literal)
    except ValueError:
        return None
    for name, code in codes.items():
        try:
            if float(name) == number:
                return code
        except ValueError:
            continue
    return None


def _compare(op: str, left: _T, right: _T) -> _T:
    if left.literal is not None and right.literal is not None:
        return _T("true" if _fixed(op, left, right) else "false", "bool")
    if left.var is None and right.var is not None:
        left, right, op = right, left, _MIRROR[op]
    qop = "==" if op == "=" else op
    var = left.var
    if var is not None and right.literal == "" and op in {"=", "!="}:
        text = f"not answered({var.id})" if op == "=" else f"answered({var.id})"
        return _T(text, "bool", atomic=False)
    if var is not None and right.var is not None:
        if op == "=":
            text = (
                f"{var.id} == {right.var.id} "
                f"or (not answered({var.id}) and not answered({right.var.id}))"
            )
            return _T(text, "bool", atomic=False)
        if op == "!=":
            text = (
                f"{var.id} != {right.var.id} and (answered({var.id}) or answered({right.var.id}))"
            )
            return _T(text, "bool", atomic=False)
        return _T(f"{var.id} {qop} {right.var.id}", "bool", atomic=False)
    if var is not None and right.literal is not None:
        literal = right.literal
        if var.kind in _CHOICES:
            if op not in {"=", "!="}:
                raise UntranslatableError("an order comparison of a choice has no qdef equivalent")
            if var.kind == "single":
                code = _code(var, literal)
                if code is None:  # never equal in XPath either
                    return _T("false" if op == "=" else "true", "bool")
                return _T(f"{var.id} {qop} {_string(code)}", "bool", atomic=False)
            codes = [_code(var, part) for part in literal.split()]
            if len(codes) != 1 or codes[0] is None:
                raise UntranslatableError(
                    "comparing a multiple choice with a list of choice names "
                    "has no qdef equivalent; "
                    "use selected()"
                )
            text = f"{var.id} has {_string(codes[0])} and selected_count({var.id}) == 1"
            return _T(text if op == "=" else f"not ({text})", "bool", atomic=False)
        if var.kind == "number":
            try:
                float(literal)
            except ValueError:
                raise UntranslatableError(f"a number compared with the text {literal!r}") from None
            return _T(
                f"{var.id} {qop} {_signed(literal)}",
                "bool",
                atomic=False,
            )
        if var.kind == "text" or var.kind in {"computed", "hidden"}:
            if op not in {"=", "!="} and var.kind == "text":
                raise UntranslatableError("an order comparison of texts has no qdef equivalent")
            if right.kind == "number" and var.kind != "text":
                return _T(f"{var.id} {qop} {right.text}", "bool", atomic=False)
            return _T(f"{var.id} {qop} {_string(literal)}", "bool", atomic=False)
        if var.kind == "date":
            if len(literal) != 10:
                raise UntranslatableError(
                    f"a date compared with {literal!r}, not a date YYYY-MM-DD"
                )
            return _T(f"{var.id} {qop} {_string(literal)}", "bool", atomic=False)
    if left.kind == "bool" and right.kind == "bool" and op in {"=", "!="}:
        return _T(f"{_wrap(left)} {qop} {_wrap(right)}", "bool", atomic=False)
    if left.kind in {"bool"} or right.kind in {"bool"}:
        raise UntranslatableError("a comparison of a condition with a value has no qdef equivalent")
    return _T(f"{_wrap(left)} {qop} {_wrap(right)}", "bool", atomic=False)


def _fixed(op: str, left: _T, right: _T) -> bool:
    """XPath's comparison of two literals (numbers if either is a number)."""
    assert left.literal is not None and right.literal is not None
    if left.kind == "number" or right.kind == "number" or op not in {"=", "!="}:
        try:
            a, b = float(left.literal), float(right.literal)
        except ValueError:
            return op == "!="
        return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    return (left.literal == right.literal) == (op == "=")


def _path(node: x.Path, context: Context) -> _T:
    if node.steps == (".",) and not node.absolute:
        if context.current is None:
            raise UntranslatableError("'.' (the question itself) is used where it has no value")
        return _var(context.current, context)
    if context.choice is not None and len(node.steps) == 1 and not node.absolute:
        column = node.steps[0]
        cell = context.choice.get(column, "")
        return _T(_string(cell), "text", literal=cell)
    last = node.steps[-1]
    if last not in {".", ".."} and last in context.variables:
        context.approximations.append(f"the path {node.text} is read as ${{{last}}}")
        return _var(last, context)
    raise UntranslatableError(f"the path {node.text} names no question of the form")


_SAME = {"if": "if", "coalesce": "coalesce", "concat": "concat"}
_NO_EQUIVALENT = {
    "today": "qdef has no today(): its expressions give the same value whenever they are evaluated",
    "now": "qdef has no now(): its expressions give the same value whenever they are evaluated",
    "regex": "qdef has regular expressions only as the pattern of a text question",
    "jr:choice-name": (
        "qdef shows a choice's label when its value is piped; it has no jr:choice-name()"
    ),
    "selected-at": "qdef's multiple choice is a set: it has no selected-at()",
}


def _call(node: x.Call, context: Context) -> _T:
    name, args = node.name, node.args
    if name in {"true", "false"} and not args:
        return _T(name, "bool")
    if name == "not" and len(args) == 1:
        inner = _truth(_tr(args[0], context), args[0])
        return _T(
            f"not ({inner.text})" if not inner.atomic else f"not {inner.text}", "bool", atomic=False
        )
    if name == "selected" and len(args) == 2:
        subject, code = _tr(args[0], context), _tr(args[1], context)
        var = subject.var
        if var is None or var.kind not in _CHOICES or code.literal is None:
            raise UntranslatableError(
                "selected() of something other than a choice and a choice name"
            )
        found = _code(var, code.literal.strip())
        if found is None:
            return _T("false", "bool")
        if var.kind == "single":
            return _T(f"{var.id} == {_string(found)}", "bool", atomic=False)
        return _T(f"{var.id} has {_string(found)}", "bool", atomic=False)
    if name == "count-selected" and len(args) == 1:
        subject = _tr(args[0], context)
        if subject.var is None or subject.var.kind not in {"multiple", "ranking"}:
            raise UntranslatableError("count-selected() of something other than a multiple choice")
        return _T(f"selected_count({subject.var.id})", "number")
    if name == "string-length" and len(args) == 1:
        subject = _tr(args[0], context)
        if subject.var is None or subject.var.kind != "text":
            raise UntranslatableError("string-length() of something other than a text question")
        return _T(f"len({subject.var.id})", "number")
    if name in {"number", "string"} and len(args) == 1:
        subject = _tr(args[0], context)
        wanted = "number" if name == "number" else "text"
        if subject.kind == wanted or (subject.var is not None and subject.var.kind == wanted):
            return subject
        raise UntranslatableError(
            f"{name}() converts between texts and numbers, which qdef does not"
        )
    if name == "date" and len(args) == 1:
        subject = _tr(args[0], context)
        if subject.literal is not None and subject.kind == "text":
            return _T(subject.text, "date", literal=subject.literal)
        raise UntranslatableError("date() of something other than a date written YYYY-MM-DD")
    if name == "position" and context.item is not None:
        return _T(context.item, "number")
    if name in {"sum", "count"} and len(args) == 1 and isinstance(args[0], x.Name):
        subject = _tr(args[0], context)
        context.approximations.append(f"{name}() over a repeat counts the answered values in qdef")
        return _T(f"{name}({subject.text})", "number")
    if name in _SAME and args:
        parts = [_tr(arg, context) for arg in args]
        if name == "concat" and len(parts) == 1:
            return parts[0]
        if name == "if":
            if len(parts) != 3:
                raise UntranslatableError("if() takes three arguments")
            parts[0] = _truth(parts[0], args[0])
        kind: Kind = "bool" if all(part.kind == "bool" for part in parts[1:]) else "value"
        if name == "concat":
            kind = "text"
        return _T(f"{name}({', '.join(part.text for part in parts)})", kind)
    why = _NO_EQUIVALENT.get(name, f"qdef's expression language has no function {name}()")
    raise UntranslatableError(why)
