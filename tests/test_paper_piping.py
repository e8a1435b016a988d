"""Issue 18 on paper: piped values as placeholders, filters, option and row conditions,
rules and pattern messages in words, defaults and computed values not printed, and
routing notes that stay true where availability or computed entries change who is
shown what (docs/renderers.md, "Piped texts, filters, rules and defaults on paper")."""

from __future__ import annotations

import dataclasses

import markdown_it
import yaml

from qdef.model import Instrument
from qdef.pipeline import validate_text
from qdef.pipeline.compiled import compile_instrument
from qdef.renderers.paper import MarkdownRenderer
from qdef.rendering import options_for, render
from qdef.wording.catalog import Catalog

# ruff: noqa: E501 (the instrument's lines are as an author writes them)

HOUSEHOLD = """\
qdef: 1
id: household
title: {en: Household survey, de: Haushalt}
language: en
translations: [de]
hidden:
  - id: region
    type: choice
    label: {en: Region, de: Region}
    options:
      - {code: north, label: {en: North, de: Nord}}
      - {code: south, label: {en: South, de: Süd}}
    default: north
  - {id: first_name, type: text, label: {en: "First *name*", de: "Vor*name*"}}
sections:
  - id: s1
    questions:
      - id: members
        type: number
        min: 1
        max: 20
        default: 1
        required: true
        text:
          en: "How many people live in your household, {first_name|you} included?"
          de: "Wie viele Personen leben in Ihrem Haushalt, {first_name|Sie} eingeschlossen?"
      - id: adults
        type: number
        required: true
        text: {en: "How many of the {members} are 18 or older? {{sic}}", de: "Wie viele der {members} sind volljährig? {{sic}}"}
        rules:
          - check: adults <= members
            message: {en: "Cannot be more than the {members} people.", de: "Nicht mehr als die {members} Personen."}
      - id: children
        type: computed
        value: members - adults
        label: {en: Number of children, de: Anzahl der Kinder}
      - id: doubled
        type: computed
        value: members * 2
      - id: transport
        type: multiple
        text: {en: "Which of these do you use?", de: "Was davon nutzen Sie?"}
        options:
          - {code: bus, label: {en: Bus, de: Bus}}
          - {code: car, label: {en: Car, de: Auto}}
      - id: transport_main
        type: single
        text: {en: "Which most, {first_name|}? {children} children, {doubled}.", de: "Was am meisten? {children} Kinder, {doubled}."}
        filter: {chosen_in: transport}
        options:
          - {code: bus, label: {en: Bus, de: Bus}}
          - {code: car, label: {en: Car, de: Auto}}
      - id: not_used
        type: matrix
        text: {en: "Why not?", de: "Warum nicht?"}
        filter: {not_chosen_in: transport}
        scale: [{code: "1", label: {en: Price, de: Preis}}, {code: "2", label: {en: Time, de: Zeit}}]
        rows:
          - {code: bus, label: {en: Bus, de: Bus}}
          - {code: car, label: {en: Car, de: Auto}, when: 'region == "south"'}
      - id: city
        type: single
        text: {en: City, de: Stadt}
        options:
          - {code: hamburg, label: {en: Hamburg, de: Hamburg}, when: 'region == "north"'}
          - {code: munich, label: {en: Munich, de: München}, when: 'region == "south"'}
      - id: why
        type: text
        text: {en: "Why {transport_main|that one}? ({members - adults|?})", de: "Warum {transport_main|das}?"}
        when: children > 0
      - id: budget
        type: grid
        text: {en: Shares, de: Anteile}
        columns: [{code: pct, input: number, label: {en: "%", de: "%"}}]
        rows: [{code: a, label: {en: A, de: A}}, {code: b, label: {en: B, de: B}}]
        rules:
          - check: sum(budget.a.pct, budget.b.pct) == 100
            message: {en: "The shares must add up to 100 %.", de: "Die Summe muss 100 % ergeben."}
"""


def paper(text: str, lang: str | None = None) -> str:
    result = validate_text(text)
    assert result.ok, [d.message for d in result.diagnostics]
    assert result.compiled is not None
    out = render(result.compiled, "markdown", lang=lang)
    assert isinstance(out, str)
    return out


def paper_unchecked(text: str, lang: str | None = None) -> str:
    """Rendered from the model alone (for patterns, whose checks live elsewhere)."""
    out = render(Instrument.model_validate(yaml.safe_load(text)), "markdown", lang=lang)
    assert isinstance(out, str)
    return out


