"""A Pratt parser for expressions (conditions, computed values, piped values).

Precedence, low to high: ``or``, ``and``, ``not``, comparisons (``==`` ``!=``
``<`` ``<=`` ``>`` ``>=`` ``has`` ``in`` ``not in``), ``+`` and ``-``, ``*``
and ``/``, unary ``-``, operands. Comparisons do not chain; their sides are
sums. An operand is a variable, a literal, a call ``name(arg, …)`` of one of
the :data:`~qdef.expr.nodes.FUNCTIONS`, ``answered(x)`` or a parenthesized
expression. ``-5`` is a number literal; ``- 5``, ``-x`` are negations.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator

from qdef.diagnostics import Code
from qdef.expr.examples import Examples
from qdef.expr.nodes import (
    FUNCTIONS,
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
    Ref,
)
from qdef.expr.tokens import ExprSyntaxError, Token, TokenKind, tokenize, unquote

K = TokenKind

COMPARISONS: dict[TokenKind, str] = {
    K.EQ: "==",
    K.NE: "!=",
    K.LT: "<",
    K.LE: "<=",
    K.GT: ">",
    K.GE: ">=",
}

COMPARISON_BINDING = 40
SUM_BINDING = 50
PRODUCT_BINDING = 60
UNARY_BINDING = 70
MAX_DEPTH = 100
"""How deeply parentheses and ``not`` may nest (the parser is recursive)."""

#: How tightly an infix token binds its left side.
BINDING: dict[TokenKind, int] = {
    K.OR: 10,
    K.AND: 20,
    **dict.fromkeys(COMPARISONS, COMPARISON_BINDING),
    K.HAS: COMPARISON_BINDING,
    K.IN: COMPARISON_BINDING,
    K.NOT: COMPARISON_BINDING,  # "not in"
    K.PLUS: SUM_BINDING,
    K.MINUS: SUM_BINDING,
    K.STAR: PRODUCT_BINDING,
    K.SLASH: PRODUCT_BINDING,
}
ARITHMETIC: dict[TokenKind, str] = {K.PLUS: "+", K.MINUS: "-", K.STAR: "*", K.SLASH: "/"}

UNKNOWN_FUNCTION = Code.QD511
ARGUMENT_COUNT = Code.QD512

#: name -> (least, most) number of arguments (None: no upper bound), and an example.
ARITY: dict[str, tuple[int, int | None, str]] = {
    "sum": (1, None, "sum(a, b)"),
    "count": (1, None, "count(a, b)"),
    "min": (1, None, "min(a, b)"),
    "max": (1, None, "max(a, b)"),
    "if": (3, 3, 'if(a > 0, "x", "y")'),
    "coalesce": (2, None, "coalesce(a, 0)"),
    "len": (1, 1, "len(a)"),
    "concat": (2, None, 'concat(a, " ", b)'),
    "selected_count": (1, 1, "selected_count(a)"),
    "days_between": (2, 2, "days_between(a, b)"),
    "months_between": (2, 2, "months_between(a, b)"),
    "years_between": (2, 2, "years_between(a, b)"),
    "rank": (2, 2, 'rank(q, "a")'),
    "any": (1, 1, "any(a >= 18)"),
    "all": (1, 1, "all(a >= 18)"),
}
assert set(ARITY) == FUNCTIONS
NOT_BINDING = 30
"""``not`` takes everything that binds tighter than ``and``: ``not a == 1`` is ``not (a == 1)``."""

LITERAL_KINDS = frozenset({K.STRING, K.NUMBER, K.TRUE, K.FALSE})
OPERAND_KINDS = LITERAL_KINDS | {K.NAME}
RESERVED_OPERATORS = frozenset({K.AND, K.OR, K.HAS, K.IN})

PrefixHandler = Callable[["Parser", Token], Expr]
InfixHandler = Callable[["Parser", Expr, Token, int], Expr]


SHORT = 40
"""How much of the author's own condition an example quotes."""


def parse(source: str, examples: Examples | None = None) -> Expr:
    """Parse a condition; raise :class:`ExprSyntaxError` (QD501) at the first error.

    Its message shows how to write it right, with the author's own names and
    values where the condition has them and otherwise with ``examples`` (the
    instrument's; placeholders of no language without one)."""
    examples = examples or Examples()
    if not source.strip():
        raise ExprSyntaxError(
            f"empty condition; write one such as {examples.comparison()}, or remove it", 0
        )
    parser = Parser(source, examples)
    expr = parser.expression(0, None)
    if parser.peek().kind is not K.EOF:
        raise parser.unexpected(parser.peek(), closing=False)
    return expr


