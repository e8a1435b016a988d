"""The ``pdf`` renderer (issue 22, item 4): the paper questionnaire as a print-ready
PDF, laid out by WeasyPrint from the Markdown writer's layout (docs/renderers.md,
"pdf").

Each instrument is laid out at most once per page size (module-scoped, WeasyPrint
takes a second or two), and each PDF is checked as a respondent gets it: its text
(``pdftotext -raw``: the order WeasyPrint draws, which is the document's), its page
images (``pdftoppm``), its page sizes (``pdfinfo``) — and, where a rule is about
distances, WeasyPrint's own boxes.

The golden files (``tests/golden/pdf/investitionspakt.<page>.txt``) hold the page
count, the page size and each page's text, not the PDF's bytes: those change with
WeasyPrint's version and its font subsetting, which say nothing about the
questionnaire, while which question is on which page, with which notes, numbers
and footer, is what a change of layout changes.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qdef.model import Computed, Instrument
from qdef.model.texts import texts
from qdef.pipeline import compile as compile_file
from qdef.pipeline import validate_text
from qdef.pipeline.compiled import Compiled
from qdef.renderers.paper import PdfRenderer
from qdef.renderers.paper.pdf import css_string, html, laid_out, written
from qdef.rendering import RenderError, RenderOptionError, options_for, render
from tests.conftest_goldens import Golden

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENTS = ROOT / "instruments"
GOLDEN = ROOT / "tests" / "golden" / "pdf"
MM = 96 / 25.4  # CSS pixels (WeasyPrint's unit) per millimetre
#: Page sizes in points, as pdfinfo prints them.
SIZES = {"a4": "595.276 x 841.89 pts (A4)", "letter": "612 x 792 pts (letter)"}
#: The page margins (print.css via pdf.MARGINS): top, right, bottom, left in mm; the
#: footer sits in the bottom margin, from 17 mm above the edge down.
TOP, RIGHT, BOTTOM, LEFT = 18, 18, 22, 22
FOOTER_TOP = 17
#: What each test renders (each a second or more): the Investitionspakt at both sizes,
#: and the instrument with rosters, pipes and a dual matrix.
RENDERS = [
    ("investitionspakt", "a4"),
    ("investitionspakt", "letter"),
    ("household-roster", "a4"),
]
#: A section whose matrix cannot fit on one page, and a conditional section after it
#: whose question takes most of a page (its heading and note must go with it).
LONG_MATRIX = """\
qdef: 1
id: long
title: Lange Matrix
version: "1"
language: de
sections:
  - id: s1
    title: Zufriedenheit
    questions:
      - id: m
        type: matrix
        text: Wie zufrieden sind Sie mit den folgenden Dingen?
        scale:
          - {code: "1", label: Sehr zufrieden}
          - {code: "2", label: Eher zufrieden}
          - {code: "3", label: Eher unzufrieden}
          - {code: "4", label: Sehr unzufrieden}
        rows:
""" + "".join(f"          - {{code: r{i}, label: Bereich Nummer {i}}}\n" for i in range(1, 46))
LONG_MATRIX += """\
      - id: mehr
        type: single
        text: Möchten Sie mehr sagen?
        options: [{code: j, label: Ja}, {code: n, label: Nein}]
  - id: s2
    title: Nur für manche
    when: mehr == "j"
    questions:
      - id: welche
        type: multiple
        text: Welche Bereiche sind Ihnen am wichtigsten?
        options:
""" + "".join(f"          - {{code: o{i}, label: Bereich Nummer {i}}}\n" for i in range(1, 31))


@dataclass(frozen=True)
class Rendered:
    compiled: Compiled
    page: str
    html: str
    document: Any  # WeasyPrint's Document: pages and boxes
    pdf: bytes
    path: Path  # the PDF written to a file, for poppler

    def pages_text(self) -> list[str]:
        """Each page's text, in the order it is drawn."""
        out = _run("pdftotext", "-raw", "-enc", "UTF-8", str(self.path), "-")
        return out.split("\f")[: len(self.document.pages)]


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _compiled(source: str | Path) -> Compiled:
    if isinstance(source, Path):
        return compile_file(source)
    result = validate_text(source)
    assert result.ok and result.compiled is not None, result.diagnostics
    return result.compiled


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Rendered]:
    """``rendered(name, page)``: the instrument laid out and written (once each)."""
    folder = tmp_path_factory.mktemp("pdf")
    made: dict[tuple[str, str], Rendered] = {}

    def get(name: str, page: str) -> Rendered:
        if (name, page) not in made:
            source = LONG_MATRIX if name == "long" else INSTRUMENTS / f"{name}.yaml"
            compiled = _compiled(source)
            options = options_for(PdfRenderer(), compiled.instrument, None, {"page": page})
            text, document = laid_out(compiled, options)
            data = written(text, document)
            path = folder / f"{name}.{page}.pdf"
            path.write_bytes(data)
            made[name, page] = Rendered(compiled, page, text, document, data, path)
        return made[name, page]

    return get


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("name", "page"), RENDERS)
def test_pages_are_exactly_the_size_asked_for(
    rendered: Callable[[str, str], Rendered], name: str, page: str
) -> None:
    result = rendered(name, page)
    info = _run("pdfinfo", "-f", "1", "-l", "999", str(result.path))
    sizes = re.findall(r"^Page +\d+ size: +(.*)$", info, re.M)
    assert len(sizes) == len(result.document.pages) > 1
    assert set(sizes) == {SIZES[page]}


