"""Problems found in instruments: where they are, what they are, how to fix them.

Every layer (YAML, structure, model, semantics, expressions) reports through
:class:`Diagnostic`. A diagnostic carries a stable code (``QD402``), a message
that says what to do, and a :class:`Span` (file, 1-based line and column).
Formatters turn a list of diagnostics into human text, JSON, or GitHub
workflow annotations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


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

    code: str
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


# --------------------------------------------------------------------------- text


def format_line(diagnostic: Diagnostic) -> str:
    """``file:line:col: error QD402: message`` — the compiler convention."""
    where = f"{diagnostic.span}: " if diagnostic.span else ""
    return f"{where}{diagnostic.severity} {diagnostic.code}: {diagnostic.message}"


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines: list[str] = []
    for diagnostic in diagnostics:
        lines.append(format_line(diagnostic))
        if diagnostic.excerpt is not None:
            lines.append("    " + diagnostic.excerpt)
            lines.append("    " + " " * diagnostic.excerpt_column + "^")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


# --------------------------------------------------------------------------- json


def to_dict(diagnostic: Diagnostic) -> dict[str, object]:
    span = diagnostic.span
    return {
        "file": str(span.file) if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
    }


def format_json(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    document = {
        "diagnostics": [to_dict(d) for d in diagnostics],
        "summary": {
            "files": files,
            "errors": errors,
            "warnings": len(diagnostics) - errors,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- github


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…::message``)."""
    out: list[str] = []
    for d in diagnostics:
        props: list[str] = []
        if d.span:
            props += [
                f"file={_escape_property(str(d.span.file))}",
                f"line={d.span.line}",
                f"col={d.span.column}",
            ]
        props.append(f"title={_escape_property(d.code)}")
        out.append(f"::{d.severity} {','.join(props)}::{_escape_data(d.message)}")
    return "\n".join(out) + ("\n" if out else "")
