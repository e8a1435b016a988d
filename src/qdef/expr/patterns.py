"""Patterns: the regular expressions a text answer must match (docs/format.md, "Patterns").

A pattern is written in a small subset of regular expressions that Python's ``re``,
JavaScript's ``RegExp`` (with the ``u`` flag) and PHP's PCRE (``preg_match`` with
``/u``) read alike, and that cannot backtrack catastrophically:

- literal characters (any, ASCII or not); the characters ``\\ . [ ] ( ) { } * + ? | ^ $``
  and ``/`` are written with a ``\\`` before them (``-`` may be too);
- ``.`` (any character but a line break: ``\\n`` or ``\\r``), ``\\d`` (``[0-9]``),
  ``\\w`` (``[A-Za-z0-9_]``), ``\\s`` (``[ \\t\\n\\r]``), their complements ``\\D \\W \\S``,
  ``\\n``, ``\\t`` and ``\\r``;
- character classes ``[…]`` and ``[^…]`` of characters, ranges ``a-z`` of two
  characters, and ``\\d \\w \\s`` (``]``, ``[``, ``\\`` and ``^`` escaped inside);
- groups ``(…)`` (or ``(?:…)``), alternation ``|``, the quantifiers ``? * + {n} {n,}
  {n,m}`` with n, m at most 1000;
- ``^`` only at the very start and ``$`` only at the very end: the whole answer must
  match anyway.

Refused, with the reason: backreferences, lookaround, lazy and possessive
quantifiers, named groups, flags, ``\\p``, ``\\b`` and other escapes — and the
*backtracking rule*: a part repeated more than once (``*``, ``+``, ``{n,m}`` with m > 1)
must match in one way only. It may not match the empty text (``(a?)*``, ``(\\d*)*``),
an iteration may not end with a repeatable part that can also begin the next
iteration (``(a+)+``, ``(\\d{1,3})+``, ``((a|b)+)*``), and if it is an alternation, no
two alternatives may begin with the same character (``(a|ab)*``, ``(a|a)*``).
``([a-z]+\\.)+`` and ``(\\.[a-z]+)*`` are fine: each iteration ends (begins) with a
``.`` that the repeatable part cannot match.

The translators write each pattern in its target's syntax, anchored to match the
whole answer, with ``.``, ``\\d``, ``\\w`` and ``\\s`` expanded to explicit classes (no
engine's Unicode rules matter) and groups non-capturing: :func:`to_python` (for
``re.search``), :func:`to_javascript` (a ``RegExp`` source, to be used with the flag
:data:`JAVASCRIPT_FLAGS`), :func:`to_pcre` (delimited ``/…/u`` for ``preg_match``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from qdef.diagnostics import Code

SYNTAX = Code.QD521
UNSUPPORTED = Code.QD522
BACKTRACKING = Code.QD523
BOUND = Code.QD524

MAX_REPEAT = 1000
"""The largest n and m of ``{n}``, ``{n,}`` and ``{n,m}``."""
MAX_DEPTH = 50
"""How deeply groups may nest."""
JAVASCRIPT_FLAGS = "u"
"""The flags :func:`to_javascript`'s source is compiled with: ``new RegExp(source, "u")``."""

#: The patterns the text formats are checked with (written in the subset).
FORMATS: dict[str, str] = {
    # something@domain.tld: no space or second @, at least one dot in the domain, no
    # empty part of the domain
    "email": r"[^@ \t\r\n]+@[^@ \t\r\n.]+(\.[^@ \t\r\n.]+)+",
    # an optional +, then digits, spaces and ( ) / . -, starting with a digit or (,
    # ending with a digit: +49 (0)30 123456-7, 030/123 456
    "phone": r"\+?[0-9(]([0-9 ()/.-]*[0-9])?",
    # http:// or https://, a host with a dot, then anything without spaces
    "url": r"https?://[^ \t\r\n/?#]+\.[^ \t\r\n/?#]+([/?#][^ \t\r\n]*)?",
}

MAX_CODE_POINT = 0x10FFFF
Ranges: TypeAlias = tuple[tuple[int, int], ...]
"""A set of characters: sorted, disjoint, non-adjacent code point ranges (inclusive)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a pattern is refused; ``offset`` is 0-based into the pattern."""

    message: str
    offset: int
    code: Code = SYNTAX