@pytest.mark.parametrize(("name", "page"), RENDERS)
def test_every_text_of_the_instrument_is_printed_in_order(
    rendered: Callable[[str, str], Rendered], name: str, page: str
) -> None:
    """Every text the instrument has (title, intros, questions, hints, options, rows,
    units, messages …), in the instrument's order, whitespace aside (lines wrap). A
    piped value is a placeholder in brackets (``[answer to question 1, 1.]``), never
    an empty hole."""
    result = rendered(name, page)
    footer = _footer(result)
    printed = "".join(
        _squeeze(text).replace(_squeeze(footer), "").split(_squeeze(_counter(result, n)))[0]
        for n, text in enumerate(result.pages_text(), 1)
    )
    instrument = result.compiled.instrument
    start = end = 0
    parent: tuple[object, ...] | None = None
    for path, value in texts(instrument):
        if path[0] == "hidden" or _computed(instrument, path):  # never shown
            continue
        # The texts of one question (its text, unit, scales, columns …) are printed in
        # the writer's order, after the question before.
        node = path[:4] if path[2:3] == ("questions",) else path[:-1]
        if node != parent:
            parent, start = node, end
        text = value if isinstance(value, str) else value[instrument.language]
        pieces = re.split(r"\{[^{}]*\}", _squeeze(text))
        pattern = r"\[[^\[\]]+\]".join(re.escape(piece) for piece in pieces)
        found = re.compile(pattern).search(printed, start)
        assert found is not None, (
            f"{'.'.join(map(str, path))}: {text!r} is not printed after "
            f"{printed[max(start - 80, 0) : start]!r}"
        )
        end = max(end, found.end())
    assert "{" not in printed


def _computed(instrument: Instrument, path: tuple[str | int, ...]) -> bool:
    if path[2:3] != ("questions",):
        return False
    section, question = path[1], path[3]
    assert isinstance(section, int) and isinstance(question, int)
    return isinstance(instrument.sections[section].questions[question], Computed)


def _footer(result: Rendered) -> str:
    instrument = result.compiled.instrument
    assert isinstance(instrument.title, str) and instrument.version is not None
    return f"{instrument.title} · Version {instrument.version}"


def _counter(result: Rendered, number: int) -> str:
    total = len(result.document.pages)
    if result.compiled.instrument.language == "de":
        return f"Seite {number} von {total}"
    return f"Page {number} of {total}"


@pytest.mark.parametrize(("name", "page"), RENDERS)
def test_every_page_has_the_footer_and_its_number(
    rendered: Callable[[str, str], Rendered], name: str, page: str
) -> None:
    result = rendered(name, page)
    pages = result.pages_text()
    assert len(pages) == len(result.document.pages)
    for number, text in enumerate(pages, 1):
        ending = _squeeze(_footer(result)) + _squeeze(_counter(result, number))
        assert _squeeze(text).endswith(ending), f"page {number}: {text[-200:]!r}"


def _gray_pages(result: Rendered, dpi: int) -> Iterator[tuple[int, int, bytes]]:
    """The pages as 8-bit gray images (pdftoppm -gray at ``dpi``): width, height, pixels."""
    folder = result.path.parent / f"{result.path.stem}-{dpi}"
    folder.mkdir(exist_ok=True)
    _run("pdftoppm", "-r", str(dpi), "-gray", str(result.path), str(folder / "p"))
    for image in sorted(folder.glob("p-*.pgm")):
        data = image.read_bytes()
        magic, width, height, depth, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and depth == b"255"
        yield int(width), int(height), pixels


