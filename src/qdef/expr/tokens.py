"""Tokens of the expression language, and the tokenizer.

The tokenizer is lazy (a generator): the parser pulls one token at a time, so
the first error reported is always the leftmost one, whether it is a bad
character or a misplaced token.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from qdef.diagnostics import Code

SYNTAX_ERROR = Code.QD501
NUMBER_TOO_LARGE = Code.QD509

#: Numbers beyond the largest finite float cannot be compared, printed or stored
#: (the same bound the loader puts on numbers in YAML, :mod:`qdef.source.yamldata`).
MAX_NUMBER = int(sys.float_info.max)
MAX_INTEGER_DIGITS = len(str(MAX_NUMBER))


class ExprSyntaxError(Exception):
    """A condition that cannot be parsed.

    ``offset`` is the 0-based position in the condition string where the
    caret belongs; ``message`` says what is wrong and what to write instead.
    """

    code: Code

    def __init__(self, message: str, offset: int, code: Code = SYNTAX_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


class TokenKind(Enum):
    NAME = "name"  # a variable reference, possibly dotted: q13.beteiligung
    STRING = "string"
    NUMBER = "number"
    TRUE = "true"
    FALSE = "false"
    AND = "and"
    OR = "or"
    NOT = "not"
    HAS = "has"
    IN = "in"
    ANSWERED = "answered"
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    COMMA = ","
    PLUS = "+"
    MINUS = "-"
    STAR = "*"
    SLASH = "/"
    EOF = "end of condition"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int


KEYWORDS: dict[str, TokenKind] = {
    "and": TokenKind.AND,
    "or": TokenKind.OR,
    "not": TokenKind.NOT,
    "has": TokenKind.HAS,
    "in": TokenKind.IN,
    "answered": TokenKind.ANSWERED,
    "true": TokenKind.TRUE,
    "false": TokenKind.FALSE,
}

#: Operators and punctuation, longest first so ``<=`` wins over ``<``.
SYMBOLS: tuple[tuple[str, TokenKind], ...] = (
    ("==", TokenKind.EQ),
    ("!=", TokenKind.NE),
    ("<=", TokenKind.LE),
    (">=", TokenKind.GE),
    ("<", TokenKind.LT),
    (">", TokenKind.GT),
    ("(", TokenKind.LPAREN),
    (")", TokenKind.RPAREN),
    ("[", TokenKind.LBRACKET),
    ("]", TokenKind.RBRACKET),
    (",", TokenKind.COMMA),
    ("+", TokenKind.PLUS),
    ("-", TokenKind.MINUS),
    ("*", TokenKind.STAR),
    ("/", TokenKind.SLASH),
)

#: Tokens after which a ``-`` is the binary minus (``a -5`` is ``a - 5``); anywhere
#: else ``-`` directly before digits starts a negative number literal (``q5 >= -3``).
VALUE_ENDS = frozenset(
    {
        TokenKind.NAME,
        TokenKind.NUMBER,
        TokenKind.STRING,
        TokenKind.TRUE,
        TokenKind.FALSE,
        TokenKind.RPAREN,
        TokenKind.RBRACKET,
    }
)

#: Things people write that are not operators here, with what to write instead.
MISTAKES: tuple[tuple[str, str], ...] = (
    ("===", "'===' is not an operator here; write '==' to compare"),
    ("&&", "'&&' is not an operator here; write 'and'"),
    ("||", "'||' is not an operator here; write 'or'"),
    ("<>", "'<>' is not an operator here; write '!=' for 'not equal'"),
    ("=>", "unknown operator '=>'; write '>=' for 'greater or equal'"),
    ("=<", "unknown operator '=<'; write '<=' for 'less or equal'"),
    ("=", "unknown operator '=', write '==' to compare"),
    ("&", "'&' is not an operator here; write 'and'"),
    ("|", "'|' is not an operator here; write 'or'"),
    ("!", "'!' is not an operator here; write 'not', or '!=' for 'not equal'"),
    ("**", "'**' is not an operator here; multiply with '*', e.g. x * x"),
    ("//", "'//' is not an operator here; '/' divides (the result is a decimal)"),
    ("%", "'%' is not an operator here; there is no remainder operator"),
    ("^", "'^' is not an operator here; multiply with '*', e.g. x * x"),
)

TYPOGRAPHIC_QUOTES = "\u201e\u201c\u201d\u201a\u2018\u2019\u00ab\u00bb"

PartOf = Callable[[str], str | None]
"""A part of the multi-part question named (``q4`` -> ``q4.row``), for examples."""


def _no_part(name: str) -> str | None:
    return None


ESCAPES: dict[str, str] = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t"}

ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = frozenset("0123456789")
WORD_CHARS = ASCII_LETTERS | DIGITS | {"_"}


def _scan_word(source: str, pos: int) -> int:
    while pos < len(source) and source[pos] in WORD_CHARS:
        pos += 1
    return pos


def _scan_digits(source: str, pos: int) -> int:
    while pos < len(source) and source[pos] in DIGITS:
        pos += 1
    return pos


def _name(source: str, start: int, part: PartOf) -> Token:
    """A name and its dotted segments: ``q1``, ``q4.row.col``, ``q16.1``."""
    end = _scan_word(source, start)
    first = source[start:end]
    while end < len(source) and source[end] == ".":
        segment_end = _scan_word(source, end + 1)
        if segment_end == end + 1:
            written = source[start:end]
            example = part(written)
            raise ExprSyntaxError(
                f"expected a row, column or field code after '{written}.'"
                + (f", e.g. {example}" if example else ""),
                end + 1,
            )
        end = segment_end
    text = source[start:end]
    if first in KEYWORDS:
        if end > start + len(first):
            raise ExprSyntaxError(
                f"'{first}' is a reserved word and cannot be used as a variable name",
                start,
            )
        return Token(KEYWORDS[first], text, start, end)
    return Token(TokenKind.NAME, text, start, end)


def _number(source: str, start: int) -> Token:
    """``-?[0-9]+(\\.[0-9]+)?``; a letter right after the digits is an error."""
    pos = start + 1 if source[start] == "-" else start
    end = _scan_digits(source, pos)
    if end < len(source) and source[end] == ".":
        fraction_end = _scan_digits(source, end + 1)
        if fraction_end == end + 1:
            raise ExprSyntaxError("expected digits after the decimal point, e.g. 1.5", end + 1)
        end = fraction_end
    if end < len(source) and source[end] in WORD_CHARS:
        word_end = _scan_word(source, end)
        raise ExprSyntaxError(
            f"'{source[start:word_end]}' is neither a number nor a variable name; "
            "variable names start with a letter",
            start,
        )
    _bounded(source[start:end], start)
    return Token(TokenKind.NUMBER, source[start:end], start, end)


def _bounded(text: str, start: int) -> None:
    """Refuse a number literal beyond the largest finite float (before converting it:
    ``int()`` refuses, or is slow on, thousands of digits)."""
    whole = text.lstrip("-").split(".")[0].lstrip("0")
    if len(whole) <= MAX_INTEGER_DIGITS and abs(float(text)) <= MAX_NUMBER:
        return
    shown = text if len(text) <= 24 else text[:20] + "..."
    raise ExprSyntaxError(
        f"{shown} is too large a number for a condition (at most about 1.8e308 either "
        "way); write a smaller number",
        start,
        NUMBER_TOO_LARGE,
    )


def _string(source: str, start: int) -> Token:
    """A quoted string; the token's text is the source form, quotes included."""
    quote = source[start]
    pos = start + 1
    while pos < len(source):
        char = source[pos]
        if char == quote:
            return Token(TokenKind.STRING, source[start : pos + 1], start, pos + 1)
        if char == "\\":
            escaped = source[pos + 1 : pos + 2]
            if not escaped:
                break
            if escaped not in ESCAPES:
                raise ExprSyntaxError(
                    f"unknown escape '\\{escaped}' in a string; write \\\\ for a backslash, "
                    f"\\{quote} for a quote, \\n or \\t",
                    pos,
                )
            pos += 2
        else:
            pos += 1
    raise ExprSyntaxError(f"unterminated string; close it with {quote}", start)


