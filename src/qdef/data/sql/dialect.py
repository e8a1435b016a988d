"""The few places where SQL engines spell the checks differently.

The checks are written in a small portable subset (docs/data.md, "The portable
subset"): ``CASE``, ``AND``/``OR``/``NOT``, ``IS NULL``, ``=``/``<``/…, ``IN``,
``NULLIF``, ``COALESCE``, ``||``, ``LENGTH``, ``SUBSTR``, ``TRIM``, ``LOWER``, ``ABS``, ``ROUND``,
``CAST(… AS <double>)``, ``CAST(… AS INTEGER)``, ``UNION ALL``, ``COUNT``/``SUM``,
and one regular-expression test. Only the spelling of the floating-point type, of a
whole-text regular-expression match and of a quoted name differs between the
engines qdef knows; everything else is the same text everywhere, so a dialect is a
handful of strings, not a second compiler.

The patterns qdef writes (its formats, an instrument's ``pattern``, code lists) keep
to the subset of docs/format.md ("Patterns"), which reads alike in RE2 (DuckDB,
Trino's default), POSIX-extended-with-classes (PostgreSQL's ``~``), Java (Spark)
and Python's ``re`` (SQLite, where qdef registers the function).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one engine spells the parts of the subset that differ."""

    name: str
    double: str
    """The floating-point type for ``CAST(x AS <double>)``."""
    full_match: str
    """A whole-text regular-expression match, with ``{text}`` and ``{pattern}`` (a
    quoted literal of the bare pattern, unanchored)."""
    quote_open: str = '"'
    quote_close: str = '"'
    backslash_escapes: bool = False
    materialized: bool = True
    """Whether ``WITH name AS MATERIALIZED (…)`` is understood: the few rows with
    findings are then kept once for the one ``SELECT`` per finding slot."""
    """Whether a backslash escapes in a string literal (Spark's default): then it is
    doubled."""

    def lit(self, text: str) -> str:
        """``text`` as a string literal of this engine (see :func:`literal`)."""
        return literal(text.replace("\\", "\\\\") if self.backslash_escapes else text)

    def ident(self, name: str) -> str:
        """``name`` as a quoted identifier: a column named after an instrument's variable
        is always quoted, its quote character doubled, so no name can end the quoting."""
        close = self.quote_close
        return f"{self.quote_open}{name.replace(close, close + close)}{close}"

    def match(self, text: str, pattern: str) -> str:
        """Whether the whole of ``text`` (an SQL expression) matches ``pattern`` (a
        regular expression, as text)."""
        anchored = pattern if self.name in ("duckdb", "sqlite") else f"^(?:{pattern})$"
        return self.full_match.format(text=text, pattern=self.lit(anchored))


def literal(text: str) -> str:
    """``text`` as an SQL string literal: quotes doubled, nothing else special (the
    standard's rule, which DuckDB, SQLite, PostgreSQL (standard_conforming_strings,
    its default since 9.1), Spark and Trino follow; Spark also doubles backslashes,
    :meth:`Dialect.lit`). A NUL cannot be in a literal: refused."""
    if "\x00" in text:
        raise ValueError("a NUL character cannot be written in an SQL literal")
    return "'" + text.replace("'", "''") + "'"


#: The engines qdef writes the checks for. ``sqlite``: the same text as ``duckdb``,
#: with ``regexp_full_match`` registered by the caller (Python's ``re.fullmatch``).
DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect("duckdb", "DOUBLE", "regexp_full_match({text}, {pattern})"),
    "sqlite": Dialect("sqlite", "DOUBLE", "regexp_full_match({text}, {pattern})"),
    "postgresql": Dialect("postgresql", "DOUBLE PRECISION", "({text} ~ {pattern})"),
    "trino": Dialect("trino", "DOUBLE", "regexp_like({text}, {pattern})", materialized=False),
    "spark": Dialect("spark", "DOUBLE", "({text} RLIKE {pattern})", "`", "`", True, False),
}


__all__ = ["DIALECTS", "Dialect", "literal"]
