"""Texts are never glued together, and numbers stay with their units, in every
renderer for respondents (docs/renderers.md, "Spacing").

The web form is read as a browser's ``textContent`` (what copying and most
screen-reader text starts from): wherever an element starts or ends between two
letters or digits, two texts were joined without a separator (a column heading
read "Überwiegend50 % und mehr"). And "25 %" must hold a no-break space, in the
web form, on paper and in LimeSurvey; the codebook keeps the author's spaces.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import qdef
from qdef.rendering import render
from qdef.rendering.spacing import NO_BREAK_SPACE, keep_units

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
NB = NO_BREAK_SPACE


class _Text(HTMLParser):
    """The text of a page as ``textContent`` has it, with where each tag stood, and the
    text of each element with an id."""

    SKIP = frozenset({"script", "style", "title"})
    VOID = frozenset({"br", "input", "meta", "img", "hr", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.tags: list[tuple[int, str]] = []  # (position in text, tag)
        self.open: list[tuple[str, str | None, int]] = []
        self.by_id: dict[str, str] = {}
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((len(self.text), tag))
        if tag in self.SKIP:
            self.skipping += 1
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("id"), len(self.text)))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((len(self.text), "/" + tag))
        if tag in self.SKIP:
            self.skipping -= 1
        while self.open:
            name, element_id, start = self.open.pop()
            if element_id is not None:
                self.by_id[element_id] = self.text[start:]
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.text += data


def page_text(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def glued(html: str) -> list[str]:
    """Each place where a tag stands between two letters or digits of the text."""
    parsed = page_text(html)
    text = parsed.text
    found = []
    for position, tag in parsed.tags:
        if 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum():
            found.append(f"<{tag}> in {text[max(0, position - 30) : position + 30]!r}")
    return found


def spaced(text: str) -> str:
    """Runs of ordinary white space as one space (as a browser shows them); no-break
    spaces are kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


@pytest.fixture(scope="module")
def instrument() -> qdef.Instrument:
    return qdef.load(INSTRUMENT)


def test_no_two_texts_of_the_web_form_are_glued_together(instrument: qdef.Instrument) -> None:
    html = render(instrument, "html")
    assert isinstance(html, str)
    assert glued(html) == []


@pytest.mark.parametrize(
    "case", sorted((ROOT / "tests" / "cases" / "render").glob("*.yaml")), ids=lambda p: p.stem
)
def test_no_texts_are_glued_in_the_web_form_of_any_render_case(case: Path) -> None:
    html = render(qdef.load(case), "html")
    assert isinstance(html, str)
    assert glued(html) == []


def test_a_column_heading_reads_label_then_description_with_the_percent_kept(
    instrument: qdef.Instrument,
) -> None:
    html = render(instrument, "html")
    assert isinstance(html, str)
    headings = page_text(html).by_id
    assert spaced(headings["c-schwerpunkte-1"]) == f"Überwiegend 50{NB}% und mehr"
    assert spaced(headings["c-schwerpunkte-3"]) == f"Selten 10 bis unter 25{NB}%"


def test_line_breaks_of_a_text_stay_apart_in_the_page_text() -> None:
    source = """qdef: 1
id: lines
title: Zeilen
language: de
sections:
  - id: s1
    questions:
      - id: q1
        type: text
        text: "Erste Zeile\\nzweite Zeile"
"""
    html = render(qdef.loads(source, path="lines.yaml"), "html")
    assert isinstance(html, str)
    assert "Erste Zeile<br>\nzweite Zeile" in html
    assert glued(html) == []


def test_the_paper_questionnaire_keeps_numbers_with_their_units(
    instrument: qdef.Instrument,
) -> None:
    text = render(instrument, "markdown")
    assert isinstance(text, str)
    assert f"Überwiegend (50{NB}% und mehr)" in text
    assert f"Selten (10 bis unter 25{NB}%)" in text
    assert not re.search(r"[0-9] %", text)


def test_limesurvey_keeps_numbers_with_units_and_lines_apart(
    instrument: qdef.Instrument,
) -> None:
    lss = render(instrument, "limesurvey")
    assert isinstance(lss, str)
    assert f"Überwiegend<br>\n(50{NB}% und mehr)" in lss
    assert not re.search(r"[0-9] %", lss)
    assert not re.search(r"<br>[^\n]", lss)