def _describe(token: Token) -> str:
    return "the end of the condition" if token.kind is K.EOF else f"'{token.text}'"


def _short(text: str, keep: str = "end") -> str:
    """``text`` (the author's), cut to about :data:`SHORT` characters for an example."""
    if len(text) <= SHORT:
        return text
    return "… " + text[-SHORT:].lstrip() if keep == "end" else text[:SHORT].rstrip() + " …"


def _name_of(expr: Expr | None) -> str | None:
    return expr.name if isinstance(expr, Ref) else None


class Parser:
    def __init__(self, source: str, examples: Examples | None = None) -> None:
        self.source = source
        self.examples = examples or Examples()
        self._tokens: Iterator[Token] = tokenize(source, self.examples.part)
        self._next: Token = next(self._tokens)
        self._consumed: tuple[TokenKind, TokenKind] = (K.EOF, K.EOF)
        self.last_end = 0
        """The end offset of the last token consumed."""
        self.depth = 0

    # ------------------------------------------------------------- tokens

    def peek(self) -> Token:
        return self._next

    def advance(self) -> Token:
        token = self._next
        if token.kind is not K.EOF:
            self._next = next(self._tokens)
        self.last_end = token.end
        self._consumed = (self._consumed[1], token.kind)
        return token

    def error(self, message: str, token: Token, code: Code = Code.QD501) -> ExprSyntaxError:
        return ExprSyntaxError(message, token.start, code)

    def text(self, start: int, end: int) -> str:
        """The author's condition from ``start`` to ``end``, on one line."""
        return " ".join(self.source[start:end].split())

    def following(self) -> str | None:
        """The source of the operand after the next token (skipping it), if it is a
        variable or a value; for a rewrite of the author's condition in a message."""
        try:
            self.advance()
            token = self.peek()
        except ExprSyntaxError:
            return None
        return token.text if token.kind in OPERAND_KINDS else None

    # ------------------------------------------------------------- grammar

    def expression(self, rbp: int, after: Token | None, left: int | None = None) -> Expr:
        """Parse a condition whose operators bind tighter than ``rbp``.

        ``after`` is the token before it and ``left`` where the author's text before
        that starts, used to say what is missing (read only then: copying it for
        every ``and`` of a long condition would make parsing quadratic).
        """
        token = self.peek()
        start = token.start
        prefix = PREFIX.get(token.kind)
        if prefix is None:
            before = self.text(left, after.start) if left is not None and after else ""
            raise self.missing(after, token, "a condition", before)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the condition nests more than {MAX_DEPTH} levels deep; simplify it", token
            )
        left_expr = prefix(self, self.advance())
        compared = False
        while (power := BINDING.get(self.peek().kind, 0)) > rbp:
            if compared and power == COMPARISON_BINDING:
                raise self.chained(self.peek(), left_expr, start)
            op = self.advance()
            left_expr = INFIX[op.kind](self, left_expr, op, start)
            compared = power == COMPARISON_BINDING
        self.depth -= 1
        return left_expr

    def operand(
        self, after: Token, left: Expr, start: int, binding: int = COMPARISON_BINDING
    ) -> Expr:
        """The right side of the operator ``after``: what binds tighter than ``binding``
        (a sum for a comparison, a product for ``+``); ``left`` (starting at ``start``)
        is the left side, before ``after``."""
        token = self.peek()
        if token.kind is K.NOT or token.kind not in PREFIX:
            raise self.missing(after, token, "a value", self.text(start, after.start), left)
        return self.expression(binding, after)

    def missing(
        self,
        after: Token | None,
        found: Token,
        what: str,
        left: str = "",
        left_expr: Expr | None = None,
    ) -> ExprSyntaxError:
        """The error for a token that cannot start what was expected (after ``left``,
        the author's text before ``after``)."""
        if after is not None and after.kind is K.LPAREN and found.kind is K.RPAREN:
            return self.error("empty parentheses; write a condition inside them", found)
        examples = self.examples
        if after is None:
            if found.kind is K.RPAREN:
                return self.error("unexpected ')'", found)
            if found.kind in (K.AND, K.OR):
                rest = _short(self.text(found.end, len(self.source)), keep="start") or "…"
                return self.error(
                    f"'{found.text}' joins two conditions; write a condition before it, "
                    f"e.g. {examples.comparison(rest)} {found.text} {rest}",
                    found,
                )
            if found.kind in (K.HAS, K.IN):
                sample = examples.multiple() if found.kind is K.HAS else examples.member()
                return self.error(
                    f"'{found.text}' is a reserved word and cannot be a variable name; "
                    f"it needs a variable on its left, e.g. {sample}",
                    found,
                )
            return self.error(f"expected a condition, found {_describe(found)}", found)
        message = f"expected {what} after '{after.text}'"
        if found.kind is K.NOT:  # employed == not "yes"
            value = self.following() or examples.value(_name_of(left_expr), after.text)
            rewrite = f"not {left} {after.text} {value}"
            return self.error(f"{message}; put 'not' before the whole comparison: {rewrite}", found)
        if after.kind in COMPARISONS or after.kind is K.HAS:
            value = examples.value(_name_of(left_expr), after.text)
            message += f", e.g. {left} {after.text} {value}"
        elif after.kind in (K.AND, K.OR):
            message += f", e.g. {_short(left)} {after.text} {examples.comparison(left)}"
        elif after.kind in ARITHMETIC:
            message += f", e.g. {_short(left)} {after.text} 2"
        elif after.kind is K.NOT:
            message += f", e.g. not answered({examples.name()})"
        elif after.kind is K.LPAREN:
            message += f", e.g. {examples.either()}"
        if found.kind in RESERVED_OPERATORS:
            message += f"; '{found.text}' is a reserved word, not a variable name"
        return self.error(message, found)

    def unexpected(self, token: Token, closing: bool) -> ExprSyntaxError:
        """The error for a token after a complete condition (or inside parentheses)."""
        if token.kind is K.RPAREN:
            return self.error("unexpected ')'; there is no '(' for it to close", token)
        lowered = token.text.lower()
        if token.kind is K.NAME and lowered in ("and", "or", "has", "in", "not"):
            return self.error(
                f"'{token.text}' is not an operator; write '{lowered}' in lower case", token
            )
        expected = "')' or " if closing else ""
        previous, last = self._consumed
        bare = last in OPERAND_KINDS and previous not in COMPARISONS and previous is not K.HAS
        if bare:
            return self.error(
                f"expected {expected}an operator such as '==', 'has' or 'in' "
                f"before {_describe(token)}",
                token,
            )
        return self.error(
            f"expected {expected}'and' or 'or' before {_describe(token)} to join conditions",
            token,
        )

    def chained(self, token: Token, left: Expr, start: int) -> ExprSyntaxError:
        """``1 < age < 10``: the error at the second comparison ``token``, after the
        comparison ``left`` (from ``start``)."""
        if token.kind is K.NOT:
            return self.error(
                "expected 'and' or 'or' before 'not'; comparisons cannot be chained", token
            )
        first = self.text(start, token.start)
        right = left.right if isinstance(left, Compare) else None
        middle = right if isinstance(right, Ref) else getattr(left, "left", None)
        if isinstance(middle, Ref):
            value = self.following() or self.examples.value(middle.name, token.text)
            rewrite = f"{_short(first)} and {middle.name} {token.text} {value}"
        else:
            rewrite = self.examples.between()
        return self.error(
            f"comparisons cannot be chained; join them with 'and', e.g. {rewrite}", token
        )

    def literal_list(self, keyword: Token, left: Expr, start: int) -> tuple[Literal, ...]:
        """``[literal, …]`` after ``in`` or ``not in``; ``left`` (from ``start``) is
        what is tested."""
        opening = self.peek()
        written = self.text(start, keyword.start)
        if keyword.text == "in" and written.endswith(" not"):
            written = written[: -len(" not")]
            keyword = Token(K.IN, "not in", keyword.start, keyword.end)
        if opening.kind is not K.LBRACKET:
            listed = self.listed_without_brackets()
            shown = listed or self.examples.values(_name_of(left))
            raise self.error(
                f"expected '[' after '{keyword.text}', e.g. {written} {keyword.text} [{shown}]",
                opening,
            )
        self.advance()
        values: list[Literal] = []
        while True:
            token = self.peek()
            if token.kind is K.RBRACKET:
                if not values:
                    raise self.error(
                        "the list is empty; give at least one value, e.g. "
                        f"{written} {keyword.text} [{self.examples.values(_name_of(left))}]",
                        token,
                    )
                self.advance()
                return tuple(values)
            if token.kind not in LITERAL_KINDS:
                what = "a value" if not values else "a value or ']'"
                if token.kind is K.EOF:
                    raise self.error(f"expected {what}; close the list with ']'", token)
                if token.kind is K.NAME and "." not in token.text:
                    raise self.error(
                        f"'{token.text}' is not a value: a list holds only strings, numbers, "
                        f'true or false; if it is a code or text, quote it: "{token.text}"',
                        token,
                    )
                raise self.error(
                    f"expected {what}; a list holds only strings, numbers, true or false",
                    token,
                )
            values.append(_literal(self, self.advance()))
            separator = self.peek()
            if separator.kind is K.COMMA:
                self.advance()
            elif separator.kind is K.EOF:
                raise self.error("expected ',' or ']'; close the list with ']'", separator)
            elif separator.kind is not K.RBRACKET:
                raise self.error(
                    f"expected ',' or ']' after a list value, found {_describe(separator)}",
                    separator,
                )

    def listed_without_brackets(self) -> str | None:
        """``"a", "b"`` for ``x in "a", "b"`` or ``x in ("a", "b")``: the values the
        author listed without brackets, if that is what follows."""
        values: list[str] = []
        try:
            if self.peek().kind is K.LPAREN:
                self.advance()
            while self.peek().kind in LITERAL_KINDS:
                values.append(self.advance().text)
                if self.peek().kind is not K.COMMA:
                    break
                self.advance()
        except ExprSyntaxError:
            return None
        return ", ".join(values) if values else None


