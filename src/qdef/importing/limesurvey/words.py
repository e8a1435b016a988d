"""The fixed answers LimeSurvey writes itself for some question types, in the
languages the importer knows; others get the English words (and a loss)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "Yes": {"de": "Ja", "fr": "Oui", "it": "Sì", "es": "Sí", "nl": "Ja"},
    "No": {"de": "Nein", "fr": "Non", "it": "No", "es": "No", "nl": "Nee"},
    "Uncertain": {
        "de": "Unsicher",
        "fr": "Incertain",
        "it": "Incerto",
        "es": "Dudoso",
        "nl": "Onzeker",
    },
    "Increase": {
        "de": "Mehr",
        "fr": "Augmenter",
        "it": "Aumentare",
        "es": "Aumentar",
        "nl": "Toenemen",
    },
    "Same": {
        "de": "Gleich",
        "fr": "Sans changement",
        "it": "Lo stesso",
        "es": "Igual",
        "nl": "Gelijk",
    },
    "Decrease": {
        "de": "Weniger",
        "fr": "Diminuer",
        "it": "Diminuire",
        "es": "Disminuir",
        "nl": "Afnemen",
    },
    "Female": {
        "de": "Weiblich",
        "fr": "Féminin",
        "it": "Femminile",
        "es": "Femenino",
        "nl": "Vrouwelijk",
    },
    "Male": {
        "de": "Männlich",
        "fr": "Masculin",
        "it": "Maschile",
        "es": "Masculino",
        "nl": "Mannelijk",
    },
    "Other": {"de": "Sonstiges", "fr": "Autre", "it": "Altro", "es": "Otro", "nl": "Anders"},
    "Comment": {
        "de": "Kommentar",
        "fr": "Commentaire",
        "it": "Commento",
        "es": "Comentario",
        "nl": "Opmerking",
    },
}


def word(english: str, language: str) -> str | None:
    """The word in ``language`` (its primary subtag), or None if unknown."""
    primary = language.split("-", maxsplit=1)[0].lower()
    if primary == "en":
        return english
    return WORDS.get(english, {}).get(primary)
