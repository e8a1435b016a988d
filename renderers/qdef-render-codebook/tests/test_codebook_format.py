"""The codebook's output formats: CSV options and quoting, the formula guard, Markdown
escaping, languages, every kind of variable, and determinism."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from qdef import load
from qdef.expr import parse, to_source
from qdef.model import MultipleChoice, SingleChoice
from qdef.rendering import RenderOptionError, render
from qdef.routing import as_plan

from qdef_render_codebook.output import guard
from qdef_render_codebook.table import option_condition
from qdef_render_codebook.wording import DE, EN, wording_for

TRICKY_DE = 'Eins, "zwei" | *drei*\nvier'
TRICKY_EN = 'One, "two" | *three*\nfour'

TINY = """\
qdef: 1
id: tiny
version: "1"
title: {de: Klein, en: Tiny}
language: de
translations: [en]
sections:
  - id: s1
    questions:
      - id: hinweis
        type: display
        text: {de: Hallo, en: Hello}
      - id: frage
        type: single
        required: true
        text:
          de: "Eins, \\"zwei\\" | *drei*\\nvier"
          en: "One, \\"two\\" | *three*\\nfour"
        options:
          - {code: a, label: {de: "=SUMME(A1:A2)", en: "=SUM(A1:A2)"}}
          - code: b
            label: {de: "+49 Telefon", en: "+49 phone"}
            specify:
              - {id: frage_b, type: number, min: -5, max: 5, label: {de: "@Wert", en: "@value"}}
          - {code: c, label: {de: Sonst, en: Other}}
      - id: mehr
        type: multiple
        when: frage == "a" or frage == "c"
        text: {de: "Was noch?", en: "What else?"}
        options:
          - code: x
            label: {de: Iks, en: Ex}
            specify:
              - id: mehr_x
                type: date
                precision: year
                min: "2000"
                required: true
                label: {de: "Seit:", en: "Since:"}
          - {code: nichts, label: {de: Nichts, en: Nothing}, exclusive: true}
      - id: kontakt
        type: textlist
        personal: true
        text: {de: Kontakt, en: Contact}
        fields:
          - {code: name, label: {de: "Name:", en: "Name:"}}
          - {code: mail, format: email, max_length: 80}
      - id: zeit
        type: daterange
        required: true
        text: {de: Zeitraum, en: Period}
        min: 2020-01-01
        max: 2020-12-31
      - id: stunden
        type: grid
        text: {de: Stunden, en: Hours}
        columns:
          - code: h
            input: number
            kind: decimal
            max: 40
            label: {de: Stunden, en: Hours}
            unit: {de: Std., en: h}
          - {code: keine, input: check, label: {de: Keine, en: None}, exclusive: true}
        rows:
          - {code: r1, label: {de: Eins, en: One}}
          - code: r2
            label: {de: "Sonstiges:", en: "Other:"}
            specify: {id: stunden_r2, personal: true, suffix: {de: (bitte nennen), en: (name it)}}
      - id: wann
        type: date
        precision: month
        max: 2030-12
        text: {de: "Wann?", en: "When?"}
      - id: zahl
        type: number
        text: {de: "Wie viele?", en: "How many?"}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def rendered(path: Path, to: str = "codebook", lang: str | None = None, **settings: object) -> str:
    text = render(path, to, lang=lang, **settings)
    assert isinstance(text, str)
    return text


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def records(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def by_variable(text: str, delimiter: str = ",") -> dict[str, list[str]]:
    return {row[0]: row for row in records(text, delimiter)[1:]}


# ------------------------------------------------------------------ CSV


def test_rows_for_every_variable_and_none_for_displays(tiny: Path) -> None:
    names = [row[0] for row in records(rendered(tiny))[1:]]
    assert names == list(as_plan(load(tiny)).variables)
    assert "hinweis" not in names
    assert names == [
        "frage",
        "frage_b",
        "mehr",
        "mehr_x",
        "kontakt.name",
        "kontakt.mail",
        "zeit.from",
        "zeit.to",
        "stunden.r1.h",
        "stunden.r1.keine",
        "stunden.r2.h",
        "stunden.r2.keine",
        "stunden_r2",
        "wann",
        "zahl",
    ]


def test_records_end_with_crlf_and_fields_round_trip(tiny: Path) -> None:
    text = rendered(tiny)
    assert text.endswith("\r\n")
    header, *rows = records(text)
    assert len(header) == 10
    assert all(len(row) == 10 for row in rows)
    frage = by_variable(text)["frage"]
    assert frage[3] == TRICKY_DE  # comma, quotes, pipe, asterisks and the line break
    # the line break inside the label is the instrument's, not a record separator
    assert text.count("\r\n") == len(rows) + 1


def test_kinds_of_variables(tiny: Path) -> None:
    rows = by_variable(rendered(tiny, lang="en"))
    cells = {name: [unguard(cell) for cell in row] for name, row in rows.items()}
    # name: (type, values, unit, asked when, required, personal)
    expected = {
        "frage": (
            "single choice",
            "a = =SUM(A1:A2); b = +49 phone; c = Other",
            "",
            "true",
            "yes",
            "no",
        ),
        "frage_b": ("number (integer)", "-5–5", "", 'frage == "b"', "no", "no"),
        "mehr": (
            "multiple choice",
            "list of codes: x = Ex; nichts = Nothing (exclusive)",
            "",
            'frage in ["a", "c"]',
            "no",
            "no",
        ),
        "mehr_x": (
            "date (year precision)",
            "YYYY; ≥ 2000",
            "",
            'frage in ["a", "c"] and mehr has "x"',
            "yes",
            "no",
        ),
        "kontakt.name": ("text", "", "", "true", "no", "yes"),
        "kontakt.mail": ("text (e-mail)", "at most 80 characters", "", "true", "no", "yes"),
        "zeit.from": (
            "date (day precision)",
            "YYYY-MM-DD; 2020-01-01 – 2020-12-31",
            "",
            "true",
            "yes",
            "no",
        ),
        "stunden.r1.h": ("number (decimal)", "≤ 40", "h", "true", "no", "no"),
        "stunden.r1.keine": ("check box", "true = ticked", "", "true", "no", "no"),
        "stunden_r2": ("text", "", "", "true", "no", "yes"),
        "wann": ("date (month precision)", "YYYY-MM; ≤ 2030-12", "", "true", "no", "no"),
        "zahl": ("number (integer)", "", "", "true", "no", "no"),
    }
    for name, row in expected.items():
        assert tuple(cells[name][4:]) == row, name
    assert cells["frage_b"][1:3] == ["1", "frage"]
    assert cells["zeit.to"][3] == "Period – to"
    assert cells["zeit.from"][3] == "Period – from"
    assert cells["stunden.r2.h"][3] == "Hours – Other – Hours"
    assert cells["stunden_r2"][3] == "Hours – Other (name it)"
    assert cells["mehr_x"][3] == "What else? – Ex – Since"
    assert cells["frage_b"][3] == f"{TRICKY_EN} – +49 phone – @value"
    assert cells["kontakt.mail"][3] == "Contact – mail"


def test_delimiter_semicolon(tiny: Path) -> None:
    text = rendered(tiny, delimiter=";")
    assert text.startswith("Variable;Frage-Nr.;Frage-ID;")
    assert by_variable(text, ";")["frage"][3] == TRICKY_DE
    assert by_variable(text, ";") == by_variable(rendered(tiny), ",")


@pytest.mark.parametrize("value", ["\t", "\\t", "tab", "TAB"])
def test_delimiter_tab(tiny: Path, value: str) -> None:
    text = rendered(tiny, delimiter=value)
    assert text.startswith("Variable\tFrage-Nr.\tFrage-ID\t")
    assert by_variable(text, "\t") == by_variable(rendered(tiny), ",")


@pytest.mark.parametrize("value", ["x", "|", ",,", ""])
def test_other_delimiters_are_refused(tiny: Path, value: str) -> None:
    with pytest.raises(RenderOptionError, match=r"option 'delimiter' takes"):
        rendered(tiny, delimiter=value)


def test_unknown_options_are_refused_by_qdef(tiny: Path) -> None:
    with pytest.raises(RenderOptionError, match="no option 'sep'"):
        rendered(tiny, sep=";")
    with pytest.raises(RenderOptionError):
        rendered(tiny, "codebook-md", delimiter=";")


def test_formula_guard(tiny: Path) -> None:
    rows = by_variable(rendered(tiny))
    assert rows["frage_b"][5] == "'-5–5"  # a number range starting with a minus
    assert rows["frage"][5].startswith("a = =SUMME")  # '=' inside a cell is harmless
    assert rows["frage_b"][3].endswith("– +49 Telefon – @Wert")
    for row in rows.values():
        for cell in row:
            assert cell[:1] not in set("=+-@\t\r"), cell
    unguarded = by_variable(rendered(tiny, formula_guard="false"))
    assert unguarded["frage_b"][5] == "-5–5"
    for name, row in rows.items():
        assert [unguard(cell) for cell in row] == unguarded[name]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+49", "'+49"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("a = b", "a = b"),
        ('x == "ja"', 'x == "ja"'),
        ("", ""),
    ],
)
def test_guard(cell: str, shown: str) -> None:
    assert guard(cell) == shown
    assert unguard(guard(cell)) == cell


