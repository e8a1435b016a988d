"""Plain data from YAML text, built from libyaml's events: fast, safe and bounded.

qdef does not use ruamel's composer and constructors on the happy path; it
walks the C parser's events in one flat loop and builds ``dict``, ``list``,
``str``, ``int``, ``float``, ``bool`` and ``None`` directly. That is several
times faster, and it is where the bounds live:

- nesting depth (checked on every collection start, so a "[[[[…" bomb stops
  at the first level too deep instead of crashing ruamel's C composer),
- alias expansion (every alias adds the size of what it refers to, in nodes
  and in characters; a "billion laughs" document, or a few aliases of one huge
  text, is refused at the alias that crosses the limit),
- characters (no control characters but tab and line feed, no surrogates, no
  noncharacters: :data:`FORBIDDEN`; only an escape in a double-quoted scalar
  can write them, as YAML refuses them written as they are),
- tags (only YAML's core tags; nothing that constructs objects),
- YAML 1.2 core scalars always (``no``, ``on``, ``ja`` stay strings; no
  timestamps; no infinities), keys are text as written, no duplicate keys.

Problems raise :class:`YamlDataError` with a 0-based position.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qdef.diagnostics import Code

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
    alias_chars: int = 1_000_000
    """Characters of text (keys and scalars) that aliases may add to a document
    beyond the length of the file itself: what a file can make qdef hold in memory,
    and write out, stays within about twice its size plus this."""
    max_character_errors: int = 10_000
    """QD112 errors reported per file (every character refused is left out of the
    data all the same): a file of nothing but ``"\\0\\0…"`` escapes stays a few
    thousand diagnostics, not millions."""


DEFAULT_LIMITS = Limits()


class YamlDataError(Exception):
    """A problem in the YAML data, with a 0-based line and column.

    ``offset`` (with ``value``), if given, is the problem's place inside the scalar
    that starts at ``line`` and ``column``: the loader turns it into the position of
    that character in the source (an escape in a quoted text, say).
    """

    def __init__(
        self,
        code: Code,
        message: str,
        line: int,
        column: int,
        *,
        offset: int | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column
        self.offset, self.value = offset, value


#: Characters no text of an instrument may hold: C0 controls but tab and line feed
#: (line breaks are line feeds once read), DEL, C1 controls, the line and paragraph
#: separators (U+2028, U+2029: line breaks to some readers, not to others; written
#: as they are they are QD101), surrogates, and the noncharacters (U+FDD0-U+FDEF
#: and the last two code points of every plane).
#: Format characters (bidirectional marks and isolates, zero-width joiners, the
#: soft hyphen) are allowed: texts in Arabic, Hebrew or Persian need them;
#: qdef shows them escaped wherever it echoes them (:func:`qdef.diagnostics.visible`).
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


def _forbidden(
    value: str, found: re.Match[str], line: int, column: int, *, key: bool = False
) -> YamlDataError:
    char = found.group()
    code = ord(char)
    what = (
        "half of a surrogate pair, not a character"
        if 0xD800 <= code <= 0xDFFF
        else "a noncharacter"
        if code >= 0xFDD0
        else "a line or paragraph separator"
        if code in (0x2028, 0x2029)
        else "a control character"
    )
    return YamlDataError(
        Code.QD112,
        f"this {'key' if key else 'text'} holds U+{code:04X}, {what}, "
        "which qdef does not allow in any text "
        "(renderers and terminals would break on it); remove the escape that writes it",
        line,
        column,
        offset=found.start(),
        value=value,
    )


def _refuse_characters(
    value: str,
    first: re.Match[str],
    *,
    line: int,
    column: int,
    key: bool,
    found: list[YamlDataError] | None,
    limit: int,
) -> str:
    """``value`` with every character :data:`FORBIDDEN` (``first`` is the first one)
    removed, each recorded in ``found`` as a QD112 (up to ``limit`` of them in all):
    a refused character is an error, but the document can still be read and checked
    (as it will be once the escapes are removed, which is the fix QD112 asks for),
    so that one run shows every problem. Without ``found``, the first one is raised."""
    if found is None:
        raise _forbidden(value, first, line, column, key=key)
    for match in FORBIDDEN.finditer(value, first.start()):
        if len(found) >= limit:
            break
        found.append(_forbidden(value, match, line, column, key=key))
    return FORBIDDEN.sub("", value)


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
            raise YamlDataError(
                Code.QD111,
                f"{value!r} is not a finite number; write a number, or quote it to make it text",
                line,
                column,
            )
        return value
    if not -_MAX_NUMBER <= number <= _MAX_NUMBER:
        raise _too_large(value, line, column)
    return number


def _too_large(value: str, line: int, column: int) -> YamlDataError:
    shown = value if len(value) <= 24 else value[:20] + "..."
    return YamlDataError(
        Code.QD111,
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
        raise YamlDataError(Code.QD108, message, line, column)
    raise YamlDataError(
        Code.QD108,
        f"the tag {_short_tag(tag)} is not allowed; qdef reads plain YAML data: remove the tag",
        line,
        column,
    )


def events(text: str) -> Iterator[Any]:
    """libyaml's parse events for ``text``.

    A new C parser per call (it keeps per-parse state, so sharing one between
    threads would not be safe), read with its own ``get_event`` until it has no
    more: ``YAML.parse`` asks the parser twice per event (``check_event``, then
    ``get_event``) through a generator, which cost a quarter of the time of
    reading the events of a large file.
    """
    # Imported on first load, not on import qdef.
    from ruamel.yaml.cyaml import CBaseLoader  # noqa: PLC0415

    return iter(CBaseLoader(text).get_event, None)


def build_data(text: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Plain data from YAML text; raises :class:`YamlDataError` (located) or ruamel's
    errors (the first QD112 too)."""
    return build_located(text, limits)[0]


