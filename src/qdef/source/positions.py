"""Positions of values in a YAML file, by key path.

Every layer reports problems at a key path into the document (``("sections",
0, "questions", 2, "goto")``); one locator turns such a path into a line and
column. The loader records where each value starts while it builds the data
(:class:`qdef.source.yamldata.Positions`, a few packed integers per collection);
this module reads those records back, so locating needs no second parse and
costs nothing until there is something to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qdef.source.yamldata import Positions, split_lines

KeyPath = tuple[str | int, ...]

_COLUMN_BITS = 32
_COLUMN_MASK = (1 << _COLUMN_BITS) - 1
#: The first character of a scalar written in each style; anything else is plain
#: (or starts with a tag or anchor, whose style is not looked into).
_STYLES = {'"': '"', "'": "'", "|": "|", ">": ">"}


@dataclass(frozen=True, slots=True)
class _Entry:
    line: int  # 0-based, of the value
    column: int
    key_line: int  # 0-based, of the key (the item's own position in a list)
    key_column: int
    style: str | None  # scalar style: "" plain, '"', "'", "|", ">"; None if not known
    value: str | None  # the string's value (None for anything but a string)


class SourceMap:
    """Key path -> position of the key and of the value, for one document."""

    def __init__(self, data: Any, positions: Positions, text: str = "") -> None:
        self._data = data
        self._positions = positions
        self._text = text
        self._lines: list[str] | None = None
        #: key -> ordinal, per mapping (by id), built on the first lookup in it:
        #: locating is then a dictionary lookup per step, however many keys a
        #: mapping has and however many problems are located in it.
        self._ordinals: dict[int, dict[str, int]] = {}
        #: Where the walk to each parent path located so far ended (see ``_walk``).
        self._walked: dict[KeyPath, tuple[Any, int, int, int]] = {}

    @classmethod
    def build(cls, text: str) -> SourceMap:
        """Parse ``text`` (with the loader's default limits) and map it."""
        from qdef.source.yamldata import build_located  # noqa: PLC0415

        data, positions = build_located(text)
        return cls(data, positions, text)

    def _nearest(self, path: KeyPath) -> tuple[KeyPath, _Entry]:
        """The entry at ``path``, or at its longest prefix that exists."""
        parent = path[:-1]
        start = self._walked.get(parent)
        if start is None:  # many problems share a parent: it is walked to once
            root = self._positions.root
            start = self._walked[parent] = self._walk(self._data, root, root, 0, parent)
        node, key_at, value_at, depth = start
        if depth == len(parent) and path:
            node, key_at, value_at, depth = self._walk(node, key_at, value_at, depth, path[-1:])
        line, column = value_at >> _COLUMN_BITS, value_at & _COLUMN_MASK
        style: str | None = None
        value = node if isinstance(node, str) else None
        if value is not None and line < len(self.lines):
            first = self.lines[line][column : column + 1]
            style = _STYLES.get(first, "" if first not in "!&*" else None)
        entry = _Entry(line, column, key_at >> _COLUMN_BITS, key_at & _COLUMN_MASK, style, value)
        return path[:depth], entry

    def _walk(
        self, node: Any, key_at: int, value_at: int, depth: int, path: KeyPath = ()
    ) -> tuple[Any, int, int, int]:
        """From ``node`` (at ``depth``, with its positions) along ``path`` as far as it
        exists: the node reached, its key's and value's positions, its depth."""
        collections = self._positions.collections
        for step in path:
            places = collections.get(id(node))
            if places is None:
                break
            if isinstance(node, dict):
                if not isinstance(step, str) or step not in node:
                    break
                ordinals = self._ordinals.get(id(node))
                if ordinals is None:
                    ordinals = self._ordinals[id(node)] = {k: i for i, k in enumerate(node)}
                ordinal = ordinals[step]
                key_at, value_at = places[2 * ordinal], places[2 * ordinal + 1]
            elif isinstance(node, list):
                if not isinstance(step, int) or isinstance(step, bool):
                    break
                if not 0 <= step < len(node):
                    break
                key_at = value_at = places[step]
            else:
                break
            node = node[step]
            depth += 1
        return node, key_at, value_at, depth

    def has(self, path: KeyPath) -> bool:
        return self._nearest(path)[0] == path

    def locate(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """0-based (line, column) of the value at ``path``, or of its key.

        A path that does not exist (a missing key) falls back to its nearest
        existing ancestor: the mapping the key is missing from.
        """
        found, entry = self._nearest(path)
        if key and found == path:
            return entry.key_line, entry.key_column
        return entry.line, entry.column

    @property
    def lines(self) -> list[str]:
        """The source's lines, split once (only when an offset is located)."""
        if self._lines is None:
            self._lines = split_lines(self._text)
        return self._lines

    def locate_offset(self, path: KeyPath, offset: int) -> tuple[int, int]:
        """0-based (line, column) of character ``offset`` of the string at ``path``.

        Exact for the scalar styles conditions are written in (plain, quoted with
        escapes and line continuations, folded and literal blocks:
        :func:`offset_in_scalar`); a scalar written with a tag or anchor, reached
        through an alias, or in a block style it does not read back (keep
        chomping ``|+``, an explicit indentation indicator) falls back to its start.
        """
        found, entry = self._nearest(path)
        if found != path or entry.value is None or entry.style is None:
            return entry.line, entry.column
        located = offset_in_scalar(self.lines, entry.line, entry.column, entry.value, offset)
        return located if located is not None else (entry.line, entry.column)


_SIMPLE_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def offset_in_scalar(
    lines: list[str], line: int, column: int, value: str, offset: int
) -> tuple[int, int] | None:
    """0-based (line, column) in the source of character ``offset`` of ``value``, the
    scalar that starts at ``line``, ``column`` (its quote, its ``|`` or ``>``, or its
    first character when plain).

    The scalar is read again from the source the way YAML reads it (escapes,
    ``''``, escaped line breaks, folded lines, block indentation), recording
    where each character of the value comes from; a character made by folding
    (the space or line break joining two lines) is placed just after the last
    character of its line, and ``offset == len(value)`` just after the last
    character. If what is read does not start with ``value`` (a case not
    understood), None.
    """
    return offsets_in_scalar(lines, line, column, value, [offset])[0]


def offsets_in_scalar(
    lines: list[str], line: int, column: int, value: str, offsets: list[int]
) -> list[tuple[int, int] | None]:
    """:func:`offset_in_scalar` for several ``offsets`` of one scalar, which is read
    once: locating every character of a text costs one pass over it."""
    unknown: list[tuple[int, int] | None] = [None] * len(offsets)
    if line >= len(lines) or column > len(lines[line]):
        return unknown
    first = lines[line][column : column + 1]
    if first in ("!", "&", "*"):
        return unknown  # a tag or anchor first: where the text starts is not looked into
    scan = _scan_block if first in ("|", ">") else _scan_flow
    places = scan(lines, line, column, len(value) + 1)
    produced = "".join(char for char, _ in places)
    if not produced.startswith(value) or not places:
        return unknown
    last = len(places) - 1
    return [places[min(max(0, min(offset, len(value))), last)][1] for offset in offsets]


_Place = tuple[str, tuple[int, int]]
"""A character of a scalar's value and where it comes from (0-based line, column)."""


def _scan_flow(lines: list[str], line: int, column: int, wanted: int) -> list[_Place]:
    """Plain, single- and double-quoted scalars: their characters and positions,
    until ``wanted`` characters have been made (or the scalar ends)."""
    first = lines[line][column : column + 1]
    quote = first if first in ("'", '"') else ""
    places: list[_Place] = []
    row, i = line, column + (1 if quote else 0)
    while True:
        source = lines[row]
        end = len(source)
        if not quote:  # a comment ends a plain scalar
            comment = _COMMENT.search(source, i)
            end = comment.start() if comment else end
        content_end = max(len(source[:end].rstrip(" \t")), min(i, end))
        escaped_break = False
        while i < content_end:
            if len(places) >= wanted:
                return places
            char = source[i]
            if quote == "'" and char == "'":
                if source[i + 1 : i + 2] != "'":
                    return [*places, ("", (row, i))]  # the closing quote
                places.append(("'", (row, i)))
                i += 2
            elif quote == '"' and char == '"':
                return [*places, ("", (row, i))]
            elif quote == '"' and char == "\\":
                name = source[i + 1 : i + 2]
                width = _HEX_ESCAPES.get(name)
                if not name:  # a backslash just before the line break: no space is made
                    escaped_break = True
                    break
                if width is not None:
                    try:
                        places.append((chr(int(source[i + 2 : i + 2 + width], 16)), (row, i)))
                    except ValueError:
                        return places
                    i += 2 + width
                else:
                    places.append((_SIMPLE_ESCAPES.get(name, "\ufffd"), (row, i)))
                    i += 2
            else:
                places.append((char, (row, i)))
                i += 1
        if len(places) >= wanted:
            return places
        here = (row, content_end)
        if row + 1 >= len(lines) or end < len(source):
            return [*places, ("", here)]
        row += 1
        blank = 0
        while row + 1 < len(lines) and lines[row].strip(" \t") == "":
            blank, row = blank + 1, row + 1
        if blank:
            places.extend(("\n", here) for _ in range(blank))
        elif not escaped_break:
            places.append((" ", here))
        i = len(lines[row]) - len(lines[row].lstrip(" \t"))


def _scan_block(lines: list[str], line: int, column: int, wanted: int) -> list[_Place]:
    """Literal (``|``) and folded (``>``) blocks: their characters and positions."""
    header = lines[line][column:]
    folded = header.startswith(">")
    explicit = next((int(c) for c in header[1:3] if c.isdigit()), None)
    rows = range(line + 1, len(lines))
    if explicit is not None:
        indent = _parent_indent(lines, line) + explicit
    else:
        indent = next(
            (len(lines[r]) - len(lines[r].lstrip(" ")) for r in rows if lines[r].strip(" ")), 0
        )
    places: list[_Place] = []
    previous = ""  # the last content line: "" none yet, "normal", or "more" (indented)
    pending: list[tuple[int, int]] = []  # line breaks not yet written: where each is
    for row in rows:
        source = lines[row]
        if source.strip(" ") == "":
            pending.append((row, min(len(source), indent)))
            continue
        if len(source) - len(source.lstrip(" ")) < indent:
            break  # the block has ended
        text = source[indent:]
        kind = "more" if text[:1] in (" ", "\t") else "normal"
        if folded and previous == "normal" and kind == "normal":
            # one break between two lines becomes a space; with blank lines, it goes
            if len(pending) == 1:
                places.append((" ", pending[0]))
            else:  # the first break is the one dropped (placed like the others: at its line)
                places.extend(("\n", b) for b in pending[:-1])
        else:
            places.extend(("\n", b) for b in pending)
        places.extend((char, (row, indent + i)) for i, char in enumerate(text))
        if len(places) >= wanted:
            return places
        pending = [(row, len(source))]
        previous = kind
    places.extend(("\n", b) for b in pending[:1])
    return places


def _parent_indent(lines: list[str], line: int) -> int:
    """The indentation a block scalar's explicit indentation indicator counts from."""
    source = lines[line]
    stripped = source.lstrip(" ")
    return len(source) - len(stripped) + (2 if stripped.startswith("- ") else 0)


_COMMENT = re.compile(r"[ \t]#")