def test_piped_values_are_placeholders_never_braces() -> None:
    en = paper(HOUSEHOLD)
    assert "household, \\[First \\*name\\*\\] included?" in en  # hidden: its label, escaped
    assert "How many of the \\[answer to question 1\\] are 18 or older? {sic}" in en
    assert "\\[Number of children\\] children, \\[computed value\\]." in en
    assert "Why \\[answer to question 4\\]? (\\[computed value\\])" in en
    assert "that one" not in en and "you}" not in en  # fallbacks are not printed
    de = paper(HOUSEHOLD, "de")
    assert "Wie viele der \\[Antwort auf Frage 1\\] sind volljährig? {sic}" in de
    assert "\\[Anzahl der Kinder\\] Kinder, \\[berechneter Wert\\]." in de
    assert "\\[Vor\\*name\\*\\] eingeschlossen" in de
    for text in (en, de):
        assert "{first_name" not in text and "{members" not in text


def test_placeholders_never_become_markup() -> None:
    tokens = markdown_it.MarkdownIt("commonmark").enable("table").parse(paper(HOUSEHOLD))
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    # the only emphasis is qdef's own notes in italics; no link, no strong but numbers
    assert "link_open" not in kinds
    inline_texts = [c.content for t in tokens for c in t.children or () if c.type == "text"]
    assert any("[First *name*]" in text for text in inline_texts)


def test_filters_and_availability_are_notes_in_words() -> None:
    en = paper(HOUSEHOLD)
    assert (
        "*Choose only from the answers ticked in question 3. If none of the answers can "
        "be chosen, skip this question.*"
    ) in en
    assert (
        "*Fill in only the rows of the answers not ticked in question 3. If no row is to be "
        "filled in, skip this question.*"
    ) in en
    de = paper(HOUSEHOLD, "de")
    assert "*Nur unter den in Frage 3 angekreuzten Antworten wählen." in de
    assert "*Nur die Zeilen der in Frage 3 nicht angekreuzten Antworten ausfüllen." in de
    # every option of 'city' has a condition: it may be skipped, so the page says so
    city = en.split("City")[1]
    assert city.index("skip this question") < city.index("Hamburg")


def test_option_and_row_conditions_stand_beside_them() -> None:
    en = paper(HOUSEHOLD)
    assert "\n○ Hamburg (only if Region = North)" in en
    assert "\n○ Munich (only if Region = South)" in en
    assert "| Car (only if Region = South) |" in en
    de = paper(HOUSEHOLD, "de")
    assert "\n○ München (nur wenn Region = Süd)" in de


def test_rules_are_notes_with_their_message() -> None:
    en = paper(HOUSEHOLD)
    assert "*Note: Cannot be more than the \\[answer to question 1\\] people.*" in en
    # numbers stay with their units (a no-break space), as everywhere on paper
    assert "*Note: The shares must add up to 100\u00a0%.*" in en
    assert "*Hinweis: Die Summe muss 100\u00a0% ergeben.*" in paper(HOUSEHOLD, "de")


def test_computed_values_are_not_printed_and_conditions_name_them() -> None:
    en = paper(HOUSEHOLD)
    assert "members - adults" not in en and "doubled" not in en
    assert "*Answer only if “Number of children” > 0.*" in en
    numbers = [line.split("**")[1] for line in en.splitlines() if line.startswith("**")]
    assert numbers[:4] == ["1.", "2.", "3.", "4."]


def test_a_continue_note_looks_past_computed_entries() -> None:
    # After question 2 come two computed values, then question 3: everyone simply goes
    # on, so there is no "Go to question 3" (which the plan's positions would suggest).
    en = paper(HOUSEHOLD)
    assert "Go to question" not in en


def test_defaults_print_nothing() -> None:
    without = HOUSEHOLD.replace("        default: 1\n", "")
    assert without != HOUSEHOLD
    assert paper(without) == paper(HOUSEHOLD)


def test_pattern_messages_are_notes_and_a_pattern_without_one_prints_nothing() -> None:
    text = HOUSEHOLD.replace(
        "      - id: budget\n",
        "      - id: zip\n"
        "        type: text\n"
        "        text: {en: ZIP, de: PLZ}\n"
        '        pattern: {regex: "[0-9]{5}", message: {en: "Five digits.", de: "Fünf Ziffern."}}\n'
        "      - id: code\n"
        "        type: text\n"
        "        text: {en: Code, de: Code}\n"
        '        pattern: {regex: "[A-Z]+"}\n'
        "      - id: budget\n",
    )
    en = paper_unchecked(text)
    assert "*Note: Five digits.*" in en
    assert "[A-Z]" not in en and "\\[A-Z\\]" not in en
    assert "*Hinweis: Fünf Ziffern.*" in paper_unchecked(text, "de")


#: Question 2 is asked only of those who ticked nothing in question 1, so question 3
#: (options filtered by question 1) is never shown to them: "Yes" leads to question 4.
AVAILABILITY = """\
qdef: 1
id: avail
title: Availability
language: en
sections:
  - id: s
    questions:
      - id: transport
        type: multiple
        text: Which do you use?
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
      - id: more
        type: single
        text: Anything else?
        when: not answered(transport)
        options:
          - {code: "yes", label: "Yes", goto: main}
          - {code: "no", label: "No", goto: last}
      - id: main
        type: single
        text: Which one most?
        filter: {chosen_in: transport}
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
      - id: last
        type: text
        text: Comments
"""


def test_a_question_without_offered_options_is_skipped_by_the_notes() -> None:
    en = paper(AVAILABILITY)
    assert "\n> ○ Yes (go to question 4)\n" in en
    assert "\n> ○ No (go to question 4)\n" in en


def test_conditions_with_arithmetic_and_functions_in_words() -> None:
    text = HOUSEHOLD.replace(
        "        when: children > 0\n",
        "        when: members - adults * 2 > 1 and sum(members, adults) >= 3\n",
    )
    en = paper(text)
    assert (
        "*Answer only if question 1 − question 2 × 2 > 1 and the sum of question 1 and "
        "question 2 ≥ 3.*"
    ) in en
    text = HOUSEHOLD.replace(
        "        when: children > 0\n", "        when: (members - adults) * 2 > 1\n"
    )
    assert "*Answer only if (question 1 − question 2) × 2 > 1.*" in paper(text)


def test_the_new_catalogue_entries_are_escaped_like_any_other_text() -> None:
    """Placeholders, filter, skip, rule and condition words are plain text: whatever
    the catalogue holds shows literally."""
    hostile_prefix = "⟦*_`[x](y)|<b>~~#&amp;\\⟧"
    instrument = Instrument.model_validate(yaml.safe_load(HOUSEHOLD))
    renderer = MarkdownRenderer()
    options = options_for(renderer, instrument)
    hostile = Catalog(
        options.chrome.lang,
        {key: hostile_prefix + text for key, text in options.chrome.entries.items()},
    )
    text = renderer.render(
        compile_instrument(instrument), dataclasses.replace(options, chrome=hostile)
    )
    html = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)
    shown = "⟦*_`[x](y)|&lt;b&gt;~~#&amp;amp;\\⟧"
    assert text.count("⟦") == html.count(shown)
    assert html.count(shown) >= 15  # placeholders, filters, skips, rules, conditions
    assert "<b>" not in html and "<a " not in html and "<code>" not in html


def test_a_computed_truth_value_in_a_condition_is_true_or_not() -> None:
    text = HOUSEHOLD.replace(
        "      - id: transport\n",
        "      - id: big\n"
        "        type: computed\n"
        "        value: members > 4\n"
        "        label: {en: Large household, de: Großer Haushalt}\n"
        "      - id: transport\n",
    ).replace(
        "        when: children > 0\n", "        when: big and not (children > 0 and not big)\n"
    )
    assert (
        "*Answer only if “Large household” is true and not (“Number of children” > 0 and “Large household” is not true).*"
        in paper(text)
    )
    assert "*Nur beantworten, wenn „Großer Haushalt“ zutrifft" in paper(text, "de")


def test_hidden_variables_in_conditions_by_label_with_their_values_as_written() -> None:
    text = """\
qdef: 1
id: hd
title: Hidden date
language: de
hidden:
  - {id: last_visit, type: date, precision: month, label: Letzter Besuch}
  - {id: wave, type: number, label: Welle}
sections:
  - id: s
    questions:
      - id: q1
        type: text
        text: Warum?
        when: last_visit < "2024-03" and wave >= 2.5
"""
    assert "*Nur beantworten, wenn „Letzter Besuch“ < 03/2024 und Welle ≥ 2,5.*" in paper(text)


def test_a_section_of_computed_values_alone_is_not_printed() -> None:
    text = HOUSEHOLD + (
        "  - id: scores\n"
        "    title: {en: Scores, de: Werte}\n"
        "    questions:\n"
        "      - {id: score, type: computed, value: members + 1}\n"
    )
    assert "Scores" not in paper(text) and paper(text) == paper(HOUSEHOLD)
