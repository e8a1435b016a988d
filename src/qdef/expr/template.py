"""Piping: texts that insert values, ``"How many of the {members} are adults?"``.

A text is a template (docs/format.md, "Piping"): literal text and *pieces*
``{expression}`` or ``{expression|fallback}``. ``{{`` and ``}}`` are a literal
``{`` and ``}``; a lone ``}`` is an error, and a ``{`` must close in the same text.
The expression of a piece ends at the first ``|`` or ``}`` outside its string
literals (so ``{if(a, "x|y", "}")}`` is one piece); the fallback is literal text
up to the next ``}`` and may be empty (``{q|}`` inserts nothing). A fallback is
not itself piped: it contains no ``{``.

:func:`parse_template` splits a text into pieces and parses each piece's
expression (:func:`qdef.expr.parser.parse`); it does not type-check them (that
needs the instrument: :func:`qdef.expr.types.typecheck` with ``want="text"``).
Errors raise :class:`TemplateSyntaxError` with the offset into the text: QD516
(braces), QD517 (an empty piece), QD518 (a fallback), or the code of the
expression's own syntax error (QD501, QD509, QD511, QD512).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qdef.diagnostics import Code
from qdef.expr.nodes import Expr
from qdef.expr.parser import parse
from qdef.expr.tokens import ExprSyntaxError

BRACES = Code.QD516
EMPTY_PIECE = Code.QD517
BAD_FALLBACK = Code.QD518


class TemplateSyntaxError(Exception):
    """A text whose braces cannot be read; ``offset`` is 0-based into the text."""

    def __init__(self, code: Code, message: str, offset: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Piece:
    """``{source}`` or ``{source|fallback}`` at ``start``..``end`` of the text (the
    braces included); ``expr``'s offsets are relative to ``source``, which starts at
    ``source_start`` in the text."""

    expr: Expr
    source: str
    fallback: str | None
    start: int
    end: int
    source_start: int


@dataclass(frozen=True, slots=True)
class Template:
    """A text split into literal strings (``{{``/``}}`` undone) and pieces, in order."""

    pieces: tuple[str | Piece, ...]

    @property
    def plain(self) -> bool:
        """True when the text inserts nothing (then :attr:`text` is all of it)."""
        return not any(isinstance(piece, Piece) for piece in self.pieces)

    @property
    def text(self) -> str:
        """The literal text alone (each piece left out): the whole text when plain."""
        return "".join(piece for piece in self.pieces if isinstance(piece, str))

    def fill(self, show: Callable[[Piece], str | None]) -> str:
        """The text with each piece replaced by ``show(piece)``, or, when that is None
        (the value is absent), by the piece's fallback ("" without one)."""
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            shown = show(piece)
            out.append(shown if shown is not None else piece.fallback or "")
        return "".join(out)


def has_braces(text: str) -> bool:
    """Whether ``text`` may be a template at all (a fast test before parsing)."""
    return "{" in text or "}" in text


def parse_template(text: str) -> Template:
    """Split ``text`` into literal strings and pieces; raise :class:`TemplateSyntaxError`
    at the first problem."""
    pieces: list[str | Piece] = []
    literal: list[str] = []
    pos, length = 0, len(text)
    while pos < length:
        opening = text.find("{", pos)
        closing = text.find("}", pos)
        nxt = min(i for i in (opening, closing, length) if i >= 0)
        literal.append(text[pos:nxt])
        pos = nxt
        if pos >= length:
            break
        char = text[pos]
        if text.startswith(char * 2, pos):
            literal.append(char)
            pos += 2
            continue
        if char == "}":
            raise TemplateSyntaxError(
                BRACES, "a lone '}'; write '}}' for a literal '}' in a text", pos
            )
        piece = _piece(text, pos)
        if joined := "".join(literal):
            pieces.append(joined)
        literal = []
        pieces.append(piece)
        pos = piece.end
    if literal and (joined := "".join(literal)):
        pieces.append(joined)
    return Template(tuple(pieces))


def _string_end(text: str, start: int) -> int:
    """The offset after the string literal opened at ``start`` (the end of the text
    if it is unterminated: the expression's parser reports that)."""
    quote = text[start]
    pos = start + 1
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
        elif text[pos] == quote:
            return pos + 1
        else:
            pos += 1
    return len(text)


def _piece(text: str, start: int) -> Piece:
    """The piece whose ``{`` is at ``start``."""
    pos = start + 1
    length = len(text)
    while pos < length and text[pos] not in "|}{":
        pos = _string_end(text, pos) if text[pos] in "\"'" else pos + 1
    if pos >= length:
        raise TemplateSyntaxError(
            BRACES,
            "'{' is never closed; end the inserted value with '}', or write '{{' for a literal '{'",
            start,
        )
    if text[pos] == "{":
        raise TemplateSyntaxError(
            BRACES,
            "'{' inside an inserted value; close the value with '}' first, or write '{{' "
            "for a literal '{'",
            pos,
        )
    source_start = start + 1
    source = text[source_start:pos]
    if not source.strip():
        raise TemplateSyntaxError(
            EMPTY_PIECE,
            "empty '{}'; write the value to insert inside, e.g. {q1}, or '{{}}' for literal braces",
            start,
        )
    fallback: str | None = None
    end = pos + 1
    if text[pos] == "|":
        fallback_end = text.find("}", pos + 1)
        nested = text.find("{", pos + 1, fallback_end if fallback_end >= 0 else length)
        if text.startswith("||", pos):
            raise TemplateSyntaxError(
                BAD_FALLBACK,
                "'||' is not an operator; in '{…}' a '|' starts the text shown when the "
                "value is missing; join conditions with 'or'",
                pos,
            )
        if nested >= 0:
            raise TemplateSyntaxError(
                BAD_FALLBACK,
                "the text after '|' is shown as it stands and cannot insert a value; "
                "remove the '{' (or close the value with '}' before it)",
                nested,
            )
        if fallback_end < 0:
            raise TemplateSyntaxError(
                BRACES, "'{' is never closed; end the text after '|' with '}'", start
            )
        fallback = text[pos + 1 : fallback_end]
        end = fallback_end + 1
    try:
        expr = parse(source)
    except ExprSyntaxError as error:
        raise TemplateSyntaxError(error.code, error.message, source_start + error.offset) from None
    return Piece(expr, source, fallback, start, end, source_start)
