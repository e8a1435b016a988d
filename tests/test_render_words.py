"""Conditions in words (``qdef.rendering.words``) and the routing notes of paper
questionnaires (``qdef.rendering.routing_notes``), in German and English."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import qdef
from qdef.expr.parser import parse
from qdef.model import Instrument
from qdef.rendering import (
    Compiled,
    Destination,
    Notes,
    RenderOptions,
    Words,
    catalog,
    compile_instrument,
    get_renderer,
    label_text,
    options_for,
    render,
    routing_notes,
)

WORDS = """
qdef: 1
id: words
title: Wörter
language: de
sections:
  - id: s1
    questions:
      - id: q1
        type: single
        text: Einfach?
        options:
          - {code: ja, label: Ja}
          - {code: nein, label: Nein}
          - {code: teils, label: Zum Teil}
          - code: sonstiges
            label: "Sonstiges:"
            specify: [{id: q1_sonst}]
          - code: andere
            label: Andere Förderung
            specify: [{id: q1_programm, label: "Programm:"}, {id: q1_betrag, type: number}]
      - id: q2
        type: multiple
        text: Mehrfach?
        options:
          - {code: vor, label: Vor der Maßnahme}
          - {code: nach, label: Nach der Maßnahme}
          - {code: kein, label: Keiner, exclusive: true}
      - id: q3
        type: number
        kind: decimal
        text: Zahl?
        min: -10
        max: 100
      - id: q4
        type: date
        text: Tag?
      - id: q5
        type: date
        precision: month
        text: Monat?
      - id: q6
        type: date
        precision: year
        text: Jahr?
      - id: q7
        type: daterange
        precision: month
        from_label: Von
        to_label: "bis einschließlich:"
        text: Zeitraum mit Beschriftung?
      - id: q8
        type: daterange
        text: Zeitraum?
      - id: q9
        type: textlist
        text: Liste?
        fields:
          - {code: "1", label: "1."}
          - {code: name, label: "Name:"}
          - {code: ohne}
      - id: q10
        type: matrix
        text: Matrix?
        scale:
          - {code: "1", label: Überwiegend}
          - {code: "2", label: eher nicht}
        rows:
          - {code: beteiligung, label: Beteiligung und Aktivierung}
          - {code: vernetzung, label: Vernetzung}
          - {code: sonstiges, label: "Sonstiges:", specify: {id: q10_sonst}}
      - id: q11
        type: grid
        text: Raster?
        columns:
          - {code: text, input: text, label: Erfolgt durch}
          - {code: stunden, input: number, label: Stunden}
          - {code: nicht, input: check, label: Nicht erforderlich}
        rows:
          - {code: r, label: Beteiligung und Aktivierung}
          - {code: s, label: Sonstiges, specify: {id: q11_sonst}}
      - id: q12
        type: text
        text: Text?
      - id: q13
        type: single
        text: Eine Phase?
        options:
          - {code: vor, label: Vor der Maßnahme}
          - {code: nach, label: Nach der Maßnahme}
      - id: q14
        number: 20a
        type: number
        text: Noch eine Zahl?
      - id: q15
        type: text
        text: Die letzte Frage?