class PatternError(ValueError):
    """A pattern outside the subset (raised by the translators and :func:`matches`)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# ----------------------------------------------------------------- sets of characters


def _normal(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def _complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for lo, hi in ranges:
        if lo > start:
            out.append((start, lo - 1))
        start = hi + 1
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)


def _union(*sets: Ranges) -> Ranges:
    return _normal([r for ranges in sets for r in ranges])


def _meet(left: Ranges, right: Ranges) -> bool:
    """Whether two sets share a character."""
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][1] < right[j][0]:
            i += 1
        elif right[j][1] < left[i][0]:
            j += 1
        else:
            return True
    return False


def _chars(text: str) -> Ranges:
    return _normal([(ord(c), ord(c)) for c in text])


DIGIT = _chars("0123456789")
WORD = _normal([(48, 57), (65, 90), (95, 95), (97, 122)])
SPACE = _chars(" \t\n\r")
DOT = _complement(_chars("\n\r"))
CLASS_ESCAPES: dict[str, Ranges] = {
    "d": DIGIT,
    "w": WORD,
    "s": SPACE,
    "D": _complement(DIGIT),
    "W": _complement(WORD),
    "S": _complement(SPACE),
}
CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
META = set("\\.[](){}*+?|^$/")
LITERAL_ESCAPES = META | {"-"}
EMPTY: Ranges = ()
_BOUND = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")

# ----------------------------------------------------------------- the syntax tree


@dataclass(frozen=True, slots=True)
class _Set:
    chars: Ranges


@dataclass(frozen=True, slots=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Alt:
    options: tuple[_Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class _Repeat:
    body: _Node
    least: int
    most: int | None
    offset: int
    """Where the quantifier is written."""


_Node: TypeAlias = _Set | _Seq | _Alt | _Repeat


class _RefusedError(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.source = pattern
        self.start = 1 if pattern.startswith("^") else 0
        self.end = len(pattern)
        if self.end > self.start and pattern.endswith("$") and not _escaped(pattern, self.end - 1):
            self.end -= 1
        self.pos = self.start
        self.depth = 0

    def fail(self, message: str, offset: int, code: Code = SYNTAX) -> _RefusedError:
        return _RefusedError(Problem(message, offset, code))

    def peek(self) -> str:
        return self.source[self.pos] if self.pos < self.end else ""

    def parse(self) -> _Node:
        node = self.alternation()
        if self.pos < self.end:  # a ')' without its '('
            raise self.fail("unmatched ')'; write \\) for a literal ')'", self.pos)
        return node

    def alternation(self) -> _Node:
        offset = self.pos
        options = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else _Alt(tuple(options), offset)

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while self.pos < self.end and self.peek() not in "|)":
            items.append(self.quantified(self.atom()))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def atom(self) -> _Node:
        char, offset = self.peek(), self.pos
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        self.pos += 1
        if char == ".":
            return _Set(DOT)
        if char == "\\":
            return _Set(self.escape(in_class=False))
        if char in "*+?":
            raise self.fail(
                f"'{char}' repeats nothing here; write \\{char} for a literal '{char}'", offset
            )
        if char == "{":
            if _BOUND.match(self.source, offset):
                raise self.fail("'{' repeats nothing here; write \\{ for a literal '{'", offset)
            raise self.fail("write \\{ for a literal '{'", offset)
        if char in "]}":
            raise self.fail(f"write \\{char} for a literal '{char}'", offset)
        if char == "^":
            raise self.fail(
                "'^' only at the very start (the whole answer must match anyway); "
                "write \\^ for a literal '^'",
                offset,
            )
        if char == "$":
            raise self.fail(
                "'$' only at the very end (the whole answer must match anyway); "
                "write \\$ for a literal '$'",
                offset,
            )
        return _Set(_chars(char))

    def group(self) -> _Node:
        opening = self.pos
        self.pos += 1
        if self.source.startswith("(?", opening):
            if self.source.startswith("(?:", opening):
                self.pos += 2
            else:
                raise self.fail(_special_group(self.source, opening), opening, UNSUPPORTED)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"groups nest more than {MAX_DEPTH} deep; simplify", opening)
        body = self.alternation()
        if self.peek() != ")":
            raise self.fail("'(' is never closed; add ')'", opening)
        self.pos += 1
        self.depth -= 1
        return body

    def escape(self, in_class: bool) -> Ranges:
        """The characters of the escape whose ``\\`` was just read."""
        offset = self.pos - 1
        if self.pos >= len(self.source):
            raise self.fail("a '\\' at the end; write \\\\ for a literal backslash", offset)
        char = self.source[self.pos]
        self.pos += 1
        if char in CLASS_ESCAPES:
            return CLASS_ESCAPES[char]
        if char in CONTROL_ESCAPES:
            return _chars(CONTROL_ESCAPES[char])
        if char in LITERAL_ESCAPES:
            return _chars(char)
        if char.isdigit() or char == "k":
            raise self.fail(
                f"backreferences (\\{char}) are not supported: they cannot be checked "
                "without backtracking",
                offset,
                UNSUPPORTED,
            )
        if char in "bBAZzG":
            raise self.fail(
                f"\\{char} is not supported (word boundaries and anchors differ between "
                "engines); the whole answer is matched anyway",
                offset,
                UNSUPPORTED,
            )
        if char in "pP":
            raise self.fail(
                f"Unicode classes (\\{char}{{…}}) are not supported: engines disagree on "
                "them; list the characters in a class such as [A-Za-zÄÖÜäöüß]",
                offset,
                UNSUPPORTED,
            )
        where = "in a class" if in_class else "here"
        raise self.fail(
            f"unknown escape '\\{char}' {where}; write the character itself, or escape only "
            "\\ . [ ] ( ) { } * + ? | ^ $ / -",
            offset,
        )

    def class_char(self) -> Ranges:
        """One item of a class: a character or an escape."""
        char, offset = self.peek(), self.pos
        if char == "":
            raise self.fail("'[' is never closed; add ']'", offset)
        self.pos += 1
        if char == "\\":
            return self.escape(in_class=True)
        if char == "[":
            raise self.fail("write \\[ for a literal '[' in a class", offset)
        return _chars(char)

    def char_class(self) -> _Node:
        opening = self.pos
        self.pos += 1
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        if self.peek() == "]":
            raise self.fail(
                "a class cannot start with ']' (engines read it differently); write \\]",
                self.pos,
            )
        items: list[Ranges] = []
        while self.peek() != "]":
            if self.pos >= self.end:
                raise self.fail("'[' is never closed; add ']'", opening)
            offset = self.pos
            low = self.class_char()
            if self.peek() == "-" and self.source[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self.class_char()
                if len(low) != 1 or low[0][0] != low[0][1] or len(high) != 1:
                    raise self.fail(
                        "a range goes from one character to another, e.g. a-z; write \\- for "
                        "a literal '-'",
                        offset,
                    )
                if high[0][0] != high[0][1] or high[0][0] < low[0][0]:
                    raise self.fail(
                        f"the range {self.source[offset : self.pos]} goes backwards; write the "
                        "smaller character first",
                        offset,
                    )
                items.append(((low[0][0], high[0][0]),))
            else:
                items.append(low)
        self.pos += 1
        chars = _union(*items)
        chars = _complement(chars) if negated else chars
        if not chars:
            raise self.fail("the class matches no character at all", opening)
        return _Set(chars)

    def quantified(self, atom: _Node) -> _Node:
        char, offset = self.peek(), self.pos
        if char == "?":
            least, most = 0, 1
        elif char == "*":
            least, most = 0, None
        elif char == "+":
            least, most = 1, None
        elif char == "{" and (bound := _BOUND.match(self.source, offset)):
            least = self.bound(bound.group(1), offset)
            most = least if bound.group(2) is None else None
            if bound.group(3):
                most = self.bound(bound.group(3), offset)
            if most is not None and most < least:
                raise self.fail(
                    f"{bound.group(0)} repeats at least {least} but at most {most} times; "
                    "write the smaller number first",
                    offset,
                    BOUND,
                )
            self.pos += len(bound.group(0)) - 1
        else:
            return atom
        self.pos += 1
        after = self.peek()
        if after in ("?", "+") and self.pos < self.end:
            kind = "lazy" if after == "?" else "possessive"
            raise self.fail(
                f"{kind} quantifiers ('{self.source[offset : self.pos + 1]}') are not supported; "
                "the whole answer is matched, so write the quantifier alone",
                self.pos,
                UNSUPPORTED,
            )
        if after == "*" or (after == "{" and _BOUND.match(self.source, self.pos)):
            raise self.fail(
                "a quantifier cannot follow a quantifier; put the repeated part in ( ) first",
                self.pos,
            )
        return _Repeat(atom, least, most, offset)

    def bound(self, digits: str, offset: int) -> int:
        if len(digits) > 4 or int(digits) > MAX_REPEAT:
            raise self.fail(
                f"{digits} is too many repetitions; at most {MAX_REPEAT}", offset, BOUND
            )
        return int(digits)


def _escaped(text: str, offset: int) -> bool:
    """Whether the character at ``offset`` follows an odd number of backslashes."""
    count = 0
    while offset - count - 1 >= 0 and text[offset - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _special_group(source: str, opening: int) -> str:
    rest = source[opening:]
    if rest.startswith(("(?=", "(?!", "(?<=", "(?<!")):
        return "lookahead and lookbehind are not supported; match the answer as it stands"
    if rest.startswith(("(?P<", "(?<", "(?'")):
        return "named groups are not supported; write a plain group ( … )"
    return "flags and other (? groups are not supported; write a plain group ( … )"


# ----------------------------------------------------------------- the backtracking rule


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the backtracking rule needs of a part, computed once per node."""

    nullable: bool
    first: Ranges
    """The characters a match can begin with."""
    tail: Ranges
    """The characters a repeatable part at the end of a match could also consume."""
    options: tuple[Ranges, ...] = ()
    """For an alternation: the first characters of each alternative."""


