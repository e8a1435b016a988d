"""Which reader reads a path: by ``format``, or by what the path is.

``json`` (a web form file, an array of responses, a directory of them), ``jsonl``
(JSON Lines), ``csv`` (qdef's variable names as headers), ``parquet`` (the same
layout in Parquet), ``limesurvey`` (a LimeSurvey response export, read through
the instrument's ``limesurvey-map``) and ``odk`` (an ODK Central or KoboToolbox CSV
export of the ``xlsform`` rendering).
Without a format: a directory and ``*.json`` are JSON, ``*.jsonl`` and ``*.ndjson``
JSON Lines, ``*.parquet`` Parquet, and a ``*.csv`` whose header has LimeSurvey's own
columns (``submitdate``, ``lastpage``, ``startlanguage``) a LimeSurvey export, one with
ODK Central's or KoboToolbox's (``KEY``, ``SubmissionDate``, ``meta-instanceID``,
``_uuid``, ``_submission_time``) an ODK export, else qdef's CSV.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from qdef.data.csvread import delimiter, read_csv
from qdef.data.jsonread import LINES, read_json
from qdef.data.limesurvey import read_limesurvey
from qdef.data.odk import SIGNS, read_odk
from qdef.data.parquetread import read_parquet
from qdef.data.records import Record, unreadable
from qdef.routing.plan import Plan

#: The formats :func:`read` reads, with a few words each.
FORMATS = {
    "json": "the web form's JSON files (a file, an array, a directory of them)",
    "jsonl": "JSON Lines: one response per line",
    "csv": "CSV with qdef's variable names as headers",
    "limesurvey": "a LimeSurvey response export (CSV, question codes as headings)",
    "parquet": "Parquet in qdef's CSV layout: a column per variable",
    "odk": "an ODK Central or KoboToolbox CSV export of the xlsform rendering",
}

#: The columns by which a CSV file is recognised as a LimeSurvey export.
_LIMESURVEY = ("submitdate", "lastpage", "startlanguage")


class MappingNeededError(ValueError):
    """A LimeSurvey export was given without the instrument's ``limesurvey-map``."""


def detect(path: Path) -> str:
    """The format of ``path`` by what it is (see the module's description)."""
    if path.is_dir():
        return "json"
    suffix = path.suffix.lower()
    if suffix in LINES:
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            with path.open(encoding="utf-8-sig", errors="replace") as file:
                header = file.readline()
        except OSError:
            return "csv"
        names = {name.strip().strip('"') for name in header.strip().split(delimiter(header))}
        if any(name in names for name in _LIMESURVEY):
            return "limesurvey"
        return "odk" if names & SIGNS else "csv"
    return "json"


def read(
    path: Path,
    plan: Plan,
    *,
    format: str | None = None,
    mapping: Mapping[str, Any] | None = None,
) -> Iterator[Record]:
    """The responses in ``path``, one at a time. ``mapping`` (the ``limesurvey-map`` of
    the instrument) is needed for a LimeSurvey export: without it
    :class:`MappingNeededError` is raised before anything is read."""
    chosen = format or detect(path)
    if chosen == "limesurvey" and mapping is None:
        raise MappingNeededError(f"{path}: a LimeSurvey export is read with the survey's mapping")
    if not path.exists():
        return iter([unreadable(str(path), "no such file or directory")])
    if chosen in ("json", "jsonl"):
        return read_json(path, None if path.is_dir() else chosen == "jsonl")
    if chosen == "parquet":
        return read_parquet(path, plan)
    if chosen == "odk":
        return read_odk(path, plan)
    if chosen == "limesurvey":
        assert mapping is not None
        return read_limesurvey(path, plan, mapping)
    return read_csv(path, plan)


__all__ = ["FORMATS", "MappingNeededError", "detect", "read"]
