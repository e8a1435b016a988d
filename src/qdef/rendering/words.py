"""Conditions in words, for paper: ``fortsetzung_geplant == "ja"`` → ``Frage 18 = Ja``.

Variables become question numbers (with the row, column, field or follow-up
they name), codes become their labels, numbers and dates are written the
way the language writes them. The result is plain text; renderers escape
it for their format. All wording comes from the chrome catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

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
from qdef.model import (
    Computed,
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    Option,
    RankingOption,
    RankingQuestion,
    Repeat,
    SingleChoice,
    TextListQuestion,
)
from qdef.rendering.protocol import RenderOptions

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_OPS = {
    "==": "equals",
    "!=": "not_equals",
    "<": "less",
    "<=": "less_equal",
    ">": "greater",
    ">=": "greater_equal",
}
#: Arithmetic operators as printed, and how tightly each binds.
_ARITH = {"+": "+", "-": "−", "*": "×", "/": "÷"}
_BINDING = {"+": 1, "-": 1, "*": 2, "/": 2}
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?(?:-([0-9]{2}))?\Z")


def label_text(text: str) -> str:
    """A label as it reads inside a sentence: without a closing colon."""
    return text.strip().rstrip(":").rstrip()


class Words:
    """Describes conditions of one instrument in one language."""

    def __init__(self, compiled: Compiled, options: RenderOptions) -> None:
        self.plan = compiled.plan
        self.symbols = compiled.symbols
        self.options = options
        self.chrome = options.chrome
        self.numbers = compiled.numbers
        instrument = compiled.instrument
        #: Variables that are no question's answer: hidden ones and computed values,
        #: by id, with their label (None: none given).
        self.hidden = {h.id: h.label for h in instrument.hidden or ()}
        self.computed = {
            q.id: q.label for _, q in instrument.questions() if isinstance(q, Computed)
        }
        self.hidden_codes = {
            h.id: {o.code: o.label for o in h.options}
            for h in instrument.hidden or ()
            if h.type == "choice"
        }
        #: Roster section id -> what it repeats for; and each roster's item -> its roster.
        self.rosters: dict[str, Repeat] = {
            s.id: s.repeat for s in instrument.sections if s.repeat is not None
        }
        self.items = {repeat.item: roster for roster, repeat in self.rosters.items()}
        self._piped: dict[str, str] = {}

    # ------------------------------------------------------------------ texts

    def text(self, value: str | Mapping[str, str]) -> str:
        """An instrument text in the language shown, each piped value (``{q}``) replaced
        by its placeholder (:meth:`piped`)."""
        return self.piped(self.options.text(value))

    def piped(self, text: str, slot: Mapping[str, str] | None = None) -> str:
        """``text`` with each piped value replaced by a placeholder naming where it comes
        from (``[Antwort auf Frage 3]``; a hidden variable's or computed value's label
        in brackets), its fallback left out, and ``{{``/``}}`` read as braces. Plain
        text: the renderer escapes the result as a whole, so nothing a placeholder
        holds becomes markup. ``slot`` gives what a roster's item stands for where one
        iteration is printed (``{person}`` → ``[Antwort auf Frage 3, 1.]``)."""
        if "{" not in text and "}" not in text:
            return text
        found = None if slot else self._piped.get(text)
        if found is None:
            from qdef.expr.template import parse_template  # noqa: PLC0415

            found = "".join(
                piece
                if isinstance(piece, str)
                else slot[piece.expr.name]
                if slot and isinstance(piece.expr, Ref) and piece.expr.name in slot
                else self.placeholder(piece.expr)
                for piece in parse_template(text).pieces
            )
            if not slot:
                self._piped[text] = found
        return found

    def placeholder(self, expr: Expr) -> str:
        """What paper prints for a piped value: where it comes from, in brackets."""
        if self.rosters:  # an aggregate over a roster, as the semantic checks resolve it
            from qdef.expr.scope import resolved  # noqa: PLC0415

            expr = resolved(expr, self.symbols)
        if isinstance(expr, Ref):
            name = expr.name
            if name in self.items:  # a roster's item: the entry of the iteration
                return self.chrome("pipe_item", subject=self.subject(name))
            if name in self.hidden or name in self.computed:
                label = self.hidden.get(name) or self.computed.get(name)
                if label is None:
                    if name in self.computed:
                        return self.chrome("pipe_computed")
                    return self.chrome("pipe_named", label=name)
                return self.chrome("pipe_named", label=label_text(self.options.text(label)))
            return self.chrome("pipe_answer", subject=self.subject(name))
        if isinstance(expr, Over):  # an aggregate over a roster: what it adds up
            return self.chrome("pipe_named", label=self._term(expr))
        return self.chrome("pipe_computed")

    # ------------------------------------------------------------------ pieces

    def quoted(self, text: str) -> str:
        """A label or value: as it is when it is one word, else in quotation marks."""
        text = label_text(text)
        return self.chrome("quote", text=text) if re.search(r"\s", text) else text

    def question(self, question_id: str) -> str:
        return self.chrome("question", number=self.numbers.get(question_id, question_id))

    def named(self, name: str) -> str | None:
        """A hidden variable or computed value by its label (quoted), else by its id;
        None if ``name`` is neither."""
        if name in self.hidden:
            label = self.hidden[name]
        elif name in self.computed:
            label = self.computed[name]
            if label is None:
                return self.chrome("computed_value", name=name)
        else:
            return None
        return self.quoted(self.options.text(label)) if label is not None else name

    def subject(self, name: str) -> str:
        """What a variable is called: ``Frage 13, „Vernetzung …“``."""
        named = self.named(name)
        if named is not None:
            return named
        if name in self.items:  # a roster's item: the entry of the iteration
            repeat = self.rosters[self.items[name]]
            key = "roster_number" if repeat.times is not None else "roster_item"
            return self.chrome(key, question=self.roster_source(self.items[name]))
        info = self.plan.variables.get(name)
        if info is None:  # a question with several parts, as a whole
            return self.question(name)
        question = self.plan.steps[info.position].question
        head = self.question(info.question)
        part: str | None = None
        text = self.text
        if name == info.question:
            return head
        if isinstance(question, SingleChoice | MultipleChoice):
            option = next(o for o in question.options if o.code == info.option)
            followup = next(f for f in option.specify or () if f.id == name)
            part = self.quoted(text(followup.label) if followup.label else text(option.label))
        elif isinstance(question, MatrixQuestion | GridQuestion | DualMatrixQuestion):
            part = self._row_part(question, name)
        elif isinstance(question, TextListQuestion):
            code = name.split(".", 1)[1]
            field = next(f for f in question.fields if f.code == code)
            part = self.quoted(text(field.label)) if field.label else code
        elif isinstance(question, NumberListQuestion):
            code = name.split(".", 1)[1]
            number = next(f for f in question.fields if f.code == code)
            part = self.quoted(text(number.label))
        elif isinstance(question, DateRangeQuestion):
            end = name.rsplit(".", 1)[1]
            given = question.from_label if end == "from" else question.to_label
            part = self.quoted(text(given)) if given else self.chrome(f"date_{end}")
        return self.chrome("part", question=head, part=part) if part else head

    def roster_source(self, roster: str) -> str:
        """The question (or hidden number) a roster repeats for: ``Frage 3``."""
        repeat = self.rosters[roster]
        source = repeat.for_each if repeat.for_each is not None else repeat.times
        assert source is not None  # the model: exactly one of them
        return self.subject(source)

    def item_kind(self, roster: str) -> str:
        """What a roster's item is: ``choice`` (an option's code), ``text`` (a text
        list's entry) or ``number`` (the iteration's number)."""
        repeat = self.rosters[roster]
        if repeat.times is not None:
            return "number"
        info = self.plan.variables.get(repeat.for_each or "")
        return "choice" if info is not None and info.kind == "choices" else "text"

    def _row_part(
        self, question: MatrixQuestion | GridQuestion | DualMatrixQuestion, name: str
    ) -> str:
        text = self.text
        for row in question.rows:
            if row.specify is not None and row.specify.id == name:
                return self.quoted(text(row.label))
        pieces = name.split(".")
        row = next(r for r in question.rows if r.code == pieces[1])
        described = self.quoted(text(row.label))
        if len(pieces) == 3 and isinstance(question, GridQuestion):
            column = next(c for c in question.columns if c.code == pieces[2])
            described = self.chrome(
                "part", question=described, part=self.quoted(text(column.label))
            )
        if len(pieces) == 3 and isinstance(question, DualMatrixQuestion):
            scale = next(c for c in question.scales if c.code == pieces[2])
            described = self.chrome("part", question=described, part=self.quoted(text(scale.label)))
        return described

    def number(self, value: float) -> str:
        """A number as the language writes it (``12,5``, ``1.234,5``: CLDR's)."""
        return self.chrome.number(value)

    def value(self, name: str | None, literal: Literal) -> str:
        """A literal as the reader knows it: a code by its label, a date as written."""
        value = literal.value
        if isinstance(value, bool):
            return self.chrome("always" if value else "never")
        if isinstance(value, int | float):
            return self.number(value)
        if name in self.hidden_codes:
            label = self.hidden_codes[name].get(value)
            if label is not None:
                return self.quoted(self.options.text(label))
        info = (self.plan.variables.get(name) or self.plan.hidden_info(name)) if name else None
        if name is not None and name in self.items:  # a roster's item: an option's code
            info = self.plan.variables.get(self.rosters[self.items[name]].for_each or "")
        if info is not None and info.kind in ("choice", "choices", "ranking"):
            question = self.plan.steps[info.position].question
            label = self._code_label(question, value, info.name)
            if label is not None:
                return self.quoted(label)
        if info is not None and info.kind == "date":
            match = _DATE.match(value)
            if match:
                year, month, day = match.groups()
                if day:
                    return self.chrome("date_value_day", day=day, month=month, year=year)
                if month:
                    return self.chrome("date_value_month", month=month, year=year)
                return self.chrome("date_value_year", year=year)
        return self.chrome("quote", text=value)

    def _code_label(self, question: object, code: str, name: str) -> str | None:
        """The label of ``code`` in a choice question or ranking (an option, an item), a
        matrix (a scale column: the code of a row's answer) or the cell ``name`` of a
        dual-scale matrix (a column of that cell's scale)."""
        text = self.text
        if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
            options: Sequence[Option | RankingOption] = question.options
            return next((text(o.label) for o in options if o.code == code), None)
        if isinstance(question, MatrixQuestion):
            return next((text(c.label) for c in question.scale if c.code == code), None)
        if isinstance(question, DualMatrixQuestion):
            scale = next((c for c in question.scales if c.code == name.rsplit(".", 1)[-1]), None)
            columns = scale.columns if scale is not None else ()
            return next((text(c.label) for c in columns if c.code == code), None)
        return None

    # ------------------------------------------------------------------ conditions

    def describe(self, expr: Expr) -> str:
        """``expr`` in words."""
        return self._describe(expr)

    def _describe(self, expr: Expr) -> str:
        chrome = self.chrome
        match expr:
            case And(operands=operands) | Or(operands=operands):
                key = "and" if isinstance(expr, And) else "or"
                parts = [self._operand(o, expr) for o in operands]
                text = parts[0]
                for part in parts[1:]:
                    text = chrome(key, left=text, right=part)
                return text
            case Not(operand=operand):
                return self._negated(operand)
            case Ref(name=name):
                return self._ticked(name, holds=True)
            case Answered(ref=ref):
                return chrome("answered", subject=self.subject(ref.name))
            case Literal():
                return self.value(None, expr)
            case Has(left=left, value=value):
                key = "ranked" if self._ranking(left) else "has"
                return chrome(key, question=self._side(left), option=self._has_value(left, value))
            case In(left=left, values=values, negated=negated):
                return self._in(left, values, negated)
            case Compare():
                return self._compare(expr)
            case Over(func="any" | "all", roster=roster, body=body):
                question = self.roster_source(roster)
                return chrome(
                    f"over_{expr.func}", question=question, condition=self._describe(body)
                )
            case Arith() | Neg() | Call() | Over():
                return self._term(expr)
        raise TypeError(f"not a condition: {expr!r}")  # pragma: no cover

    def _operand(self, operand: Expr, parent: And | Or) -> str:
        text = self._describe(operand)
        if isinstance(operand, Over) and operand.func in ("any", "all"):
            return f"({text})"  # "bei jedem Eintrag …: …" would run on into the next part
        shape = _shape(operand, positive=True)
        if shape is not None and shape is not type(parent):
            return f"({text})"
        return text

    def _negated(self, operand: Expr) -> str:
        chrome = self.chrome
        match operand:
            case Has(left=left, value=value):
                key = "ranked_not" if self._ranking(left) else "has_not"
                return chrome(key, question=self._side(left), option=self._has_value(left, value))
            case Answered(ref=ref):
                return chrome("unanswered", subject=self.subject(ref.name))
            case Ref(name=name):
                return self._ticked(name, holds=False)
            case In(left=left, values=values, negated=negated):
                return self._in(left, values, not negated)
            case Compare(op="==" | "!="):
                flipped = "!=" if operand.op == "==" else "=="
                return self._compare(Compare(flipped, operand.left, operand.right))
            case Not(operand=inner):  # not not x
                return self._describe(inner)
        return chrome("not", condition=self._describe(operand))

    def _ticked(self, name: str, *, holds: bool) -> str:
        """A check box ticked (or not); a computed truth value true (or not)."""
        if name in self.computed:
            return self.chrome("holds" if holds else "holds_not", subject=self.subject(name))
        return self.chrome("checked" if holds else "unchecked", subject=self.subject(name))

    def _side(self, side: Expr) -> str:
        if isinstance(side, Ref):
            return self.subject(side.name)
        if isinstance(side, Literal):
            return self.value(None, side)
        if isinstance(side, Arith | Neg | Call):
            return self._term(side)
        return self._describe(side)

    def _term(self, expr: Expr, binding: int = 0) -> str:
        """A value (not a condition) in words: arithmetic with its signs, a function by
        what it computes; bracketed where it binds less tightly than ``binding``."""
        chrome = self.chrome
        match expr:
            case Arith(op=op, left=left, right=right):
                strength = _BINDING[op]
                # a - (b - c), a / (b * c): the right side binds as if one stronger.
                text = chrome(
                    "arith",
                    left=self._term(left, strength),
                    op=_ARITH[op],
                    right=self._term(right, strength + 1),
                )
                return f"({text})" if strength < binding else text
            case Neg(operand=operand):
                return chrome("negative", operand=self._term(operand, 3))
            case Call(name="if", args=(condition, then, otherwise)):
                text = chrome(
                    "fn_if",
                    condition=self._describe(condition),
                    then=self._term(then),
                    otherwise=self._term(otherwise),
                )
                return f"({text})" if binding else text
            case Call(name="rank", args=(Ref(name=name), item)):
                text = chrome(
                    "fn_rank",
                    item=self._has_value(Ref(name), item),
                    question=self.subject(name),
                )
                return f"({text})" if binding else text
            case Over(func=func, roster=roster, body=body):
                question = self.roster_source(roster)
                if func == "count":
                    text = chrome("over_count", question=question, condition=self._counted(body))
                elif func in ("any", "all"):
                    return f"({self._describe(expr)})" if binding else self._describe(expr)
                else:
                    text = chrome(f"over_{func}", question=question, body=self._term(body))
                return f"({text})" if binding else text
            case Call(name=name, args=args):
                if name in ("len", "selected_count"):
                    return chrome(f"fn_{name}", arg=self._term(args[0]))
                if name.endswith("_between"):
                    return chrome(
                        f"fn_{name}", first=self._term(args[0]), second=self._term(args[1])
                    )
                text = chrome(f"fn_{name}", args=self.listed([self._term(a) for a in args]))
                return f"({text})" if binding else text
            case Ref(name=name):
                return self.subject(name)
            case Literal():
                return self.value(None, expr)
        return f"({self._describe(expr)})" if binding else self._describe(expr)

    def _ranking(self, side: Expr) -> bool:
        """Whether ``side`` is a ranking's answer (``has`` means: given a rank)."""
        info = self.plan.variables.get(side.name) if isinstance(side, Ref) else None
        return info is not None and info.kind == "ranking"

    def _counted(self, body: Expr) -> str:
        """What ``count(body)`` counts, as a condition: the body where it is one (``Frage
        5 ≥ 18``, a ticked box), else that it is answered (``Frage 5 beantwortet``)."""
        if isinstance(body, Ref):
            info = self.plan.variables.get(body.name)
            if info is not None and info.kind in ("check", "truth"):
                return self._ticked(body.name, holds=True)
            return self.chrome("answered", subject=self.subject(body.name))
        if isinstance(body, And | Or | Not | Compare | Has | In | Answered | Over):
            return self._describe(body)
        return self.chrome("answered", subject=self._term(body))

    def listed(self, items: Sequence[str]) -> str:
        """``a, b and c``."""
        if len(items) == 1:
            return items[0]
        return self.chrome("list_join").join(items[:-1]) + self.chrome("list_join_last") + items[-1]

    def _has_value(self, left: Expr, value: Expr) -> str:
        if isinstance(value, Literal):
            return self.value(left.name if isinstance(left, Ref) else None, value)
        if isinstance(value, Ref):  # the option chosen in a single-choice question
            return self.chrome("answer_of", subject=self.subject(value.name))
        return self._side(value)

    def _in(self, left: Expr, values: tuple[Literal, ...], negated: bool) -> str:
        name = left.name if isinstance(left, Ref) else None
        if len(values) == 1:
            return self._compare(Compare("!=" if negated else "==", left, values[0]))
        key = "none_of" if negated else "one_of"
        joined = self.chrome(f"{key}_join").join(self.value(name, v) for v in values)
        return self.chrome(key, left=self._side(left), values=joined)

    def _compare(self, expr: Compare) -> str:
        left, op, right = expr.left, expr.op, expr.right
        if isinstance(left, Literal) and not isinstance(right, Literal):
            left, op, right = right, _FLIP[op], left
        if isinstance(right, Literal) and isinstance(right.value, bool):
            holds = right.value == (op == "==")
            if isinstance(left, Ref):  # a check box
                return self._ticked(left.name, holds=holds)
            # A condition compared with true or false: it holds, or it does not.
            return self._describe(left) if holds else self._negated(left)
        name = left.name if isinstance(left, Ref) else None
        right_text = self.value(name, right) if isinstance(right, Literal) else self._side(right)
        return self.chrome(_OPS[op], left=self._side(left), right=right_text)


def _truth_test(expr: Expr) -> tuple[Expr, bool] | None:
    """For a condition compared with ``true`` or ``false`` (not a check box):
    the condition, and whether the comparison holds when it does."""
    if not isinstance(expr, Compare) or expr.op not in ("==", "!="):
        return None
    for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
        if isinstance(other, Literal) and isinstance(other.value, bool):
            if isinstance(side, Ref | Literal):
                return None
            return side, other.value == (expr.op == "==")
    return None


def _shape(expr: Expr, *, positive: bool) -> type[And] | type[Or] | None:
    """``And`` or ``Or`` if the words for ``expr`` (or for its negation) are joined by
    that connective at the top, unbracketed; else None. Follows what ``describe``
    does with ``not not x`` and with conditions compared with true or false."""
    if isinstance(expr, Not):
        return _shape(expr.operand, positive=not positive)
    test = _truth_test(expr)
    if test is not None:
        inner, holds = test
        return _shape(inner, positive=holds == positive)
    if positive and isinstance(expr, And | Or):
        return type(expr)
    return None  # atomic, or negated as "nicht (…)"
