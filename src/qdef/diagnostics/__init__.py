"""Problems found in instruments: where they are, what they are, how to fix them.

Every layer (YAML, structure, model, semantics, expressions) reports through
:class:`Diagnostic`. A diagnostic carries a stable code (``Code.QD402``, one of the
registry :mod:`qdef.diagnostics.codes`), a message
that says what to do, and a :class:`Span` (file, 1-based line and column).
Formatters turn a list of diagnostics into human text, JSON, or GitHub
workflow annotations. Each prints at most :data:`PRINT_LIMIT` diagnostics of
one code per file and says how many more there are (the Python API keeps
them all), and shows every invisible or control character of what it echoes
escaped (:func:`visible`), so that a file cannot write to a terminal or a CI
log through its diagnostics.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qdef.diagnostics.codes import Code, Layer, Severity

__all__ = [
    "PRINT_LIMIT",
    "Code",
    "Diagnostic",
    "Layer",
    "Omitted",
    "QdefError",
    "Severity",
    "Span",
    "capped",
    "format_github",
    "format_json",
    "format_line",
    "format_text",
    "github_data",
    "github_property",
    "has_errors",
    "json_text",
    "sort_diagnostics",
    "summary",
    "to_dict",
    "visible",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A position in a source file; ``line`` and ``column`` are 1-based."""

    file: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable code, a message that says how to fix it, a place.

    ``excerpt`` optionally shows the offending source text (e.g. a condition)
    with a caret under ``excerpt_column`` (0-based offset into ``excerpt``).
    """

    code: Code
    message: str
    span: Span | None
    severity: Severity = "error"
    excerpt: str | None = field(default=None, compare=False)
    excerpt_column: int = field(default=0, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return ("", 0, 0, self.code)
        return (str(self.span.file), self.span.line, self.span.column, self.code)


class QdefError(Exception):
    """Raised when an instrument cannot be used; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        summary = format_line(first) if first else "invalid instrument"
        more = len(self.diagnostics) - 1
        super().__init__(summary + (f" (and {more} more)" if more > 0 else ""))


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, line, column, code; drop exact duplicates."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=Diagnostic.sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


# --------------------------------------------------------------------------- echoed input

#: Characters never printed as they are: C0 and C1 controls and DEL (ESC starts
#: terminal escape sequences, CR and backspace rewrite a line), format characters
#: (bidirectional overrides and isolates, zero-width characters, soft hyphen,
#: byte order mark), surrogates, unassigned code points (U+FFFE, U+FFFF ...), and
#: the line and paragraph separators.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def visible(text: str) -> str:
    """``text`` with every control or invisible character written as an escape
    (``\\x1b``, ``\\u202e``, ``\\t``): what qdef echoes of a file (keys, values, codes,
    excerpts, file names) cannot move the cursor, recolour or hide a line, or
    reorder what follows it."""
    if text.isprintable():  # the usual case, tested in C
        return text
    from unicodedata import category  # noqa: PLC0415  (here: what every command imports stays small)

    return "".join(_escape(char, category) for char in text)


def _escape(char: str, category: Callable[[str], str]) -> str:
    if category(char) not in _HIDDEN_CATEGORIES:
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _visible_excerpt(diagnostic: Diagnostic) -> tuple[str, int]:
    """The excerpt as printed, and where its caret goes (under the same character)."""
    excerpt = diagnostic.excerpt or ""
    column = diagnostic.excerpt_column
    return visible(excerpt), len(visible(excerpt[:column]))


# --------------------------------------------------------------------------- the cap

#: Diagnostics of one code printed per file; the rest are counted ("and 59,900
#: more"). A file that repeats one mistake 60,000 times is reported in about the
#: time it takes to parse, and its first problems are not scrolled away.
PRINT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Omitted:
    """``count`` diagnostics of ``code`` in ``file`` that were not printed."""

    file: Path | None
    code: Code
    count: int

    def sentence(self) -> str:
        return (
            f"and {self.count:,} more {self.code} problem{'' if self.count == 1 else 's'} "
            f"not shown (only the first {PRINT_LIMIT} of each code are printed per file); "
            "fix these and run again"
        )