def unquote(text: str) -> str:
    """The value of a STRING token's text (escapes resolved, quotes removed)."""
    out: list[str] = []
    pos = 1
    while pos < len(text) - 1:
        char = text[pos]
        if char == "\\":
            out.append(ESCAPES[text[pos + 1]])
            pos += 2
        else:
            out.append(char)
            pos += 1
    return "".join(out)


def _straightened(source: str, start: int) -> str | None:
    """The text between typographic quotes at ``start``, in straight quotes:
    ``"yes"`` for ``“yes”``; None if it does not close on the same line."""
    end = start + 1
    while end < len(source) and source[end] not in TYPOGRAPHIC_QUOTES:
        if source[end] in '\n"\\':
            return None
        end += 1
    if end >= len(source):
        return None
    return '"' + source[start + 1 : end] + '"'


def _dotted(source: str, dot: int, part: PartOf) -> str | None:
    """The dotted name meant by ``q13 . row`` (spaces around the '.' at ``dot``)."""
    before = source[:dot].rstrip()
    after = source[dot + 1 :].lstrip()
    head = before[len(before.rstrip("".join(WORD_CHARS) + ".")) :]
    tail = after[: _scan_word(after, 0)]
    if head and head[0] in ASCII_LETTERS and tail:
        return f"{head}.{tail}"
    return part(head) if head and head[0] in ASCII_LETTERS else None


