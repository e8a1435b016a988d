"""Type-check an expression against an instrument's variables.

An expression is checked for its place (``want``): ``"truth"`` where a condition
is needed (a ``when``, a rule's ``check``), ``"value"`` for a computed value (any
type but a whole multi-part question), ``"text"`` for a value piped into a text
(any type but a truth value, a check box or a whole multi-part question).

Codes (QD5xx: expressions and routing):

- QD501 syntax error (from the parser; :func:`check` reports it as a problem)
- QD502 unknown variable
- QD503 variable of a question that does not come before the condition
- QD504 a code that the choice variable does not have
- QD505 an operator that does not apply to the variable's type
- QD506 a value of the wrong type, or a comparison of incompatible things
- QD507 something that is not a truth value where a condition is needed
- QD508 a date that is not ISO at the variable's precision, or not a real date
- QD510 arithmetic (``+ - * /``, unary ``-``) on something that is not a number
- QD511, QD512 an unknown function, a wrong number of arguments (from the parser)
- QD513 a function's argument of the wrong type (or ``if``/``coalesce`` values of
  different types)
- QD514 a whole multi-part question where a value is needed
- QD519 a value that cannot be shown in a text (truth value, check box)
- QD525 a roster's variable outside its roster, not inside an aggregate
- QD526 a roster's variable (or item) before the roster
- QD527 another roster's variable inside a roster, not inside an aggregate
- QD528 an aggregate whose argument refers to two rosters
- QD529 an aggregate over the roster the expression is in
- QD530 ``any()``/``all()`` whose argument refers to no roster

Rosters (:mod:`qdef.expr.scope`): an expression is checked in its roster (``roster``:
the id of the roster section it belongs to, None outside rosters); calls of aggregates
over a roster are resolved into ``Over`` nodes before checking.

The wording lives in :mod:`qdef.expr.messages`.

Every problem is reported, not just the first. An unknown variable is reported
once; the comparison around it is not checked further.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from qdef.diagnostics import Code
from qdef.expr.examples import Examples
from qdef.expr.messages import (
    BAD_DATE,
    BEFORE_ROSTER,
    LATER_VARIABLE,
    NOT_A_CONDITION,
    NOT_A_NUMBER,
    NOT_A_VALUE,
    NOT_OVER_ROSTER,
    NOT_SHOWABLE,
    NUMBER,
    OTHER_ROSTER,
    OUTSIDE_ROSTER,
    OWN_ROSTER,
    TWO_ROSTERS,
    UNKNOWN_CODE,
    UNKNOWN_VARIABLE,
    WRONG_ARGUMENT,
    WRONG_OPERATOR,
    WRONG_TYPE,
    Subject,
    alternatives,
    bare_word,
    check_hint,
    code_message,
    date_problem,
    example,
    how_variables_are_written,
    literal_problem,
)
from qdef.expr.nodes import (
    AGGREGATES,
    ORDER_OPS,
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
    variables_used,
)
from qdef.expr.parser import parse
from qdef.expr.printer import literal_source, to_source
from qdef.expr.scope import free_rosters, is_item, resolved, roster_of
from qdef.expr.tokens import ExprSyntaxError
from qdef.model.symbols import Symbols, ValueType, Variable

Want: TypeAlias = typing.Literal["truth", "value", "text"]
"""What an expression's place needs: a condition, a computed value, a piped value."""

TRUTH = ValueType("truth")
TEXT = ValueType("text")
INTEGER = ValueType("number", integer=True)
DECIMAL = ValueType("number")
SHORT = 40
"""How much of an expression a message quotes."""


@dataclass(frozen=True, slots=True)
class ExprProblem:
    """A problem in a condition; ``start``/``end`` are 0-based offsets into it."""

    code: Code
    message: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Truth:
    """A side of a comparison that is itself a condition, e.g. ``answered(q1)``."""

    node: Expr


@dataclass(frozen=True, slots=True)
class _Computed:
    """A side of a comparison that is computed (arithmetic, a call), with its type."""

    node: Expr
    type: ValueType


_Side: TypeAlias = Variable | Literal | _Truth | _Computed | None
"""What a side of a comparison is; None when it names an unknown variable (or is
ill-typed, already reported)."""


def _shown(node: Expr) -> str:
    """An expression as a message quotes it."""
    text = to_source(node)
    return text if len(text) <= SHORT else text[: SHORT - 1].rstrip() + "…"


def _as_variable(side: _Computed) -> Variable:
    """A computed side, dressed as a variable for the messages about variables."""
    return Variable(_shown(side.node), side.type, "", -1, ())


def check(
    source: str,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
    want: Want = "truth",
    roster: str | None = None,
) -> list[ExprProblem]:
    """Parse and type-check ``source``; a syntax error becomes one problem (QD501,
    QD509, QD511 or QD512).

    A variable for which ``unknown`` is true is not reported as unknown (it belongs
    to a question left out for its structural errors)."""
    return parse_and_check(
        source, symbols, position, subject=subject, unknown=unknown, want=want, roster=roster
    )[1]


