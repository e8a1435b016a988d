"""The XPath 1.0 expressions of XLSForms, parsed into a small syntax tree.

XLSForm writes ``relevant``, ``constraint``, ``calculation``, ``choice_filter``
and ``repeat_count`` in XPath 1.0 with ``${name}`` for a question's value and
``.`` for the question itself. This module tokenizes such an expression and
parses it by recursive descent (XPath's grammar, precedence low to high: ``or``,
``and``, ``=`` ``!=``, ``<`` ``<=`` ``>`` ``>=``, ``+`` ``-``, ``*`` ``div``
``mod``, unary ``-``, ``|``, then paths and primaries). Nothing is evaluated here:
:mod:`.translate` turns the tree into a qdef expression.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Binary",
    "Call",
    "Name",
    "Neg",
    "Node",
    "Number",
    "Path",
    "String",
    "XPathError",
    "parse",
]


class XPathError(ValueError):
    """An expression that is not XPath as XLSForm writes it; ``offset`` is 0-based."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at character {offset + 1})")
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Name:
    """``${name}``: the value of the question ``name``."""

    name: str


@dataclass(frozen=True, slots=True)
class Path:
    """A location path: ``.``, ``..``, ``/data/group/q``, ``cf`` (in a choice
    filter: a column of the choices sheet), ``../q``."""

    text: str
    steps: tuple[str, ...]
    absolute: bool


@dataclass(frozen=True, slots=True)
class String:
    value: str


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """``op`` is one of ``or and = != < <= > >= + - * div mod |``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` as written (``jr:choice-name``, ``count-selected``)."""

    name: str
    args: tuple[Node, ...]


Node = Name | Path | String | Number | Neg | Binary | Call


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # name, string, number, ref, op, (, ), ",", path, end
    text: str
    offset: int


_OPERATORS = (
    "!=",
    "<=",
    ">=",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "|",
    "/",
    "(",
    ")",
    ",",
    "[",
    "]",
    "@",
)
_NAME_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | set("0123456789-.:")
_DIGITS = set("0123456789")


def _tokens(source: str) -> list[_Token]:  # noqa: PLR0915 (one branch per token kind)
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char in " \t\r\n\u00a0":
            i += 1
        elif char == "$" and source.startswith("${", i):
            end = source.find("}", i + 2)
            if end < 0:
                raise XPathError("'${' is not closed with '}'", i)
            name = source[i + 2 : end].strip()
            if not name:
                raise XPathError("'${}' names no question", i)
            tokens.append(_Token("ref", name, i))
            i = end + 1
        elif char in {"'", '"'}:
            end = source.find(char, i + 1)
            if end < 0:
                raise XPathError(f"the string starting with {char} is not closed", i)
            tokens.append(_Token("string", source[i + 1 : end], i))
            i = end + 1
        elif char in _DIGITS or (char == "." and i + 1 < n and source[i + 1] in _DIGITS):
            start = i
            while i < n and source[i] in _DIGITS:
                i += 1
            if i < n and source[i] == ".":
                i += 1
                while i < n and source[i] in _DIGITS:
                    i += 1
            tokens.append(_Token("number", source[start:i], start))
        elif char == ".":
            if source.startswith("..", i):
                tokens.append(_Token("path", "..", i))
                i += 2
            else:
                tokens.append(_Token("path", ".", i))
                i += 1
        elif char in _NAME_START:
            start = i
            while i < n and source[i] in _NAME_CHARS:
                i += 1
            while source[i - 1] in ".-:" and i - 1 > start:  # a name does not end in these
                i -= 1
            tokens.append(_Token("name", source[start:i], start))
        else:
            for op in _OPERATORS:
                if source.startswith(op, i):
                    tokens.append(_Token("op", op, i))
                    i += len(op)
                    break
            else:
                raise XPathError(f"unexpected character {char!r}", i)
    tokens.append(_Token("end", "", n))
    return tokens


_LEVELS: tuple[tuple[str, ...], ...] = (
    ("or",),
    ("and",),
    ("=", "!="),
    ("<", "<=", ">", ">="),
    ("+", "-"),
    ("*", "div", "mod"),
)
_WORD_OPERATORS = {"or", "and", "div", "mod"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.index = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _operator(self, token: _Token, choices: tuple[str, ...]) -> bool:
        if token.kind == "op" and token.text in choices:
            return True
        if token.kind == "name" and token.text in choices and token.text in _WORD_OPERATORS:
            # a word is an operator only after an operand (XPath's lexical rule)
            previous = self.tokens[self.index - 1] if self.index else None
            return previous is not None and not (
                previous.kind == "op" and previous.text not in {")", "]"}
            )
        return False

    def expect(self, text: str) -> None:
        if self.token.kind == "op" and self.token.text == text:
            self.index += 1
            return
        raise XPathError(f"expected {text!r}, found {self._shown()}", self.token.offset)

    def _shown(self) -> str:
        return "the end" if self.token.kind == "end" else repr(self.token.text)

    def parse(self) -> Node:
        node = self.binary(0)
        if self.token.kind != "end":
            raise XPathError(f"unexpected {self._shown()}", self.token.offset)
        return node

    def binary(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self._operator(self.token, _LEVELS[level]):
            op = self.token.text
            self.index += 1
            node = Binary(op, node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text == "-":
            self.index += 1
            return Neg(self.unary())
        node = self.primary()
        while self.token.kind == "op" and self.token.text == "|":
            self.index += 1
            node = Binary("|", node, self.primary())
        return node

    def primary(self) -> Node:
        token = self.token
        if token.kind == "ref":
            self.index += 1
            return Name(token.text)
        if token.kind == "string":
            self.index += 1
            return String(token.text)
        if token.kind == "number":
            self.index += 1
            return Number(float(token.text), token.text)
        if token.kind == "op" and token.text == "(":
            self.index += 1
            node = self.binary(0)
            self.expect(")")
            return node
        if (
            token.kind == "name"
            and self.tokens[self.index + 1].text == "("
            and (self.tokens[self.index + 1].kind == "op")
        ):
            self.index += 2
            args: list[Node] = []
            if not (self.token.kind == "op" and self.token.text == ")"):
                args.append(self.binary(0))
                while self.token.kind == "op" and self.token.text == ",":
                    self.index += 1
                    args.append(self.binary(0))
            self.expect(")")
            return Call(token.text, tuple(args))
        if token.kind in {"name", "path"} or (token.kind == "op" and token.text == "/"):
            return self.path()
        raise XPathError(f"expected a value, found {self._shown()}", token.offset)

    def path(self) -> Node:
        start = self.token.offset
        absolute = self.token.kind == "op" and self.token.text == "/"
        if absolute:
            self.index += 1
        steps: list[str] = []
        while True:
            token = self.token
            if token.kind in {"name", "path"}:
                steps.append(token.text)
                self.index += 1
            else:
                raise XPathError(f"expected a step of a path, found {self._shown()}", token.offset)
            if self.token.kind == "op" and self.token.text == "[":
                raise XPathError("predicates ([…]) are not supported", self.token.offset)
            if self.token.kind == "op" and self.token.text == "/":
                self.index += 1
                continue
            break
        end = self.tokens[self.index].offset
        return Path(self.source[start:end].strip(), tuple(steps), absolute)


def parse(source: str) -> Node:
    """The syntax tree of an XLSForm expression; :class:`XPathError` if it is not one."""
    return _Parser(source).parse()