def _symbol(source: str, start: int, part: PartOf) -> Token:
    for mistake, message in MISTAKES:
        if source.startswith(mistake, start) and not (
            mistake in ("=", "!") and source.startswith(("==", "!="), start)
        ):
            raise ExprSyntaxError(message, start)
    for text, kind in SYMBOLS:
        if source.startswith(text, start):
            return Token(kind, text, start, start + len(text))
    char = source[start]
    if char in TYPOGRAPHIC_QUOTES:
        message = f"typographic quote '{char}'; write strings in straight quotes"
        straight = _straightened(source, start)
        message += f": {straight}" if straight else " (\" or ')"
    elif char == "_":
        message = "unexpected '_'; variable names start with a letter"
    elif char == ".":
        message = "unexpected '.'; write dotted names without spaces"
        dotted = _dotted(source, start, part)
        message += f", e.g. {dotted}" if dotted else ""
    elif char.isalpha():
        message = (
            f"unexpected character '{char}'; variable names use only the letters a-z, "
            "A-Z, digits and _"
        )
    else:
        message = f"unexpected character {char!r}"
    raise ExprSyntaxError(message, start)


def tokenize(source: str, part: PartOf = _no_part) -> Iterator[Token]:
    """Yield the tokens of ``source``, ending with an EOF token.

    Raises :class:`ExprSyntaxError` when it reaches text that is no token;
    ``part`` gives the instrument's dotted names for its examples.
    """
    pos = 0
    length = len(source)
    previous = TokenKind.EOF
    while True:
        while pos < length and source[pos].isspace():
            pos += 1
        if pos >= length:
            yield Token(TokenKind.EOF, "", length, length)
            return
        char = source[pos]
        if char in ASCII_LETTERS:
            token = _name(source, pos, part)
        elif char in DIGITS or (
            char == "-" and source[pos + 1 : pos + 2] in DIGITS and previous not in VALUE_ENDS
        ):
            token = _number(source, pos)
        elif char in "\"'":
            token = _string(source, pos)
        else:
            token = _symbol(source, pos, part)
        yield token
        previous = token.kind
        pos = token.end