def parse_and_check(
    source: str,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
    want: Want = "truth",
    roster: str | None = None,
) -> tuple[Expr | None, list[ExprProblem]]:
    """:func:`check`, and the syntax tree it parsed (None after a syntax error), so
    that a caller that keeps the tree need not parse ``source`` again. The tree is
    resolved (:func:`qdef.expr.scope.resolve`): aggregates over a roster are ``Over``
    nodes."""
    try:
        expr = parse(source, Examples(symbols, position, roster))
    except ExprSyntaxError as error:
        end = max(min(error.offset + 1, len(source)), error.offset)
        return None, [ExprProblem(error.code, error.message, error.offset, end)]
    expr = resolved(expr, symbols)
    return expr, _typecheck(expr, symbols, position, subject, unknown, want, roster)


def typecheck(
    expr: Expr,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
    want: Want = "truth",
    roster: str | None = None,
) -> list[ExprProblem]:
    """Every type problem in ``expr``, ordered by offset.

    ``position`` is the sequence index of the question carrying the expression
    (for a section's ``when``, its first question's); variables must come from
    questions with a smaller position (hidden variables have position -1). ``subject``
    says what carries the expression, for messages; ``want`` what its place needs;
    ``roster`` the roster section the expression belongs to (None outside rosters; a
    roster's own ``when`` is outside it). ``expr`` is resolved first (aggregates over a
    roster become ``Over`` nodes; a resolved tree stays as it is).
    """
    expr = resolved(expr, symbols)
    return _typecheck(expr, symbols, position, subject, unknown, want, roster)


def _typecheck(  # noqa: PLR0917 (the keywords of typecheck, passed on)
    expr: Expr,
    symbols: Symbols,
    position: int,
    subject: Subject,
    unknown: Callable[[str], bool],
    want: Want,
    roster: str | None,
) -> list[ExprProblem]:
    checker = _Checker(symbols, position, subject, unknown, roster)
    if want == "truth":
        checker.condition(expr)
    else:
        checker.place(expr, want)
    return sorted(checker.problems, key=lambda problem: problem.start)


def expression_type(expr: Expr, symbols: Symbols) -> ValueType:
    """The type of ``expr``, which has passed :func:`typecheck` (ValueError if it
    names an unknown variable or is ill-typed): ``truth`` for a condition, ``number``
    (``integer`` when it is one), ``text``, ``date`` (with its precision), ``choice``,
    ``choices`` or ``ranking`` (a bare variable), ``check`` (a bare check box). Scope
    (which roster ``expr`` is in) is not checked again; an aggregate over a roster has
    the type of its result."""
    checker = _Checker(
        symbols, len(symbols.entries) + 1, "question", lambda name: False, scoped=False
    )
    found = checker.typed(resolved(expr, symbols))
    if found is None or checker.problems:
        raise ValueError(f"{to_source(expr)!r} is not well-typed")
    return found


# ----------------------------------------------------------------- the checker


