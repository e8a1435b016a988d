"""Reading instrument files: bounded, UTF-8, parsed fast, located only when needed.

A file is read up to ``Limits.max_bytes``, decoded as UTF-8, and turned into
plain data by :mod:`qdef.source.yamldata` (which holds the other bounds). Every
problem comes back as a located :class:`~qdef.diagnostics.Diagnostic`.

The same pass records where each value starts, as packed integers (a few
attribute reads per node, no second parse); turning a key path into a line
and column is left until a later layer has something to report
(:class:`~qdef.source.positions.SourceMap`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qdef.diagnostics import Code, Diagnostic, Span
from qdef.source.positions import KeyPath, SourceMap, offsets_in_scalar
from qdef.source.yamldata import (
    DEFAULT_LIMITS,
    Limits,
    Positions,
    YamlDataError,
    build_data,
    build_located,
    flow_entry,
    quoted,
    split_lines,
)

__all__ = ["DEFAULT_LIMITS", "Document", "Limits", "build_data", "decode", "load_file", "parse"]

# --------------------------------------------------------------------------- documents


@dataclass
class Document:
    """One parsed file: its text, its plain data, and (built on demand) positions."""

    path: Path
    text: str
    data: Any
    positions: Positions = field(repr=False)
    """Where the values of ``data`` start in ``text`` (recorded while parsing)."""
    problems: tuple[Diagnostic, ...] = ()
    """Errors found while reading that did not stop it (QD112: a character no text
    may hold, left out of ``data``). The document is checked further (as it will be
    once the escapes are removed) so that one run shows every problem, but it is
    not a usable instrument."""
    _source_map: SourceMap | None = field(default=None, repr=False)

    @property
    def source_map(self) -> SourceMap:
        if self._source_map is None:
            self._source_map = SourceMap(self.data, self.positions, self.text)
        return self._source_map

    def locate(self, path: KeyPath, *, key: bool = False) -> Span:
        """The position of the value at ``path`` (or of its key, with ``key=True``)."""
        line, column = self.source_map.locate(path, key=key)
        return Span(self.path, line + 1, column + 1)

    def locate_offset(self, path: KeyPath, offset: int) -> Span:
        """The position of character ``offset`` inside the string at ``path``."""
        line, column = self.source_map.locate_offset(path, offset)
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
            Code.QD101,
            "YAML syntax error: this quoted text is never closed; add the closing quote "
            "(or remove the opening one)",
            Span(path, *_within(source, context_mark.line, context_mark.column)),
        )
    flow = _flow_problem(source, problem, context, mark, context_mark)
    if flow is not None and mark is not None:
        return Diagnostic(Code.QD101, flow, Span(path, *_within(source, mark.line, mark.column)))
    if "invalid Unicode character escape" in problem:
        problem += (
            " (\\uD800-\\uDFFF are halves of surrogate pairs, not characters; "
            "write the character itself, or \\U and its eight hex digits)"
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
    return Diagnostic(Code.QD101, f"YAML syntax error: {text}; {hint}", span)


def _flow_problem(
    source: str, problem: str, context: str | None, mark: Any, started: Any
) -> str | None:
    """A character that ends a text inside ``{...}`` or ``[...]`` (``{label: Why?}``),
    said as such, with the quoted text to write instead. Only for brackets opened
    on the same line: one left open is the other common cause."""
    if mark is None or started is None or started.line != mark.line:
        return None
    if "while parsing a flow" not in (context or ""):
        return None
    if not problem.startswith("did not find expected ','"):
        return None
    lines = split_lines(source)
    row = lines[mark.line] if mark.line < len(lines) else ""
    found = row[mark.column : mark.column + 1]
    if not found or found in ",]}":
        return None
    # the text the character belongs to, as meant: in a mapping, up to the next
    # 'key:' entry or the closing '}' (it may hold more ',' and '?')
    mapping = "mapping" in (context or "")
    start, end, _ = flow_entry(row, started.column, mark.column, mapping=mapping)
    bracket = "{...}" if mapping else "[...]"
    return (
        f"YAML syntax error: inside '{bracket}' the {found!r} here cannot be part of a text "
        "written without quotes, and ends it; put the whole text in quotes: "
        f"{quoted(row[start:end].strip())}"
    )


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
    """Parse YAML text into a :class:`Document`, or return located diagnostics.

    Characters no text may hold (QD112) come back with the document: every one of
    them is reported, and the document (without them, as if their escapes had been
    removed) is still checked, its ``problems`` holding them."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415

    separators = [
        Diagnostic(
            Code.QD101,
            f"the character U+{ord(found.group()):04X} ({_SEPARATORS[found.group()]}) is read "
            "as a line break by YAML parsers; replace it with a space or a real line break",
            Span(path, *_line_column(text, found.start())),
        )
        for found in _SEPARATOR.finditer(text)
    ]
    if separators:
        return None, separators
    refused: list[YamlDataError] = []  # QD112: reported, but the reading goes on
    try:
        data, positions = build_located(text, limits, refused)
    except YamlDataError as stop:
        return None, _located(text, path, [*refused, stop])
    except MarkedYAMLError as error:
        return None, [*_located(text, path, refused), _yaml_error(path, text, error)]
    except YAMLError as error:  # unmarked reader errors (e.g. control characters)
        return None, [*_located(text, path, refused), _reader_error(text, path, error)]
    except UnicodeEncodeError as error:  # only from str input: a lone surrogate
        bad = text[error.start]
        return None, [
            *_located(text, path, refused),
            Diagnostic(
                Code.QD102,
                f"U+{ord(bad):04X} is half of a surrogate pair, not a character; remove it",
                Span(path, *_line_column(text, error.start)),
            ),
        ]
    if refused:
        problems = _located(text, path, refused)
        return Document(path, text, data, positions, tuple(problems)), problems
    if data is None:
        return None, [
            Diagnostic(
                Code.QD107,
                "the file holds no instrument; start it with 'qdef: 1', then id, title, "
                "language and sections",
                Span(path, 1, 1),
            )
        ]
    return Document(path, text, data, positions), []


