"""The paper questionnaire as a print-ready PDF (the ``pdf`` renderer).

The questionnaire is the Markdown writer's (:func:`~qdef.renderers.paper.writer.structure`),
as HTML (:mod:`qdef.renderers.paper.html`) with qdef's print CSS (``print.css``),
laid out by WeasyPrint (an HTML/CSS to PDF engine: no browser). This module adds
the page: its size (A4 or US Letter), margins and footer — the instrument's title
and version on the left, "Seite 2 von 5" on the right, in the language rendered.

The bytes are the same for the same instrument, options and WeasyPrint: the PDF
has no creation or modification date (none is true of a questionnaire written
from a definition), and its file identifier is a hash of the HTML.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from typing import Any, Literal

from qdef.renderers.paper.writer import structure
from qdef.rendering import Compiled, RenderError, RenderOptionError, RenderOptions, Words

Page = Literal["a4", "letter"]
#: The page sizes, as CSS ``size`` values.
PAGES: dict[str, str] = {"a4": "A4", "letter": "letter"}
#: Margins: top, right, bottom (with the footer), left (room to staple or punch).
MARGINS = "18mm 18mm 22mm 22mm"
#: Stand-ins for the page numbers in the catalogue's "Seite {page} von {pages}".
_PAGE, _PAGES = "\x00page\x00", "\x00pages\x00"
#: The footer's type: small, and as high as the body's lines.
FOOTER = (
    'font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; vertical-align: top; '
    "padding-top: 5mm;"
)
#: How to install the extra (qdef is installed from a checkout or a wheel built from it).
INSTALL = "pip install '.[pdf]' in the checkout, or a wheel with [pdf] after its name"


def page_size(options: RenderOptions) -> str:
    """The ``-O page=`` option as a CSS page size (A4 unless asked for)."""
    page = str(options.settings.get("page", "a4")).strip().lower()
    if page not in PAGES:
        raise RenderOptionError(f"-O page={page}: use {' or '.join(PAGES)}")
    return PAGES[page]


def html(compiled: Compiled, options: RenderOptions) -> str:
    """The questionnaire as one HTML document with its print style and page rules."""
    _require()
    from qdef.renderers.paper.html import document  # noqa: PLC0415  (needs markdown-it)

    size = page_size(options)
    words = Words(compiled, options)
    instrument = compiled.instrument
    title = " ".join(words.text(instrument.title).split())
    footer = title
    if instrument.version is not None:
        footer += " · " + options.chrome("version", version=instrument.version)
    counter = options.chrome("page_of", page=_PAGE, pages=_PAGES)
    style = (resources.files("qdef.renderers.paper") / "print.css").read_text(encoding="utf-8")
    page = (
        f"@page {{\n    size: {size};\n    margin: {MARGINS};\n"
        f"    @bottom-left {{ content: {css_string(footer)}; {FOOTER} width: 78%; }}\n"
        f"    @bottom-right {{ content: {_counter(counter)}; {FOOTER} white-space: nowrap; }}\n"
        "}\n"
    )
    return document(
        structure(compiled, options),
        lang=options.lang,
        title=title,
        generator="qdef",
        style=page + style,
    )


def pdf(compiled: Compiled, options: RenderOptions) -> bytes:
    """The PDF of :func:`html`, laid out by WeasyPrint."""
    return written(*laid_out(compiled, options))


def laid_out(compiled: Compiled, options: RenderOptions) -> tuple[str, Any]:
    """The HTML of :func:`html` and WeasyPrint's layout of it (a ``Document``: its
    pages and boxes, which tests measure)."""
    text = html(compiled, options)
    from weasyprint import HTML  # noqa: PLC0415

    return text, HTML(string=text, base_url=None).render()


def written(text: str, document: Any) -> bytes:
    """The PDF of a laid out ``document`` (of the HTML ``text``): no dates, and a hash
    of ``text`` as its file identifier, so that the same input gives the same bytes."""
    identifier = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32].encode("ascii")
    result = document.write_pdf(pdf_identifier=identifier)
    assert isinstance(result, bytes)
    return result


def _require() -> None:
    """Refuse, saying how to install them, without WeasyPrint or markdown-it-py (the
    extra ``pdf``); WeasyPrint also fails to import without the Pango library."""
    try:
        import markdown_it  # noqa: F401, PLC0415
        import weasyprint  # noqa: F401, PLC0415
    except (ImportError, OSError) as error:
        raise RenderError(
            f"the pdf renderer needs WeasyPrint and markdown-it-py ({error}): install "
            f"qdef with its extra 'pdf', qdef[pdf] ({INSTALL}); WeasyPrint also needs "
            "the Pango library (Debian: apt-get install libpango-1.0-0)"
        ) from None


def css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes, line breaks and ``<`` (which
    could end the style element) escaped."""
    out = []
    for char in text:
        if char in '"\\<' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _counter(text: str) -> str:
    """The catalogue's page counter as CSS ``content``: its words as strings, the page
    and the number of pages as counters."""
    parts = []
    for piece in re.split(f"({_PAGE}|{_PAGES})", text):
        if piece == _PAGE:
            parts.append("counter(page)")
        elif piece == _PAGES:
            parts.append("counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or '""'
