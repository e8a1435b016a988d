"""The ``markdown`` renderer: golden files, the structure of the rendered
Investitionspakt (parsed with markdown-it), escaping of arbitrary text, and
determinism.

Golden files: ``tests/cases/render/<stem>.yaml`` → ``tests/golden/markdown/<stem>.md``
(one small instrument per feature), the Investitionspakt, and one translated
instrument in English (``<stem>.en.md``). Rewrite them with
``pytest tests/test_markdown.py --update-goldens`` and read the diff.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

import qdef
from qdef.model import Instrument, MultipleChoice, SingleChoice
from qdef.rendering import markdown as mdtext
from qdef.rendering import render
from qdef.testing import instruments
from tests.conftest_goldens import Golden

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "render"
GOLDEN = ROOT / "tests" / "golden" / "markdown"
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"
TRANSLATED = CASES / "translated.yaml"

CASE_FILES = sorted(CASES.glob("*.yaml"))


def markdown() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, as GitHub renders it."""
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def to_markdown(instrument: Instrument, lang: str | None = None) -> str:
    text = render(instrument, to="markdown", lang=lang)
    assert isinstance(text, str)
    return text


@pytest.fixture(scope="module")
def investitionspakt() -> Instrument:
    return qdef.load(INVESTITIONSPAKT)


@pytest.fixture(scope="module")
def paper(investitionspakt: Instrument) -> str:
    return to_markdown(investitionspakt)


@pytest.fixture(scope="module")
def tokens(paper: str) -> list[Token]:
    return markdown().parse(paper)


# --------------------------------------------------------------------------- helpers


