"""Reading instrument files: safe, bounded, fast, and located only when needed.

The happy path builds plain Python data (dict, list, str, int, float, bool,
None) straight from the events of libyaml's C parser. That is several times
faster than ruamel's own constructors, and it is where the bounds live:

- file size (checked before anything is decoded),
- nesting depth (checked on every collection start, so a "[[[[…" bomb stops
  at the first level too deep instead of crashing the C composer),
- alias expansion (every alias adds the size of what it refers to; a
  "billion laughs" document is refused at the alias that crosses the limit),
- tags (only YAML's core tags; nothing that constructs objects),
- YAML 1.2 core scalars always (``no``, ``on``, ``ja`` stay strings; no
  timestamps), keys are plain text, no duplicate keys.

No positions are kept on the happy path. When a later layer has something to
report, :class:`Document` builds a :class:`~qdef.sourcemap.SourceMap` from a
second pass over the events, once.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qdef.diagnostics import Diagnostic, Span
from qdef.sourcemap import KeyPath, SourceMap

_CORE_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:seq": "seq",
    "tag:yaml.org,2002:map": "map",
}

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NONFINITE = re.compile(r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
#: Numbers beyond the largest finite float cannot be compared, printed or stored.
_MAX_NUMBER = int(sys.float_info.max)
_MAX_DIGITS = len(str(_MAX_NUMBER)) + 1
#: Characters a plain scalar must start with to be anything but a string.
_MAYBE_NOT_STR = frozenset("-+.0123456789~nNtTfF")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what a file may ask of the loader."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 50
    max_nodes: int = 2_000_000
    """Nodes after alias expansion (an instrument of 10,000 questions has ~300,000)."""


DEFAULT_LIMITS = Limits()


class _LoadError(Exception):
    """Ends the event pass with a located diagnostic."""

    def __init__(self, code: str, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column


def _resolve_plain(value: str, line: int, column: int) -> Any:
    """YAML 1.2 core schema for an untagged plain scalar."""
    if value[:1] not in _MAYBE_NOT_STR and value:
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    number: int | float
    if _INT.match(value):
        if len(value.lstrip("+-0")) > _MAX_DIGITS:  # int() refuses (or is slow on) these
            raise _too_large(value, line, column)
        number = int(value)
    elif _OCT.match(value):
        number = int(value[2:], 8)
    elif _HEX.match(value):
        number = int(value[2:], 16)
    elif _FLOAT.match(value):
        number = float(value)  # 1e999 overflows to inf
    else:
        if _NONFINITE.match(value):
            raise _LoadError(
                "QD111",
                f"{value!r} is not a finite number; write a number, or quote it to make it text",
                line,
                column,
            )
        return value
    if not -_MAX_NUMBER <= number <= _MAX_NUMBER:
        raise _too_large(value, line, column)
    return number


def _too_large(value: str, line: int, column: int) -> _LoadError:
    shown = value if len(value) <= 24 else value[:20] + "..."
    return _LoadError(
        "QD111",
        f"{shown!r} is too large to be a number; write a smaller number, "
        "or quote it to make it text",
        line,
        column,
    )


def _resolve_tagged(value: str, tag: str, line: int, column: int) -> Any:
    kind = _CORE_TAGS.get(tag)
    if kind == "str":
        return value
    if kind in {"int", "float", "bool", "null"}:
        resolved = _resolve_plain(value, line, column)
        fits = {
            "int": isinstance(resolved, int) and not isinstance(resolved, bool),
            "float": isinstance(resolved, int | float) and not isinstance(resolved, bool),
            "bool": isinstance(resolved, bool),
            "null": resolved is None,
        }[kind]
        if fits:
            return float(resolved) if kind == "float" else resolved
        wanted = {"int": "a whole number", "float": "a number", "bool": "true or false"}
        message = (
            f"{value!r} is not a valid !!{kind}; write {wanted.get(kind, 'nothing (~)')} "
            "and drop the tag, which qdef does not need"
        )
        raise _LoadError("QD108", message, line, column)
    raise _LoadError(
        "QD108",
        f"the tag {_short_tag(tag)} is not allowed; qdef reads plain YAML data: remove the tag",
        line,
        column,
    )


@functools.cache
def _yaml() -> Any:
    from ruamel.yaml import YAML  # noqa: PLC0415 - imported on first load, not on import qdef

    return YAML(typ="safe", pure=False)


def _events(text: str) -> Iterator[Any]:
    return iter(_yaml().parse(text))


def build_data(text: str, limits: Limits = DEFAULT_LIMITS) -> Any:  # noqa: PLR0915
    # One flat loop over the events on purpose: this is the hot path of every load.
    """Plain data from YAML text; raises :class:`_LoadError` (located) or ruamel's errors."""
    from ruamel.yaml import events as ev  # noqa: PLC0415

    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    map_start, seq_start = ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    doc_start = ev.DocumentStartEvent

    no_key = _NO_KEY
    root: Any = None
    documents = 0
    # stack entries: (container, is_map, pending_key, anchor, nodes_at_start, start_mark)
    stack: list[tuple[Any, bool, Any, str | None, int, Any]] = []
    container: Any = None
    is_map = False
    key: Any = no_key
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    nodes = 0
    max_depth, max_nodes = limits.max_depth, limits.max_nodes

    for event in _events(text):
        kind = type(event)
        if kind is scalar_event:
            style = event.style
            value: Any = event.value
            tag = event.tag
            if tag is not None and tag != "!":
                mark = event.start_mark
                value = _resolve_tagged(value, tag, mark.line, mark.column)
            elif not style and (not value or value[:1] in _MAYBE_NOT_STR):
                mark = event.start_mark
                value = _resolve_plain(value, mark.line, mark.column)
            nodes += 1
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif kind is map_start or kind is seq_start:
            if len(stack) >= max_depth:
                mark = event.start_mark
                raise _LoadError(
                    "QD104",
                    f"nesting is deeper than {max_depth} levels, far more than an instrument "
                    "needs; remove the extra levels (look for '[' or '{' that are never closed)",
                    mark.line,
                    mark.column,
                )
            if event.tag is not None and event.tag not in _CORE_TAGS:
                mark = event.start_mark
                _resolve_tagged("", event.tag, mark.line, mark.column)
            new: Any = {} if kind is map_start else []
            if is_map and key is no_key:
                mark = event.start_mark
                raise _LoadError(
                    "QD110",
                    "a key must be plain text, not a list or mapping",
                    mark.line,
                    mark.column,
                )
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            stack.append((container, is_map, key, event.anchor, nodes, event.start_mark))
            container, is_map, key = new, kind is map_start, no_key
            nodes += 1
            continue
        elif kind is map_end or kind is seq_end:
            value = container
            container, is_map, key, anchor, nodes_at_start, _ = stack.pop()
            if anchor is not None:
                open_anchors.discard(anchor)
                anchors[anchor] = (value, nodes - nodes_at_start)
            if not stack:
                root = value
                continue
        elif kind is alias_event:
            mark = event.start_mark
            name = event.anchor
            if name in open_anchors:
                raise _LoadError(
                    "QD105",
                    f"the alias *{name} refers to a collection that contains it; remove the alias",
                    mark.line,
                    mark.column,
                )
            if name not in anchors:
                raise _LoadError(
                    "QD105",
                    f"the alias *{name} names no anchor; define &{name} before using it",
                    mark.line,
                    mark.column,
                )
            value, size = anchors[name]
            nodes += size
            if nodes > max_nodes:
                raise _LoadError(
                    "QD105",
                    f"aliases expand this document beyond {max_nodes:,} nodes "
                    "(a 'billion laughs' document?); write the data out or use fewer aliases",
                    mark.line,
                    mark.column,
                )
        elif kind is doc_start:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _LoadError(
                    "QD109",
                    "a file holds one instrument, but a second YAML document starts here; "
                    "remove it (or the '---' line)",
                    mark.line,
                    mark.column,
                )
            continue
        else:
            continue

        # A finished value (scalar, alias, or closed collection) goes into its parent.
        if container is None:
            root = value
        elif is_map:
            if key is no_key:
                if kind is scalar_event:
                    key = event.value  # keys are text as written: "1:" is the key "1"
                elif isinstance(value, str):
                    key = value
                else:
                    mark = event.start_mark
                    raise _LoadError("QD110", "a key must be plain text", mark.line, mark.column)
                if key in container:
                    mark = event.start_mark
                    raise _LoadError(
                        "QD106",
                        f"the key {key!r} appears twice in this mapping; keep one",
                        mark.line,
                        mark.column,
                    )
            else:
                container[key] = value
                key = no_key
        else:
            container.append(value)
    return root


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