@dataclass(frozen=True, slots=True)
class Positions:
    """Where the values of data built by :func:`build_located` stand in the text.

    Recorded in the same pass as the data, as packed integers (``line << 32 |
    column``, 0-based) in one array per collection, found by the collection's
    ``id``: a mapping's array holds each entry's key and value position in
    insertion order, a sequence's array each item's position (a value reached
    through an alias has the alias's position; inside it, the anchor's). That costs a few
    attribute reads per node and no second parse; turning a key path into a
    line and column (:class:`qdef.source.positions.SourceMap`) is left until there is
    something to report. Valid only while the data it was built with is alive
    and unchanged (a :class:`qdef.source.loader.Document` keeps both).
    """

    root: int
    collections: dict[int, array[int]]


def build_located(  # noqa: PLR0915
    text: str, limits: Limits = DEFAULT_LIMITS, refused: list[YamlDataError] | None = None
) -> tuple[Any, Positions]:
    # One flat loop over the events on purpose: this is the hot path of every load.
    """Plain data from YAML text and the :class:`Positions` of its values; raises
    :class:`YamlDataError` (located) or ruamel's errors.

    With a list ``refused``, a character no text may hold (QD112) does not stop the
    reading: each one is added to the list (in document order) and left out of
    the data; the caller reports them (with whatever stopped the
    reading, if something did). Without it, the first one is raised."""
    from ruamel.yaml import events as ev  # noqa: PLC0415

    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    map_start, seq_start = ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    doc_start = ev.DocumentStartEvent

    no_key = _NO_KEY
    root: Any = None
    documents = 0
    # stack entries: (container, is_map, pending_key, anchor, nodes_at_start, chars_at_start,
    # start position, positions of the container's entries)
    stack: list[tuple[Any, bool, Any, str | None, int, int, int, array[int]]] = []
    container: Any = None
    collections: dict[int, array[int]] = {}
    places: array[int] = array("Q")  # the open collection's positions
    where = 0  # the position of the value just finished
    root_where = 0
    is_map = False
    key: Any = no_key
    anchors: dict[str, tuple[Any, int, int]] = {}  # value, nodes, characters
    open_anchors: set[str] = set()
    nodes = 0
    chars = 0  # characters of keys and scalars, aliases expanded
    max_depth, max_nodes = limits.max_depth, limits.max_nodes
    max_chars = len(text) + limits.alias_chars
    forbidden = FORBIDDEN.search
    max_refused = limits.max_character_errors
    written = ""  # the last scalar as written (escapes read; refused characters left out)
    flow_maps: set[int] = set()  # ids of the mappings written as {...}
    lines_of = _Lines(text)

    for event in events(text):
        kind = type(event)
        if kind is scalar_event:
            mark = event.start_mark
            where = mark.line << 32 | mark.column
            style = event.style
            value: Any = event.value
            chars += len(value)
            written = value
            if style == '"':  # only an escape can write a forbidden character
                bad = forbidden(value)
                if bad is not None:
                    is_key = is_map and key is no_key
                    written = value = _refuse_characters(
                        value,
                        bad,
                        line=mark.line,
                        column=mark.column,
                        key=is_key,
                        found=refused,
                        limit=max_refused,
                    )
            elif not value and not style and is_map and key is not no_key:
                _check_flow_entry(event, key, container, flow_maps, lines_of, stack[-1][6])
            tag = event.ctag  # ``tag`` is a property that makes it text: only if present
            if tag is not None:
                tag = str(tag)
                if tag != "!":  # "!" is the non-specific tag: the scalar is text
                    value = _resolve_tagged(value, tag, mark.line, mark.column)
            elif not style and (not value or value[:1] in _MAYBE_NOT_STR):
                value = _resolve_plain(value, mark.line, mark.column)
            nodes += 1
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1, len(event.value))
        elif kind is map_start or kind is seq_start:
            if len(stack) >= max_depth:
                mark = event.start_mark
                raise YamlDataError(
                    Code.QD104,
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
                raise YamlDataError(
                    Code.QD110,
                    "a key must be plain text, not a list or mapping",
                    mark.line,
                    mark.column,
                )
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            if kind is map_start and event.flow_style:
                flow_maps.add(id(new))
            mark = event.start_mark
            stack.append(
                (
                    container,
                    is_map,
                    key,
                    event.anchor,
                    nodes,
                    chars,
                    mark.line << 32 | mark.column,
                    places,
                )
            )
            container, is_map, key = new, kind is map_start, no_key
            places = collections[id(new)] = array("Q")
            nodes += 1
            continue
        elif kind is map_end or kind is seq_end:
            value = container
            container, is_map, key, anchor, nodes_at_start, chars_at_start, where, places = (
                stack.pop()
            )
            if anchor is not None:
                open_anchors.discard(anchor)
                anchors[anchor] = (value, nodes - nodes_at_start, chars - chars_at_start)
            if not stack:
                root, root_where = value, where
                continue
        elif kind is alias_event:
            mark = event.start_mark
            where = mark.line << 32 | mark.column
            name = event.anchor
            if name in open_anchors:
                raise YamlDataError(
                    Code.QD105,
                    f"the alias *{name} refers to a collection that contains it; remove the alias",
                    mark.line,
                    mark.column,
                )
            if name not in anchors:
                raise YamlDataError(
                    Code.QD105,
                    f"the alias *{name} names no anchor; define &{name} before using it",
                    mark.line,
                    mark.column,
                )
            value, size, length = anchors[name]
            nodes += size
            chars += length
            if chars > max_chars:
                raise YamlDataError(
                    Code.QD105,
                    f"the alias *{name} repeats {length:,} characters: with the aliases "
                    f"before it, the document grows to {chars:,} characters, more than the "
                    f"file's {len(text):,} plus {limits.alias_chars:,} (a 'billion laughs' "
                    "document?); write the text out where it is needed, or use fewer aliases",
                    mark.line,
                    mark.column,
                )
            if nodes > max_nodes:
                raise YamlDataError(
                    Code.QD105,
                    f"aliases expand this document beyond {max_nodes:,} nodes "
                    "(a 'billion laughs' document?); write the data out or use fewer aliases",
                    mark.line,
                    mark.column,
                )
        elif kind is doc_start:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise YamlDataError(
                    Code.QD109,
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
            root, root_where = value, where
        elif is_map:
            if key is no_key:
                if kind is scalar_event:
                    key = written  # keys are text as written: "1:" is the key "1"
                elif isinstance(value, str):
                    key = value
                else:
                    mark = event.start_mark
                    raise YamlDataError(
                        Code.QD110, "a key must be plain text", mark.line, mark.column
                    )
                if key in container:  # (refused characters left out: the key to be)
                    mark = event.start_mark
                    raise YamlDataError(
                        Code.QD106,
                        f"the key {key!r} appears twice in this mapping; keep one",
                        mark.line,
                        mark.column,
                    )
                places.append(where)
            else:
                container[key] = value
                places.append(where)
                key = no_key
        else:
            container.append(value)
            places.append(where)
    return root, Positions(root_where, collections)


#: Line breaks as YAML reads them (``str.splitlines`` also breaks at form feeds,
#: vertical tabs and U+001C-U+001E, which are no line breaks in YAML).
_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML counts them (not ``str.splitlines``, which also
    breaks at form feeds and other characters YAML reads as text)."""
    return _BREAK.split(text)


class _Lines:
    """The lines of a text, split on first use (only a suspicious entry needs them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None

    def __getitem__(self, row: int) -> str:
        if self.lines is None:
            self.lines = split_lines(self.text)
        return self.lines[row] if row < len(self.lines) else ""


def _check_flow_entry(  # noqa: PLR0917
    event: Any, key: Any, container: Any, flow_maps: set[int], lines: _Lines, opened: int
) -> None:
    """An empty value in ``{...}`` written without ':' (``{label: Bus, tram}``): the
    comma ended the text before it, and what followed became a key. Refused, with
    the way to write the comma into the text: the whole text the entry before it
    was meant to have (up to the next ``key:`` or the closing ``}``), quoted.
    ``opened`` is where the mapping starts (packed line and column)."""
    if id(container) not in flow_maps or not isinstance(key, str):
        return
    mark = event.start_mark
    row = lines[mark.line]
    before = row[: mark.column].rstrip(" \t")
    if before.endswith(":") or not before.endswith(key):
        return  # "key:" with nothing after it, or a key written on its own line
    column = len(before) - len(key)
    previous = next(reversed(container.items()), None)
    example = ""
    if previous is not None and isinstance(previous[1], str):
        brace = opened & 0xFFFFFFFF if opened >> 32 == mark.line else -1
        start, end, keyed = flow_entry(row, brace, column, mapping=True)
        if not keyed or row[start : start + 1] in ("'", '"'):
            # the text before is on an earlier line, or was quoted: it is known as read
            written = f"{previous[1]}, {row[column:end].strip()}"
        else:
            written = row[start:end].strip()
        example = f": {previous[0]}: {quoted(written)}"
    raise YamlDataError(
        Code.QD113,
        f"inside '{{...}}' a comma ends an entry, so '{key}' was read as a key without a "
        "value; if the comma belongs to the text before it, put that text in quotes"
        f"{example}",
        mark.line,
        column,
    )


def quoted(text: str) -> str:
    """``text`` in double quotes, as YAML reads it back (``"`` and ``\\`` escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flow_entry(row: str, opened: int, at: int, *, mapping: bool) -> tuple[int, int, bool]:
    """Where the text of the entry holding column ``at`` of a flow collection
    (``{...}`` or ``[...]``) written on ``row`` starts and ends, as its author meant
    it: a text written without quotes may hold ``,`` or ``?`` (the YAML parser ends
    it there), so in a mapping the text runs to the next ``key:`` entry or to the
    closing bracket. ``opened`` is the column of the opening bracket (-1 if it is on
    an earlier line); the third value says whether the entry has a key (then the
    start is its value's). Quoted texts, nested brackets and a comment are skipped.
    One pass over the row, no regular expression: it cannot backtrack."""
    n = len(row)
    i = opened + 1
    entries: list[tuple[int, int, int, bool]] = []  # where it starts, its text starts, end, key
    while i <= n:
        # one segment: up to a ',' or the closing bracket at depth 0 (or the row's end)
        segment, value_start, depth, closed = i, -1, 0, False
        fresh = True  # only blanks since the segment or its value started
        while i < n:
            char = row[i]
            if char in " \t":
                i += 1
                continue
            if char in "\"'" and fresh:  # a quoted text: its ',' and '}' are its own
                fresh, after = False, _after_quoted(row, i)
                if after > i:
                    i = after
                    continue
            fresh = False
            if char == "#" and i > 0 and row[i - 1] in " \t":
                n = i  # a comment: the rest of the row is not text
                break
            if char in "[{":
                depth += 1
            elif char in "]}":
                if depth == 0:
                    closed = True
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            elif (
                char == ":"
                and mapping
                and value_start < 0
                and depth == 0
                and (i + 1 >= n or row[i + 1] in " \t,]}")
            ):
                value_start, fresh = i + 1, True
            i += 1
        end = min(i, n)
        if row[segment:end].strip():
            if mapping and value_start < 0 and entries:  # more of the entry before
                entries[-1] = (*entries[-1][:2], end, entries[-1][3])
            elif value_start < 0:
                entries.append((segment, segment, end, False))
            else:
                while value_start < end and row[value_start] in " \t":
                    value_start += 1
                entries.append((segment, value_start, end, True))
        if closed or i >= n:
            break
        i += 1  # past the ','
    for start, text, end, keyed in entries:
        if start <= at <= end:
            return text, end, keyed
    return (entries[-1][1], entries[-1][2], entries[-1][3]) if entries else (at, n, False)


def _after_quoted(row: str, i: int) -> int:
    """The index after the quoted text that starts at ``row[i]`` (-1 if it is not
    closed on the row: then the quote is taken as a character of a plain text)."""
    quote, n = row[i], len(row)
    i += 1
    while i < n:
        if quote == '"' and row[i] == "\\":
            i += 2
            continue
        if row[i] == quote:
            if quote == "'" and row[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()


def _short_tag(tag: str) -> str:
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )
