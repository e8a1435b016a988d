"""The paper questionnaire: the ``markdown`` renderer and the ``pdf`` renderer (the
classes only; the writing is in :mod:`qdef.renderers.paper.writer`, the PDF's in
:mod:`qdef.renderers.paper.pdf`, imported when rendering). Both print the same
layout: the writer's blocks (:mod:`qdef.renderers.paper.blocks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from qdef.rendering import BaseRenderer

if TYPE_CHECKING:
    from qdef.rendering import Compiled, RenderOptions


class MarkdownRenderer(BaseRenderer):
    """Paper questionnaire in CommonMark + GFM tables, in the style of a printed survey:
    numbered questions, ○ and ☐ boxes, sized blanks, matrix tables, routing notes."""

    name = "markdown"
    suffix = ".md"
    media_type = "text/markdown; charset=utf-8"
    description = "printable paper questionnaire (Markdown with tables and routing notes)"

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef.renderers.paper.writer import write  # noqa: PLC0415

        return write(compiled, options)


class PdfRenderer(BaseRenderer):
    """The paper questionnaire as a print-ready PDF (A4 or US Letter), laid out by
    WeasyPrint from the Markdown renderer's layout with qdef's print CSS: page
    numbers, the title and version in the footer, lines with room to write."""

    name = "pdf"
    suffix = ".pdf"
    media_type = "application/pdf"
    description = "print-ready paper questionnaire (PDF, A4 or Letter; needs qdef[pdf])"
    options: ClassVar[dict[str, str]] = {"page": "paper size: a4 (default) or letter"}

    def render(self, compiled: Compiled, options: RenderOptions) -> bytes:
        from qdef.renderers.paper.pdf import pdf  # noqa: PLC0415

        return pdf(compiled, options)