def test_bom(tiny: Path) -> None:
    assert rendered(tiny, bom="true").startswith("\ufeffVariable,")
    assert not rendered(tiny).startswith("\ufeff")
    with pytest.raises(RenderOptionError, match="bom"):
        rendered(tiny, bom="maybe")


# ------------------------------------------------------------------ languages


def test_headers_follow_the_language(tiny: Path) -> None:
    german = records(rendered(tiny))[0]
    english = records(rendered(tiny, lang="en"))[0]
    assert german == [
        "Variable",
        "Frage-Nr.",
        "Frage-ID",
        "Bezeichnung",
        "Typ",
        "Werte",
        "Einheit",
        "gefragt, wenn",
        "Pflicht",
        "personenbezogen",
    ]
    assert english == [
        "variable",
        "question no.",
        "question id",
        "label",
        "type",
        "values",
        "unit",
        "asked when",
        "required",
        "personal data",
    ]
    assert by_variable(rendered(tiny, lang="en"))["frage"][4] == "single choice"
    assert by_variable(rendered(tiny))["frage"][4] == "Einfachauswahl"


def test_wording_by_primary_subtag() -> None:
    assert wording_for("de") is DE
    assert wording_for("de-AT") is DE
    assert wording_for("DE-ch") is DE
    assert wording_for("en-GB") is EN
    assert wording_for("fr") is EN  # no French wording: English
    assert set(DE) == set(EN)


