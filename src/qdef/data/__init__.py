"""Response data: checking collected answers against their instrument.

- :func:`read` — the responses of a file or directory, lazily, one :class:`Record`
  each: the web form's JSON (a file, a directory, JSON Lines), CSV with qdef's
  variable names, a LimeSurvey response export (with the instrument's
  ``limesurvey-map``, which the command line computes), an ODK Central or
  KoboToolbox CSV export of the ``xlsform`` rendering;
- :class:`Checker` — every finding on one response (:class:`Finding`: the response,
  the variable, a stable :class:`DataCode`, the reason), with the reference walk
  deciding what is on the respondent's path, and the counts per question
  (:class:`Summary`); :class:`FindingBatch`: findings as columns, as the SQL engine
  (:mod:`qdef.data.sql`) gives them a batch at a time;
- :mod:`qdef.data.report` — findings and the summary as text, JSON or CSV, written as
  they come.

docs/data.md describes the formats, the codes and the missing-value conventions.
"""

from __future__ import annotations

from qdef.data.checker import Checker, QuestionCounts, Summary
from qdef.data.codes import DataCode, Finding, FindingBatch
from qdef.data.readers import FORMATS, read
from qdef.data.records import Record

__all__ = [
    "FORMATS",
    "Checker",
    "DataCode",
    "Finding",
    "FindingBatch",
    "QuestionCounts",
    "Record",
    "Summary",
    "read",
]