def capped(
    diagnostics: Sequence[Diagnostic], limit: int | None = PRINT_LIMIT
) -> tuple[list[Diagnostic], list[Omitted]]:
    """The first ``limit`` diagnostics of each code in each file (in the order given),
    and how many of each were left out. ``limit=None`` keeps everything."""
    if limit is None:
        return list(diagnostics), []
    seen: Counter[tuple[Path | None, Code]] = Counter()
    shown: list[Diagnostic] = []
    for diagnostic in diagnostics:
        key = (diagnostic.span.file if diagnostic.span else None, diagnostic.code)
        seen[key] += 1
        if seen[key] <= limit:
            shown.append(diagnostic)
    omitted = [Omitted(file, code, n - limit) for (file, code), n in seen.items() if n > limit]
    return shown, omitted


# --------------------------------------------------------------------------- text


def format_line(diagnostic: Diagnostic) -> str:
    """``file:line:col: error QD402: message`` — the compiler convention (escaped:
    :func:`visible`)."""
    where = f"{visible(str(diagnostic.span))}: " if diagnostic.span else ""
    return f"{where}{diagnostic.severity} {visible(diagnostic.code)}: {visible(diagnostic.message)}"


def format_text(diagnostics: Sequence[Diagnostic], limit: int | None = PRINT_LIMIT) -> str:
    """One line per diagnostic (and the excerpt with a caret under the place);
    at most ``limit`` of each code per file, then one line saying how many more."""
    shown, omitted = capped(diagnostics, limit)
    lines: list[str] = []
    for diagnostic in shown:
        lines.append(format_line(diagnostic))
        if diagnostic.excerpt is not None:
            excerpt, column = _visible_excerpt(diagnostic)
            lines.append("    " + excerpt)
            lines.append("    " + " " * column + "^")
    for more in omitted:
        where = f"{visible(str(more.file))}: " if more.file is not None else ""
        lines.append(f"{where}{more.sentence()}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


# --------------------------------------------------------------------------- json


def to_dict(diagnostic: Diagnostic) -> dict[str, object]:
    """The JSON form of one diagnostic; ``message`` escaped as in the text format."""
    span = diagnostic.span
    return {
        "file": str(span.file) if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "severity": diagnostic.severity,
        "code": visible(diagnostic.code),
        "message": visible(diagnostic.message),
    }


def format_json(
    diagnostics: Sequence[Diagnostic], files: int, limit: int | None = PRINT_LIMIT
) -> str:
    """``{"diagnostics": [...], "summary": {...}}``: at most ``limit`` diagnostics of
    each code per file, those left out counted in ``"omitted"`` (present only when
    something was); the summary counts everything."""
    errors = sum(1 for d in diagnostics if d.is_error)
    shown, omitted = capped(diagnostics, limit)
    document: dict[str, object] = {"diagnostics": [to_dict(d) for d in shown]}
    if omitted:
        document["omitted"] = [
            {"file": str(o.file) if o.file else None, "code": o.code, "count": o.count}
            for o in omitted
        ]
    document["summary"] = {
        "files": files,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
    }
    return json_text(document)


def json_text(document: object) -> str:
    """``document`` as indented JSON that shows nothing invisible on a terminal: JSON
    escapes C0 controls itself; C1 controls, separators and format characters (in
    file names, or texts a message quotes) are written as \\u escapes too, which
    a JSON reader turns back into the same characters."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return re.sub(_JSON_HIDDEN, lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


#: Compiled on first use (by re's cache), not when every command imports this module.
_JSON_HIDDEN = (
    "[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


# --------------------------------------------------------------------------- github


def github_data(text: str) -> str:
    """``text`` as the message of a GitHub workflow command: on one line, with nothing
    invisible (:func:`visible` escapes line breaks and controls), ``%`` as GitHub
    reads it."""
    return visible(text).replace("%", "%25")


def github_property(text: str) -> str:
    """``text`` as a property of a workflow command (``file=``, ``title=``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…::message``)."""
    shown, omitted = capped(diagnostics)
    out: list[str] = []
    for d in shown:
        props: list[str] = []
        if d.span:
            props += [
                f"file={github_property(str(d.span.file))}",
                f"line={d.span.line}",
                f"col={d.span.column}",
            ]
        props.append(f"title={github_property(d.code)}")
        out.append(f"::{d.severity} {','.join(props)}::{github_data(d.message)}")
    for more in omitted:
        file = f"file={github_property(str(more.file))}," if more.file else ""
        title = github_property(more.code)
        out.append(f"::notice {file}title={title}::{github_data(more.sentence())}")
    return "\n".join(out) + ("\n" if out else "")