class _Rule:
    """The backtracking rule, applied bottom-up: each node's facts are computed once,
    from its children's (``steps`` counts the nodes), so the check is linear in the
    pattern's nodes."""

    def __init__(self) -> None:
        self.steps = 0

    def facts(self, node: _Node) -> _Facts:
        self.steps += 1
        match node:
            case _Set(chars=chars):
                return _Facts(False, chars, EMPTY)
            case _Seq(items=items):
                parts = [self.facts(item) for item in items]
                first: list[Ranges] = []
                for part in parts:
                    first.append(part.first)
                    if not part.nullable:
                        break
                tail: list[Ranges] = []
                for part in reversed(parts):
                    tail.append(part.tail)
                    if not part.nullable:
                        break
                nullable = all(part.nullable for part in parts)
                return _Facts(nullable, _union(*first), _union(*tail))
            case _Alt(options=options):
                parts = [self.facts(option) for option in options]
                return _Facts(
                    any(part.nullable for part in parts),
                    _union(*(part.first for part in parts)),
                    _union(*(part.tail for part in parts)),
                    tuple(part.first for part in parts),
                )
            case _Repeat(body=body, least=least, most=most):
                inner = self.facts(body)
                repeats = most is None or most > 1
                if repeats:
                    self.check(node, inner)
                grows = most is None or most > least
                extends = _union(inner.tail, inner.first) if grows else inner.tail
                return _Facts(least == 0 or inner.nullable, inner.first, extends)
        raise AssertionError(node)  # pragma: no cover

    def check(self, node: _Repeat, inner: _Facts) -> None:
        if inner.nullable:
            raise _RefusedError(
                Problem(
                    "the repeated part can match an empty text, so it can repeat in countless "
                    "ways (catastrophic backtracking); make it match at least one character",
                    node.offset,
                    BACKTRACKING,
                )
            )
        if _meet(inner.tail, inner.first):
            raise _RefusedError(
                Problem(
                    "the repeated part can end with a repeatable part that can also begin the "
                    "next repetition, so a text can be split in countless ways (catastrophic "
                    "backtracking); repeat the inner part only once, e.g. (a+)+ -> a+, or "
                    "separate the repetitions, e.g. ([a-z]+\\.)+",
                    node.offset,
                    BACKTRACKING,
                )
            )
        seen: Ranges = EMPTY
        for first in inner.options:
            if _meet(first, seen):
                raise _RefusedError(
                    Problem(
                        "two alternatives of the repeated part can begin with the same "
                        "character, so a text can be matched in countless ways "
                        "(catastrophic backtracking); make the alternatives begin "
                        "differently, e.g. (a|ab)* -> (ab?)*",
                        node.offset,
                        BACKTRACKING,
                    )
                )
            seen = _union(seen, first)