# ----------------------------------------------------------------- prefix handlers


def _ref(parser: Parser, token: Token) -> Expr:
    if parser.peek().kind is K.LPAREN:
        return _call(parser, token)
    return Ref(token.text, token.start, token.end)


def _call(parser: Parser, name: Token) -> Expr:
    """``name(arg, …)``, the ``(`` next: a call of one of the :data:`FUNCTIONS`."""
    function = name.text
    if function not in FUNCTIONS:
        raise parser.error(_unknown_function(parser, function), name, UNKNOWN_FUNCTION)
    least, most, sample = ARITY[function]
    opening = parser.advance()
    args: list[Expr] = []
    after = opening
    while parser.peek().kind is not K.RPAREN or args:
        token = parser.peek()
        if token.kind is K.EOF:
            raise parser.error(f"'{function}(' is never closed; add ')'", opening)
        if token.kind not in PREFIX:
            raise parser.error(
                f"expected an argument of {function}() after '{after.text}', "
                f"found {_describe(token)}; e.g. {sample}",
                token,
            )
        args.append(parser.expression(0, after))
        separator = parser.peek()
        if separator.kind is K.RPAREN:
            break
        if separator.kind is K.EOF:
            raise parser.error(f"'{function}(' is never closed; add ')'", opening)
        if separator.kind is not K.COMMA:
            raise parser.error(
                f"expected ',' or ')' after an argument of {function}(), "
                f"found {_describe(separator)}",
                separator,
            )
        after = parser.advance()
    closing = parser.advance()
    if len(args) < least or (most is not None and len(args) > most):
        if most == least:
            wanted = f"{least} argument" + ("s" if least > 1 else "")
        else:
            wanted = f"at least {least} argument" + ("s" if least > 1 else "")
        raise parser.error(
            f"{function}() takes {wanted}, not {len(args)}; e.g. {sample}",
            name,
            ARGUMENT_COUNT,
        )
    return Call(function, tuple(args), name.start, closing.end)


