"""A Pratt parser for conditions.

Precedence, low to high: ``or``, ``and``, ``not``, comparisons (``==`` ``!=``
``<`` ``<=`` ``>`` ``>=`` ``has`` ``in`` ``not in``), operands. Comparisons do
not chain, and their sides are operands: a variable, a literal,
``answered(x)`` or a parenthesized condition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from qdef.expr.nodes import And, Answered, Compare, Expr, Has, In, Literal, Not, Or, Ref
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
}
NOT_BINDING = 30
"""``not`` takes everything that binds tighter than ``and``: ``not a == 1`` is ``not (a == 1)``."""

#: Examples shown when a value or condition is missing after a token.
EXAMPLES: dict[TokenKind, str] = {
    K.EQ: 'q1 == "ja"',
    K.NE: 'q1 != "ja"',
    K.LT: "q5 < 10",
    K.LE: "q5 <= 10",
    K.GT: "q5 > 10",
    K.GE: "q5 >= 10",
    K.HAS: 'q2 has "a"',
    K.AND: 'q1 == "ja" and answered(q2)',
    K.OR: 'q1 == "ja" or answered(q2)',
    K.NOT: "not answered(q2)",
    K.LPAREN: '(q1 == "ja" or q1 == "nein")',
}

IN_EXAMPLES: dict[TokenKind, str] = {K.HAS: 'q2 has "a"', K.IN: 'q1 in ["a", "b"]'}

LITERAL_KINDS = frozenset({K.STRING, K.NUMBER, K.TRUE, K.FALSE})
OPERAND_KINDS = LITERAL_KINDS | {K.NAME}
RESERVED_OPERATORS = frozenset({K.AND, K.OR, K.HAS, K.IN})

PrefixHandler = Callable[["Parser", Token], Expr]
InfixHandler = Callable[["Parser", Expr, Token, int], Expr]


def parse(source: str) -> Expr:
    """Parse a condition; raise :class:`ExprSyntaxError` (QD501) at the first error."""
    if not source.strip():
        raise ExprSyntaxError('empty condition; write one such as q1 == "ja", or remove it', 0)
    parser = Parser(source)
    expr = parser.expression(0, None)
    if parser.peek().kind is not K.EOF:
        raise parser.unexpected(parser.peek(), closing=False)
    return expr


def _describe(token: Token) -> str:
    return "the end of the condition" if token.kind is K.EOF else f"'{token.text}'"


class Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self._tokens: Iterator[Token] = tokenize(source)
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

    def error(self, message: str, token: Token) -> ExprSyntaxError:
        return ExprSyntaxError(message, token.start)

    # ------------------------------------------------------------- grammar

    def expression(self, rbp: int, after: Token | None) -> Expr:
        """Parse a condition whose operators bind tighter than ``rbp``.

        ``after`` is the token before it, used to say what is missing.
        """
        token = self.peek()
        start = token.start
        prefix = PREFIX.get(token.kind)
        if prefix is None:
            raise self.missing(after, token, "a condition")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"the condition nests more than {MAX_DEPTH} levels deep; simplify it", token
            )
        left = prefix(self, self.advance())
        compared = False
        while (power := BINDING.get(self.peek().kind, 0)) > rbp:
            if compared and power == COMPARISON_BINDING:
                raise self.chained(self.peek())
            op = self.advance()
            left = INFIX[op.kind](self, left, op, start)
            compared = power == COMPARISON_BINDING
        self.depth -= 1
        return left

    def operand(self, after: Token) -> Expr:
        """A side of a comparison: a variable, literal, answered(x) or (condition)."""
        token = self.peek()
        if token.kind is K.NOT or token.kind not in PREFIX:
            raise self.missing(after, token, "a value")
        return PREFIX[token.kind](self, self.advance())

    def missing(self, after: Token | None, found: Token, what: str) -> ExprSyntaxError:
        """The error for a token that cannot start what was expected."""
        if after is not None and after.kind is K.LPAREN and found.kind is K.RPAREN:
            return self.error("empty parentheses; write a condition inside them", found)
        if after is None:
            if found.kind is K.RPAREN:
                return self.error("unexpected ')'", found)
            if found.kind in (K.AND, K.OR):
                return self.error(
                    f"'{found.text}' joins two conditions; write a condition before it, "
                    f"e.g. {EXAMPLES[found.kind]}",
                    found,
                )
            if found.kind in (K.HAS, K.IN):
                return self.error(
                    f"'{found.text}' is a reserved word and cannot be a variable name; "
                    f"it needs a variable on its left, e.g. {IN_EXAMPLES[found.kind]}",
                    found,
                )
            return self.error(f"expected a condition, found {_describe(found)}", found)
        message = f"expected {what} after '{after.text}'"
        if after.kind in EXAMPLES:
            message += f", e.g. {EXAMPLES[after.kind]}"
        if found.kind in RESERVED_OPERATORS:
            message += f"; '{found.text}' is a reserved word, not a variable name"
        elif found.kind is K.NOT:
            message += "; put 'not' before the whole comparison, e.g. not q1 == \"ja\""
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

    def chained(self, token: Token) -> ExprSyntaxError:
        if token.kind is K.NOT:
            return self.error(
                "expected 'and' or 'or' before 'not'; comparisons cannot be chained", token
            )
        return self.error(
            "comparisons cannot be chained; join them with 'and', e.g. q5 > 1 and q5 < 10",
            token,
        )

    def literal_list(self, keyword: Token) -> tuple[Literal, ...]:
        """``[literal, …]`` after ``in`` or ``not in``."""
        opening = self.peek()
        if opening.kind is not K.LBRACKET:
            raise self.error(
                f"expected '[' after '{keyword.text}', e.g. q1 {keyword.text} [\"a\", \"b\"]",
                opening,
            )
        self.advance()
        values: list[Literal] = []
        while True:
            token = self.peek()
            if token.kind is K.RBRACKET:
                if not values:
                    raise self.error(
                        'the list is empty; give at least one value, e.g. ["a", "b"]',
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


# ----------------------------------------------------------------- prefix handlers


def _ref(parser: Parser, token: Token) -> Expr:
    return Ref(token.text, token.start, token.end)


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
        raise parser.error("expected '(' after 'answered', e.g. answered(q1)", opening)
    parser.advance()
    name = parser.peek()
    if name.kind is not K.NAME:
        raise parser.error("answered() takes a variable name, e.g. answered(q1)", name)
    parser.advance()
    closing = parser.peek()
    if closing.kind is not K.RPAREN:
        raise parser.error(
            f"expected ')' after answered({name.text}; answered() takes one variable",
            closing,
        )
    parser.advance()
    return Answered(Ref(name.text, name.start, name.end), keyword.start, closing.end)


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
}

# ----------------------------------------------------------------- infix handlers


def _junction(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    right = parser.expression(BINDING[op.kind], op)
    node_type = And if op.kind is K.AND else Or
    parts: list[Expr] = []
    for side in (left, right):
        if isinstance(side, node_type):
            parts.extend(side.operands)
        else:
            parts.append(side)
    return node_type(tuple(parts), start, parser.last_end)


def _compare(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    right = parser.operand(op)
    return Compare(COMPARISONS[op.kind], left, right, start, parser.last_end)


def _has(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    value = parser.operand(op)
    return Has(left, value, start, parser.last_end)


def _in(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    values = parser.literal_list(op)
    return In(left, values, False, start, parser.last_end)


def _not_in(parser: Parser, left: Expr, op: Token, start: int) -> Expr:
    keyword = parser.peek()
    if keyword.kind is not K.IN:
        raise parser.error(
            "expected 'in' after 'not' (as in q1 not in [\"a\", \"b\"]); "
            "put 'not' before a condition, e.g. not answered(q1)",
            keyword,
        )
    parser.advance()
    values = parser.literal_list(keyword)
    return In(left, values, True, start, parser.last_end)


INFIX: dict[TokenKind, InfixHandler] = {
    K.OR: _junction,
    K.AND: _junction,
    **dict.fromkeys(COMPARISONS, _compare),
    K.HAS: _has,
    K.IN: _in,
    K.NOT: _not_in,
}
