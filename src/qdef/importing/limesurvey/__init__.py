"""Importing LimeSurvey survey archives (``.lss``, LimeSurvey 2.05 to 6.x) into qdef.

>>> from qdef.importing.limesurvey import read
>>> result = read(Path("survey.lss"))   # doctest: +SKIP
>>> result.document["sections"][0]["questions"][0]["id"]   # doctest: +SKIP

:func:`read` parses the archive safely (:mod:`.archive`), builds the instrument's
plain data with every question type qdef can express (:mod:`.kinds`), translates
relevance and validation equations and tailoring (:mod:`.script`,
:mod:`.translate`, :mod:`.texts`), and validates the result with qdef's own
pipeline, taking out (with a loss) whatever qdef still refuses (:mod:`.repair`).
"""

from __future__ import annotations

from pathlib import Path

from qdef.importing.limesurvey.archive import parse_bytes, parse_xml, read_survey
from qdef.importing.limesurvey.kinds import Builder
from qdef.importing.limesurvey.repair import make_valid
from qdef.importing.report import ImportResult, KeyPath

__all__ = ["read", "read_bytes"]


def read(path: Path) -> ImportResult:
    """The survey of the archive at ``path``; :class:`~qdef.importing.report.ImportRefused`
    if it cannot be read at all."""
    return _build(parse_xml(path), str(path))


def read_bytes(data: bytes, source: str = "<bytes>") -> ImportResult:
    """As :func:`read`, for the archive's bytes."""
    return _build(parse_bytes(data, Path(source)), source)


def _build(root: object, source: str) -> ImportResult:
    from xml.etree.ElementTree import Element  # noqa: PLC0415

    assert isinstance(root, Element)
    survey = read_survey(root)
    result = ImportResult(source=source, kind="limesurvey", document={})
    builder = Builder(survey, result)
    result.document = builder.document()
    where_of: dict[KeyPath, tuple[str, str | None]] = {}
    for origin in result.origins:
        if origin.at is not None:
            where_of[origin.at] = (origin.where, origin.code)
    try:
        left = make_valid(result, where_of)
    except Exception as error:  # an importer defect, reported as a loss: never a traceback
        left = [f"the check failed ({type(error).__name__}: {error}); please report this"]
    for problem in left:
        result.lose(
            f"survey {survey.sid}",
            "approximated",
            "the instrument",
            f"it does not validate in qdef ({problem}); fix it by hand",
        )
    return result