def _unknown_function(parser: Parser, function: str) -> str:
    functions = ", ".join(sorted(FUNCTIONS))
    symbols = parser.examples.symbols
    if "." in function or (symbols is not None and function in symbols.variables):
        return (
            f"'{function}' is a variable, not a function; to multiply, write "
            f"{function} * (…); the functions are {functions}"
        )
    close = difflib.get_close_matches(function.lower(), sorted(FUNCTIONS), n=1, cutoff=0.6)
    if close:
        return f"unknown function '{function}'; did you mean {close[0]}()?"
    return f"unknown function '{function}'; the functions are {functions}"


def _neg(parser: Parser, minus: Token) -> Expr:
    token = parser.peek()
    if token.kind is K.NOT or token.kind not in PREFIX:
        raise parser.error(
            f"expected a number after '-', e.g. -1 or -{parser.examples.name()}", token
        )
    operand = parser.expression(UNARY_BINDING, minus)
    return Neg(operand, minus.start, parser.last_end)


def _literal(parser: Parser, token: Token) -> Literal:
    value: str | int | float | bool
    if token.kind is K.STRING:
        value = unquote(token.text)
    elif token.kind is K.NUMBER:
        value = float(token.text) if "." in token.text else int(token.text)
    else:
        value = token.kind is K.TRUE
    return Literal(value, token.start, token.end, token.text)


