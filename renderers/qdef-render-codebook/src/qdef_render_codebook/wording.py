"""The codebook's own wording (column headers, type names, notes), in German and English.

The language is chosen by the primary subtag of the rendered language
(``de-AT`` -> ``de``); languages without wording here get English. Texts of
the instrument itself are never translated here: they come from the
instrument, in the rendered language.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The columns, in order: a key for each (used in code) and its header per language.
COLUMNS = (
    "variable",
    "number",
    "question",
    "label",
    "type",
    "values",
    "unit",
    "asked_when",
    "required",
    "personal",
)
#: The columns of instruments that use hidden variables, computed values, piping,
#: filters, option conditions, rules, patterns or defaults (after :data:`COLUMNS`).
EXTENDED = ("source", "depends_on", "checks")
#: The columns of instruments that use rosters, rankings, number lists, dual-scale
#: matrices, widgets or random order (issue 19; after :data:`EXTENDED`).
ISSUE19 = ("roster", "notes")

EN: dict[str, str] = {
    # column headers
    "variable": "variable",
    "number": "question no.",
    "question": "question id",
    "label": "label",
    "type": "type",
    "values": "values",
    "unit": "unit",
    "asked_when": "asked when",
    "required": "required",
    "personal": "personal data",
    # the document
    "title": "{title} – Codebook",
    "summary": "Instrument {id}{version}; {count} variables, in the order of the questionnaire.",
    "summary_version": ", version {version}",
    "yes": "yes",
    "no": "no",
    # types
    "single": "single choice",
    "multiple": "multiple choice",
    "text": "text",
    "text_email": "text (e-mail)",
    "text_phone": "text (phone)",
    "text_url": "text (URL)",
    "number_integer": "number (integer)",
    "number_decimal": "number (decimal)",
    "date_day": "date (day precision)",
    "date_month": "date (month precision)",
    "date_year": "date (year precision)",
    "check": "check box",
    # values
    "list_of": "list of codes: {codes}",
    "exclusive": "{label} (exclusive)",
    "ticked": "true = ticked",
    "max_length": "at most {count} characters",
    "iso_day": "YYYY-MM-DD",
    "iso_month": "YYYY-MM",
    "iso_year": "YYYY",
    # default labels of the ends of a date range
    "from": "from",
    "to": "to",
    # hidden and computed variables, dependencies, rules (issue 18)
    "source": "source",
    "depends_on": "depends on",
    "checks": "checks",
    "truth": "truth value",
    "truth_values": "true; false",
    "source_hidden": "hidden: URL parameter {name}",
    "source_default": "default: {value}",
    "source_computed": "computed: {expression}",
    "depends_piped": "piped: {names}",
    "depends_filter": "filter: {names}",
    "depends_offered": "options offered by: {names}",
    "pattern": "pattern: {regex}",
    # rankings, number lists, dual scales, widgets, random order, rosters (issue 19)
    "roster": "roster",
    "notes": "notes",
    "ranking": "ranking",
    "ranking_values": "list of codes in rank order (rank 1 first), at most {count}: {codes}",
    "rank_of": "rank of {label}",
    "rank_range": "1–{count}",
    "derived_rank": "derived from {name} (not stored): the item's rank, empty if not ranked",
    "total_check": "total: {check}",
    "one_per_iteration": "{roster}: one value per iteration",
    "roster_item": "{roster}: the item of each iteration",
    "item_choice": "the code chosen in {source}",
    "item_text": "the text of a field of {source}",
    "item_number": "the iteration's number (1 to {max}, as many as {source})",
    "item_label": "item of the roster {roster}",
    "presentation_slider": "shown as a slider (presentation only; the data is the number)",
    "presentation_buttons": "shown as a row of buttons (presentation only)",
    "step": "step {step}: min + a whole multiple of {step}",
    "random_order": "{what} shown in random order (the order shown: _order.{key})",
    "random_items": "options",
    "random_rows": "rows",
    "random_questions": "questions of the section {section}",
    "order_label": "the order shown of each randomised question and section",
    "order_type": "object (JSON)",
    "order_values": "key: question or section id; value: its codes (ids) in the order shown",
    "order_source": "set by the web form (or the walk with a seed)",
}

DE: dict[str, str] = {
    "variable": "Variable",
    "number": "Frage-Nr.",
    "question": "Frage-ID",
    "label": "Bezeichnung",
    "type": "Typ",
    "values": "Werte",
    "unit": "Einheit",
    "asked_when": "gefragt, wenn",
    "required": "Pflicht",
    "personal": "personenbezogen",
    "title": "{title} – Codebuch",
    "summary": "Instrument {id}{version}; {count} Variablen, in der Reihenfolge des Fragebogens.",
    "summary_version": ", Version {version}",
    "yes": "ja",
    "no": "nein",
    "single": "Einfachauswahl",
    "multiple": "Mehrfachauswahl",
    "text": "Text",
    "text_email": "Text (E-Mail)",
    "text_phone": "Text (Telefon)",
    "text_url": "Text (URL)",
    "number_integer": "Zahl (ganzzahlig)",
    "number_decimal": "Zahl (Dezimalzahl)",
    "date_day": "Datum (tagesgenau)",
    "date_month": "Datum (monatsgenau)",
    "date_year": "Datum (jahresgenau)",
    "check": "Kontrollkästchen",
    "list_of": "Liste der gewählten Codes: {codes}",
    "exclusive": "{label} (schließt andere aus)",
    "ticked": "true = angekreuzt",
    "max_length": "höchstens {count} Zeichen",
    "iso_day": "JJJJ-MM-TT",
    "iso_month": "JJJJ-MM",
    "iso_year": "JJJJ",
    "from": "von",
    "to": "bis",
    "source": "Herkunft",
    "depends_on": "hängt ab von",
    "checks": "Prüfungen",
    "truth": "Wahrheitswert",
    "truth_values": "true; false",
    "source_hidden": "verborgen: URL-Parameter {name}",
    "source_default": "Vorgabe: {value}",
    "source_computed": "berechnet: {expression}",
    "depends_piped": "eingefügt: {names}",
    "depends_filter": "Filter: {names}",
    "depends_offered": "Optionen abhängig von: {names}",
    "pattern": "Muster: {regex}",
    "roster": "Wiederholung",
    "notes": "Hinweise",
    "ranking": "Rangfolge",
    "ranking_values": "Liste der Codes in Rangfolge (Rang 1 zuerst), höchstens {count}: {codes}",
    "rank_of": "Rang von {label}",
    "rank_range": "1–{count}",
    "derived_rank": (
        "abgeleitet aus {name} (nicht gespeichert): der Rang des Eintrags, leer wenn ohne Rang"
    ),
    "total_check": "Summe: {check}",
    "one_per_iteration": "{roster}: ein Wert je Durchgang",
    "roster_item": "{roster}: der Eintrag jedes Durchgangs",
    "item_choice": "der in {source} gewählte Code",
    "item_text": "der Text eines Feldes von {source}",
    "item_number": "die Nummer des Durchgangs (1 bis {max}, so viele wie {source})",
    "item_label": "Eintrag der Wiederholung {roster}",
    "presentation_slider": "als Schieberegler gezeigt (nur Darstellung; die Daten sind die Zahl)",
    "presentation_buttons": "als Reihe von Schaltflächen gezeigt (nur Darstellung)",
    "step": "Schrittweite {step}: min + ein ganzzahliges Vielfaches von {step}",
    "random_order": "{what} in zufälliger Reihenfolge gezeigt (die gezeigte: _order.{key})",
    "random_items": "Optionen",
    "random_rows": "Zeilen",
    "random_questions": "Fragen des Teils {section}",
    "order_label": "die gezeigte Reihenfolge jeder zufällig geordneten Frage und jedes Teils",
    "order_type": "Objekt (JSON)",
    "order_values": (
        "Schlüssel: Frage- oder Teil-ID; Wert: ihre Codes (IDs) in der gezeigten Reihenfolge"
    ),
    "order_source": "vom Webformular gesetzt (oder vom Walk mit einem Seed)",
}

WORDING: dict[str, dict[str, str]] = {"de": DE, "en": EN}


def wording_for(lang: str) -> Mapping[str, str]:
    """The wording for the language tag ``lang``: by its primary subtag, else English."""
    return WORDING.get(lang.partition("-")[0].lower(), EN)


def headers(
    words: Mapping[str, str], *, extended: bool = False, issue19: bool = False
) -> list[str]:
    """The column headers, in order (with ``extended``, those of :data:`EXTENDED` too;
    with ``issue19``, those of :data:`ISSUE19` after them)."""
    keys = COLUMNS + (EXTENDED if extended or issue19 else ()) + (ISSUE19 if issue19 else ())
    return [words[key] for key in keys]
