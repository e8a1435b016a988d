"""The ``html`` renderer: a self-contained web form (the class only; the writing is in
:mod:`qdef.renderers.webform.writer`, imported when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from qdef.rendering import BaseRenderer

if TYPE_CHECKING:
    from qdef.rendering import Compiled, RenderOptions


class HtmlRenderer(BaseRenderer):
    """One HTML page that works offline: live routing, answer checks, keyboard and
    screen-reader access, answers saved as JSON, a print style sheet."""

    name = "html"
    suffix = ".html"
    media_type = "text/html; charset=utf-8"
    description = "standalone web form (one HTML file: live routing, checks, answers as JSON)"
    options: ClassVar[dict[str, str]] = {
        "languages": "all (default): every language of the instrument, with a switcher "
        "(shown first: --lang); one: only the language rendered",
    }

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef.renderers.webform.writer import write  # noqa: PLC0415

        return write(compiled, options)
