"""Positions of values in a YAML file, by key path, built only when needed.

Every layer reports problems at a key path into the document (``("sections",
0, "questions", 2, "goto")``); one locator turns such a path into a line and
column. The map is built from one more pass over the C parser's events, so it
is only paid for when there is something to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    line: int  # 0-based, of the value
    column: int
    key_line: int  # 0-based, of the key (the item's own position in a list)
    key_column: int
    style: str | None  # scalar style: "" plain, '"', "'", "|", ">"; None for collections
    value: str | None  # scalar text


class SourceMap:
    """Key path -> position of the key and of the value, for one document."""

    def __init__(self, entries: dict[KeyPath, _Entry], text: str = "") -> None:
        self._text = text
        self._lines: list[str] | None = None
        self._entries = entries

    @classmethod
    def build(cls, text: str) -> SourceMap:
        from ruamel.yaml import events as ev  # noqa: PLC0415

        from qdef.yamldata import events  # noqa: PLC0415

        entries: dict[KeyPath, _Entry] = {}
        # stack of (path of the collection, is_map, next index or pending key, key mark)
        stack: list[list[Any]] = []

        def place(event: Any, style: str | None, value: str | None) -> KeyPath | None:
            mark = event.start_mark
            if not stack:
                path: KeyPath = ()
                key_line, key_column = mark.line, mark.column
            else:
                frame = stack[-1]
                if frame[1]:  # mapping: this event is a key or a value
                    if frame[2] is None:
                        if isinstance(event, ev.ScalarEvent):
                            frame[2] = event.value
                            frame[3] = (mark.line, mark.column)
                        else:
                            frame[2] = ""
                            frame[3] = (mark.line, mark.column)
                        return None
                    path = (*frame[0], frame[2])
                    key_line, key_column = frame[3]
                    frame[2] = None
                else:
                    path = (*frame[0], frame[2])
                    frame[2] += 1
                    key_line, key_column = mark.line, mark.column
            entries[path] = _Entry(mark.line, mark.column, key_line, key_column, style, value)
            return path

        for event in events(text):
            if isinstance(event, ev.ScalarEvent):
                place(event, event.style or "", event.value)
            elif isinstance(event, ev.AliasEvent):
                place(event, None, None)
            elif isinstance(event, ev.MappingStartEvent | ev.SequenceStartEvent):
                path = place(event, None, None)
                is_map = isinstance(event, ev.MappingStartEvent)
                if path is None:  # a collection used as a key: skip its content
                    path = ("\0key",)
                stack.append([path, is_map, None if is_map else 0, (0, 0)])
            elif isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                stack.pop()
        return cls(entries, text)

    def _nearest(self, path: KeyPath) -> tuple[KeyPath, _Entry]:
        for end in range(len(path), -1, -1):
            entry = self._entries.get(path[:end])
            if entry is not None:
                return path[:end], entry
        return (), _Entry(0, 0, 0, 0, None, None)

    def has(self, path: KeyPath) -> bool:
        return path in self._entries

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
        if found != path or entry.value is None:
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