"""


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return qdef.loads(WORDS)


def words_for(instrument: Instrument, lang: str) -> Words:
    renderer = get_renderer("markdown")
    if lang == instrument.language:
        options = options_for(renderer, instrument)
    else:  # chrome of another language around the instrument's own texts
        options = RenderOptions(lang, catalog(lang))
    return Words(compile_instrument(instrument), options)


@pytest.fixture(scope="module")
def de(instrument: Instrument) -> Words:
    return words_for(instrument, "de")


@pytest.fixture(scope="module")
def en(instrument: Instrument) -> Words:
    return words_for(instrument, "en")


def test_the_conditions_are_valid_here(instrument: Instrument) -> None:
    """Every condition below type-checks at the last question (so the words are
    tested on conditions an instrument can have)."""
    from qdef.pipeline import validate_text  # noqa: PLC0415

    conditions = [c for c, _, _ in CASES] + [c for c, _ in GERMAN_ONLY]
    for condition in conditions:
        quoted = condition.replace("'", "''")
        text = WORDS.replace(
            "text: Die letzte Frage?", f"text: Die letzte Frage?\n        when: '{quoted}'"
        )
        result = validate_text(text)
        errors = [d for d in result.diagnostics if d.severity == "error"]
        assert errors == [], condition


#: condition, German, English
CASES: list[tuple[str, str, str]] = [
    # choices: labels, one word as it is, several in quotation marks
    ('q1 == "ja"', "Frage 1 = Ja", "question 1 = Ja"),
    ('q1 == "teils"', "Frage 1 = „Zum Teil“", "question 1 = “Zum Teil”"),
    ('q1 != "ja"', "Frage 1 ≠ Ja", "question 1 ≠ Ja"),
    ('q1 in ["ja", "teils"]', "Frage 1 = Ja oder „Zum Teil“", "question 1 = Ja or “Zum Teil”"),
    (
        'q1 not in ["ja", "nein", "teils"]',
        "Frage 1 = weder Ja noch Nein noch „Zum Teil“",
        "question 1 = neither Ja nor Nein nor “Zum Teil”",
    ),
    ('q1 in ["ja"]', "Frage 1 = Ja", "question 1 = Ja"),
    ('q1 not in ["ja"]', "Frage 1 ≠ Ja", "question 1 ≠ Ja"),
    # has
    (
        'q2 has "vor"',
        "Frage 2: „Vor der Maßnahme“ angekreuzt",
        "question 2: “Vor der Maßnahme” ticked",
    ),
    ('not q2 has "kein"', "Frage 2: Keiner nicht angekreuzt", "question 2: Keiner not ticked"),
    (
        "q2 has q13",
        "Frage 2: die Antwort auf Frage 13 angekreuzt",
        "question 2: the answer to question 13 ticked",
    ),
    # answered
    ("answered(q3)", "Frage 3 beantwortet", "question 3 answered"),
    ("not answered(q3)", "Frage 3 nicht beantwortet", "question 3 not answered"),
    ("answered(q3) == false", "Frage 3 nicht beantwortet", "question 3 not answered"),
    ("answered(q3) != false", "Frage 3 beantwortet", "question 3 answered"),
    ("true == answered(q3)", "Frage 3 beantwortet", "question 3 answered"),
    ("answered(q7)", "Frage 7 beantwortet", "question 7 answered"),
    ("answered(q10)", "Frage 10 beantwortet", "question 10 answered"),
    # numbers: decimal comma in German, literal on the left turned round
    ("q3 > 19.5", "Frage 3 > 19,5", "question 3 > 19.5"),
    ("q3 <= -1.25", "Frage 3 ≤ -1,25", "question 3 ≤ -1.25"),
    ("q3 >= 10", "Frage 3 ≥ 10", "question 3 ≥ 10"),
    ("q3 < 10", "Frage 3 < 10", "question 3 < 10"),
    ("0 < q3", "Frage 3 > 0", "question 3 > 0"),
    ("0.5 >= q3", "Frage 3 ≤ 0,5", "question 3 ≤ 0.5"),
    ("q3 == 7", "Frage 3 = 7", "question 3 = 7"),
    ("q3 in [10, 20.5]", "Frage 3 = 10 oder 20,5", "question 3 = 10 or 20.5"),
    ("q3 not in [1, 2]", "Frage 3 = weder 1 noch 2", "question 3 = neither 1 nor 2"),
    ("q3 > q14", "Frage 3 > Frage 20a", "question 3 > question 20a"),
    # dates at their precision
    ('q4 >= "2020-05-31"', "Frage 4 ≥ 31.05.2020", "question 4 ≥ 31/05/2020"),
    ('q5 < "2022-07"', "Frage 5 < 07/2022", "question 5 < 07/2022"),
    ('q6 == "2020"', "Frage 6 = 2020", "question 6 = 2020"),
    (
        'q5 in ["2020-01", "2021-01"]',
        "Frage 5 = 01/2020 oder 01/2021",
        "question 5 = 01/2020 or 01/2021",
    ),
    # date ranges: the author's labels (quoted when several words), else the catalogue's
    ('q7.from <= "2020-01"', "Frage 7, Von ≤ 01/2020", "question 7, Von ≤ 01/2020"),
    (
        'q7.to > "2021-12"',
        "Frage 7, „bis einschließlich“ > 12/2021",
        "question 7, “bis einschließlich” > 12/2021",
    ),
    ('q8.from > "2021-02-03"', "Frage 8, Von > 03.02.2021", "question 8, From > 03/02/2021"),
    ('q8.to < "2021-02-03"', "Frage 8, bis < 03.02.2021", "question 8, to < 03/02/2021"),
    ("q8.from <= q8.to", "Frage 8, Von ≤ Frage 8, bis", "question 8, From ≤ question 8, to"),
    # text lists
    ('q9.1 == "Vernetzung"', "Frage 9, 1. = „Vernetzung“", "question 9, 1. = “Vernetzung”"),
    ('q9.name != ""', "Frage 9, Name ≠ „“", "question 9, Name ≠ “”"),
    ("answered(q9.ohne)", "Frage 9, ohne beantwortet", "question 9, ohne answered"),
    # matrix rows and their scale's labels
    (
        'q10.beteiligung == "1"',
        "Frage 10, „Beteiligung und Aktivierung“ = Überwiegend",
        "question 10, “Beteiligung und Aktivierung” = Überwiegend",
    ),
    (
        'q10.vernetzung in ["1", "2"]',
        "Frage 10, Vernetzung = Überwiegend oder „eher nicht“",
        "question 10, Vernetzung = Überwiegend or “eher nicht”",
    ),
    (
        "q10.beteiligung == q10.vernetzung",
        "Frage 10, „Beteiligung und Aktivierung“ = Frage 10, Vernetzung",
        "question 10, “Beteiligung und Aktivierung” = question 10, Vernetzung",
    ),
    ('q10_sonst == "x"', "Frage 10, Sonstiges = „x“", "question 10, Sonstiges = “x”"),
    # grid cells: row and column
    (
        "q11.r.nicht",
        "Frage 11, „Beteiligung und Aktivierung“, „Nicht erforderlich“ angekreuzt",
        "question 11, “Beteiligung und Aktivierung”, “Nicht erforderlich” ticked",
    ),
    (
        "not q11.r.nicht",
        "Frage 11, „Beteiligung und Aktivierung“, „Nicht erforderlich“ nicht angekreuzt",
        "question 11, “Beteiligung und Aktivierung”, “Nicht erforderlich” not ticked",
    ),
    (
        "q11.s.stunden > 5",
        "Frage 11, Sonstiges, Stunden > 5",
        "question 11, Sonstiges, Stunden > 5",
    ),
    (
        'q11.r.text == "Amt"',
        "Frage 11, „Beteiligung und Aktivierung“, „Erfolgt durch“ = „Amt“",
        "question 11, “Beteiligung und Aktivierung”, “Erfolgt durch” = “Amt”",
    ),
    ("answered(q11_sonst)", "Frage 11, Sonstiges beantwortet", "question 11, Sonstiges answered"),
    # follow-ups: by their label, else their option's
    ("answered(q1_sonst)", "Frage 1, Sonstiges beantwortet", "question 1, Sonstiges answered"),
    ('q1_programm == "X"', "Frage 1, Programm = „X“", "question 1, Programm = “X”"),
    (  # numbers as the language writes them (CLDR, through Babel)
        "q1_betrag > 1234.5",
        "Frage 1, „Andere Förderung“ > 1.234,5",
        "question 1, “Andere Förderung” > 1,234.5",
    ),
    # text
    ('q12 == "Sozialarbeit"', "Frage 12 = „Sozialarbeit“", "question 12 = “Sozialarbeit”"),
    ('q12 == "Das ist \\"so\\""', 'Frage 12 = „Das ist "so"“', 'question 12 = “Das ist "so"”'),
    ("q12 == q9.name", "Frage 12 = Frage 9, Name", "question 12 = question 9, Name"),
    # not, and, or
    ('not q1 == "ja"', "Frage 1 ≠ Ja", "question 1 ≠ Ja"),
    ('not q1 != "ja"', "Frage 1 = Ja", "question 1 = Ja"),
    ('not not q1 == "ja"', "Frage 1 = Ja", "question 1 = Ja"),
    ("not q3 < 5", "nicht (Frage 3 < 5)", "not (question 3 < 5)"),
    (
        'not q1 in ["ja", "nein"]',
        "Frage 1 = weder Ja noch Nein",
        "question 1 = neither Ja nor Nein",
    ),
    (
        'q1 == "ja" and q3 > 5',
        "Frage 1 = Ja und Frage 3 > 5",
        "question 1 = Ja and question 3 > 5",
    ),
    (
        'q1 == "ja" and q3 > 5 and answered(q12)',
        "Frage 1 = Ja und Frage 3 > 5 und Frage 12 beantwortet",
        "question 1 = Ja and question 3 > 5 and question 12 answered",
    ),
    (
        'q1 == "ja" or q1 == "nein" and q3 > 5',
        "Frage 1 = Ja oder (Frage 1 = Nein und Frage 3 > 5)",
        "question 1 = Ja or (question 1 = Nein and question 3 > 5)",
    ),
    (
        '(q1 == "ja" or q1 == "nein") and q3 > 5',
        "(Frage 1 = Ja oder Frage 1 = Nein) und Frage 3 > 5",
        "(question 1 = Ja or question 1 = Nein) and question 3 > 5",
    ),
    (
        'not (q1 == "ja" and q3 > 5)',
        "nicht (Frage 1 = Ja und Frage 3 > 5)",
        "not (question 1 = Ja and question 3 > 5)",
    ),
    (
        'q1 == "ja" or (q3 > 5 and q3 < 9) == true',
        "Frage 1 = Ja oder (Frage 3 > 5 und Frage 3 < 9)",
        "question 1 = Ja or (question 3 > 5 and question 3 < 9)",
    ),
    (
        'q1 == "ja" or not not (q3 > 5 and q3 < 9)',
        "Frage 1 = Ja oder (Frage 3 > 5 und Frage 3 < 9)",
        "question 1 = Ja or (question 3 > 5 and question 3 < 9)",
    ),
    (
        'q1 == "ja" or (not (q3 > 5 and q3 < 9)) == false',
        "Frage 1 = Ja oder (Frage 3 > 5 und Frage 3 < 9)",
        "question 1 = Ja or (question 3 > 5 and question 3 < 9)",
    ),
    (
        'q1 == "ja" and (q3 > 5 or q3 < 1) == false',
        "Frage 1 = Ja und nicht (Frage 3 > 5 oder Frage 3 < 1)",
        "question 1 = Ja and not (question 3 > 5 or question 3 < 1)",
    ),
    (
        'q1 == "ja" and (q3 > 5 or q3 < 1) != false',
        "Frage 1 = Ja und (Frage 3 > 5 oder Frage 3 < 1)",
        "question 1 = Ja and (question 3 > 5 or question 3 < 1)",
    ),
    (
        '(q1 == "ja" and q3 > 5) == false',
        "nicht (Frage 1 = Ja und Frage 3 > 5)",
        "not (question 1 = Ja and question 3 > 5)",
    ),
]

#: Further German cases: check boxes compared with true and false.
GERMAN_ONLY: list[tuple[str, str]] = [
    ("q11.r.nicht == true", "angekreuzt"),
    ("q11.r.nicht == false", "nicht angekreuzt"),
    ("q11.r.nicht != false", "angekreuzt"),
    ("q11.r.nicht != true", "nicht angekreuzt"),
    ("false == q11.r.nicht", "nicht angekreuzt"),
    ("not q11.r.nicht == true", "nicht angekreuzt"),
    ("not q11.r.nicht != true", "angekreuzt"),
]


@pytest.mark.parametrize(("condition", "german", "english"), CASES, ids=[c for c, _, _ in CASES])
def test_conditions_in_words(
    condition: str, german: str, english: str, de: Words, en: Words
) -> None:
    assert de.describe(parse(condition)) == german
    assert en.describe(parse(condition)) == english


@pytest.mark.parametrize(("condition", "ending"), GERMAN_ONLY, ids=[c for c, _ in GERMAN_ONLY])
def test_check_boxes_compared_with_truth_values(condition: str, ending: str, de: Words) -> None:
    subject = "Frage 11, „Beteiligung und Aktivierung“, „Nicht erforderlich“"
    assert de.describe(parse(condition)) == f"{subject} {ending}"


def test_labels_lose_their_closing_colon() -> None:
    assert label_text("Sonstiges:") == "Sonstiges"
    assert label_text("  Ja, weil : ") == "Ja, weil"
    assert label_text("1.") == "1."


def test_a_matrix_rows_codes_are_named_by_its_own_scale() -> None:
    """Two matrices with the same row but different scales: each row's code is named
    by the scale of its own matrix (not by the first matrix that has an equal row)."""
    instrument = qdef.loads(
        """