# --------------------------------------------------------------------------- documents


@dataclass
class Document:
    """One parsed file: its text, its plain data, and (built on demand) positions."""

    path: Path
    text: str
    data: Any
    _source_map: SourceMap | None = field(default=None, repr=False)

    @property
    def source_map(self) -> SourceMap:
        if self._source_map is None:
            self._source_map = SourceMap.build(self.text)
        return self._source_map

    def locate(self, path: KeyPath, *, key: bool = False) -> Span:
        """The position of the value at ``path`` (or of its key, with ``key=True``)."""
        line, column = self.source_map.locate(path, key=key)
        return Span(self.path, line + 1, column + 1)

    def locate_offset(self, path: KeyPath, offset: int) -> Span:
        """The position of character ``offset`` inside the string at ``path``."""
        line, column = self.source_map.locate_offset(path, offset, self.text)
        return Span(self.path, line + 1, column + 1)


def _yaml_error(path: Path, source: str, error: Exception) -> Diagnostic:
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    mark = problem_mark or context_mark
    problem = str(getattr(error, "problem", None) or error)
    context = getattr(error, "context", None)
    if "end of stream" in problem and context and "quoted scalar" in context and context_mark:
        # Reported at the end of the file; the place to fix is the opening quote.
        return Diagnostic(
            "QD101",
            "YAML syntax error: this quoted text is never closed; add the closing quote "
            "(or remove the opening one)",
            Span(path, *_within(source, context_mark.line, context_mark.column)),
        )
    text = problem
    if context:
        started = ""
        if context_mark is not None and mark is not None and context_mark.line != mark.line:
            line, column = _within(source, context_mark.line, context_mark.column)
            started = f" started at line {line}, column {column}"
        text = f"{text} ({context}{started})"
    hint = _syntax_hint(text)
    span = Span(path, *_within(source, mark.line, mark.column)) if mark else Span(path, 1, 1)
    return Diagnostic("QD101", f"YAML syntax error: {text}; {hint}", span)


