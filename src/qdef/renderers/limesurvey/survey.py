"""The lowered survey: LimeSurvey's model of groups, questions, subquestions,
answers and attributes (what :mod:`~qdef.renderers.limesurvey.writer` writes),
texts in one or every language (:data:`Text`), and how each language writes
dates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from qdef.expr import Piece
from qdef.renderers.limesurvey.codes import Slot

if TYPE_CHECKING:
    from qdef.rendering import Catalog

#: qdef's wording in a language (``options.catalog_for``), or None for the default.
CatalogFor: TypeAlias = "Callable[[str], Catalog | None] | None"

Text = str | Mapping[str, str]
"""A text in the instrument's language, or by language (translated)."""


@dataclass
class Attribute:
    name: str
    value: Text
    """Text with a language (i18n attributes) is given as a Text mapping or str."""
    i18n: bool = False


@dataclass
class Answer:
    code: str
    label: Text
    source: str
    """The qdef code it stands for."""
    scale: int = 0
    """Its scale (1: the second scale of a dual-scale array)."""


@dataclass
class Subquestion:
    code: str
    label: Text
    source: str
    scale: int = 0
    relevance: str = "1"
    """When the option (row) is offered: its ``when`` and its question's ``filter``."""


@dataclass
class LsQuestion:
    code: str
    type: str
    text: Text
    source: str
    """The qdef question (or follow-up) id it carries."""
    role: str = "question"
    """``question`` (the qdef question itself), ``part`` (a second question a qdef
    question is lowered to), ``followup`` (an option's or row's follow-up),
    ``computed`` (a computed value's equation), ``hidden`` (a hidden variable)."""
    shown_with: tuple[str, str | None] | None = None
    """For a follow-up: (question id, option code) — shown while the option is chosen;
    (question id, None) — shown with its question (a row's follow-up)."""
    help: Text | None = None
    mandatory: bool = False
    relevance: str = "1"
    other: bool = False
    subquestions: list[Subquestion] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    defaults: list[tuple[str | None, str]] = field(default_factory=list)
    """Default values: (subquestion code or None, value), as LimeSurvey stores them."""
    theme: str | None = None
    """A question theme of LimeSurvey's core (``bootstrap_buttons``), or its default."""
    piece: Callable[[Piece, str], str] | None = None
    """Its own piping (a roster's copy: its item and answers), else the survey's."""
    copy: tuple[str, int] | None = None
    """In a roster's copy: (the roster's id, the copy's index)."""


@dataclass
class LsGroup:
    name: Text
    description: Text | None
    relevance: str
    questions: list[LsQuestion] = field(default_factory=list)
    section: int = 0
    """The index of the qdef section it holds (a roster: one group per copy)."""
    piece: Callable[[Piece, str], str] | None = None
    """Its own piping (a roster's copy: its item), else the survey's."""
    copy: tuple[str, int] | None = None
    """A roster's copy: (the roster's id, the copy's index)."""


@dataclass
class Survey:
    groups: list[LsGroup]
    slots: dict[str, Slot]
    piece: Callable[[Piece, str], str] | None = None
    """A piped text's piece as LimeSurvey's ``{expression}``, in a language."""
    rosters: dict[str, Any] = field(default_factory=dict)
    """The unrolled copies of each roster, for the mapping."""


def label_with_description(label: Text, description: Text | None) -> Text:
    """A column heading with its description on a second line."""
    if description is None:
        return label
    return combine("{}\n({})", label, description)


def combine(template: str, *texts: Text) -> Text:
    """``template`` filled with ``texts``, per language where any is translated."""
    languages: list[str] = []
    for text in texts:
        if not isinstance(text, str):
            languages.extend(lang for lang in text if lang not in languages)
    if not languages:
        return template.format(*texts)
    return {lang: template.format(*(pick(t, lang) for t in texts)) for lang in languages}


def pick(text: Text, lang: str, source: str | None = None) -> str:
    """``text`` in ``lang``; not translated into it (QD410), in ``source``, the
    instrument's own language (or, not given, as first written)."""
    if isinstance(text, str):
        return text
    if lang in text:
        return text[lang]
    if source is not None and source in text:
        return text[source]
    return next(iter(text.values()))


def join(text: Text, *more: Text | None) -> Text:
    """Texts joined with a space, per language."""
    parts = [text, *(m for m in more if m is not None)]
    return combine(" ".join(["{}"] * len(parts)), *parts)


def date_formats(
    languages: list[str], catalog_for: Callable[[str], Catalog | None]
) -> dict[str, dict[str, str]]:
    """For each language qdef has wording for, how it writes a date at each precision,
    in LimeSurvey's notation (``dd.mm.yyyy``): from the catalogue's ``date_value_*``,
    the same entries the paper questionnaire and the web form write dates with."""
    found: dict[str, dict[str, str]] = {}
    for lang in languages:
        chrome = catalog_for(lang)
        if chrome is not None:
            found[lang] = {
                precision: chrome(f"date_value_{precision}", day="dd", month="mm", year="yyyy")
                for precision in ("day", "month", "year")
            }
    return found


#: LimeSurvey's survey date formats (``surveyls_dateformat``), by number; the ones
#: with leading zeros (``getDateFormatData`` in LimeSurvey's surveytranslator_helper.php).
SURVEY_DATE_FORMATS = {
    "dd.mm.yyyy": "1",
    "dd-mm-yyyy": "2",
    "yyyy.mm.dd": "3",
    "dd/mm/yyyy": "5",
    "yyyy-mm-dd": "6",
    "yyyy/mm/dd": "7",
    "mm-dd-yyyy": "9",
}


def survey_date_format(lang: str, catalog_for: Callable[[str], Catalog | None]) -> str | None:
    """``surveyls_dateformat`` for ``lang``: its full date as qdef writes it, or None
    (no wording for it, or a format LimeSurvey does not offer: its default applies)."""
    formats = date_formats([lang], catalog_for).get(lang)
    return None if formats is None else SURVEY_DATE_FORMATS.get(formats["day"])