def _located(text: str, path: Path, errors: list[YamlDataError]) -> list[Diagnostic]:
    """Diagnostics for ``errors``, in their order; one about a character inside a
    text is put at that character (its escape). The errors about one scalar come
    one after the other, and the scalar is read once for all of them."""
    found: list[Diagnostic] = []
    lines: list[str] | None = None
    index = 0
    while index < len(errors):
        error = errors[index]
        value, line, column = error.value, error.line, error.column
        if error.offset is None or value is None:
            found.append(Diagnostic(error.code, error.message, Span(path, line + 1, column + 1)))
            index += 1
            continue
        end = index + 1
        while end < len(errors) and _same_scalar(errors[end], error):
            end += 1
        group = errors[index:end]
        lines = split_lines(text) if lines is None else lines
        places = offsets_in_scalar(lines, line, column, value, [e.offset or 0 for e in group])
        for each, place in zip(group, places, strict=True):
            at_line, at_column = place if place is not None else (line, column)
            span = Span(path, at_line + 1, at_column + 1)
            found.append(Diagnostic(each.code, each.message, span))
        index = end
    return found


def _same_scalar(one: YamlDataError, other: YamlDataError) -> bool:
    return (one.line, one.column, one.value) == (other.line, other.column, other.value)


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
        return Diagnostic(Code.QD101, f"YAML error: {error}", Span(path, 1, 1))
    return Diagnostic(
        Code.QD101,
        f"the control character U+{code:04X} is not allowed in YAML; remove it "
        "(it is invisible in most editors)",
        Span(path, *_line_column(text, index)),
    )


def decode(raw: bytes, path: Path) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text from bytes (a UTF-8 BOM is dropped), or a located QD102."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            Diagnostic(
                Code.QD102,
                "the file is UTF-16; save it as UTF-8",
                Span(path, 1, 1),
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:2]:  # UTF-16 without a byte order mark ("q\0d\0e\0f\0" ...)
        return None, [
            Diagnostic(
                Code.QD102,
                "the file looks like UTF-16 or UTF-32; save it as UTF-8",
                Span(path, 1, 1),
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
                Code.QD102,
                f"the byte 0x{byte:02x} is not UTF-8; save the file as UTF-8 "
                "(it may have been written as Latin-1 or Windows-1252)",
                Span(path, line, column),
            )
        ]


def load_file(
    path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[Document | None, list[Diagnostic]]:
    """Read, decode and parse one file. A missing file is QD001, other I/O problems QD002."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(limits.max_bytes + 1)
    except FileNotFoundError:
        return None, [
            Diagnostic(Code.QD001, "no such file or directory; check the path", Span(path, 1, 1))
        ]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Diagnostic(Code.QD002, f"cannot read the file: {reason}", Span(path, 1, 1))]
    if len(raw) > limits.max_bytes:
        return None, [
            Diagnostic(
                Code.QD103,
                f"the file is larger than {limits.max_bytes:,} bytes, far more than an "
                "instrument needs; check that this is the right file",
                Span(path, 1, 1),
            )
        ]
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    return parse(text, path, limits)