def plain(inline: Token) -> str:
    """The text an inline token shows, markup dropped; line breaks as spaces."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain(child))
    return "".join(parts)


def collapsed(text: str) -> str:
    """``text`` with whitespace runs folded to one space and stripped (what
    ``mdtext.inline`` promises to show); non-breaking spaces inside are kept."""
    return re.sub(r"\s*[^\S\u00a0\u2007\u202f]\s*", " ", text).strip()


def inlines_in(tokens: Sequence[Token], start: int, close: str) -> list[Token]:
    """The inline tokens from ``tokens[start]`` up to its matching ``close`` token."""
    level = tokens[start].level
    found: list[Token] = []
    for token in tokens[start + 1 :]:
        if token.type == close and token.level == level:
            break
        if token.type == "inline":
            found.append(token)
    return found


def significant(inline: Token) -> list[Token]:
    """The children of an inline token, without the empty text tokens markdown-it
    leaves before a delimiter."""
    return [c for c in inline.children or () if not (c.type == "text" and not c.content)]


def question_number(inline: Token) -> str | None:
    """``7`` for a paragraph that starts with ``**7.**``, else None."""
    children = significant(inline)
    types = [c.type for c in children[:3]]
    if types == ["strong_open", "text", "strong_close"] and children[1].content.endswith("."):
        return children[1].content[:-1]
    return None


@dataclass
class Block:
    """The tokens of one question: from its numbered paragraph to the next one (or
    the next heading)."""

    number: str
    tokens: list[Token]

    def options(self) -> list[str]:
        """The plain text of the top-level paragraphs that start with a box (○ or ☐):
        the options, a paragraph each."""
        return [p for p in self.paragraphs() if p.startswith(("○", "☐"))]

    def list_items(self) -> list[str]:
        """The plain text of the first paragraph of each top-level list item."""
        items: list[str] = []
        for index, token in enumerate(self.tokens):
            if token.type == "list_item_open" and token.level == 1:
                items.append(plain(inlines_in(self.tokens, index, "list_item_close")[0]))
        return items

    def paragraphs(self) -> list[str]:
        """The plain text of the top-level paragraphs (the question's own first)."""
        return [
            plain(self.tokens[i + 1])
            for i, token in enumerate(self.tokens)
            if token.type == "paragraph_open" and token.level == 0
        ]

    def tables(self) -> list[Table]:
        return [
            table_at(self.tokens, i)
            for i, token in enumerate(self.tokens)
            if token.type == "table_open"
        ]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def table_at(tokens: Sequence[Token], start: int) -> Table:
    header: list[str] = []
    rows: list[list[str]] = []
    current: list[str] | None = None
    in_head = False
    for token in tokens[start + 1 :]:
        if token.type == "table_close":
            break
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            current = []
        elif token.type == "tr_close":
            assert current is not None
            if in_head:
                header = current
            else:
                rows.append(current)
        elif token.type == "inline":
            assert current is not None
            current.append(plain(token))
    return Table(header, rows)


def questions(tokens: Sequence[Token]) -> dict[str, Block]:
    """Each numbered question's tokens, by its number."""
    blocks: dict[str, Block] = {}
    current: Block | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            current = None
        if token.type == "paragraph_open" and token.level == 0:
            number = question_number(tokens[index + 1])
            if number is not None:
                current = blocks[number] = Block(number, [])
        if current is not None:
            current.tokens.append(token)
    return blocks


def unquote(tokens: Sequence[Token]) -> tuple[int, list[Token]]:
    """The renderer's block quotes (one around each conditional part) taken away: how
    many there are, and the other tokens at the level they would have outside them."""
    count, depth = 0, 0
    found: list[Token] = []
    for token in tokens:
        if token.type == "blockquote_open":
            count, depth = count + 1, depth + 1
        elif token.type == "blockquote_close":
            depth -= 1
        else:
            found.append(token.copy(level=token.level - depth))
    return count, found


def conditional_parts(instrument: Instrument) -> int:
    """How many parts are asked only under a condition: sections and questions (or
    displays) with a ``when``."""
    sections = sum(1 for s in instrument.sections if s.when is not None and s.questions)
    return sections + sum(1 for _, q in instrument.questions() if q.when is not None)


def all_inline_children(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        if token.type == "inline":
            yield from token.children or ()


# --------------------------------------------------------------------------- goldens


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_golden(case: Path, golden: Golden) -> None:
    golden(to_markdown(qdef.load(case)), GOLDEN / f"{case.stem}.md")


def test_investitionspakt_golden(paper: str, golden: Golden) -> None:
    golden(paper, GOLDEN / "investitionspakt.md")


def test_translated_golden_in_english(golden: Golden) -> None:
    golden(to_markdown(qdef.load(TRANSLATED), lang="en"), GOLDEN / f"{TRANSLATED.stem}.en.md")


def test_every_golden_has_its_case() -> None:
    """No golden is left behind when a case is renamed or removed."""
    expected = {f"{p.stem}.md" for p in CASE_FILES}
    expected |= {"investitionspakt.md", f"{TRANSLATED.stem}.en.md"}
    assert {p.name for p in GOLDEN.iterdir()} == expected


@pytest.mark.parametrize("case", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_cases_are_clean_instruments(case: Path) -> None:
    """The render cases are valid without a single warning: they show features,
    not mistakes."""
    assert qdef.validate(case) == []


def test_english_chrome() -> None:
    text = to_markdown(qdef.load(TRANSLATED), lang="en")
    for phrase in (
        "(go to question 6)",
        "(end of the survey)",
        "*(multiple answers possible)* *(at most 2 answers)*",
        "In none (tick only on its own)",
        "(MM/YYYY)",
        "From ____________ (DD/MM/YYYY) to ____________ (DD/MM/YYYY)",
        "*Answer only if question 2: “Before construction” ticked and question 3 ≥ 01/2020.*",
        "*Note: Name and Email are personal data.*",
        "*Answer this part only if question 6 = Yes and question 5 > 0.5; "
        "otherwise the survey ends here.*",
    ):
        assert phrase in text
    for german in ("Frage", "Mehrfachnennungen", "JJJJ", "Hinweis", "Von "):
        assert german not in text


def test_language_is_chosen_by_lang_or_the_instrument() -> None:
    instrument = qdef.load(TRANSLATED)
    assert to_markdown(instrument) == to_markdown(instrument, lang="de")
    assert to_markdown(instrument, lang="EN") == to_markdown(instrument, lang="en")
    assert "# Short survey\n" in to_markdown(instrument, lang="en")


# --------------------------------------------------------------------------- structure


def test_title_and_section_headings(tokens: list[Token], investitionspakt: Instrument) -> None:
    headings = [
        (token.tag, plain(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    titles = [s.title for s in investitionspakt.sections if s.title is not None]
    assert headings == [("h1", investitionspakt.title)] + [("h2", t) for t in titles]
    assert [t for _, t in headings[1:]] == [
        "Fragen an die Kommunen ohne Integrationsmanagement",
        "Fragen an die Kommunen mit Integrationsmanagement",
        "Fragen an die Kommunen mit und ohne Integrationsmanagement",
    ]


def test_questions_are_numbered_1_to_22_in_order(tokens: list[Token]) -> None:
    numbers = [
        question_number(tokens[i + 1])
        for i, token in enumerate(tokens)
        if token.type == "paragraph_open" and question_number(tokens[i + 1]) is not None
    ]
    assert numbers == [str(n) for n in range(1, 23)]


def test_question_texts_follow_their_numbers(
    tokens: list[Token], investitionspakt: Instrument
) -> None:
    blocks = questions(tokens)
    for question, number in investitionspakt.numbered():
        assert number is not None
        first = blocks[number].paragraphs()[0]
        assert first.startswith(f"{number}. {collapsed(str(question.text))}")


def test_tables_are_the_grid_and_the_matrix(tokens: list[Token]) -> None:
    tables = [table_at(tokens, i) for i, t in enumerate(tokens) if t.type == "table_open"]
    assert len(tables) == 2
    blocks = questions(tokens)
    (grid,) = blocks["4"].tables()
    (matrix,) = blocks["13"].tables()
    assert (len(grid.rows), len(grid.header)) == (15, 3)
    assert (len(matrix.rows), len(matrix.header)) == (15, 5)
    for table in (grid, matrix):
        assert all(len(row) == len(table.header) for row in table.rows)
    assert grid.header == ["", "Erfolgt durch (bitte nennen)", "Nicht erforderlich"]
    assert matrix.header == [
        "",
        "Überwiegend (50\u00a0% und mehr)",  # a no-break space: docs/renderers.md
        "Teilweise (25 bis unter 50\u00a0%)",
        "Selten (10 bis unter 25\u00a0%)",
        "eher nicht (unter 10\u00a0%)",
    ]
    assert all(row[1:] == ["○"] * 4 for row in matrix.rows)
    assert all(row[1:] == ["_" * 20, "☐"] for row in grid.rows)
    assert matrix.rows[-1][0] == "Sonstiges: " + "_" * 30 + " (bitte nennen)"
    assert grid.rows[-1][0] == "Sonstiges (bitte nennen): " + "_" * 30
    assert matrix.rows[2][0] == "Vernetzung der Akteur/-innen im Quartier"


def test_every_option_is_a_paragraph_in_order(
    tokens: list[Token], investitionspakt: Instrument
) -> None:
    blocks = questions(tokens)
    numbers = investitionspakt.numbers()
    checked = 0
    for _, question in investitionspakt.questions():
        if not isinstance(question, SingleChoice | MultipleChoice):
            continue
        box = "○" if isinstance(question, SingleChoice) else "☐"
        items = blocks[numbers[question.id]].options()
        labels = [f"{box} {collapsed(str(o.label))}" for o in question.options]
        assert len(items) == len(labels)
        for item, label in zip(items, labels, strict=True):
            assert item.startswith(label)
        checked += 1
    assert checked == 11


def test_routing_notes_where_the_seed_has_them(tokens: list[Token]) -> None:
    blocks = questions(tokens)
    assert blocks["1"].options() == ["○ Nein (weiter mit Frage 2)", "○ Ja (weiter mit Frage 7)"]
    assert blocks["18"].options() == [
        "○ Ja (weiter mit Frage 19)",
        "○ Nein (weiter mit Frage 21)",
    ]
    continues = {
        number: paragraph
        for number, block in blocks.items()
        for paragraph in block.paragraphs()
        if paragraph.startswith("→")
    }
    assert continues == {"6": "→ Weiter mit Frage 22", "20": "→ Weiter mit Frage 22"}
    # The continue note is the last thing of its question, in bold.
    for number in ("6", "20"):
        last = [t for t in blocks[number].tokens if t.type == "inline"][-1]
        assert [c.type for c in significant(last)] == ["strong_open", "text", "strong_close"]
    # No question has an only-if note: the Investitionspakt routes with gotos alone.
    assert not any("Nur beantworten" in p for b in blocks.values() for p in b.paragraphs())


def test_blanks_never_become_emphasis(paper: str, tokens: list[Token]) -> None:
    depth = 0
    for child in all_inline_children(tokens):
        if child.type in ("em_open", "strong_open"):
            depth += 1
        elif child.type in ("em_close", "strong_close"):
            depth -= 1
        elif depth:
            assert "_" not in child.content
    html = markdown().render(paper)
    assert "<em>_" not in html
    assert "_</em>" not in html
    # Every blank shows as the underscores written, a ruled line for long text too
    # (its first underscore escaped, so that it is no thematic break): a paragraph of
    # its own.
    shown = sum(len(re.findall("_{3,}", c.content)) for c in all_inline_children(tokens))
    lines = paper.splitlines()
    rules = [line for line in lines if line == "\\" + "_" * mdtext.LINE_WIDTH]
    assert shown == sum(len(re.findall("_{3,}", line)) for line in lines)
    ruled = [
        t for t in tokens if t.type == "inline" and t.content == "\\" + "_" * mdtext.LINE_WIDTH
    ]
    assert len(ruled) == len(rules) == 6 * 3  # questions 3 (twice), 5, 6, 14, 15
    assert not any(t.type == "hr" for t in tokens)
    for snippet in (
        "Sonstiges: ______________________________ (bitte nennen)",
        "Wenn ja, bitte Förderprogramm nennen: ______________________________",
        "_________ Stunden pro Woche.",
        "Ja, und zwar ______ qm, ______________________________ (bitte beschreiben)",
        "Von _________ (MM/JJJJ) bis _________ (MM/JJJJ)",
        "Bitte nennen: ______________________________",
        "E-Mail: ________________________________________",
    ):
        assert snippet in html


def test_dates_and_units(tokens: list[Token]) -> None:
    blocks = questions(tokens)
    assert blocks["11"].paragraphs()[1].count("(MM/JJJJ)") == 2
    assert blocks["9"].paragraphs()[1] == "_________ Stunden pro Woche."


def test_multiple_choice_note(tokens: list[Token]) -> None:
    blocks = questions(tokens)
    for number in ("7", "8"):
        inline = next(t for t in blocks[number].tokens if t.type == "inline")
        children = significant(inline)
        assert [c.type for c in children[-3:]] == ["em_open", "text", "em_close"]
        assert children[-2].content == "(Mehrfachnennungen möglich)"


def test_personal_data_note_after_question_22(tokens: list[Token]) -> None:
    blocks = questions(tokens)
    last = [t for t in blocks["22"].tokens if t.type == "inline"][-1]
    assert [c.type for c in significant(last)] == ["em_open", "text", "em_close"]
    assert plain(last) == "Hinweis: Name, E-Mail und Telefon sind personenbezogene Angaben."
    assert blocks["22"].options() == [
        "○ Nein.",
        "○ Ja, bitte nennen Sie uns Ihre Kontaktdaten für die Terminvereinbarung",
    ]
    # The follow-ups under the option: a list, no box beside the bullets.
    assert blocks["22"].list_items() == [
        "Name: " + "_" * 30,
        "E-Mail: " + "_" * 40,
        "Telefon: " + "_" * 20,
    ]


def test_no_raw_html_links_or_code(tokens: list[Token]) -> None:
    kinds = {t.type for t in tokens} | {c.type for c in all_inline_children(tokens)}
    for bad in (
        "html_block",
        "html_inline",
        "link_open",
        "image",
        "code_inline",
        "code_block",
        "fence",
        "blockquote_open",
        "ordered_list_open",
        "s_open",
    ):
        assert bad not in kinds


# --------------------------------------------------------------------------- output form


@pytest.mark.parametrize("case", [*CASE_FILES, INVESTITIONSPAKT], ids=lambda p: p.stem)
def test_output_form(case: Path) -> None:
    """Deterministic; ends with exactly one newline; no trailing spaces (hard
    breaks are backslashes); blocks separated by exactly one blank line."""
    instrument = qdef.load(case)
    text = to_markdown(instrument)
    assert text == to_markdown(qdef.load(case))
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert "\n\n\n" not in text
    assert "\r" not in text
    for line in text.splitlines():
        assert line == line.rstrip(), repr(line)
        assert "\t" not in line


def test_rendering_does_not_change_the_instrument(investitionspakt: Instrument) -> None:
    before = investitionspakt.model_dump()
    to_markdown(investitionspakt)
    to_markdown(investitionspakt)
    assert investitionspakt.model_dump() == before


# --------------------------------------------------------------------------- escaping

ALPHABET = "*_`[]<>|~#&\\!-+=.)(:;0123456789abcXYZäß„“ \n\t\xa0\u2003\u202f"

#: Pieces of Markdown syntax, to build texts that are nearly markup.
FRAGMENTS = [
    *("**", "__", "*", "_", "`", "``", "~~", "~", "\\", "!", ":"),
    *("<a>", "</a>", "<!--", "-->", "<http://x.org>", "<x@y.z>", "http://x.org"),
    *("[x]", "(y)", "[x](y)", "![i](j)", "[x]: y"),
    *("\n", "\n\n", "    ", "\t", "1. ", "1) ", "- ", "+ ", "* ", "> ", "# ", "---", "==="),
    *("| ", " |", "|-|", "-:", "\\|", "&amp;", "&#35;", "&x", "a", "b c", "a_b_c", "ä„“"),
]

#: Texts the model accepts: not empty, not only spaces, tabs and line breaks (other
#: Unicode spaces are text: they show as nothing).
texts = st.one_of(
    st.text(alphabet=ALPHABET, min_size=1, max_size=40),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map("".join),
).filter(lambda s: s.strip(" \t\n\r") != "")


def tiny(text: str) -> Instrument:
    """An instrument with ``text`` everywhere: section title, question text, help,
    option label, the label of a personal follow-up, matrix row and column; the
    matrix is asked only if that option is ticked."""
    data: dict[str, Any] = {
        "qdef": 1,
        "id": "tiny",
        "title": "T",
        "language": "de",
        "sections": [
            {
                "id": "s",
                "title": text,
                "questions": [
                    {
                        "id": "q",
                        "type": "multiple",
                        "text": text,
                        "help": text,
                        "options": [
                            {"code": "a", "label": text},
                            {
                                "code": "b",
                                "label": "B",
                                "specify": [{"id": "q_b", "label": text, "personal": True}],
                            },
                        ],
                    },
                    {
                        "id": "m",
                        "type": "matrix",
                        "text": "M",
                        "when": 'q has "a"',
                        "scale": [
                            {"code": "1", "label": text},
                            {"code": "2", "label": "Z"},
                        ],
                        "rows": [
                            {"code": "r", "label": text},
                            {"code": "s", "label": "S"},
                        ],
                    },
                ],
            }
        ],
    }
    return Instrument.model_validate(data)


FORBIDDEN = {
    "html_inline",
    "html_block",
    "link_open",
    "image",
    "code_inline",
    "code_block",
    "fence",
    "s_open",
    "em_open",
    "blockquote_open",
    "ordered_list_open",
    "hr",
    "lheading",
}


def emphasis_only(inline: Token) -> bool:
    """The inline token is one italic span around plain text: ``*…*``."""
    children = significant(inline)
    inner = children[1:-1]
    return (
        len(children) >= 2
        and children[0].type == "em_open"
        and children[-1].type == "em_close"
        and all(c.type in ("text", "softbreak", "hardbreak") for c in inner)
    )


@given(texts)
def test_any_text_shows_literally(text: str) -> None:
    check_literal(text)


def check_literal(text: str) -> None:
    """What ``text`` shows wherever the tiny instrument has it, and that it adds no
    markup and breaks none of the renderer's own."""
    paper = to_markdown(tiny(text))
    quotes, tokens = unquote(markdown().parse(paper))
    assert quotes == 1, paper  # the matrix, asked only if an option is ticked
    expected = collapsed(text)
    assert all(line == line.rstrip(" ") for line in paper.splitlines()), paper

    inlines = [t for t in tokens if t.type == "inline"]
    children = list(all_inline_children(tokens))
    kinds = {t.type for t in tokens} | {c.type for c in children}
    assert not kinds & (FORBIDDEN - {"em_open"}), paper
    # Strong: only the two question numbers. Italics: only what qdef adds — the help,
    # the multiple-choice note, the personal-data note and the only-if note —, each
    # one italic span around plain text.
    assert sum(1 for c in children if c.type == "strong_open") == 2, paper
    italic = [t for t in inlines if significant(t) and significant(t)[0].type == "em_open"]
    assert all(emphasis_only(t) for t in italic), paper
    helps = len(mdtext.paragraphs(text))
    assert sum(1 for c in children if c.type == "em_open") == len(italic) + 1, paper
    assert len(italic) == helps + 2, paper

    headings = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["T", expected], paper

    blocks = questions(tokens)
    assert set(blocks) == {"1", "2"}, paper
    paragraphs = [
        plain(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "paragraph_open" and t.level == 0 and tokens[i + 1] not in italic
    ]
    note = "(Mehrfachnennungen möglich)"
    first_option = next(i for i, p in enumerate(paragraphs) if p.startswith("☐"))
    question = " ".join(paragraphs[:first_option])
    assert question == f"1. {expected} {note}".replace("  ", " "), paper
    assert " ".join(plain(t) for t in italic[:helps]) == expected, paper
    personal, only_if = (plain(t) for t in italic[helps:])
    assert personal.startswith("Hinweis: "), paper
    assert personal.endswith(" ist eine personenbezogene Angabe."), paper
    assert only_if.startswith("Nur beantworten, wenn Frage 1: "), paper
    assert only_if.endswith(" angekreuzt."), paper

    items = blocks["1"].options()
    assert len(items) == 2, paper
    assert items[0] == f"☐ {expected}".strip(), paper
    assert items[1].startswith("☐ B"), paper

    (table,) = blocks["2"].tables()
    assert table.header == ["", expected, "Z"], paper
    assert table.rows == [[expected, "○", "○"], ["S", "○", "○"]], paper


@pytest.mark.parametrize(
    "text",
    [
        "# x #",
        "1. eins",
        "2) zwei",
        "- minus",
        "+ plus",
        "> zitat",
        "---",
        "***",
        "___",
        "===",
        "```",
        "~~~",
        "    eingerückt",
        "<script>alert(1)</script>",
        "<!-- x -->",
        "[x](y)",
        "![x](y)",
        "<http://example.org>",
        "&amp; &#123; &#x1F; &copy",
        "\\",
        "a\\",
        "\\*",
        "`code`",
        "~~weg~~",
        "_unter_ *stern* **fett** __fett__",
        "a | b",
        "|",
        "\\|",
        "x\n===",
        "x\n---",
        "x\n\n- y\n\n1. z",
        "[a]: http://example.org",
        "*",
        "a *",
        "a < b",
        "a <",
        "<",
        "< a@b.c>",
        "<a@b.c>",
        "a <.b@c.d>",
        "x > 3",
        "C #",
        "#",
        "# #",
        "\xa0",
        "\xa0\n\u2003",
    ],
)
def test_markdown_specials_show_literally(text: str) -> None:
    check_literal(text)


@given(instruments())
def test_any_valid_instrument_renders_as_clean_markdown(instrument: Instrument) -> None:
    """Random valid instruments (every question type, follow-ups, routing, texts
    full of special characters) render in each of their languages: numbered in
    order, one table per matrix or grid, no markup from the instrument's texts."""
    numbers = [n for _, n in instrument.numbered() if n is not None]
    tables = sum(1 for _, q in instrument.questions() if q.type in ("matrix", "grid"))
    for lang in [instrument.language, *instrument.translations]:
        paper = to_markdown(instrument, lang)
        assert paper.endswith("\n")
        assert not paper.endswith("\n\n")
        assert all(line == line.rstrip() for line in paper.splitlines())
        quotes, tokens = unquote(markdown().parse(paper))
        assert quotes == conditional_parts(instrument), paper
        kinds = {t.type for t in tokens} | {c.type for c in all_inline_children(tokens)}
        assert not kinds & (FORBIDDEN - {"em_open"}), paper
        found = [
            question_number(tokens[i + 1])
            for i, token in enumerate(tokens)
            if token.type == "paragraph_open" and token.level == 0
        ]
        assert [n for n in found if n is not None] == numbers, paper
        assert sum(1 for t in tokens if t.type == "table_open") == tables, paper


# --------------------------------------------------------------------------- mdtext


def test_inline_escapes_markup_and_folds_lines() -> None:
    assert mdtext.inline("  a *b*\n  c_d  ") == "a \\*b\\* c\\_d"
    assert mdtext.inline("[x](y) `z` ~~s~~ a|b \\") == "\\[x\\](y) \\`z\\` \\~\\~s\\~\\~ a\\|b \\\\"
    assert mdtext.inline("&amp; & &#35; &x") == "\\&amp; & \\&#35; &x"
    # A "<" before a space starts nothing, and ">" closes nothing: both stay plain.
    assert mdtext.inline("Frage 3 < 10 und > 2") == "Frage 3 < 10 und > 2"
    assert mdtext.inline("<b> a<") == "\\<b> a\\<"
    # Non-breaking spaces stay inside the text (50 %, z. B.), not at its ends.
    assert mdtext.inline("\u00a0 50\u00a0%  z.\u202fB.\n\u2003x \u00a0") == "50\u00a0% z.\u202fB. x"


def test_at_line_start_escapes_block_starts() -> None:
    for text, escaped in [
        ("# x", "\\# x"),
        ("> x", "\\> x"),
        ("- x", "\\- x"),
        ("+ x", "\\+ x"),
        ("===", "\\==="),
        ("12. x", "12\\. x"),
        ("3) x", "3\\) x"),
        ("x - y", "x - y"),
        ("2022 war", "2022 war"),
    ]:
        assert mdtext.at_line_start(text) == escaped


def test_heading_escapes_a_closing_sequence() -> None:
    assert mdtext.heading("C #") == "C \\#"
    assert mdtext.heading("#") == "\\#"
    assert mdtext.heading("C# x") == "C# x"


def test_paragraphs_keep_breaks_without_trailing_spaces() -> None:
    assert mdtext.paragraphs("a\n- b\n\n\n  c  \n") == ["a\\\n\\- b", "c"]
    assert mdtext.paragraphs("x\\\ny") == ["x\\\\\\\ny"]


def test_join_keeps_blanks_between_spaces() -> None:
    assert mdtext.join("Ja", None, "", "___", ",", "(bitte)") == "Ja ___ , (bitte)"
    assert mdtext.join("Stunden", ".") == "Stunden."
    assert mdtext.join("qm", ",", "___") == "qm, ___"


def test_table_pads_columns() -> None:
    assert mdtext.table(["", "Ja"], [["Zeile", "○"]], [False, True]) == [
        "|       | Ja  |",
        "| ----- | :-: |",
        "| Zeile | ○   |",
    ]
