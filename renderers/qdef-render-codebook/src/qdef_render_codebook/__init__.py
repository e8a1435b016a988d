"""qdef renderers for a codebook (data dictionary) of an instrument.

Two renderers, registered under the entry-point group ``qdef.renderers``:

- ``codebook`` — CSV, one row per variable (:class:`CodebookRenderer`);
- ``codebook-md`` — the same table as a Markdown document (:class:`CodebookMarkdownRenderer`).

This module is what the entry points name, and ``qdef renderers`` imports it
to read the class attributes: it imports only the standard library. The
work is done in :mod:`qdef_render_codebook.table` (the rows) and
:mod:`qdef_render_codebook.output` (CSV and Markdown), imported when rendering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from qdef.rendering import Compiled, RenderOptions, Wording

__all__ = ["CodebookMarkdownRenderer", "CodebookRenderer"]
__version__ = "0.1.0"


class CodebookRenderer:
    """The codebook as CSV (RFC 4180: ``\\r\\n`` line ends, UTF-8), one row per variable."""

    name = "codebook"
    suffix = ".csv"
    media_type = "text/csv; charset=utf-8"
    description = "codebook / data dictionary as CSV: one row per variable"
    options: ClassVar[dict[str, str]] = {
        "delimiter": "field separator: ',' (default), ';' (German Excel) or tab ('\\t' or 'tab')",
        "bom": "true: start with a UTF-8 byte order mark, for Excel (default false)",
        "formula_guard": (
            "prefix ' to cells starting with = + - @ tab, CR or ', "
            "so spreadsheets never run them as formulas (default true)"
        ),
        "limesurvey": (
            "true: add a column with each variable's LimeSurvey variable and answer codes, "
            "as qdef's limesurvey renderer writes them (default false)"
        ),
    }

    wording: ClassVar[Wording] = "lang"

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef_render_codebook.output import write_csv  # noqa: PLC0415

        return write_csv(compiled, options)


class CodebookMarkdownRenderer:
    """The codebook as a Markdown document: a title and one GFM table, one row per variable."""

    name = "codebook-md"
    suffix = ".md"
    media_type = "text/markdown; charset=utf-8"
    description = "codebook / data dictionary as a Markdown table: one row per variable"
    options: ClassVar[dict[str, str]] = {
        "limesurvey": CodebookRenderer.options["limesurvey"],
    }

    wording: ClassVar[Wording] = "lang"

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef_render_codebook.output import write_markdown  # noqa: PLC0415

        return write_markdown(compiled, options)