qdef: 1
id: t
title: T
language: de
sections:
  - id: s
    questions:
      - id: heute
        type: matrix
        text: Heute?
        scale: [{code: "1", label: Oft}, {code: "2", label: Selten}]
        rows: [{code: r, label: Beteiligung}]
      - id: kuenftig
        type: matrix
        text: Künftig?
        scale: [{code: "1", label: Mehr}, {code: "2", label: Weniger}]
        rows: [{code: r, label: Beteiligung}]
      - {id: q3, type: text, text: Drei, when: 'kuenftig.r == "1"'}
"""
    )
    words = words_for(instrument, "de")
    assert words.describe(parse('kuenftig.r == "1"')) == "Frage 2, Beteiligung = Mehr"
    assert words.describe(parse('heute.r == "2"')) == "Frage 1, Beteiligung = Selten"


def test_a_translated_instrument_is_described_in_its_language() -> None:
    instrument = qdef.loads(
        """
qdef: 1
id: t
title: {de: T, en: T}
language: de
translations: [en]
sections:
  - id: s
    questions:
      - id: q
        type: single
        text: {de: Frage, en: Question}
        options:
          - {code: ja, label: {de: Ja, en: "Yes"}}
          - {code: teils, label: {de: Zum Teil, en: In part}}
      - id: r
        type: text
        text: {de: Warum, en: Why}