@pytest.mark.parametrize(("name", "page"), RENDERS)
def test_nothing_is_printed_in_the_margins(
    rendered: Callable[[str, str], Rendered], name: str, page: str
) -> None:
    """Page images at 50 dpi: no ink in the top, left and right margins, none in the
    bottom margin but the footer, and a clear band between the text and the footer."""
    result = rendered(name, page)
    dpi = 50
    px = dpi / 25.4
    count = 0
    for width, height, pixels in _gray_pages(result, dpi):
        count += 1

        def ink(*area: float, image: bytes = pixels, across: int = width) -> bool:
            return _ink(image, across, px, area)

        w, h = width / px, height / px
        where = f"page {count}"
        assert not ink(0, 0, w, TOP - 0.5), f"{where}: ink in the top margin"
        assert not ink(0, 0, LEFT - 0.5, h), f"{where}: ink in the left margin"
        assert not ink(w - RIGHT + 0.5, 0, w, h), f"{where}: ink in the right margin"
        band = (h - BOTTOM + 0.5, h - FOOTER_TOP - 0.5)
        assert not ink(0, *band[:1], w, band[1]), f"{where}: text runs into the footer"
        assert not ink(0, h - 8, w, h), f"{where}: ink in the last 8 mm"
        assert ink(LEFT, TOP, w - RIGHT, h - BOTTOM), f"{where}: an empty page"
        assert ink(LEFT, h - FOOTER_TOP, w - RIGHT, h - 8), f"{where}: no footer"
    assert count == len(result.document.pages)


def _ink(pixels: bytes, width: int, px: float, area: tuple[float, ...]) -> bool:
    """Whether the area (x0, y0, x1, y1 in mm) of a gray image has a dark pixel."""
    x0, y0, x1, y1 = (round(v * px) for v in area)
    return any(min(pixels[row * width + x0 : row * width + x1]) < 200 for row in range(y0, y1))


def _boxes(page: Any, css_class: str) -> Iterator[Any]:
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and css_class in (element.get("class") or "").split():
            yield box


@pytest.mark.parametrize(("name", "page"), RENDERS)
def test_answer_lines_are_at_least_8_mm_apart(
    rendered: Callable[[str, str], Rendered], name: str, page: str
) -> None:
    """Any two answer lines one above the other (overlapping across) are at least 8 mm
    apart: room to write on each."""
    result = rendered(name, page)
    checked = 0
    for number, page_ in enumerate(result.document.pages, 1):
        lines = [
            (
                box.position_x,
                box.position_x + box.margin_width(),
                box.position_y + box.margin_height(),
            )
            for box in _boxes(page_, "blank")
        ]
        for i, (left, right, y) in enumerate(lines):
            for left2, right2, y2 in lines[i + 1 :]:
                if left < right2 and left2 < right and abs(y - y2) > 0.5 * MM:
                    checked += 1
                    assert abs(y - y2) >= 8 * MM, (
                        f"page {number}: answer lines {abs(y - y2) / MM:.1f} mm apart"
                    )
    assert checked > 0


def test_a_question_is_never_split_and_a_long_matrix_repeats_its_header(
    rendered: Callable[[str, str], Rendered],
) -> None:
    """A question (with its options) is on one page; a section's heading is on the page
    of its first question (with its note and intro between); a matrix too long for a
    page breaks between rows, with its header on every page."""
    for name, page in [*RENDERS, ("long", "a4")]:
        result = rendered(name, page)
        seen: dict[int, int] = {}
        for number, page_ in enumerate(result.document.pages, 1):
            for box in _boxes(page_, "question"):
                if "long" in box.element.get("class").split():  # may break between rows
                    continue
                first = seen.setdefault(id(box.element), number)
                assert first == number, f"{name} ({page}): a question on pages {first}, {number}"
        order = [
            (number, box.element)
            for number, page_ in enumerate(result.document.pages, 1)
            for box in page_._page_box.descendants()
            if getattr(box, "element", None) is not None
            and (box.element.tag in ("h2", "h3") or "question" in box.element.get("class", ""))
        ]
        for index, (number, element) in enumerate(order):
            if element.tag in ("h2", "h3"):
                following = [n for n, e in order[index + 1 :] if e.tag == "div"]
                heading = "".join(element.itertext())
                assert following[:1] in ([], [number]), (
                    f"{name} ({page}): {heading!r} on page {number}, its first question not"
                )
    long = rendered("long", "a4")
    pages = [" ".join(text.split()) for text in long.pages_text()]
    matrix = [text for text in pages if re.search(r"Bereich Nummer \d+ ○ ○ ○ ○", text)]
    assert len(matrix) >= 2
    for text in matrix:
        assert "Sehr zufrieden Eher zufrieden Eher unzufrieden Sehr unzufrieden" in text
    assert "Zufriedenheit 1. Wie zufrieden" in matrix[0] and "Nummer 1 ○" in matrix[0]
    assert "Bereich Nummer 45 ○ ○ ○ ○" in matrix[-1]


