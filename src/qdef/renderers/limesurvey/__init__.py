"""The ``limesurvey`` renderer (an ``.lss`` survey structure for LimeSurvey 6) and
``limesurvey-map`` (the mapping of qdef ids and codes to LimeSurvey's). The classes
only; the work is in :mod:`~qdef.renderers.limesurvey.lowering` and
:mod:`~qdef.renderers.limesurvey.writer`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from qdef.rendering import BaseRenderer

if TYPE_CHECKING:
    from qdef.rendering import Compiled, RenderOptions


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
    :mod:`qdef.renderers.limesurvey.lowering` checks that where it needs it."""

    def render(self, compiled: Compiled, options: RenderOptions) -> str:
        from qdef.renderers.limesurvey.lowering import lower, survey_date_format  # noqa: PLC0415
        from qdef.renderers.limesurvey.writer import write  # noqa: PLC0415
        from qdef.rendering import find_catalog  # noqa: PLC0415

        instrument = compiled.instrument
        # every language, whatever --lang says; per language the number and date
        # formats qdef writes (a language without wording keeps LimeSurvey's defaults)
        languages = [instrument.language, *instrument.translations]
        catalogs = {lang: find_catalog(lang) for lang in languages}
        comma = {
            lang: found("decimal_separator") == ","
            for lang, found in catalogs.items()
            if found is not None
        }
        dates = {lang: survey_date_format(lang) for lang in languages}
        return write(instrument, lower(instrument), comma, dates)


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
        from qdef.renderers.limesurvey.lowering import lower, mapping  # noqa: PLC0415

        survey = lower(compiled.instrument, wording=False)  # codes only: no wording needed
        return json.dumps(mapping(survey), indent=2, ensure_ascii=False) + "\n"