"""
    )
    renderer = get_renderer("markdown")
    english = Words(compile_instrument(instrument), options_for(renderer, instrument, "en"))
    german = Words(compile_instrument(instrument), options_for(renderer, instrument))
    condition = parse('q in ["ja", "teils"]')
    assert english.describe(condition) == "question 1 = Yes or “In part”"
    assert german.describe(condition) == "Frage 1 = Ja oder „Zum Teil“"


# --------------------------------------------------------------------------- notes

ROUTES = """
qdef: 1
id: routes
title: Routen
language: de
sections:
  - id: s1
    questions:
      - id: q1
        type: single
        required: true
        text: Eins?
        options:
          - {code: a, label: A, goto: q3}
          - {code: b, label: B}
          - {code: c, label: C, goto: end}
      - id: q2
        type: text
        text: Zwei?
        goto: hinweis
      - id: q3
        type: text
        text: Drei?
      - id: hinweis
        type: display
        text: Ein Hinweis.
      - id: q4
        type: single
        required: true
        text: Vier?
        options:
          - {code: ja, label: Ja}
          - {code: nein, label: Nein, goto: schluss}
      - id: q5
        type: text
        text: Fünf?
        goto: end
      - id: q6
        type: text
        text: Sechs?
      - id: schluss
        type: display
        text: Danke.