# ------------------------------------------------------------------ Markdown


def _cell_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or [] if child.type == "text")


def table_of(markdown: str) -> list[list[str]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert [t.type for t in tokens].count("table_open") == 1
    table: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            table.append([])
        elif token.type in ("th_open", "td_open"):
            table[-1].append(_cell_text(tokens[index + 1]))
    return table


def test_markdown_title_and_table(tiny: Path) -> None:
    markdown = rendered(tiny, "codebook-md")
    assert markdown.startswith("# Klein – Codebuch\n")
    table = table_of(markdown)
    names = list(as_plan(load(tiny)).variables)
    assert len(table) == 1 + len(names)
    assert all(len(row) == 10 for row in table)
    assert table[0][7] == "gefragt, wenn"
    assert [row[0] for row in table[1:]] == names
    rows = {row[0]: row for row in table[1:]}
    # pipes, asterisks and quotes show literally; the line break becomes a space
    assert rows["frage"][3] == 'Eins, "zwei" | *drei* vier'
    assert rows["frage"][5] == "a = =SUMME(A1:A2); b = +49 Telefon; c = Sonst"
    assert rows["mehr_x"][7] == 'frage in ["a", "c"] and mehr has "x"'
    assert rows["frage_b"][5] == "-5–5"  # no formula guard in Markdown


def test_markdown_in_english(tiny: Path) -> None:
    markdown = rendered(tiny, "codebook-md", lang="en")
    assert markdown.startswith("# Tiny – Codebook\n")
    assert "Instrument tiny, version 1; 15 variables" in markdown
    assert table_of(markdown)[0][:2] == ["variable", "question no."]


def test_markdown_investitionspakt_cells() -> None:
    path = Path(__file__).resolve().parents[3] / "instruments" / "investitionspakt.yaml"
    table = table_of(rendered(path, "codebook-md"))
    rows = {row[0]: row for row in table[1:]}
    assert len(rows) == len(table) - 1 == 91
    assert rows["gruende_kein_im_foerderprogramm"][7] == (
        'im_eingesetzt != "ja" and gruende_kein_im == "andere_foerderung"'
    )
    assert rows["schwerpunkte.vernetzung"][3].endswith("– Vernetzung der Akteur/-innen im Quartier")


# ------------------------------------------------------------------ asked when, determinism


def test_option_condition_combines_with_the_reaching_condition(tiny: Path) -> None:
    instrument = load(tiny)
    questions = {q.id: q for _, q in instrument.questions()}
    single, multiple = questions["frage"], questions["mehr"]
    assert isinstance(single, SingleChoice)
    assert isinstance(multiple, MultipleChoice)

    def combined(reaching: str, question: SingleChoice | MultipleChoice, code: str) -> str:
        return to_source(option_condition(parse(reaching), question, code))

    assert combined("true", single, "b") == 'frage == "b"'
    assert combined("true", multiple, "x") == 'mehr has "x"'
    assert combined('a == "1" or b == "2"', single, "b") == (
        '(a == "1" or b == "2") and frage == "b"'
    )
    assert combined('a == "1" and b == "2"', multiple, "x") == (
        'a == "1" and b == "2" and mehr has "x"'
    )
    assert combined("false", single, "b") == "false"


@pytest.mark.parametrize("to", ["codebook", "codebook-md"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_deterministic(tiny: Path, to: str, lang: str) -> None:
    assert rendered(tiny, to, lang=lang) == rendered(tiny, to, lang=lang)
