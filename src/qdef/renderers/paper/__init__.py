"""The ``markdown`` renderer: a printable paper questionnaire (the class only; the
writing is in :mod:`qdef.renderers.paper.writer`, imported when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
