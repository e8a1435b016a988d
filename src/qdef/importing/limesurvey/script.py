"""ExpressionScript, LimeSurvey's expression language: a tokenizer, a
recursive-descent parser and a printer.

The grammar, lowest precedence first (LimeSurvey's own order: unary operators bind
tightest, so ``!a == b`` is ``(!a) == b``)::

    or         = and { ("or" | "||") and }
    and        = equality { ("and" | "&&") equality }
    equality   = relation { ("==" | "eq" | "!=" | "ne") relation }
    relation   = sum { ("<" | "lt" | "<=" | "le" | ">" | "gt" | ">=" | "ge") sum }
    sum        = product { ("+" | "-") product }
    product    = unary { ("*" | "/") unary }
    unary      = ("!" | "not" | "-" | "+") unary | primary
    primary    = number | string | call | variable | "(" or ")"
    call       = name "(" [ or { "," or } ] ")"
    variable   = name { "." name }       (Q, Q.NAOK, Q_SQ.shown, that.Q.NAOK, 12X3X4)

Word operators are read in any case (LimeSurvey's tokenizer is case-insensitive
for them). The parser works in one pass over the tokens: linear time.
"""

from __future__ import annotations

from dataclasses import dataclass

WORD_OPS = {
    "or": "or",
    "and": "and",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "not": "!",
}
SYMBOL_OPS = ("==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "(", ")", ",")
_CANONICAL = {"&&": "and", "||": "or"}


class ScriptError(ValueError):
    """An equation that is not ExpressionScript; ``offset`` is where, 0-based."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at character {offset + 1})")
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "num", "str", "name", "op", "end"
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    found: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c.isspace():
            i += 1
            continue
        if c in "\"'":
            token, i = _string(source, i)
            found.append(token)
            continue
        if c.isdigit() or (c == "." and i + 1 < n and source[i + 1].isdigit()):
            j = i
            while j < n and (source[j].isalnum() or source[j] in "._"):
                j += 1
            text = source[i:j]
            kind = "num" if _is_number(text) else "name"  # an SGQA name: 123X45X67
            found.append(Token(kind, text, i))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_."):
                j += 1
            text = source[i:j].rstrip(".")
            j = i + len(text)
            word = text.lower()
            if word in WORD_OPS:
                found.append(Token("op", WORD_OPS[word], i))
            else:
                found.append(Token("name", text, i))
            i = j
            continue
        for op in SYMBOL_OPS:
            if source.startswith(op, i):
                found.append(Token("op", _CANONICAL.get(op, op), i))
                i += len(op)
                break
        else:
            what = "'=' assigns in ExpressionScript" if c == "=" else f"unexpected {c!r}"
            raise ScriptError(what, i)
    found.append(Token("end", "", n))
    return found


def _string(source: str, start: int) -> tuple[Token, int]:
    """The string literal at ``start`` and the offset after it (a backslash escapes a
    quote or a backslash)."""
    quote, n = source[start], len(source)
    j = start + 1
    chars: list[str] = []
    while j < n and source[j] != quote:
        if source[j] == "\\" and j + 1 < n and source[j + 1] in "\"'\\":
            chars.append(source[j + 1])
            j += 2
            continue
        chars.append(source[j])
        j += 1
    if j >= n:
        raise ScriptError("a string is not closed", start)
    return Token("str", "".join(chars), start), j + 1


def _is_number(text: str) -> bool:
    head, _, tail = text.partition(".")
    return (head.isdigit() or (head == "" and tail != "")) and (tail == "" or tail.isdigit())


@dataclass(frozen=True, slots=True)
class Num:
    text: str


@dataclass(frozen=True, slots=True)
class Str:
    value: str


@dataclass(frozen=True, slots=True)
class Var:
    name: str
    """The whole dotted name as written: ``Q1_SQ2.NAOK``."""


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "!", "-", "+"
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node = Num | Str | Var | Call | Unary | Binary

LEVELS: dict[str, int] = {
    "or": 1,
    "and": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
UNARY_LEVEL = 7


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.at = 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        if token.kind != "end":
            self.at += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise ScriptError(f"expected {text!r}, found {token.text or 'the end'!r}", token.offset)

    def binary(self, level: int) -> Node:
        if level > 6:
            return self.unary()
        left = self.binary(level + 1)
        while True:
            token = self.peek()
            if token.kind != "op" or LEVELS.get(token.text) != level:
                return left
            self.take()
            left = Binary(token.text, left, self.binary(level + 1))

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "op" and token.text in ("!", "-", "+"):
            self.take()
            return Unary(token.text, self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "num":
            return Num(token.text)
        if token.kind == "str":
            return Str(token.text)
        if token.kind == "op" and token.text == "(":
            inner = self.binary(1)
            self.expect(")")
            return inner
        if token.kind == "name":
            after = self.peek()
            if after.kind == "op" and after.text == "(" and "." not in token.text:
                self.take()
                args: list[Node] = []
                if not (self.peek().kind == "op" and self.peek().text == ")"):
                    args.append(self.binary(1))
                    while self.peek().kind == "op" and self.peek().text == ",":
                        self.take()
                        args.append(self.binary(1))
                self.expect(")")
                return Call(token.text, tuple(args))
            return Var(token.text)
        raise ScriptError(f"unexpected {token.text or 'end'!r}", token.offset)


def parse(source: str) -> Node:
    """The equation's tree; :class:`ScriptError` if it is not ExpressionScript."""
    parser = _Parser(source)
    if parser.peek().kind == "end":
        raise ScriptError("the equation is empty", 0)
    node = parser.binary(1)
    rest = parser.peek()
    if rest.kind != "end":
        raise ScriptError(f"unexpected {rest.text!r}", rest.offset)
    return node


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return LEVELS[node.op]
    if isinstance(node, Unary):
        return UNARY_LEVEL
    return 8


def show(node: Node) -> str:
    """ExpressionScript text that parses back to ``node``."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Str):
        return _quote(node.value)
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Call):
        return f"{node.function}({', '.join(show(a) for a in node.args)})"
    if isinstance(node, Unary):
        inner = show(node.operand)
        if _level(node.operand) < UNARY_LEVEL:
            inner = f"({inner})"
        return f"{node.op}{inner}" if node.op != "-" or not inner.startswith("-") else f"-({inner})"
    level = LEVELS[node.op]
    left, right = show(node.left), show(node.right)
    if _level(node.left) < level:
        left = f"({left})"
    if _level(node.right) <= level:  # left-associative: a - (b - c) keeps its parentheses
        right = f"({right})"
    return f"{left} {node.op} {right}"
