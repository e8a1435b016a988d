"""Type-check a condition against an instrument's variables.

Codes (QD5xx: expressions and routing):

- QD501 syntax error (from the parser; :func:`check` reports it as a problem)
- QD502 unknown variable
- QD503 variable of a question that does not come before the condition
- QD504 a code that the choice variable does not have
- QD505 an operator that does not apply to the variable's type
- QD506 a value of the wrong type, or a comparison of incompatible things
- QD507 something that is not a truth value where a condition is needed
- QD508 a date that is not ISO at the variable's precision, or not a real date

The wording lives in :mod:`qdef.expr.messages`.

Every problem is reported, not just the first. An unknown variable is reported
once; the comparison around it is not checked further.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from qdef.diagnostics import Code
from qdef.expr.examples import Examples
from qdef.expr.messages import (
    LATER_VARIABLE,
    NOT_A_CONDITION,
    UNKNOWN_VARIABLE,
    WRONG_OPERATOR,
    WRONG_TYPE,
    Subject,
    alternatives,
    bare_word,
    check_hint,
    example,
    how_variables_are_written,
    literal_problem,
)
from qdef.expr.nodes import ORDER_OPS, And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref
from qdef.expr.parser import parse
from qdef.expr.printer import literal_source
from qdef.expr.tokens import ExprSyntaxError
from qdef.model.symbols import Symbols, Variable


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


_Side: TypeAlias = Variable | Literal | _Truth | None
"""What a side of a comparison is; None when it names an unknown variable."""


def check(
    source: str,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
) -> list[ExprProblem]:
    """Parse and type-check ``source``; a syntax error becomes one QD501 problem.

    A variable for which ``unknown`` is true is not reported as unknown (it belongs
    to a question left out for its structural errors)."""
    return parse_and_check(source, symbols, position, subject=subject, unknown=unknown)[1]


def parse_and_check(
    source: str,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
) -> tuple[Expr | None, list[ExprProblem]]:
    """:func:`check`, and the syntax tree it parsed (None after a syntax error), so
    that a caller that keeps the tree need not parse ``source`` again."""
    try:
        expr = parse(source, Examples(symbols, position))
    except ExprSyntaxError as error:
        end = max(min(error.offset + 1, len(source)), error.offset)
        return None, [ExprProblem(error.code, error.message, error.offset, end)]
    return expr, typecheck(expr, symbols, position, subject=subject, unknown=unknown)


def typecheck(
    expr: Expr,
    symbols: Symbols,
    position: int,
    *,
    subject: Subject = "question",
    unknown: Callable[[str], bool] = lambda name: False,
) -> list[ExprProblem]:
    """Every type problem in ``expr``, ordered by offset.

    ``position`` is the sequence index of the question carrying the condition
    (for a section's ``when``, its first question's); variables must come from
    questions with a smaller position. ``subject`` says what carries the
    condition, for messages.
    """
    checker = _Checker(symbols, position, subject, unknown)
    checker.condition(expr)
    return sorted(checker.problems, key=lambda problem: problem.start)


# ----------------------------------------------------------------- the checker


class _Checker:
    def __init__(
        self, symbols: Symbols, position: int, subject: Subject, unknown: Callable[[str], bool]
    ) -> None:
        self.symbols = symbols
        self.position = position
        self.subject = subject
        self.unknown = unknown
        self.examples = Examples(symbols, position)
        self.problems: list[ExprProblem] = []

    def report(self, code: Code, message: str, node: Expr) -> None:
        self.problems.append(ExprProblem(code, message, node.start, node.end))

    def variable(self, ref: Ref) -> Variable | None:
        """The variable ``ref`` names (reporting QD502/QD503), or None if unknown."""
        variable = self.symbols.variables.get(ref.name)
        if variable is None:
            if not self.unknown(ref.name):
                self.report(UNKNOWN_VARIABLE, self.unknown_message(ref.name), ref)
        elif variable.position >= self.position:
            self.report(LATER_VARIABLE, self.later_message(ref.name, variable), ref)
        return variable

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
        choices = variable.type.kind == "choices"
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
                if variable is None or variable.type.kind == "check":
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

    def side(self, node: Expr) -> _Side:
        if isinstance(node, Ref):
            return self.variable(node)
        if isinstance(node, Literal):
            return node
        self.condition(node)
        return _Truth(node)

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

    def compare_variables(self, node: Compare, left: Variable, right: Variable) -> None:
        ltype, rtype = left.type, right.type
        both = f"'{left.name}' is {ltype.describe()} and '{right.name}' is {rtype.describe()}"
        if ltype.kind == "check":
            self.report(WRONG_OPERATOR, check_hint(left.name), node.left)
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
        elif kind == "check" and (op in ORDER_OPS or op in ("in", "not in")):
            message = check_hint(name)
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
        elif left.type.kind != "choices":
            message = (
                f"'has' applies only to multiple choice; '{left.name}' is {left.type.describe()}"
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
        elif not (
            isinstance(value, Variable)
            and value.type.kind == "choice"
            and set(value.type.codes) & set(left.type.codes)
        ):
            what = "a condition"
            if isinstance(value, Variable):
                what = f"'{value.name}', {value.type.describe()}"
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
        elif left is not None and self.operator(left, op, node.left):
            for literal in node.values:
                self.value(left, literal, op)