@pytest.mark.parametrize("page", ["a4", "letter"])
def test_the_investitionspakt_pages(
    rendered: Callable[[str, str], Rendered], page: str, golden: Golden
) -> None:
    result = rendered("investitionspakt", page)
    info = _run("pdfinfo", str(result.path))
    (size,) = re.findall(r"^Page size: +(.*)$", info, re.M)
    parts = [
        f"# qdef render instruments/investitionspakt.yaml --to pdf -O page={page}\n"
        "# page count, page size and each page's text (pdftotext -raw, spaces folded)\n"
        f"pages: {len(result.document.pages)}\nsize: {size}\n"
    ]
    for number, text in enumerate(result.pages_text(), 1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        parts.append(f"\n--- page {number}\n" + "\n".join(lines) + "\n")
    golden("".join(parts), GOLDEN / f"investitionspakt.{page}.txt")


def test_the_same_instrument_gives_the_same_bytes(
    rendered: Callable[[str, str], Rendered],
) -> None:
    """Rendered again (the public path, a new layout): byte for byte the same; no
    dates; the file identifier is fixed."""
    result = rendered("long", "a4")
    again = render(result.compiled, "pdf")
    first = result.pdf
    assert again == first
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    identifier = hashlib.sha256(result.html.encode()).hexdigest()
    assert f"/ID [({identifier[:32]}) (".encode() in first, "the HTML's hash identifies it"


# -- the HTML and the options (no layout)


def test_the_html_keeps_the_instruments_texts_as_text() -> None:
    """Markup in the instrument's texts stays text; only the writer's blanks become
    lines (an underscore of the instrument never does), its boxes boxes."""
    compiled = compile_file(ROOT / "tests" / "cases" / "render" / "escaping.yaml")
    options = options_for(PdfRenderer(), compiled.instrument, None, {})
    page = html(compiled, options)
    body = page.split("<body>", 1)[1]
    assert "<script" not in body and "<b>" not in body and "<i>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "_unter_" in body and "~~durch~~" in body
    blanks = re.findall(r'<span class="blank"[^>]*></span>', body)
    markdown = render(compiled, "markdown")
    assert isinstance(markdown, str)
    assert len(blanks) == len(re.findall(r"\\?_{3,}", markdown)) > 0
    assert body.count('<span class="box">') == markdown.count("○") + markdown.count("☐")


def test_the_ruled_lines_of_long_text_are_full_width() -> None:
    compiled = compile_file(INSTRUMENTS / "investitionspakt.yaml")
    page = html(compiled, options_for(PdfRenderer(), compiled.instrument, None, {}))
    markdown = render(compiled, "markdown")
    assert isinstance(markdown, str)
    ruled = page.count('<p class="ruled"><span class="blank full"></span></p>')
    assert ruled == markdown.count("\\" + "_" * 60) > 0


def test_the_footer_is_in_the_language_rendered() -> None:
    compiled = compile_file(ROOT / "tests" / "cases" / "render" / "translated.yaml")
    for lang, words in (("de", '"Seite " counter(page) " von " counter(pages)'),
                        ("en", '"Page " counter(page) " of " counter(pages)')):  # fmt: skip
        options = options_for(PdfRenderer(), compiled.instrument, lang, {})
        page = html(compiled, options)
        assert f"@bottom-right {{ content: {words};" in page
        assert f'<html lang="{lang}">' in page


def test_css_strings_are_escaped() -> None:
    assert css_string('a "b" \\ </style>\n') == '"a \\22 b\\22  \\5c  \\3c /style>\\a "'


def test_an_unknown_page_size_is_refused() -> None:
    with pytest.raises(RenderOptionError, match=r"-O page=legal: use a4 or letter"):
        render(INSTRUMENTS / "investitionspakt.yaml", "pdf", page="legal")


def test_without_weasyprint_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails
    with pytest.raises(RenderError, match=re.escape("qdef[pdf] (pip install '.[pdf]' in the")):
        render(INSTRUMENTS / "investitionspakt.yaml", "pdf")
