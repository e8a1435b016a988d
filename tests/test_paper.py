"""What the paper questionnaire (and the web form, which prints the same notes)
tells respondents: routing notes name a question they are actually shown,
conditional parts are delimited, and qdef's own hints are printed once.

The instruments are small and written here, each for one promise of
docs/renderers.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import qdef
from qdef.model import Instrument
from qdef.pipeline import validate_text
from qdef.rendering import render

if TYPE_CHECKING:
    from tests.browser import FormPages

#: Two sections with the same condition: "Trees" and "Stems". Those who answer
#: "no" skip both; an untitled conditional section with a display and a goto
#: follows an untitled unconditional question.
GARDEN = """\
qdef: 1
id: garden
title: Garden
language: en
sections:
  - id: start
    questions:
      - id: any_trees
        type: single
        required: true
        text: Are there trees?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
  - id: trees
    title: Trees
    when: any_trees == "yes"
    questions:
      - id: tree_count
        type: number
        text: How many trees?
  - id: stems
    title: Stems
    when: any_trees == "yes"
    questions:
      - id: stem_count
        type: number
        text: How many stems?
  - id: lawn_part
    questions:
      - id: lawn
        type: single
        required: true
        text: Is there a lawn?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
  - id: mowing
    when: lawn == "yes"
    questions:
      - id: lawn_size
        type: number
        text: How large is it?
      - id: mow
        type: display
        text: Mow it weekly.
        goto: fence
  - id: hedge_part
    questions:
      - id: hedge
        type: single
        text: Is there a hedge?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
  - id: last
    title: Everyone
    questions:
      - id: fence
        type: single
        text: Is there a fence?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
"""

#: An option's goto leads into a section none of its respondents is shown, and they
#: are shown different questions after it (tree_age only if they have trees).
DETOUR = """\
qdef: 1
id: detour
title: Detour
language: en
sections:
  - id: start
    questions:
      - id: any_trees
        type: single
        required: true
        text: Are there trees?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
      - id: lawn
        type: single
        required: true
        text: Is there a lawn?
        options:
          - {code: "yes", label: "Yes", goto: stem_count}
          - {code: "no", label: "No"}
      - id: lawn_size
        type: number
        text: How large is the lawn?
  - id: stems
    title: Stems
    when: any_trees == "yes" and lawn == "no"
    questions:
      - id: stem_count
        type: number
        text: How many stems?
  - id: rest
    title: Everyone
    questions:
      - id: tree_age
        type: number
        text: How old is the oldest tree?
        when: any_trees == "yes"
      - id: fence
        type: single
        text: Is there a fence?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
"""

#: Authors writing what qdef prints itself, in German (with an English translation).
HINTS = """\
qdef: 1
id: hints
title: {de: Hinweise, en: Hints}
language: de
translations: [en]
sections:
  - id: s
    questions:
      - id: phasen
        type: multiple
        text:
          de: In welchen Phasen?
          en: In which phases?
        hint:
          de: (Mehrfachnennungen möglich)
          en: (multiple answers possible)
        max_choices: 2
        options:
          - {code: vor, label: {de: Vorher, en: Before}}
          - {code: nach, label: {de: Nachher, en: After}}
          - {code: nie, label: {de: Nie (nur allein ankreuzen), en: Never}, exclusive: true}
      - id: orte
        type: multiple
        text:
          de: Wo? (höchstens 2 Nennungen)
          en: Where? (at most 2 answers)
        max_choices: 2
        options:
          - {code: a, label: {de: Hier, en: Here}}
          - {code: b, label: {de: Dort, en: There}}
          - {code: c, label: {de: Anderswo, en: Elsewhere}}
