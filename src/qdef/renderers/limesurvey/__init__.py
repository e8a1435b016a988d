"""The ``limesurvey`` renderer (an ``.lss`` survey structure for LimeSurvey 6) and
``limesurvey-map`` (the mapping of qdef ids and codes to LimeSurvey's), and
:func:`code_map`, that mapping for plugins. The classes only; the work is in the
modules of this package, lowest first: :mod:`~qdef.renderers.limesurvey.codes`
(LimeSurvey's code rules, the codes qdef's ids become),
:mod:`~qdef.renderers.limesurvey.expressions` (conditions as ExpressionScript),
:mod:`~qdef.renderers.limesurvey.values` (values: arithmetic, functions, computed
values), :mod:`~qdef.renderers.limesurvey.survey` (LimeSurvey's model),
:mod:`~qdef.renderers.limesurvey.writer` (the XML, piped texts included),
:mod:`~qdef.renderers.limesurvey.questions` and
:mod:`~qdef.renderers.limesurvey.arrays` (qdef's questions lowered to it),
:mod:`~qdef.renderers.limesurvey.features` (hidden variables, computed values,
defaults, piping, refusals) and :mod:`~qdef.renderers.limesurvey.lowering` (the
whole survey, with relevance)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qdef.rendering import BaseRenderer

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.rendering import Compiled, RenderOptions


def code_map(instrument: Compiled | Instrument) -> dict[str, Any]:
    """The LimeSurvey code mapping of ``instrument`` (compiled, or compiled here): the
    data the ``limesurvey-map`` renderer writes as JSON, for plugins that need to know
    where qdef's ``limesurvey`` renderer puts each question and variable.

    ``questions`` maps each qdef question and follow-up id to the LimeSurvey
    questions that carry it (``{"questions": [{"code", "type", "role"}, …]}``,
    ``role`` ``question``, ``part`` or ``followup``); ``variables`` maps each qdef
    variable to its ExpressionScript ``variable`` and ``kind``, for a single choice
    or matrix row with ``answers`` (qdef code -> LimeSurvey answer code), for a
    multiple choice with ``options`` (qdef code -> the variable of its check box).
    Codes only: it needs no wording in any language (docs/limesurvey.md)."""
    from qdef.model import Instrument  # noqa: PLC0415
    from qdef.renderers.limesurvey.lowering import lower, mapping  # noqa: PLC0415
    from qdef.rendering import compile_instrument  # noqa: PLC0415

    if isinstance(instrument, Instrument):
        instrument = compile_instrument(instrument)
    return mapping(lower(instrument, wording=False))  # codes only: no wording needed


class LimeSurveyRenderer(BaseRenderer):
    """A LimeSurvey 6 survey structure (.lss) that imports as is: codes LimeSurvey
    keeps, relevance compiled from qdef's routing, every language of the instrument."""

    name = "limesurvey"
    suffix = ".lss"
    media_type = "application/xml; charset=utf-8"
    description = "LimeSurvey 6 survey structure (.lss) with relevance compiled from the routing"
    wording = "every"
    """The survey holds every language: qdef's wording is needed in each, where the
    survey prints some (an untitled section's name, a validation message …);
    :mod:`qdef.renderers.limesurvey.questions` checks that where it needs it."""

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef.renderers.limesurvey.lowering import lower  # noqa: PLC0415
        from qdef.renderers.limesurvey.survey import survey_date_format  # noqa: PLC0415
        from qdef.renderers.limesurvey.writer import write  # noqa: PLC0415

        instrument = compiled.instrument
        # every language, whatever --lang says; per language the number and date
        # formats qdef writes (a language without wording keeps LimeSurvey's defaults)
        languages = [instrument.language, *instrument.translations]
        catalogs = {lang: options.catalog_for(lang) for lang in languages}
        comma = {
            lang: found("decimal_separator") == ","
            for lang, found in catalogs.items()
            if found is not None
        }
        dates = {lang: survey_date_format(lang, options.catalog_for) for lang in languages}
        return write(instrument, lower(compiled, catalogs=options.catalog_for), comma, dates)


class LimeSurveyMapRenderer(BaseRenderer):
    """The codes of the ``limesurvey`` renderer: for every qdef question its LimeSurvey
    question(s), for every variable its ExpressionScript variable and answer codes."""

    name = "limesurvey-map"
    suffix = ".map.json"
    media_type = "application/json"
    description = (
        "qdef ids and codes -> LimeSurvey codes and variables (JSON, for data and codebooks)"
    )
    wording = "none"
    """Codes only: no wording in any language."""

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        return json.dumps(code_map(compiled), indent=2, ensure_ascii=False) + "\n"