def _within(source: str, line: int, column: int) -> tuple[int, int]:
    """1-based line and column from a 0-based mark, kept inside the text.

    At the end of a file without a final line break, libyaml puts the mark
    on a line that does not exist; the end of the last line is meant.
    """
    lines = _BREAK.split(source)
    if line >= len(lines):
        line, column = len(lines) - 1, len(lines[-1])
    return line + 1, min(column, len(lines[line])) + 1


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a ': ' inside a value needs quotes around the whole value"
    if "found character '\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each key needs a ':' after it, and long texts need quotes"
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return "indent this line exactly like the keys (or '- ' items) it belongs with"
    if "did not find expected" in problem or "expected ',' or" in problem:
        return "check the brackets, indentation and quotes around here"
    return "check the indentation and quoting around here"


def parse(
    text: str, path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a :class:`Document`, or return located diagnostics."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415

    separators = [
        Diagnostic(
            "QD101",
            f"the character U+{ord(found.group()):04X} ({_SEPARATORS[found.group()]}) is read "
            "as a line break by YAML parsers; replace it with a space or a real line break",
            Span(path, *_line_column(text, found.start())),
        )
        for found in _SEPARATOR.finditer(text)
    ]
    if separators:
        return None, separators
    try:
        data = build_data(text, limits)
    except _LoadError as stop:
        return None, [
            Diagnostic(stop.code, stop.message, Span(path, stop.line + 1, stop.column + 1))
        ]
    except MarkedYAMLError as error:
        return None, [_yaml_error(path, text, error)]
    except YAMLError as error:  # unmarked reader errors (e.g. control characters)
        return None, [_reader_error(text, path, error)]
    except UnicodeEncodeError as error:  # only from str input: a lone surrogate
        bad = text[error.start]
        return None, [
            Diagnostic(
                "QD102",
                f"U+{ord(bad):04X} is half of a surrogate pair, not a character; remove it",
                Span(path, *_line_column(text, error.start)),
            )
        ]
    if data is None:
        return None, [
            Diagnostic(
                "QD107",
                "the file holds no instrument; start it with 'qdef: 1', then id, title, "
                "language and sections",
                Span(path, 1, 1),
            )
        ]
    return Document(path, text, data), []


#: Characters YAML 1.1 parsers (libyaml) break lines at, but editors do not:
#: every position after one would be off by a line.
_SEPARATORS = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}
_SEPARATOR = re.compile("[\x85\u2028\u2029]")
_BREAK = re.compile(r"\r\n|\r|\n")


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line, start = 1, 0
    for found in _BREAK.finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


def _reader_error(text: str, path: Path, error: Exception) -> Diagnostic:
    """A character YAML does not allow (NUL, other control characters), located."""
    code = getattr(error, "character", None)
    index = text.find(chr(code)) if isinstance(code, int) else -1
    if index < 0:
        return Diagnostic("QD101", f"YAML error: {error}", Span(path, 1, 1))
    return Diagnostic(
        "QD101",
        f"the control character U+{code:04X} is not allowed in YAML; remove it "
        "(it is invisible in most editors)",
        Span(path, *_line_column(text, index)),
    )


def decode(raw: bytes, path: Path) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text from bytes (a UTF-8 BOM is dropped), or a located QD102."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Diagnostic(
                "QD102",
                "the file is UTF-16; save it as UTF-8",
                Span(path, 1, 1),
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:2]:  # UTF-16 without a byte order mark ("q\0d\0e\0f\0" ...)
        return None, [
            Diagnostic(
                "QD102", "the file looks like UTF-16 or UTF-32; save it as UTF-8", Span(path, 1, 1)
            )
        ]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")  # valid up to the first bad byte
        line, column = _line_column(before, len(before))
        byte = raw[error.start]
        return None, [
            Diagnostic(
                "QD102",
                f"the byte 0x{byte:02x} is not UTF-8; save the file as UTF-8 "
                "(it may have been written as Latin-1 or Windows-1252)",
                Span(path, line, column),
            )
        ]


def load_file(
    path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[Document | None, list[Diagnostic]]:
    """Read, decode and parse one file. I/O problems come back as QD002."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(limits.max_bytes + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Diagnostic("QD002", f"cannot read the file: {reason}", Span(path, 1, 1))]
    if len(raw) > limits.max_bytes:
        return None, [
            Diagnostic(
                "QD103",
                f"the file is larger than {limits.max_bytes:,} bytes, far more than an "
                "instrument needs; check that this is the right file",
                Span(path, 1, 1),
            )
        ]
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    return parse(text, path, limits)


def _short_tag(tag: str) -> str:
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )
