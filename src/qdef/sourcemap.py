"""Positions of values in a YAML file, by key path.

Every layer reports problems at a key path into the document (``("sections",
0, "questions", 2, "goto")``); one locator turns such a path into a line and
column. The loader records where each value starts while it builds the data
(:class:`qdef.yamldata.Positions`, a few packed integers per collection);
this module reads those records back, so locating needs no second parse and
costs nothing until there is something to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qdef.yamldata import Positions

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

    @classmethod
    def build(cls, text: str) -> SourceMap:
        """Parse ``text`` (with the loader's default limits) and map it."""
        from qdef.yamldata import build_located  # noqa: PLC0415

        data, positions = build_located(text)
        return cls(data, positions, text)

    def _nearest(self, path: KeyPath) -> tuple[KeyPath, _Entry]:
        """The entry at ``path``, or at its longest prefix that exists."""
        node = self._data
        value_at = key_at = self._positions.root
        collections = self._positions.collections
        depth = 0
        for step in path:
            places = collections.get(id(node))
            if places is None:
                break
            if isinstance(node, dict):
                if not isinstance(step, str) or step not in node:
                    break
                ordinal = next(i for i, k in enumerate(node) if k == step)
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
        line, column = value_at >> _COLUMN_BITS, value_at & _COLUMN_MASK
        style: str | None = None
        value = node if isinstance(node, str) else None
        if value is not None and line < len(self.lines):
            first = self.lines[line][column : column + 1]
            style = _STYLES.get(first, "" if first not in "!&*" else None)
        entry = _Entry(line, column, key_at >> _COLUMN_BITS, key_at & _COLUMN_MASK, style, value)
        return path[:depth], entry

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
            self._lines = self._text.splitlines()
        return self._lines

    def locate_offset(self, path: KeyPath, offset: int) -> tuple[int, int]:
        """0-based (line, column) of character ``offset`` of the string at ``path``.

        Exact for plain and quoted scalars on one line, for literal blocks, and
        for plain scalars and folded blocks whose lines were simply joined with
        spaces; other styles fall back to the start of the scalar.
        """
        found, entry = self._nearest(path)
        if found != path or entry.value is None or entry.style is None:
            return entry.line, entry.column
        value = entry.value
        offset = max(0, min(offset, len(value)))
        if entry.style == "" and "\n" not in value:
            lines = self.lines
            if entry.line < len(lines) and lines[entry.line].startswith(value, entry.column):
                return entry.line, entry.column + offset  # on one line
            folded = _offset_in_folded(self.lines, entry, offset)
            if folded is not None:
                return folded
        if entry.style == ">":
            folded = _offset_in_folded(self.lines, entry, offset)
            if folded is not None:
                return folded
        if entry.style in ('"', "'"):
            located = _offset_in_quoted(self.lines, entry, offset)
            if located is not None:
                return located
        if entry.style == "|":
            lines = self.lines
            before = value[:offset]
            row = entry.line + 1 + before.count("\n")
            if row < len(lines):
                source = lines[row]
                indent = len(source) - len(source.lstrip(" "))
                return row, indent + len(before) - (before.rfind("\n") + 1)
        return entry.line, entry.column


_ESCAPE_WIDTH = {"x": 4, "u": 6, "U": 10}
_COMMENT = re.compile(r"[ \t]#")


def _offset_in_quoted(lines: list[str], entry: _Entry, offset: int) -> tuple[int, int] | None:
    if entry.line >= len(lines):
        return None
    source = lines[entry.line]
    quote = entry.style
    i = entry.column + 1  # after the opening quote
    consumed = 0
    while consumed < offset:
        if i >= len(source):
            return None  # the scalar continues on another line: give up
        char = source[i]
        if quote == "'" and char == "'" and source[i + 1 : i + 2] == "'":
            i += 2
        elif quote == '"' and char == "\\":
            i += _ESCAPE_WIDTH.get(source[i + 1 : i + 2], 2)
        else:
            i += 1
        consumed += 1
    return entry.line, i


def _offset_in_folded(lines: list[str], entry: _Entry, offset: int) -> tuple[int, int] | None:
    """``offset`` in a plain scalar or ``>`` block spread over lines joined by spaces.

    The lines are read back from the source and re-joined; unless that gives
    exactly the scalar's value (no blank or more-indented lines),
    this gives up and returns None.
    """
    value = entry.value or ""
    if entry.style == ">":
        row, column = entry.line + 1, None
        value = value.removesuffix("\n")
    else:
        row, column = entry.line, entry.column
    pieces: list[tuple[int, int, str]] = []  # (row, column, text) of each source line
    joined = 0
    while row < len(lines) and joined < len(value):
        source = lines[row]
        start = column if column is not None else len(source) - len(source.lstrip(" \t"))
        piece = source[start:]
        if entry.style == "":  # in a plain scalar, " #" can only start a comment
            piece = _COMMENT.split(piece, maxsplit=1)[0]
        piece = piece.rstrip(" \t")
        pieces.append((row, start, piece))
        joined += len(piece) + (1 if len(pieces) > 1 else 0)
        row, column = row + 1, None
    if " ".join(piece for _, _, piece in pieces) != value:
        return None
    position = 0
    for row, start, piece in pieces:
        if offset <= position + len(piece):
            return row, start + offset - position
        position += len(piece) + 1
    return None
