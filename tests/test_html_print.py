"""Printing the web form (issue 22): Chromium prints it to PDF on A4 and US Letter.

The PDF is read with poppler's ``pdftotext`` and ``pdftoppm`` (Debian:
poppler-utils; dev.sh installs it with the browser): nothing is cut at the edge
of the printable area, text boxes print without the browser's resize grip, and
the words that are for the screen only ("(Pflichtfrage)", the buttons) are not
on paper.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import qdef
from tests.browser import FormPages, unavailable

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENTS = ["investitionspakt", "household-energy"]

#: Paper width in mm, as Playwright's formats have it.
WIDTHS = {"A4": 210.0, "Letter": 215.9}
#: form.css: ``@page { margin: 18mm 16mm; }``; the page's own content starts 1 mm inside.
MARGIN_MM = 16.0
#: The strips checked: the side margins and 0.5 mm of the printable area next to
#: them, where a box cut at the edge (its border lost) leaves its lines' ends.
STRIP_MM = MARGIN_MM + 0.5
DPI = 100

pytestmark = pytest.mark.browser


def poppler() -> None:
    for tool in ("pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            unavailable(f"no {tool} (Debian: apt-get install poppler-utils)")


def page_images(pdf: Path) -> list[tuple[int, int, bytes]]:
    """Each page as (width, height, grey pixels): pdftoppm's PGM, read as it is."""
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", str(pdf), str(pdf.with_suffix(""))],
        check=True,
    )
    pages = []
    for image in sorted(pdf.parent.glob(f"{pdf.stem}-*.pgm")):
        data = image.read_bytes()
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        assert match, image
        width, height = int(match[1]), int(match[2])
        pages.append((width, height, data[match.end() : match.end() + width * height]))
    return pages


def ink_in_side_strips(width: int, height: int, pixels: bytes) -> list[tuple[int, int]]:
    """The dark pixels (x, y) in the left and right strips of one page image."""
    strip = round(STRIP_MM / 25.4 * DPI)
    found = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        for x in (*range(strip), *range(width - strip, width)):
            if row[x] < 160:
                found.append((x, y))
    return found


@pytest.mark.parametrize("name", INSTRUMENTS)
def test_the_form_prints_inside_the_margins_without_grips_or_screen_words(
    forms: FormPages, name: str, tmp_path: Path
) -> None:
    poppler()
    form = forms.open(qdef.load(ROOT / "instruments" / f"{name}.yaml"))
    page = form.page
    page.emulate_media(media="print")
    # Text boxes: no resize grip on paper.
    resize = page.eval_on_selector_all(
        "textarea", "els => els.map(e => getComputedStyle(e).resize)"
    )
    assert resize and set(resize) == {"none"}
    # The page's screen-only words, as this instrument's language has them.
    screen = page.eval_on_selector_all(
        ".required, button, .save-help", "els => els.map(e => e.textContent.trim())"
    )
    screen_words = {" ".join(words.split()) for words in screen if words}
    assert screen_words
    if name == "investitionspakt":
        assert "(Pflichtfrage)" in screen_words
    title = " ".join(page.text_content("h1").split())
    for size, width_mm in WIDTHS.items():
        pdf = tmp_path / f"{name}-{size}.pdf"
        pdf.write_bytes(page.pdf(format=size))
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        flat = " ".join(text.split())
        assert title in flat, size
        assert "Pflichtfrage" not in flat, size
        assert not [words for words in screen_words if words in flat], size
        images = page_images(pdf)
        assert images
        for number, (width, height, pixels) in enumerate(images, 1):
            assert abs(width - width_mm / 25.4 * DPI) < 2, (size, width)
            ink = ink_in_side_strips(width, height, pixels)
            assert not ink, f"{size}, page {number}: ink in the side margins at {ink[:5]}"