def test_the_data_outputs_keep_the_authors_spaces(instrument: qdef.Instrument) -> None:
    mapping = render(instrument, "limesurvey-map")
    assert isinstance(mapping, str)
    assert NB not in mapping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 bis unter 25 %", f"10 bis unter 25{NB}%"),
        ("50 % und mehr", f"50{NB}% und mehr"),
        ("1.000  €", f"1.000{NB}€"),
        ("20 °C", f"20{NB}°C"),
        ("5 m² Fläche", f"5{NB}m² Fläche"),
        ("3 Std. pro Woche", f"3{NB}Std. pro Woche"),
        ("7 Mio. Einwohner", f"7{NB}Mio. Einwohner"),
        ("2 h/Woche", f"2{NB}h/Woche"),
        ("5 mal", "5 mal"),  # a word, not a unit
        ("12 Monate", "12 Monate"),
        ("Frage 3 ja", "Frage 3 ja"),
        ("5\n%", "5\n%"),  # a line break is the author's
        ("€ 5", "€ 5"),  # only a unit after the number
        ("ohne Zahl %", "ohne Zahl %"),
    ],
)
def test_the_rule(text: str, expected: str) -> None:
    assert keep_units(text) == expected


@pytest.mark.browser
def test_a_screen_reader_hears_the_cells_heading_apart_and_the_percent_kept(
    browser_context: Any, tmp_path: Path, instrument: qdef.Instrument
) -> None:
    """The accessible name Chromium computes for a matrix cell's radio button (its row
    and column headings), as a screen reader gets it."""
    html = render(instrument, "html")
    assert isinstance(html, str)
    path = tmp_path / "form.html"
    path.write_text(html, encoding="utf-8")
    page = browser_context.new_page()
    page.goto(path.as_uri())
    page.check('[id="f-im_eingesetzt-ja"]')  # the matrix is on this path
    cdp = browser_context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    names = {}
    for element_id in ("f-schwerpunkte.beteiligung-1", "c-schwerpunkte-3"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[id="{element_id}"]'})
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"]})
        names[element_id] = tree["nodes"][0]["name"]["value"]
    page.close()
    assert names["f-schwerpunkte.beteiligung-1"].endswith(f" Überwiegend 50{NB}% und mehr")
    assert names["c-schwerpunkte-3"] == f"Selten 10 bis unter 25{NB}%"


def test_notes_quoting_a_label_keep_its_number_with_its_unit() -> None:
    source = """qdef: 1
id: notes
title: Hinweise
language: de
sections:
  - id: s1
    questions:
      - id: anteil
        type: single
        text: Wie groß ist der Anteil?
        options:
          - {code: "1", label: 50 % und mehr}
          - {code: "2", label: unter 50 %}
      - id: warum
        type: text
        text: Warum so viel?
        when: anteil == "1"
"""
    instrument = qdef.loads(source, path="notes.yaml")
    paper = render(instrument, "markdown")
    html = render(instrument, "html")
    assert isinstance(paper, str) and isinstance(html, str)
    note = next(line for line in paper.splitlines() if "Frage 1" in line)
    assert f"50{NB}% und mehr" in note, note
    routes = [line for line in html.splitlines() if 'class="route"' in line]
    route = next(line for line in routes if "Frage 1" in line)
    assert f"50{NB}% und mehr" in route, route


@pytest.mark.browser
def test_a_grid_cells_unit_stays_beside_its_input(browser_context: Any, tmp_path: Path) -> None:
    """On a narrow screen the unit of a number cell ("%") must not wrap below its input."""
    html = render(qdef.load(ROOT / "tests" / "cases" / "render" / "grid.yaml"), "html")
    assert isinstance(html, str)
    path = tmp_path / "grid.html"
    path.write_text(html, encoding="utf-8")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 620, "height": 700})
    page.goto(path.as_uri())
    boxes = page.evaluate(
        """() => Array.from(document.querySelectorAll("td .unit")).map(unit => {
            const field = document.getElementById("f-" + unit.id.slice(2)).getBoundingClientRect();
            const box = unit.getBoundingClientRect();
            return [field.top, field.bottom, box.top, box.bottom, box.left - field.right];
        })"""
    )
    page.close()
    assert boxes, "the grid has a number column with a unit"
    for field_top, field_bottom, unit_top, unit_bottom, gap in boxes:
        assert unit_top < field_bottom and unit_bottom > field_top  # on the input's line
        assert 0 <= gap < 20  # just after it