"""


ROOT = Path(__file__).resolve().parent.parent
WHEN = (ROOT / "tests" / "cases" / "render" / "when.yaml").read_text(encoding="utf-8")


def paper(source: str, lang: str | None = None) -> str:
    text = render(qdef.loads(source), to="markdown", lang=lang)
    assert isinstance(text, str)
    return text


def web(source: str, lang: str | None = None) -> str:
    text = render(qdef.loads(source), to="html", lang=lang)
    assert isinstance(text, str)
    return text


def numbered(markdown: str) -> dict[str, str]:
    """Question text by number, from ``**N.** text`` lines (quoted or not)."""
    return dict(re.findall(r"^(?:> )*\*\*([0-9]+)\.\*\* (.*)$", markdown, re.MULTILINE))


# --------------------------------------------------------------------- item 4: routing notes


def test_a_section_note_names_the_question_its_skippers_are_shown_next() -> None:
    """Both "Trees" and "Stems" ask only for any_trees == "yes": those who answer "no"
    skip both and are shown question 4 next — not 3, the question of "Stems"."""
    text = paper(GARDEN)
    assert numbered(text)["4"] == "Is there a lawn?"
    notes = re.findall(
        r"Answer this part only if question 1 = Yes; otherwise go to question (\d+)", text
    )
    assert notes == ["4", "4"], text
    assert "otherwise go to question 4" in web(GARDEN)
    assert "otherwise go to question 3" not in web(GARDEN)


def test_an_option_note_never_names_a_question_nobody_on_its_route_is_shown() -> None:
    """ "Yes" at question 2 jumps to question 4, in a section none of these respondents
    is shown; they are shown question 5 (if they have trees) or 6: the note names 5,
    whose own only-if note sends the others on."""
    text = paper(DETOUR)
    assert numbered(text)["5"] == "How old is the oldest tree?"
    assert "\n○ Yes (go to question 5)\n" in text, text
    assert "*Answer only if question 1 = Yes.*" in text
    assert "(go to question 5)" in web(DETOUR)
    assert "(go to question 4)" not in web(DETOUR)


# --------------------------------------------------------------------- item 5: delimiting


def quoted_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith(">")]


def test_conditional_parts_are_quoted_and_what_follows_is_not() -> None:
    text = paper(GARDEN)
    quoted = "\n".join(quoted_lines(text))
    # The untitled conditional section, its display and the goto after it are
    # inside the quote; the next unconditional question is not.
    assert "> *Answer this part only if question 4 = Yes; otherwise go to question 6.*" in quoted
    assert "> Mow it weekly." in quoted
    assert "> **→ Go to question 7**" in quoted
    assert "> **5.** How large is it?" in quoted
    assert "\n**6.** Is there a hedge?" in text
    assert "**4.** Is there a lawn?" in text.splitlines()
    # A titled conditional section: heading outside, the part inside.
    assert "## Trees\n\n> *Answer this part only if question 1 = Yes;" in text


def test_a_conditional_question_in_a_conditional_section_is_quoted_twice() -> None:
    text = paper(WHEN)
    assert "> > **4.** Gibt es eigene Räume?" in text
    assert "> **3.** Mit wie vielen Wochenstunden?" in text
    assert "\n**5.** Hätten Sie Interesse an einem Gespräch?" in text


def test_the_web_form_marks_conditional_parts_for_print() -> None:
    html = web(GARDEN)
    assert re.search(r'<section class="section part" id="s-1"', html)
    assert re.search(r'<section class="section" id="s-3"', html)
    assert re.search(r'<div class="q q-display part" id="q-mow"', html) is None  # its section is
    assert 'class="section part" id="s-4"' in html
    when = web(WHEN)
    assert '<div class="q q-single part" id="q-raeume"' in when
    assert '<div class="q q-single" id="q-interesse"' in when
    css = re.search(r"@media print \{.*\n\}", html, re.DOTALL)
    assert css is not None and ".part { border-left:" in css.group(0)


# --------------------------------------------------------------------- item 6: hints once


def test_a_hint_the_author_wrote_is_printed_once_on_paper_and_on_the_web() -> None:
    for lang, multiple, at_most, alone in (
        ("de", "(Mehrfachnennungen möglich)", "(höchstens 2 Nennungen)", "(nur allein ankreuzen)"),
        ("en", "(multiple answers possible)", "(at most 2 answers)", "(tick only on its own)"),
    ):
        text = paper(HINTS, lang)
        page = web(HINTS, lang)
        for output in (text, page):
            assert output.count(multiple) == 2, output  # once per question
            assert output.count(at_most) == 2, output
            assert output.count(alone) == 1, output


def test_writing_qdefs_own_hints_is_warned_where_it_is_written() -> None:
    found = validate_text(HINTS, Path("hints.yaml")).diagnostics
    warnings = [(d.code, d.span.line, d.span.column, d.message) for d in found]
    assert [w[:3] for w in warnings] == [
        ("QD515", 15, 15),
        ("QD515", 16, 15),
        ("QD515", 21, 37),
        ("QD515", 25, 15),
        ("QD515", 26, 15),
    ], warnings
    assert all(d.severity == "warning" for d in found)
    assert '"(Mehrfachnennungen möglich)"' in warnings[0][3]
    assert "remove it from the hint" in warnings[0][3]
    assert '"(multiple answers possible)"' in warnings[1][3]
    assert '"(nur allein ankreuzen)"' in warnings[2][3]
    assert "remove it from the label" in warnings[2][3]
    assert '"(höchstens 2 Nennungen)"' in warnings[3][3]
    assert '"(at most 2 answers)"' in warnings[4][3]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Welche? (Mehrfachnennungen möglich)", True),
        ("Welche?  mehrfachnennungen\nMÖGLICH", True),
        ("Welche?", False),
        ("Mehrfachnennungen sind möglich", False),
    ],
)
def test_a_text_says_a_phrase_by_its_words(text: str, says: bool) -> None:
    from qdef.wording.authored import says as says_phrase  # noqa: PLC0415

    assert says_phrase(text, "(Mehrfachnennungen möglich)") is says


def test_the_format_docs_example_prints_the_hint_once() -> None:
    """docs/format.md's multiple choice example, as an instrument."""
    docs = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    example = docs[docs.index("- id: umsetzungsphase\n  type: multiple") :]
    example = example[: example.index("```")]
    body = "\n".join("      " + line for line in example.splitlines())
    source = "qdef: 1\nid: x\ntitle: X\nlanguage: de\nsections:\n  - id: s\n    questions:\n" + body
    instrument: Instrument = qdef.loads(source)
    assert render(instrument, to="markdown").count("Mehrfachnennungen möglich") == 1
    assert not [d for d in validate_text(source, Path("x.yaml")).diagnostics if d.code == "QD515"]


@pytest.mark.browser
def test_the_printed_web_form_bars_exactly_the_conditional_parts(forms: FormPages) -> None:
    """In print, the conditional sections and questions have a bar in the margin; the
    unconditional ones around them have none."""
    form = forms.open(qdef.loads(GARDEN))
    page = form.page
    page.emulate_media(media="print")
    bar = "e => getComputedStyle(e).borderLeftStyle + ' ' + getComputedStyle(e).borderLeftWidth"
    assert page.eval_on_selector("#s-4", bar) == "solid 2px"  # untitled, conditional
    assert page.eval_on_selector("#s-1", bar) == "solid 2px"  # "Trees"
    assert page.eval_on_selector("#s-3", bar).startswith("none")  # the lawn, for everyone
    assert page.eval_on_selector("#s-5", bar).startswith("none")  # the hedge
    page.emulate_media(media="screen")
    assert page.eval_on_selector("#s-4", bar).startswith("none")
    assert form.errors == []
