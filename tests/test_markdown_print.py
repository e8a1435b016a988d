"""The paper questionnaire in Markdown prints and renders well (issue 22, item 5):
rendered with markdown-it (CommonMark with GitHub's tables, as GitHub renders it),
every instrument under ``instruments/`` and every case of ``tests/cases/render/``,
in each of its languages, has

- no double markers: no list item starts with a box (○ or ☐) or a blank beside
  its bullet — options are paragraphs that start with their box;
- no answer line turned into a rule: no ``<hr>``, and no line of the plain text
  is a thematic break;
- every answer line a block of its own: a blank stands in a paragraph (or a
  table cell), never in a tight list item without a paragraph's margin and never
  run together with the next line by a soft or hard line break; each ruled line
  for long text is a paragraph holding nothing but its underscores.

And in Chromium (the markdown-it HTML with the browser's default style, no CSS of
qdef's: GitHub strips style attributes), answer lines outside tables are at least
8 mm apart when printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

import qdef
from qdef.model import Instrument, SingleChoice, TextQuestion
from qdef.rendering import markdown as mdtext
from qdef.rendering import render

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "cases" / "render").glob("*.yaml"))

#: A line of the plain text that CommonMark reads as a thematic break (after the
#: block quotes' ``>`` and a list item's indentation).
THEMATIC_BREAK = re.compile(r" {0,3}([-_*])(?:[ \t]*\1){2,}[ \t]*")
BOXES = ("○", "☐")
BLANK = re.compile("_{3,}")
RULED = "_" * mdtext.LINE_WIDTH
#: 8 mm in CSS pixels (96 per inch), as printed at 100 %.
EIGHT_MM = 8 / 25.4 * 96


def markdown() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, as GitHub renders it."""
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def renderings() -> list[tuple[Path, str]]:
    found = []
    for path in [*INSTRUMENTS, *CASES]:
        instrument = qdef.load(path)
        found.extend((path, lang) for lang in [instrument.language, *instrument.translations])
    return found


RENDERINGS = renderings()


def paper(path: Path, lang: str) -> str:
    text = render(qdef.load(path), to="markdown", lang=lang)
    assert isinstance(text, str)
    return text


def shown(inline: Token) -> str:
    """The text an inline token shows; a line break as a newline."""
    parts = []
    for child in inline.children or ():
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def containers(tokens: list[Token]) -> list[tuple[Token, list[str]]]:
    """Each inline token with the block tokens it stands in (outermost first); a
    paragraph that renders without ``<p>`` (in a tight list) as ``paragraph_open!tight``,
    or as ``paragraph_open!only-item`` when its list has that one item (a list of one
    is always tight, and its item stands between its neighbours' margins)."""
    found: list[tuple[Token, list[str]]] = []
    stack: list[tuple[Token, list[int]]] = []  # each open block, and the items of a list
    for token in tokens:
        if token.type == "list_item_open":
            stack[-1][1].append(1)
        if token.nesting == 1:
            stack.append((token, []))
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            names = [t.type for t, _ in stack]
            if stack and stack[-1][0].hidden:
                lists = [items for t, items in stack if t.type == "bullet_list_open"]
                names[-1] += "!only-item" if lists and len(lists[-1]) == 1 else "!tight"
            found.append((token, names))
    return found


ids = [f"{path.stem}-{lang}" for path, lang in RENDERINGS]


@pytest.mark.parametrize(("path", "lang"), RENDERINGS, ids=ids)
def test_no_double_markers(path: Path, lang: str) -> None:
    text = paper(path, lang)
    tokens = markdown().parse(text)
    for index, token in enumerate(tokens):
        if token.type != "list_item_open":
            continue
        first = next(t for t in tokens[index:] if t.type == "inline")
        assert not re.match(r"[○☐]|_{3}", shown(first)), shown(first)
    html = markdown().render(text)
    assert not re.search(r"<li>\s*(<p>)?\s*([○☐]|_{3})", html)
    for line in text.splitlines():
        assert not re.match(r"[> ]*[-+*] +[○☐_]", line), line


@pytest.mark.parametrize(("path", "lang"), RENDERINGS, ids=ids)
def test_no_answer_line_is_a_rule(path: Path, lang: str) -> None:
    text = paper(path, lang)
    assert not any(t.type == "hr" for t in markdown().parse(text))
    assert "<hr" not in markdown().render(text)
    for line in text.splitlines():
        content = re.sub(r"^(?:> ?)*", "", line)
        assert not THEMATIC_BREAK.fullmatch(content.lstrip(" ")), line


@pytest.mark.parametrize(("path", "lang"), RENDERINGS, ids=ids)
def test_every_answer_line_is_a_block_of_its_own(path: Path, lang: str) -> None:
    text = paper(path, lang)
    tokens = markdown().parse(text)
    blanks = 0
    for inline, outer in containers(tokens):
        words = shown(inline)
        if not BLANK.search(words):
            continue
        blanks += len(BLANK.findall(words))
        # A paragraph with its margins (not a tight list's item, whose paragraph is
        # hidden: no <p>, no margin), or a cell.
        assert outer[-1] in (
            "paragraph_open",
            "paragraph_open!only-item",
            "td_open",
            "th_open",
        ), (words, outer)
        # On one line: nothing after it on a line of its own in the same block.
        assert "\n" not in words, words
    assert blanks == len(BLANK.findall(text))
    ruled = [t for t, _ in containers(tokens) if shown(t) == RULED]
    assert len(ruled) == text.count("\\" + RULED)


def long_text_lines(instrument: Instrument) -> int:
    """How many ruled lines the instrument's long texts ask for (without rosters)."""
    count = 0
    for _, question in instrument.questions():
        if isinstance(question, TextQuestion) and question.long:
            count += question.lines or 3
        if isinstance(question, SingleChoice):
            for option in question.options:
                for followup in option.specify or ():
                    if getattr(followup, "long", False):
                        count += getattr(followup, "lines", None) or 3
    return count


def test_ruled_lines_of_the_investitionspakt_are_paragraphs() -> None:
    instrument = qdef.load(ROOT / "instruments" / "investitionspakt.yaml")
    tokens = markdown().parse(paper(ROOT / "instruments" / "investitionspakt.yaml", "de"))
    ruled = [(t, outer) for t, outer in containers(tokens) if shown(t) == RULED]
    assert len(ruled) == long_text_lines(instrument) == 18
    assert all(outer[-1] == "paragraph_open" for _, outer in ruled)


PITCHES = """() => {
  const blank = /_{3,}/;
  const lines = [...document.querySelectorAll("p, li")]
    .filter(e => !e.closest("table") && !e.querySelector("p") && blank.test(e.textContent))
    .map(e => e.getBoundingClientRect().top)
    .sort((a, b) => a - b);
  return lines.slice(1).map((top, i) => top - lines[i]);
}"""


def test_answer_lines_have_room_to_write_in_chromium(chromium: Any, tmp_path: Path) -> None:
    """Laid out by Chromium with its default style (as markdown-it's HTML comes, no
    CSS), consecutive answer lines outside tables are at least 8 mm apart."""
    page = chromium.new_page()
    try:
        for path in INSTRUMENTS:
            html = markdown().render(paper(path, qdef.load(path).language))
            file = tmp_path / f"{path.stem}.html"
            file.write_text(f'<!doctype html><meta charset="utf-8">{html}', encoding="utf-8")
            page.goto(file.as_uri())
            pitches: list[float] = page.evaluate(PITCHES)
            assert pitches, path
            assert min(pitches) >= EIGHT_MM, (path.stem, sorted(pitches)[:5])
    finally:
        page.close()
