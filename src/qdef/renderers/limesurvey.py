"""The ``limesurvey`` renderer (an ``.lss`` survey structure for LimeSurvey 6) and
``limesurvey-map`` (the mapping of qdef ids and codes to LimeSurvey's). The classes
only; the work is in :mod:`qdef.renderers.lss` and :mod:`qdef.renderers.lssxml`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from qdef.model import Instrument
    from qdef.renderers.base import RenderOptions


class LimeSurveyRenderer:
    """A LimeSurvey 6 survey structure (.lss) that imports as is: codes LimeSurvey
    keeps, relevance compiled from qdef's routing, every language of the instrument."""

    name = "limesurvey"
    suffix = ".lss"
    media_type = "application/xml; charset=utf-8"
    description = "LimeSurvey 6 survey structure (.lss) with relevance compiled from the routing"
    options: ClassVar[dict[str, str]] = {}

    def render(self, instrument: Instrument, options: RenderOptions) -> str:
        from qdef.renderers.catalog import catalog  # noqa: PLC0415
        from qdef.renderers.lss import lower  # noqa: PLC0415
        from qdef.renderers.lssxml import write  # noqa: PLC0415

        languages = [instrument.language, *instrument.translations]
        comma = {lang: catalog(lang)("decimal_separator") == "," for lang in languages}
        return write(instrument, lower(instrument), comma)


class LimeSurveyMapRenderer:
    """The codes of the ``limesurvey`` renderer: for every qdef question its LimeSurvey
    question(s), for every variable its ExpressionScript variable and answer codes."""

    name = "limesurvey-map"
    suffix = ".json"
    media_type = "application/json"
    description = (
        "qdef ids and codes -> LimeSurvey codes and variables (JSON, for data and codebooks)"
    )
    options: ClassVar[dict[str, str]] = {}

    def render(self, instrument: Instrument, options: RenderOptions) -> str:
        from qdef.renderers.lss import lower, mapping  # noqa: PLC0415

        return json.dumps(mapping(lower(instrument)), indent=2, ensure_ascii=False) + "\n"