"""


def test_option_destinations() -> None:
    found = routing_notes(compile_instrument(qdef.loads(ROUTES))).questions
    assert found["q1"].options == {
        "a": Destination("3"),
        "b": Destination("2"),
        "c": Destination(None),
    }
    # A goto to a display is named by the next numbered question, or the end.
    assert found["q4"].options == {"ja": Destination("5"), "nein": Destination(None)}
    # Questions whose options do not route have no option notes.
    assert all(not found[q].options for q in ("q2", "q3", "q5", "q6", "hinweis", "schluss"))


def test_continue_notes_after_gotos() -> None:
    found = routing_notes(compile_instrument(qdef.loads(ROUTES))).questions
    assert found["q2"].after == Destination("4")  # goto hinweis: a display before 4
    assert found["q5"].after == Destination(None)  # goto end
    # Option gotos give no continue note; neither does going on in sequence.
    for qid in ("q1", "q3", "hinweis", "q4", "q6", "schluss"):
        assert found[qid].after is None, qid
    assert all(n.only_if is None for n in found.values())


DERIVED = """
qdef: 1
id: derived
title: Abgeleitet
language: de
sections:
  - id: filter
    questions:
      - id: eingesetzt
        type: single
        required: true
        text: Eingesetzt?
        options:
          - {code: ja, label: Ja, goto: stunden}
          - {code: nein, label: Nein}
          - {code: geplant, label: Geplant, goto: planung}
  - id: ohne
    questions:
      - id: gruende
        type: text
        text: Warum nicht?
  - id: mit
    when: eingesetzt == "ja"
    questions:
      - id: stunden
        type: number
        text: Stunden?
      - id: raeume
        type: text
        text: Räume?
        when: stunden > 10
  - id: plan
    when: eingesetzt == "geplant"
    questions:
      - id: planung
        type: text
        text: Was ist geplant?
  - id: alle
    questions:
      - id: interesse
        type: text
        text: Interesse?