class _Checker:
    def __init__(
        self,
        symbols: Symbols,
        position: int,
        subject: Subject,
        unknown: Callable[[str], bool],
        roster: str | None = None,
        *,
        scoped: bool = True,
    ) -> None:
        self.symbols = symbols
        self.position = position
        self.subject = subject
        self.unknown = unknown
        self.roster = roster
        """The roster the expression is in (None: outside every roster)."""
        self.over: str | None = None
        """The roster of the aggregate whose argument is being checked."""
        self.scoped = scoped
        """Whether to check the roster scope rules (not when only typing)."""
        self.examples = Examples(symbols, position, roster)
        self.problems: list[ExprProblem] = []

    def report(self, code: Code, message: str, node: Expr) -> None:
        self.problems.append(ExprProblem(code, message, node.start, node.end))

    def variable(self, ref: Ref) -> Variable | None:
        """The variable ``ref`` names (reporting QD502/QD503 and the roster scope rules,
        QD525–QD527), or None if unknown."""
        variable = self.symbols.variables.get(ref.name)
        if variable is None:
            if not self.unknown(ref.name):
                self.report(UNKNOWN_VARIABLE, self.unknown_message(ref.name), ref)
        elif variable.roster is not None and self.scoped:
            self.roster_variable(ref, variable, variable.roster)
        elif variable.position >= self.position:
            self.report(LATER_VARIABLE, self.later_message(ref.name, variable), ref)
        return variable

    def roster_variable(self, ref: Ref, variable: Variable, roster: str) -> None:
        """The scope rules for ``variable`` of ``roster`` (docs/format.md, "Rosters")."""
        name = ref.name
        here = self.over or self.roster
        item = is_item(variable)
        what = (
            f"'{name}' is the item of the roster '{roster}'"
            if item
            else f"'{name}' is answered once in each iteration of the roster '{roster}'"
        )
        if roster == here:
            if self.over is not None and variable.position >= self.position:
                self.report(
                    BEFORE_ROSTER,
                    f"{what}, which comes later; an aggregate over a roster may only come "
                    f"after it: move this {self.subject} after '{roster}'",
                    ref,
                )
            elif not item and variable.position >= self.position:
                self.report(LATER_VARIABLE, self.later_message(name, variable), ref)
        elif variable.position >= self.position:
            where = "inside it" if item else f"inside it (after '{variable.question}')"
            self.report(
                BEFORE_ROSTER,
                f"{what}, which comes later; it can be used only {where}, or after it in "
                f"an aggregate such as count({name})",
                ref,
            )
        elif self.roster is None or self.over is not None:
            self.report(
                OUTSIDE_ROSTER,
                f"{what}; after the roster, use it in an aggregate over its iterations, "
                f"e.g. {self.aggregates(variable)}",
                ref,
            )
        else:
            self.report(
                OTHER_ROSTER,
                f"{what}, but this is inside the roster '{self.roster}'; use the other "
                f"roster's answers only in an aggregate, e.g. {self.aggregates(variable)}",
                ref,
            )

    @staticmethod
    def aggregates(variable: Variable) -> str:
        """Aggregates of a roster variable, as an example."""
        name = variable.name
        if variable.type.kind == "number":
            return f"sum({name}), count({name}), min({name}), any({name} >= 18)"
        if variable.type.kind in ("check", "truth"):
            return f"count({name}), any({name}), all({name})"
        sample = example(variable)
        return f"count({name}), any({sample}), count({sample})"

    def later_message(self, name: str, variable: Variable) -> str:
        asker = variable.question
        if variable.position == self.position and self.subject == "question":
            return (
                f"'{name}' is answered in this very question; a condition can only use "
                "answers given before the question is asked"
            )
        if self.subject == "section" and self.in_section(variable.position):
            return (
                f"'{name}' is asked in this section, but a section's condition may only use "
                f"answers given before the section starts; test an earlier answer, or move "
                f"'{asker}' into an earlier section"
            )
        where = "" if name == asker else f" (in '{asker}')"
        return (
            f"'{name}' is asked later{where}, but a condition may only use earlier answers; "
            f"move '{asker}' before this {self.subject}, or test an answer given before it"
        )

    def in_section(self, position: int) -> bool:
        """Whether ``position`` lies in the section that starts at ``self.position``."""
        entries = self.symbols.entries
        start = entries[self.position].section_index if self.position < len(entries) else -1
        return position < len(entries) and entries[position].section_index == start

    def parts(self, name: str) -> list[str]:
        return [other for other in self.symbols.variables if other.startswith(name + ".")]

    def unknown_message(self, name: str) -> str:
        if name.lower() in ("true", "false"):
            return f"unknown variable '{name}'; write {name.lower()} in lower case"
        if name in self.symbols.positions:
            return f"'{name}' is a display text, not a question; it has no answer to test"
        if parts := self.parts(name):
            shown = alternatives(parts[:5])
            return f"'{name}' is not a variable itself; use one of its parts, e.g. {shown}"
        close = difflib.get_close_matches(name, list(self.symbols.variables), n=3, cutoff=0.7)
        if close:
            return f"unknown variable '{name}'; did you mean {alternatives(close)}?"
        return f"unknown variable '{name}'; {how_variables_are_written(self.earlier_names())}"

    def earlier_names(self) -> list[str]:
        """The variables this condition may use, in sequence order."""
        return [v.name for v in self.examples.earlier]

    def sample(self) -> str:
        """A comparison to show as an example, made of the instrument's own names."""
        return self.examples.comparison()

    def unquoted(self, word: Expr, other: Expr, op: str) -> bool:
        """Report ``employed == yes``, where ``yes`` is meant as a code or text, with
        the quotes it lacks; whether it did."""
        if not (isinstance(word, Ref) and isinstance(other, Ref)) or "." in word.name:
            return False
        name, symbols = word.name, self.symbols
        known = name in symbols.variables or name in symbols.positions or self.parts(name)
        if known or self.unknown(name):
            return False
        variable = symbols.variables.get(other.name)
        if variable is None:
            return False
        codes = {code.lower() for code in variable.type.codes}
        if name.lower() not in codes and difflib.get_close_matches(
            name, list(symbols.variables), n=1, cutoff=0.7
        ):
            return False  # not a code, and more likely a misspelt variable: "did you mean"
        choices = variable.type.kind in ("choices", "ranking")
        message = bare_word(name, variable, "has" if choices else op)
        if message is None:
            return False
        self.variable(other)
        if op != "has":
            self.operator(variable, op, other)
        self.report(UNKNOWN_VARIABLE, message, word)
        return True

    def group_message(self, variable: Variable) -> str:
        name, parts = variable.name, self.parts(variable.name)
        also = f", or use one of its parts such as {parts[0]}" if parts else ""
        return (
            f"'{name}' is a question with several parts; only answered({name}) "
            f"applies to it as a whole{also}"
        )

    # ------------------------------------------------------------- conditions

    def condition(self, node: Expr) -> None:
        """Check ``node`` where a truth value is needed."""
        match node:
            case Ref():
                variable = self.variable(node)
                if variable is None or variable.type.kind in ("check", "truth"):
                    return
                if variable.type.kind == "group":
                    self.report(WRONG_OPERATOR, self.group_message(variable), node)
                    return
                self.report(
                    NOT_A_CONDITION,
                    f"'{node.name}' is {variable.type.describe()}, not a condition; compare it "
                    f"with a value, e.g. {example(variable)}, or use answered({node.name})",
                    node,
                )
            case Literal(value=value) if not isinstance(value, bool):
                kind = "a text" if isinstance(value, str) else "a number"
                self.report(
                    NOT_A_CONDITION,
                    f"{literal_source(node)} is {kind}, not a condition; compare a question "
                    f"with it, e.g. {self.sample()}",
                    node,
                )
            case Answered(ref=ref):
                self.variable(ref)
            case Not(operand=operand):
                self.condition(operand)
            case And(operands=operands) | Or(operands=operands):
                for operand in operands:
                    self.condition(operand)
            case Compare():
                self.compare(node)
            case Has():
                self.has(node)
            case In():
                self.member(node)
            case Arith() | Neg() | Call() | Over():
                found = self.typed(node)
                if found is not None and found.kind not in ("truth", "check"):
                    shown = _shown(node)
                    sample = f"{shown} > 0" if found.kind == "number" else f'{shown} == "…"'
                    self.report(
                        NOT_A_CONDITION,
                        f"'{shown}' is {found.describe()}, not a condition; compare it with "
                        f"a value, e.g. {sample}",
                        node,
                    )

    def side(self, node: Expr) -> _Side:
        if isinstance(node, Ref):
            return self.variable(node)
        if isinstance(node, Literal):
            return node
        if isinstance(node, Arith | Neg | Call | Over):
            found = self.typed(node)
            if found is None:
                return None
            return _Truth(node) if found.kind == "truth" else _Computed(node, found)
        self.condition(node)
        return _Truth(node)

    # ------------------------------------------------------------- values

    def place(self, node: Expr, want: Want) -> None:
        """Check ``node`` as a computed value (``want`` "value") or a piped one ("text")."""
        found = self.typed(node)
        if found is None or want == "value":
            return
        if found.kind in ("truth", "check"):
            shown = _shown(node)
            self.report(
                NOT_SHOWABLE,
                f"'{shown}' is {found.describe()}, which cannot be shown in a text; "
                f'write what to show for each case, e.g. {{if({shown}, "…", "…")}}',
                node,
            )

    def typed(self, node: Expr) -> ValueType | None:
        """The type of ``node`` as a value, reporting its problems; None if it has one
        (or names an unknown variable)."""
        match node:
            case Ref():
                variable = self.variable(node)
                if variable is None:
                    return None
                if variable.type.kind == "group":
                    self.report(NOT_A_VALUE, self.group_value_message(variable), node)
                    return None
                return variable.type
            case Literal(value=value):
                if isinstance(value, bool):
                    return TRUTH
                if isinstance(value, str):
                    return TEXT
                return INTEGER if isinstance(value, int) else DECIMAL
            case Arith(op=op, left=left, right=right):
                left_type = self.number(left, op)
                right_type = self.number(right, op)
                if left_type is None or right_type is None:
                    return None
                if op != "/" and left_type.integer and right_type.integer:
                    return INTEGER
                return DECIMAL
            case Neg(operand=operand):
                return self.number(operand, "-")
            case Call():
                return self.call(node)
            case Over():
                return self.aggregate(node)
            case _:
                problems = len(self.problems)
                self.condition(node)
                return TRUTH if len(self.problems) == problems else None

    def group_value_message(self, variable: Variable) -> str:
        name, parts = variable.name, self.parts(variable.name)
        also = f" such as {parts[0]}" if parts else ""
        return (
            f"'{name}' is a question with several parts, which has no value as a whole; "
            f"use one of its parts{also}"
        )

    def number(self, node: Expr, op: str) -> ValueType | None:
        """The type of ``node``, an operand of the arithmetic ``op``: a number."""
        found = self.typed(node)
        if found is None or found.kind == "number":
            return found
        shown = _shown(node)
        message = f"'{op}' computes with numbers, but '{shown}' is {found.describe()}"
        if (
            isinstance(node, Literal)
            and isinstance(node.value, str)
            and NUMBER.fullmatch(node.value)
        ):
            message += f"; write numbers without quotes: {node.value}"
        elif found.kind == "text" and op == "+":
            message += "; to join texts, write concat(a, b)"
        elif found.kind == "date" and op == "-":
            message += "; for the time between two dates, write days_between(a, b)"
        elif found.kind == "choices":
            message += f"; for the number of codes chosen, write selected_count({shown})"
        elif found.kind == "ranking":
            message += (
                f"; for an item's rank, write rank({shown}, {self.first_code(found)}), for "
                f"the number of items ranked selected_count({shown})"
            )
        self.report(NOT_A_NUMBER, message, node)
        return None

    def argument(self, call: Call, node: Expr, wanted: str) -> None:
        """Report ``node``, an argument of ``call``, for not being ``wanted``."""
        found = self.typed_quietly(node)
        what = f" is {found.describe()}" if found is not None else " does not fit"
        self.report(
            WRONG_ARGUMENT,
            f"{call.name}() takes {wanted}, but '{_shown(node)}'{what}",
            node,
        )

    def typed_quietly(self, node: Expr) -> ValueType | None:
        """The type of ``node`` without reporting anything (already reported)."""
        problems = self.problems
        self.problems = []
        try:
            return self.typed(node)
        finally:
            self.problems = problems

    @staticmethod
    def first_code(found: ValueType) -> str:
        return literal_source(Literal(found.codes[0])) if found.codes else '"a"'

    def call(self, node: Call) -> ValueType | None:
        name, args = node.name, node.args
        if self.scoped and name in AGGREGATES and len(args) == 1:
            rosters = free_rosters(args[0], roster_of(self.symbols))
            if len(rosters) > 1:
                first, second = rosters
                self.report(
                    TWO_ROSTERS,
                    f"{name}() combines the iterations of one roster, but "
                    f"'{_shown(args[0])}' uses '{rosters[first].name}' of the roster "
                    f"'{first}' and '{rosters[second].name}' of the roster '{second}'; "
                    f"aggregate each roster on its own, e.g. {name}(…) + {name}(…)",
                    node,
                )
                return None
        if name in ("any", "all"):
            return self.any_all(node)
        if name == "rank":
            return self.rank(node)
        if name == "if":
            self.condition(args[0])
            return self.unify(node, args[1:])
        if name == "coalesce":
            return self.unify(node, args)
        if name == "count":
            for arg in args:
                found = self.typed(arg)
                if found is not None and found.kind == "truth":
                    self.report(
                        WRONG_ARGUMENT,
                        f"count() counts the answered values among its arguments, and "
                        f"'{_shown(arg)}' is a condition, which is always true or false; to "
                        "count the conditions that hold, write sum(if(c1, 1, 0), if(c2, 1, 0))",
                        arg,
                    )
            return INTEGER
        if name == "selected_count":
            arg = args[0]
            variable = self.variable(arg) if isinstance(arg, Ref) else None
            if isinstance(arg, Ref) and variable is None:
                return INTEGER
            if variable is None or variable.type.kind not in ("choices", "ranking"):
                self.argument(node, arg, "a multiple-choice or ranking question")
            return INTEGER
        if name in ("len", "concat"):
            for arg in args:
                found = self.typed(arg)
                if found is not None and found.kind != "text":
                    self.argument(node, arg, "texts" if name == "concat" else "a text")
            return INTEGER if name == "len" else TEXT
        if name == "sum":
            types = [self.typed(arg) for arg in args]
            for arg, found in zip(args, types, strict=True):
                if found is not None and found.kind != "number":
                    self.argument(node, arg, "numbers")
            if any(found is None or found.kind != "number" for found in types):
                return None
            return INTEGER if all(found.integer for found in types if found) else DECIMAL
        if name in ("min", "max"):
            return self.ordered(node, args)
        return self.between(node)

    def any_all(self, node: Call) -> ValueType | None:
        """``any(c)``/``all(c)`` that are no aggregate over a roster (those are ``Over``)."""
        (arg,) = node.args
        problems = len(self.problems)
        self.condition(arg)
        if len(self.problems) > problems:
            return None
        if self.scoped:
            found = [v for v in self.symbols.variables.values() if v.roster and not is_item(v)]
            rosters = list(dict.fromkeys(v.roster for v in found if v.roster))
            where = f" (here: {alternatives(rosters)})" if rosters else ""
            sample = f"{node.name}({example(found[0])})" if found else ""
            self.report(
                NOT_OVER_ROSTER,
                f"{node.name}() tests a condition in every iteration of a roster, but "
                f"'{_shown(arg)}' uses no roster's variable; write the condition itself"
                + (
                    f", or test a roster's answers after the roster{where}, e.g. {sample}"
                    if found
                    else ""
                ),
                node,
            )
            return None
        return TRUTH

    def rank(self, node: Call) -> ValueType | None:
        """``rank(q, "code")``: the rank (1 = first) of an item of the ranking ``q``."""
        question, code = node.args
        variable = self.variable(question) if isinstance(question, Ref) else None
        if isinstance(question, Ref) and variable is None:
            return INTEGER  # reported
        if variable is None or variable.type.kind != "ranking":
            self.argument(
                node, question, 'a ranking question and one of its codes, e.g. rank(q, "a")'
            )
            return INTEGER
        codes = variable.type.codes
        if not (isinstance(code, Literal) and isinstance(code.value, str)):
            self.report(
                WRONG_ARGUMENT,
                f"rank() takes one of the codes of '{variable.name}' as a quoted text, e.g. "
                f"rank({variable.name}, {self.first_code(variable.type)}); "
                f"'{_shown(code)}' is not one",
                code,
            )
        elif code.value not in codes:
            self.report(UNKNOWN_CODE, code_message(variable.name, code.value, codes), code)
        return INTEGER

    def aggregate(self, node: Over) -> ValueType | None:
        """``func(body)`` over the iterations of ``node.roster`` (docs/format.md,
        "Aggregates over a roster")."""
        func, roster, body = node.func, node.roster, node.body
        if self.scoped and roster == self.roster and self.over is None:
            self.report(
                OWN_ROSTER,
                f"{func}() over the roster '{roster}' cannot be used inside '{roster}' "
                f"itself (here each answer is this iteration's own); use '{_shown(body)}' "
                f"directly, or move the {self.subject} after the roster",
                node,
            )
            return None
        outer, self.over = self.over, roster
        try:
            if func in ("any", "all"):
                problems = len(self.problems)
                self.condition(body)
                return TRUTH if len(self.problems) == problems else None
            found = self.typed(body)
        finally:
            self.over = outer
        if found is None:
            return None
        if func == "count":
            return INTEGER
        wanted = "numbers" if func == "sum" else "numbers or dates"
        if found.kind == "number" or (found.kind == "date" and func != "sum"):
            return found if found.kind == "date" else (INTEGER if found.integer else DECIMAL)
        message = (
            f"{func}() over a roster takes {wanted}, but '{_shown(body)}' is {found.describe()}"
        )
        if found.kind == "truth":
            message += f"; to count the iterations where it holds, write count({_shown(body)})"
        self.report(WRONG_ARGUMENT, message, body)
        return None

    def dates(self, node: Call, args: tuple[Expr, ...], wanted: str) -> list[ValueType] | None:
        """The types of ``args``, dates of one precision (a quoted date takes the
        precision of the others); None after a problem."""
        types = [self.typed(arg) for arg in args]
        precision = next((t.precision for t in types if t is not None and t.kind == "date"), None)
        result: list[ValueType] = []
        for arg, written in zip(args, types, strict=True):
            if written is None:
                return None
            found = written
            if isinstance(arg, Literal) and isinstance(arg.value, str) and precision:
                problem = date_problem(arg.value, precision)
                if problem is not None:
                    self.report(BAD_DATE, problem, arg)
                    return None
                found = ValueType("date", precision=precision)
            if found.kind != "date" or found.precision != precision:
                self.argument(node, arg, wanted)
                return None
            result.append(found)
        return result

    def ordered(self, node: Call, args: tuple[Expr, ...]) -> ValueType | None:
        """min() and max(): numbers, or dates of one precision."""
        types = [self.typed_quietly(arg) for arg in args]
        if any(t is not None and t.kind == "date" for t in types):
            found = self.dates(node, args, "numbers, or dates of one precision")
            return found[0] if found else None
        numbers = [self.number_argument(node, arg) for arg in args]
        if any(found is None for found in numbers):
            return None
        return INTEGER if all(found.integer for found in numbers if found) else DECIMAL

    def number_argument(self, node: Call, arg: Expr) -> ValueType | None:
        found = self.typed(arg)
        if found is not None and found.kind != "number":
            self.argument(node, arg, "numbers, or dates of one precision")
            return None
        return found

    def between(self, node: Call) -> ValueType | None:
        """days_between(), months_between(), years_between(): two dates."""
        name = node.name
        wanted = {
            "days_between": "two dates of day precision",
            "months_between": "two dates of month or day precision",
            "years_between": "two dates of one precision",
        }[name]
        found = self.dates(node, node.args, wanted)
        if found is None:
            return None
        precision = found[0].precision
        if (name == "days_between" and precision != "day") or (
            name == "months_between" and precision == "year"
        ):
            self.argument(node, node.args[0], wanted)
            return None
        return INTEGER

    def unify(self, node: Call, args: tuple[Expr, ...]) -> ValueType | None:
        """The one type of the values if() or coalesce() chooses between: numbers
        (integer only if all are), texts (a code counts as its text), dates of one
        precision, truth values, check boxes."""
        types = [self.typed(arg) for arg in args]
        if any(found is None for found in types):
            return None
        kinds = {"choice": "text"}
        shown = {kinds.get(t.kind, t.kind) for t in types if t is not None}
        for arg, found in zip(args, types, strict=True):
            if found is not None and found.kind in ("choices", "ranking"):
                what = "a ranking" if found.kind == "ranking" else "a multiple choice"
                self.report(
                    WRONG_ARGUMENT,
                    f"{node.name}() cannot give {what} ('{_shown(arg)}'); "
                    "choose between single values: numbers, texts, codes or dates",
                    arg,
                )
                return None
        if "date" in shown:
            found_dates = self.dates(
                node, args, "values of one type (here: dates of one precision)"
            )
            return found_dates[0] if found_dates else None
        if len(shown) > 1:
            first = types[0]
            assert first is not None
            first_kind = kinds.get(first.kind, first.kind)
            for arg, found in zip(args[1:], types[1:], strict=True):
                assert found is not None
                if kinds.get(found.kind, found.kind) != first_kind:
                    message = (
                        f"{node.name}() gives one type of value, but '{_shown(args[0])}' is "
                        f"{first.describe()} and '{_shown(arg)}' is {found.describe()}"
                    )
                    if {first.kind, found.kind} == {"check", "truth"}:
                        box = args[0] if first.kind == "check" else arg
                        message += f"; use the check box as a condition: {_shown(box)} == true"
                    self.report(WRONG_ARGUMENT, message, arg)
                    return None
        (kind,) = shown
        if kind == "number":
            return INTEGER if all(t.integer for t in types if t) else DECIMAL
        if kind == "text":
            return TEXT
        return TRUTH if kind == "truth" else ValueType("check")

    def value(self, variable: Variable, literal: Literal, op: str) -> None:
        problem = literal_problem(variable, literal, op)
        if problem is not None:
            self.report(*problem, literal)

    # ------------------------------------------------------------- comparisons

    def compare(self, node: Compare) -> None:
        if self.unquoted(node.right, node.left, node.op) or self.unquoted(
            node.left, node.right, node.op
        ):
            return
        left, right = self.side(node.left), self.side(node.right)
        if left is None or right is None:
            return
        if isinstance(left, Literal) and isinstance(right, Literal):
            self.report(
                WRONG_TYPE,
                "this compares two fixed values, so it never changes; compare an answer with "
                f"a value, e.g. {self.sample()}",
                node,
            )
        elif isinstance(left, _Truth) or isinstance(right, _Truth):
            truth, other = (left, right) if isinstance(left, _Truth) else (right, left)
            assert isinstance(truth, _Truth)
            if node.op in ORDER_OPS:
                message = f"'{node.op}' compares numbers and dates, not conditions"
            elif isinstance(other, Literal) and isinstance(other.value, bool):
                return
            else:
                message = (
                    "a condition can only be compared with true or false; join conditions "
                    "with 'and' or 'or' instead"
                )
            self.report(WRONG_OPERATOR, message, truth.node)
        elif isinstance(left, _Computed) or isinstance(right, _Computed):
            self.compare_computed(node, left, right)
        elif isinstance(left, Variable) and isinstance(right, Variable):
            if self.operator(left, node.op, node.left) and self.operator(
                right, node.op, node.right
            ):
                self.compare_variables(node, left, right)
        elif isinstance(left, Variable) and isinstance(right, Literal):
            if self.operator(left, node.op, node.left):
                self.value(left, right, node.op)
        elif (
            isinstance(left, Literal)
            and isinstance(right, Variable)
            and self.operator(right, node.op, node.right)
        ):
            self.value(right, left, node.op)

    def compare_computed(
        self,
        node: Compare,
        left: Variable | Literal | _Computed,
        right: Variable | Literal | _Computed,
    ) -> None:
        """A comparison with a computed side (arithmetic or a call)."""
        if not variables_used(node):
            self.report(
                WRONG_TYPE,
                "this compares values that use no answer, so it never changes; compare an "
                f"answer with a value, e.g. {self.sample()}",
                node,
            )
            return
        op = node.op
        lvar = _as_variable(left) if isinstance(left, _Computed) else left
        rvar = _as_variable(right) if isinstance(right, _Computed) else right
        if isinstance(lvar, Literal):
            assert isinstance(rvar, Variable)
            if self.operator(rvar, op, node.right):
                self.value(rvar, lvar, op)
        elif isinstance(rvar, Literal):
            if self.operator(lvar, op, node.left):
                self.value(lvar, rvar, op)
        elif self.operator(lvar, op, node.left) and self.operator(rvar, op, node.right):
            if {lvar.type.kind, rvar.type.kind} == {"text", "choice"}:
                return  # a computed text compared with a code
            self.compare_variables(node, lvar, rvar)

    def compare_variables(self, node: Compare, left: Variable, right: Variable) -> None:
        ltype, rtype = left.type, right.type
        both = f"'{left.name}' is {ltype.describe()} and '{right.name}' is {rtype.describe()}"
        if ltype.kind in ("check", "truth"):
            self.report(WRONG_OPERATOR, check_hint(left.name, ltype.kind), node.left)
        elif ltype.kind != rtype.kind:
            message = f"{both}; only answers of the same type can be compared"
            self.report(WRONG_TYPE, message, node.right)
        elif ltype.kind == "date" and ltype.precision != rtype.precision:
            message = f"{both}; only dates of the same precision can be compared"
            self.report(WRONG_TYPE, message, node.right)
        elif ltype.kind == "choice" and not set(ltype.codes) & set(rtype.codes):
            message = f"'{left.name}' and '{right.name}' share no code, so they are never equal"
            self.report(WRONG_TYPE, message, node.right)

    def operator(self, variable: Variable, op: str, ref: Expr) -> bool:
        """Whether ``op`` (a comparison, ``in`` or ``not in``) applies to ``variable``."""
        kind, name = variable.type.kind, variable.name
        message: str | None = None
        if kind == "group":
            message = self.group_message(variable)
        elif kind == "choices":
            message = (
                f"'{name}' is a multiple choice, so '{op}' does not apply; "
                f"test one code with 'has', e.g. {example(variable)}"
            )
            if op in ("!=", "not in"):
                message += f", or not {example(variable)}"
        elif kind == "ranking":
            message = (
                f"'{name}' is a ranking, so '{op}' does not apply; test whether an item "
                f"was ranked with 'has', e.g. {example(variable)}, or its rank, e.g. "
                f"rank({name}, {self.first_code(variable.type)}) == 1"
            )
        elif kind in ("check", "truth") and (op in ORDER_OPS or op in ("in", "not in")):
            message = check_hint(name, kind)
        elif op in ORDER_OPS and kind not in ("number", "date"):
            message = (
                f"'{op}' compares numbers and dates, but '{name}' is "
                f"{variable.type.describe()}; use ==, != or 'in'"
            )
        if message is not None:
            self.report(WRONG_OPERATOR, message, ref)
        return message is None

    # ------------------------------------------------------------- has, in

    def has(self, node: Has) -> None:
        if self.unquoted(node.value, node.left, "has"):
            return
        left, value = self.side(node.left), self.side(node.value)
        if left is None or value is None:
            return
        if not isinstance(left, Variable):
            message = (
                "'has' needs a multiple-choice question on its left, "
                f"e.g. {self.examples.multiple()}"
            )
            if isinstance(value, Variable) and value.type.kind == "choices":
                shown = literal_source(left) if isinstance(left, Literal) else "…"
                message = f"write the question first: {value.name} has {shown}"
            self.report(WRONG_OPERATOR, message, node.left)
        elif left.type.kind not in ("choices", "ranking"):
            message = (
                "'has' applies only to multiple choice and ranking; "
                f"'{left.name}' is {left.type.describe()}"
            )
            if left.type.kind == "group":
                message = self.group_message(left)
            elif left.type.kind == "choice":
                written = literal_source(value) if isinstance(value, Literal) else None
                better = f"{left.name} == {written}" if written else example(left)
                message += f"; write {better}"
            self.report(WRONG_OPERATOR, message, node.left)
        elif isinstance(value, Literal):
            self.value(left, value, "has")
        elif isinstance(value, _Computed) and value.type.kind == "text":
            return  # a computed code, e.g. if(c, "a", "b")
        elif not (
            isinstance(value, Variable)
            and value.type.kind == "choice"
            and set(value.type.codes) & set(left.type.codes)
        ):
            what = "a condition"
            if isinstance(value, Variable | _Computed):
                shown = value.name if isinstance(value, Variable) else _shown(value.node)
                what = f"'{shown}', {value.type.describe()}"
                what += " with none of its codes" if value.type.kind == "choice" else ""
            self.report(
                WRONG_TYPE,
                f"'{left.name} has' takes a code, e.g. {example(left)}, or a single choice "
                f"sharing codes with '{left.name}', not {what}",
                node.value,
            )

    def member(self, node: In) -> None:
        left = self.side(node.left)
        op = "not in" if node.negated else "in"
        if isinstance(left, Literal):
            self.report(
                WRONG_TYPE,
                f"this tests a fixed value, so it never changes; put a question before '{op}', "
                f"e.g. {self.examples.member(tuple(map(literal_source, node.values)), op)}",
                node,
            )
        elif isinstance(left, _Truth):
            message = f"'{op}' does not apply to a condition; put a question before it"
            self.report(WRONG_OPERATOR, message, left.node)
        elif isinstance(left, _Computed):
            computed = _as_variable(left)
            if self.operator(computed, op, node.left):
                for literal in node.values:
                    self.value(computed, literal, op)
        elif left is not None and self.operator(left, op, node.left):
            for literal in node.values:
                self.value(left, literal, op)
