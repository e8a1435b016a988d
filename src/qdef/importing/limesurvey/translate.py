"""ExpressionScript trees to qdef expressions, exactly where the two languages agree.

The two languages read an unanswered question differently. In ExpressionScript an
unanswered (or, with ``.NAOK``, hidden) variable is the empty text, and a
comparison with it is a comparison of texts: ``"" < "3"`` is true, ``"" == "A1"``
false. In qdef an absent answer makes ``==``, ``<`` … false and ``!=`` true
(docs/format.md, "Unanswered variables"). Each comparison is therefore written
with the empty case decided as LimeSurvey decides it: ``N < 3`` becomes
``not answered(N) or N < 3``. Where no exact form exists the translation is
*approximated* (the reasons are collected in :attr:`Translator.notes`), and what
qdef cannot say at all raises :class:`Untranslatable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from qdef.importing.limesurvey.script import Binary, Call, Node, Num, Str, Unary, Var

_SGQA = re.compile(r"\d+X\d+X(\d+)(\w*)")
SUFFIXES = {"NAOK", "value", "valueNAOK", "code", "shown"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class Untranslatable(ValueError):  # noqa: N818 (a reason, not a failure of the program)
    """No qdef expression says what this ExpressionScript says; the message says why."""


@dataclass
class Symbol:
    """An ExpressionScript variable, as qdef names it."""

    kind: str
    """choice, check (an option of a multiple choice), text, number, date, rank
    (a rank position of a ranking), whole (a multi-part question as a whole)"""
    path: str
    """the qdef variable (for check and rank: the question's id)"""
    code: str = ""
    """check: the qdef option code"""
    codes: dict[str, str] = field(default_factory=dict)
    """choice, rank, whole multiple: LimeSurvey code -> qdef code"""
    rank: int = 0
    conditional: bool = False
    """may be left unshown (a bare reference to it is then 'NA' in LimeSurvey)"""
    members: tuple[str, ...] = ()
    """whole: the ExpressionScript names of its parts"""
    multiple: bool = False
    ranking: bool = False
    """whole: a multiple choice (``selected_count`` counts it)"""


@dataclass(frozen=True, slots=True)
class Frag:
    text: str
    level: int  # 1 or, 2 and, 3 not, 4 comparison, 5 sum, 6 product, 7 negation, 8 primary
    type: str  # bool, num, text, date, choice, check, rank, whole, lit
    symbol: Symbol | None = None
    literal: str | None = None  # the text of a literal (numbers as written)
    numeric_literal: bool = False
    total: bool = False
    """never absent (a count, a sum, a length): no empty case to decide"""


def _numeric(text: str) -> Decimal | None:
    """LimeSurvey's "looks like a number" (an optional sign, digits, a point)."""
    stripped = text.strip()
    if not stripped or any(c not in "0123456789.-+" for c in stripped):
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:
        return None


def es_compare(op: str, left: str, right: str) -> bool:
    """ExpressionScript's comparison of two stored values: numbers when both look
    like numbers, else texts."""
    a, b = _numeric(left), _numeric(right)
    if a is not None and b is not None:
        order = (a > b) - (a < b)
    else:
        order = (left > right) - (left < right)
    return {
        "==": order == 0,
        "!=": order != 0,
        "<": order < 0,
        "<=": order <= 0,
        ">": order > 0,
        ">=": order >= 0,
    }[op]


def qdef_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def qdef_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _wrap(frag: Frag, level: int) -> str:
    return f"({frag.text})" if frag.level < level else frag.text


def _or(left: str, right: Frag) -> Frag:
    return Frag(f"{left} or {_wrap(right, 1)}", 1, "bool")


class Translator:
    """Translates the equations of one survey; ``current`` is the question whose
    equation is translated (for ``self``)."""

    def __init__(self, symbols: dict[str, Symbol]) -> None:
        self.symbols = symbols
        self.current = ""
        self.notes: list[str] = []
        self.bare: dict[str, str] = {}
        """qdef variable -> the name written without .NAOK, of a question that may
        not be shown (LimeSurvey's "NA": the whole equation is false then)"""
        self.later: set[str] = set()
        """the codes of questions not yet translated (asked later)"""

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # conditions -------------------------------------------------------------

    def condition(self, node: Node) -> str:
        return self.cond(node).text

    def cond(self, node: Node) -> Frag:
        if isinstance(node, Binary) and node.op in ("and", "or"):
            level = 2 if node.op == "and" else 1
            left, right = self.cond(node.left), self.cond(node.right)
            return Frag(f"{_wrap(left, level)} {node.op} {_wrap(right, level + 1)}", level, "bool")
        if isinstance(node, Unary) and node.op == "!":
            inner = self.cond(node.operand)
            if inner.text.startswith("not ") and inner.level == 3:
                return Frag(inner.text[4:], 4, "bool")
            return Frag(f"not {_wrap(inner, 3)}", 3, "bool")
        if isinstance(node, Binary) and node.op in COMPARISONS:
            return self.compare(node.op, self.value(node.left), self.value(node.right))
        return self.truth(self.value(node))

    def truth(self, frag: Frag) -> Frag:
        """An ExpressionScript value used as a condition: true unless empty or "0"."""
        symbol = frag.symbol
        if frag.type == "bool" and symbol is not None:
            return Frag(symbol.path, 8, "bool")
        if frag.type == "bool":
            return frag
        if symbol is not None and frag.type in ("check", "rank"):
            return self.compare("!=", frag, Frag('""', 8, "lit", literal=""))
        if symbol is not None and frag.type in ("choice", "text", "number", "num", "date"):
            answered = f"answered({symbol.path})"
            if frag.type == "choice" and not any(es_compare("==", c, "0") for c in symbol.codes):
                return Frag(answered, 8, "bool")
            zero = "0" if frag.type in ("number", "num") else '"0"'
            if frag.type == "choice":
                zeros = [q for c, q in symbol.codes.items() if es_compare("==", c, "0")]
                zero = qdef_string(zeros[0])
            return Frag(f"{answered} and {symbol.path} != {zero}", 2, "bool")
        if frag.type == "num":
            self.note(
                "a number used as a condition is true when it is not 0 (qdef: when it is "
                "answered and not 0)"
            )
            return Frag(f"{_wrap(frag, 4)} != 0", 4, "bool")
        raise Untranslatable(f"{frag.text} is used as a condition, which qdef cannot say")

    def compare(self, op: str, a: Frag, b: Frag) -> Frag:
        if a.type == "lit" and b.type != "lit":
            a, b, op = b, a, FLIP[op]
        if a.type == "lit":
            raise Untranslatable("the comparison of two constants never changes")
        symbol = a.symbol
        if b.type == "lit" and b.literal is not None and symbol is not None:
            return self.compare_literal(op, a, symbol, b.literal)
        if b.type == "lit" and b.literal is not None and a.type == "num":
            number = _numeric(b.literal)
            if number is None:
                raise Untranslatable(f"{a.text} is compared with the text {b.literal!r}")
            if not a.total:
                self.note(
                    "arithmetic on unanswered questions: LimeSurvey computes with the "
                    "empty text, qdef leaves the result absent"
                )
            return Frag(f"{_wrap(a, 5)} {op} {qdef_number(number)}", 4, "bool")
        numeric = {"number", "num"}
        if (a.type in numeric and b.type in numeric) or (
            a.type == b.type and a.type in ("choice", "text") and op in ("==", "!=")
        ):
            if not (a.total and b.total):
                self.note(
                    "two answers compared: LimeSurvey compares an unanswered one as the "
                    "empty text, qdef's comparison is false (!= true)"
                )
            return Frag(f"{_wrap(a, 5)} {op} {_wrap(b, 5)}", 4, "bool")
        raise Untranslatable(f"qdef cannot compare {a.text} ({a.type}) with {b.text} ({b.type})")

    def compare_literal(self, op: str, a: Frag, symbol: Symbol, literal: str) -> Frag:
        path = symbol.path
        empty = es_compare(op, "", literal)  # LimeSurvey, when unanswered
        if a.type in ("check", "rank"):
            return self.compare_part(op, a, symbol, literal)
        if a.type == "bool":  # a computed truth value: stored as "1", or "" when false
            when_true, when_false = es_compare(op, "1", literal), es_compare(op, "", literal)
            if when_true != when_false:
                return Frag(path, 8, "bool") if when_true else Frag(f"not {path}", 3, "bool")
            raise Untranslatable(f"{path} {op} {literal!r} does not depend on {path}")
        if literal == "":
            if op == "==":
                return Frag(f"not answered({path})", 3, "bool")
            if op == "!=":
                return Frag(f"answered({path})", 8, "bool")
            raise Untranslatable(f"{path} is ordered against the empty text")
        return self.compare_value(op, a, symbol, literal, empty)

    def compare_part(self, op: str, a: Frag, symbol: Symbol, literal: str) -> Frag:
        """An option of a multiple choice, or a rank position, with a constant."""
        path = symbol.path
        if a.type == "check":
            has = f"{path} has {qdef_string(symbol.code)}"
            if literal in ("Y", "") and op in ("==", "!="):
                holds = (literal == "Y") == (op == "==")
                return Frag(has, 4, "bool") if holds else Frag(f"not {has}", 3, "bool")
            raise Untranslatable(f"an option of {path} is compared with {literal!r}")
        if a.type == "rank":
            if literal == "" and op in ("==", "!="):
                cmp = "<" if op == "==" else ">="
                return Frag(f"selected_count({path}) {cmp} {symbol.rank}", 4, "bool")
            match = [q for c, q in symbol.codes.items() if es_compare("==", c, literal)]
            if op in ("==", "!=") and len(match) == 1:
                return Frag(f"rank({path}, {qdef_string(match[0])}) {op} {symbol.rank}", 4, "bool")
        raise Untranslatable(f"the rank {symbol.rank} of {path} is compared with {literal!r}")

    def compare_value(self, op: str, a: Frag, symbol: Symbol, literal: str, empty: bool) -> Frag:
        """A choice, number or text with a constant; ``empty``: LimeSurvey's result
        when it is unanswered."""
        path = symbol.path
        if a.type == "choice":
            chosen = [q for c, q in symbol.codes.items() if es_compare(op, c, literal)]
            if not chosen and op == "==":
                raise Untranslatable(f"{literal!r} is not a code of {path}")
            if op == "!=" and len(chosen) == len(symbol.codes) - 1:
                other = [q for q in symbol.codes.values() if q not in chosen]
                body = Frag(f"{path} != {qdef_string(other[0])}", 4, "bool")
            elif len(chosen) == 1:
                body = Frag(f"{path} == {qdef_string(chosen[0])}", 4, "bool")
            elif not chosen:
                body = Frag("false", 8, "bool")
            elif len(chosen) == len(symbol.codes):
                body = Frag(f"answered({path})", 8, "bool")
            else:
                listed = ", ".join(qdef_string(q) for q in chosen)
                body = Frag(f"{path} in [{listed}]", 4, "bool")
            qdef_absent = body.text.startswith(f"{path} != ")
        elif a.type in ("number", "num"):
            number = _numeric(literal)
            if number is None:
                raise Untranslatable(f"the number {path} is compared with the text {literal!r}")
            body = Frag(f"{path} {op} {qdef_number(number)}", 4, "bool")
            qdef_absent = op == "!="
        elif a.type == "text":
            if op not in ("==", "!="):
                raise Untranslatable(
                    f"the text {path} is ordered (qdef compares texts only with == and !=)"
                )
            if _numeric(literal) is not None:
                self.note(
                    f"LimeSurvey compares {path} with {literal!r} as numbers when the "
                    "answer looks like a number; qdef compares texts"
                )
            body = Frag(f"{path} {op} {qdef_string(literal)}", 4, "bool")
            qdef_absent = op == "!="
        else:
            raise Untranslatable(f"{path} ({a.type}) is compared with {literal!r}")
        if body.text == "false":
            if empty:
                return Frag(f"not answered({path})", 3, "bool")
            raise Untranslatable(f"{path} {op} {literal!r} never holds")
        if empty and not qdef_absent:
            return _or(f"not answered({path})", body)
        if qdef_absent and not empty:
            return Frag(f"answered({path}) and {_wrap(body, 3)}", 2, "bool")
        return body

    # values -----------------------------------------------------------------

    def value(self, node: Node) -> Frag:
        if isinstance(node, Num):
            return Frag(node.text, 8, "lit", literal=node.text, numeric_literal=True)
        if isinstance(node, Str):
            return Frag(qdef_string(node.value), 8, "lit", literal=node.value)
        if isinstance(node, Var):
            return self.variable(node.name)
        if isinstance(node, Unary):
            if node.op == "!":
                return self.cond(node)
            inner = self.number(self.value(node.operand))
            if node.op == "+":
                return inner
            return Frag(f"-{_wrap(inner, 7)}", 7, "num")
        if isinstance(node, Binary):
            if node.op in ("and", "or") or node.op in COMPARISONS:
                return self.cond(node)
            level = LEVEL_OF[node.op]
            left, right = self.number(self.value(node.left)), self.number(self.value(node.right))
            self.note(
                "arithmetic on unanswered questions: LimeSurvey computes with the empty "
                "text, qdef leaves the result absent"
            )
            return Frag(f"{_wrap(left, level)} {node.op} {_wrap(right, level + 1)}", level, "num")
        return self.call(node)

    def number(self, frag: Frag) -> Frag:
        if frag.type in ("num", "number"):
            return frag
        if frag.type == "lit" and frag.literal is not None:
            number = _numeric(frag.literal)
            if number is not None:
                return Frag(qdef_number(number), 8, "num", total=True)
        raise Untranslatable(f"{frag.text} is not a number")

    def variable(self, written: str) -> Frag:
        parts = written.split(".")
        suffix = parts[-1] if len(parts) > 1 and parts[-1] in SUFFIXES else ""
        if suffix:
            parts = parts[:-1]
        if parts[0] in ("self", "that"):
            name = self.current if parts[0] == "self" else (parts[1] if len(parts) > 1 else "")
            rest = parts[1:] if parts[0] == "self" else parts[2:]
            if [p for p in rest if p not in ("nocomments",)]:
                raise Untranslatable(f"{written}: qdef has no filtered parts of a question")
            symbol = self.symbols.get(f"whole:{name}")
            if symbol is None:
                raise Untranslatable(f"{written} names no question with parts")
            return Frag(symbol.path, 8, "whole", symbol)
        if len(parts) != 1:
            raise Untranslatable(f"{written}: qdef has no attribute .{parts[-1]} of a question")
        symbol = self.symbols.get(parts[0])
        sgqa = _SGQA.fullmatch(parts[0])
        if symbol is None and sgqa is not None:  # SIDXGIDXQID and a subquestion's code
            symbol = self.symbols.get(f"qid:{sgqa.group(1)}{sgqa.group(2)}")
        if symbol is None:
            if parts[0] in self.later or parts[0].split("_")[0] in self.later:
                raise Untranslatable(
                    f"{parts[0]} is asked later (or in this question); a qdef "
                    "condition uses only earlier answers"
                )
            raise Untranslatable(f"{parts[0]} is not a variable qdef can name")
        if suffix == "shown" and symbol.kind != "text":
            raise Untranslatable(f"{written}: qdef compares codes, not the labels shown")
        if not suffix.endswith("NAOK") and symbol.conditional:
            self.bare[symbol.path] = parts[0]
        kind = symbol.kind
        return Frag(symbol.path, 8, kind, symbol)

    def members(self, frag: Frag) -> list[Frag]:
        if frag.type != "whole" or frag.symbol is None:
            return [frag]
        return [self.variable(name + ".NAOK") for name in frag.symbol.members]

    def call(self, node: Call) -> Frag:
        name = node.function.lower()
        args = [self.value(a) for a in node.args]
        if name == "is_empty" and len(args) == 1:
            return self.compare("==", args[0], Frag('""', 8, "lit", literal=""))
        if name == "count" and args:
            whole = args[0].symbol if len(args) == 1 and args[0].type == "whole" else None
            if whole is not None and whole.multiple:
                return Frag(f"selected_count({whole.path})", 8, "num", total=True)
            terms: list[str] = []
            plain: list[str] = []
            for arg in (m for a in args for m in self.members(a)):
                if arg.type in ("check", "rank"):
                    terms.append(f"if({self.truth(arg).text}, 1, 0)")
                elif arg.symbol is not None and arg.type in ("choice", "text", "number", "date"):
                    plain.append(arg.text)
                else:
                    raise Untranslatable(f"count() of {arg.text}")
            if plain:
                terms.insert(0, f"count({', '.join(plain)})")
            return Frag(" + ".join(terms), 5 if len(terms) > 1 else 8, "num", total=True)
        if name in ("sum", "min", "max") and args:
            values = [self.number(m) for a in args for m in self.members(a)]
            if name != "sum":
                self.note(
                    f"{name}() of unanswered questions: LimeSurvey counts them as 0 or "
                    "the empty text, qdef skips them"
                )
            return Frag(
                f"{name}({', '.join(v.text for v in values)})", 8, "num", total=name == "sum"
            )
        if name == "if" and len(args) == 3:
            test = self.cond(node.args[0])
            yes, no = args[1], args[2]
            kinds = {_value_kind(yes), _value_kind(no)}
            if len(kinds) != 1 or None in kinds:
                raise Untranslatable("if() with values of different kinds")
            kind = kinds.pop()
            return Frag(f"if({test.text}, {yes.text}, {no.text})", 8, kind or "num")
        if name == "strlen" and len(args) == 1 and args[0].type == "text":
            return Frag(f"len({args[0].text})", 8, "num", total=True)
        if name == "floatval" and len(args) == 1 and args[0].type in ("number", "num"):
            return args[0]
        raise Untranslatable(f"the function {node.function}() has no qdef equivalent")


def _value_kind(frag: Frag) -> str | None:
    if frag.type in ("num", "number") or (frag.type == "lit" and frag.numeric_literal):
        return "num"
    if frag.type in ("text", "choice") or frag.type == "lit":
        return "text"
    return None


LEVEL_OF = {"+": 5, "-": 5, "*": 6, "/": 6}
