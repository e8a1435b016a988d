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
}

WORDING: dict[str, dict[str, str]] = {"de": DE, "en": EN}


def wording_for(lang: str) -> Mapping[str, str]:
    """The wording for the language tag ``lang``: by its primary subtag, else English."""
    return WORDING.get(lang.partition("-")[0].lower(), EN)


def headers(words: Mapping[str, str], *, extended: bool = False) -> list[str]:
    """The column headers, in order (with ``extended``, those of :data:`EXTENDED` too)."""
    return [words[key] for key in COLUMNS + (EXTENDED if extended else ())]