def _tree(pattern: str) -> tuple[_Node | None, Problem | None, int]:
    """The pattern's tree, or the problem that refuses it; and the steps of the rule."""
    rule = _Rule()
    try:
        node = _Parser(pattern).parse()
        rule.facts(node)
    except _RefusedError as refused:
        return None, refused.problem, rule.steps
    return node, None, rule.steps


def check_pattern(regex: str) -> list[Problem]:
    """Why ``regex`` is not in the subset (the first problem found), or []."""
    _, problem, _ = _tree(regex)
    return [problem] if problem else []


# ----------------------------------------------------------------- translation

Target: TypeAlias = Literal["python", "javascript", "pcre"]

_CLASS_SPECIAL = set("\\]^-[")
_PYTHON_CLASS_SPECIAL = _CLASS_SPECIAL | set("&~|")  # set operations Python warns about


def _char(code: int, target: Target, in_class: bool) -> str:
    char = chr(code)
    if not char.isprintable() and char != " ":
        if target == "python":
            if code > 0xFFFF:
                return f"\\U{code:08x}"
            return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        if target == "javascript":
            return f"\\u{{{code:x}}}"
        return f"\\x{{{code:x}}}"
    special = _PYTHON_CLASS_SPECIAL if target == "python" else _CLASS_SPECIAL
    if (in_class and (char in special or char == "/")) or (not in_class and char in META):
        return "\\" + char
    return char


