"""The ``html`` renderer: a self-contained web form (the class only; the writing is in
:mod:`qdef.renderers.webform.writer`, imported when rendering)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.rendering.protocol import RenderOptions


class HtmlRenderer:
    """One HTML page that works offline: live routing, answer checks, keyboard and
    screen-reader access, answers saved as JSON, a print style sheet."""

    name = "html"
    suffix = ".html"
    media_type = "text/html; charset=utf-8"
    description = "standalone web form (one HTML file: live routing, checks, answers as JSON)"
    options: ClassVar[dict[str, str]] = {}

    def render(self, instrument: Instrument, options: RenderOptions) -> str:
        from qdef.renderers.webform.writer import write  # noqa: PLC0415

        return write(instrument, options)