"""


def test_derived_continue_notes() -> None:
    found = routing_notes(compile_instrument(qdef.loads(DERIVED)))
    questions = found.questions
    # Only "nein" reaches question 2; sections "mit" and "plan" exclude them all.
    assert questions["gruende"].after == Destination("6")
    # After 3 respondents go on with 4 (when it holds) or 5, where "plan" excludes
    # them: no single destination, so no note.
    assert questions["stunden"].after is None
    # After 4: section "plan" excludes everyone from "mit".
    assert questions["raeume"].after == Destination("6")
    assert questions["planung"].after is None
    assert questions["raeume"].only_if == parse("stunden > 10")
    assert questions["eingesetzt"].options == {
        "ja": Destination("3"),
        "nein": Destination("2"),
        "geplant": Destination("5"),
    }
    sections = found.sections
    assert [s.only_if for s in sections] == [
        None,
        None,
        parse('eingesetzt == "ja"'),
        parse('eingesetzt == "geplant"'),
        None,
    ]
    # "Otherwise" is where those who skip the section are shown next: the ones
    # reading on into "mit" answered "nein", so "plan" excludes them too.
    assert [s.otherwise for s in sections] == [
        None,
        None,
        Destination("6"),
        Destination("6"),
        None,
    ]


def test_a_goto_whose_target_is_skipped_names_where_they_are_shown() -> None:
    """The goto names question 3, but its condition excludes everyone sent there:
    the note names question 4, where they are shown."""
    instrument = qdef.loads(
        """
qdef: 1
id: skipped
title: Übersprungen
language: de
sections:
  - id: s
    questions:
      - id: q1
        type: single
        required: true
        text: Eins?
        options:
          - {code: a, label: A, goto: q3}
          - {code: b, label: B}
      - id: q2
        type: text
        text: Zwei?
      - id: q3
        type: text
        text: Drei?
        when: q1 == "b"
      - id: q4
        type: text
        text: Vier?
"""
    )
    found = routing_notes(compile_instrument(instrument)).questions
    assert found["q1"].options == {"a": Destination("4"), "b": Destination("2")}


def test_routing_notes_are_computed_once_per_compiled_instrument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paper and the web form both print the notes: one run computes them once, and keeps
    them with the compiled instrument (not in a cache keyed by the instrument)."""
    import qdef.rendering.notes as module  # noqa: PLC0415
    from qdef.cli import main  # noqa: PLC0415

    computed: list[object] = []
    compute = module._compute

    def counted(compiled: Compiled) -> Notes:
        computed.append(compiled)
        return compute(compiled)

    monkeypatch.setattr(module, "_compute", counted)
    source = tmp_path / "routes.yaml"
    source.write_text(ROUTES, encoding="utf-8")
    argv = ["render", str(source), "--to", "markdown", "--to", "html", "-o", str(tmp_path)]
    assert main(argv, io.StringIO(), io.StringIO()) == 0
    assert len(computed) == 1
    # Through the library: once per compiled instrument, whatever renders it.
    compiled = compile_instrument(qdef.loads(ROUTES))
    assert render(compiled, to="markdown") == (tmp_path / "routes.md").read_text("utf-8")
    render(compiled, to="html")
    assert routing_notes(compiled) is routing_notes(compiled)
    assert computed[1:] == [compiled]
    # A new compiled instrument of the same instrument computes its own.
    assert routing_notes(compile_instrument(compiled.instrument)) == routing_notes(compiled)
    assert len(computed) == 3