def _set(chars: Ranges, target: Target) -> str:
    if len(chars) == 1 and chars[0][0] == chars[0][1]:
        return _char(chars[0][0], target, in_class=False)
    negated = chars[0][0] == 0 and chars != ((0, MAX_CODE_POINT),)
    shown = _complement(chars) if negated else chars
    items = []
    for lo, hi in shown:
        if lo == hi:
            items.append(_char(lo, target, in_class=True))
        elif hi == lo + 1:
            items.append(_char(lo, target, True) + _char(hi, target, True))
        else:
            items.append(f"{_char(lo, target, True)}-{_char(hi, target, True)}")
    return ("[^" if negated else "[") + "".join(items) + "]"


def _write(node: _Node, target: Target) -> str:
    match node:
        case _Set(chars=chars):
            return _set(chars, target)
        case _Seq(items=items):
            return "".join(
                f"(?:{_write(item, target)})" if isinstance(item, _Alt) else _write(item, target)
                for item in items
            )
        case _Alt(options=options):
            return "|".join(_write(option, target) for option in options)
        case _Repeat(body=body, least=least, most=most):
            inner = _write(body, target)
            if not isinstance(body, _Set):
                inner = f"(?:{inner})"
            if (least, most) == (0, 1):
                quantifier = "?"
            elif (least, most) == (0, None):
                quantifier = "*"
            elif (least, most) == (1, None):
                quantifier = "+"
            elif most is None:
                quantifier = f"{{{least},}}"
            elif most == least:
                quantifier = f"{{{least}}}"
            else:
                quantifier = f"{{{least},{most}}}"
            return inner + quantifier
    raise AssertionError(node)  # pragma: no cover


@functools.lru_cache(maxsize=256)
def _translated(regex: str, target: Target) -> str:
    node, problem, _ = _tree(regex)
    if problem is not None:
        raise PatternError(problem)
    assert node is not None
    return _write(node, target)


def to_python(regex: str) -> str:
    """``regex`` for Python's ``re``: ``\\A(?:…)\\Z``, a match of the whole answer."""
    return f"\\A(?:{_translated(regex, 'python')})\\Z"


def to_javascript(regex: str) -> str:
    """``regex`` as the source of a JavaScript ``RegExp`` with the flag
    :data:`JAVASCRIPT_FLAGS` (``u``): ``^(?:…)$``, a match of the whole answer. ``/``
    is escaped, so the source may also stand between slashes."""
    return f"^(?:{_translated(regex, 'javascript')})$"


def to_pcre(regex: str) -> str:
    """``regex`` for PHP's ``preg_match`` (LimeSurvey): ``/^(?:…)\\z/u``, delimited,
    a match of the whole answer (``\\z``: not before a final line break as ``$``)."""
    return f"/^(?:{_translated(regex, 'pcre')})\\z/u"


@functools.lru_cache(maxsize=256)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(to_python(regex))


def matches(regex: str, text: str) -> bool:
    """Whether the whole of ``text`` matches ``regex`` (PatternError if ``regex`` is
    outside the subset)."""
    return _compiled(regex).search(text) is not None