def _answered(parser: Parser, keyword: Token) -> Expr:
    opening = parser.peek()
    if opening.kind is not K.LPAREN:
        meant = opening.text if opening.kind is K.NAME else parser.examples.name()
        raise parser.error(f"expected '(' after 'answered', e.g. answered({meant})", opening)
    parser.advance()
    name = parser.peek()
    if name.kind is not K.NAME:
        quoted = unquote(name.text) if name.kind is K.STRING else ""
        meant = quoted if _is_name(quoted) else parser.examples.name()
        raise parser.error(f"answered() takes a variable name, e.g. answered({meant})", name)
    parser.advance()
    closing = parser.peek()
    if closing.kind is not K.RPAREN:
        raise parser.error(
            f"expected ')' after answered({name.text}; answered() takes one variable",
            closing,
        )
    parser.advance()
    return Answered(Ref(name.text, name.start, name.end), keyword.start, closing.end)


def _is_name(text: str) -> bool:
    """Whether ``text`` reads as one variable name (``employed``, ``q4.row``)."""
    try:
        tokens = list(tokenize(text))
    except ExprSyntaxError:
        return False
    return len(tokens) == 2 and tokens[0].kind is K.NAME and tokens[0].start == 0


def _group(parser: Parser, opening: Token) -> Expr:
    inner = parser.expression(0, opening)
    closing = parser.peek()
    if closing.kind is K.EOF:
        raise parser.error("'(' is never closed; add ')'", opening)
    if closing.kind is not K.RPAREN:
        raise parser.unexpected(closing, closing=True)
    parser.advance()
    return inner


def _not(parser: Parser, keyword: Token) -> Expr:
    operand = parser.expression(NOT_BINDING, keyword)
    return Not(operand, keyword.start, parser.last_end)


PREFIX: dict[TokenKind, PrefixHandler] = {
    K.NAME: _ref,
    K.STRING: _literal,
    K.NUMBER: _literal,
    K.TRUE: _literal,
    K.FALSE: _literal,
    K.ANSWERED: _answered,
    K.LPAREN: _group,
    K.NOT: _not,
    K.MINUS: _neg,
}

# ----------------------------------------------------------------- infix handlers


def _junction(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    right = parser.expression(BINDING[op.kind], op, start)
    node_type = And if op.kind is K.AND else Or
    parts: list[Expr] = []
    for side in (left, right):
        if isinstance(side, node_type):
            parts.extend(side.operands)
        else:
            parts.append(side)
    return node_type(tuple(parts), start, parser.last_end)


def _compare(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    right = parser.operand(op, left, start)
    return Compare(COMPARISONS[op.kind], left, right, start, parser.last_end)


def _has(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    value = parser.operand(op, left, start)
    return Has(left, value, start, parser.last_end)


def _in(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    values = parser.literal_list(op, left, start)
    return In(left, values, False, start, parser.last_end)


def _not_in(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    keyword = parser.peek()
    if keyword.kind is not K.IN:
        raise parser.error(_not_without_in(parser, left, start, op, keyword), keyword)
    parser.advance()
    values = parser.literal_list(keyword, left, start)
    return In(left, values, True, start, parser.last_end)


def _not_without_in(parser: Parser, left: Expr, start: int, op: Token, found: Token) -> str:
    """The message for ``employed not == "yes"`` or ``employed not "yes"``."""
    written = parser.text(start, op.start)
    name = _name_of(left)
    values = parser.examples.values(name)
    message = f"expected 'in' after 'not' (as in {written} not in [{values}]); "
    if found.kind in COMPARISONS:
        value = parser.following() or parser.examples.value(name, found.text)
        return (
            message + f"put 'not' before the whole comparison: not {written} {found.text} {value}"
        )
    if found.kind in LITERAL_KINDS:
        return message + f"to test that it differs, write {written} != {found.text}"
    meant = f"answered({name})" if name else parser.examples.comparison()
    return message + f"put 'not' before a condition, e.g. not {meant}"


def _arith(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    right = parser.operand(op, left, start, BINDING[op.kind])
    return Arith(ARITHMETIC[op.kind], left, right, start, parser.last_end)


INFIX: dict[TokenKind, InfixHandler] = {
    K.OR: _junction,
    K.AND: _junction,
    **dict.fromkeys(COMPARISONS, _compare),
    K.HAS: _has,
    K.IN: _in,
    K.NOT: _not_in,
    **dict.fromkeys(ARITHMETIC, _arith),
}
