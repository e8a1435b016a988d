"""The rows of an XLSForm's sheets as the importer reads them (:class:`Row`,
:class:`Choice`), the frames of open groups and repeats, and small helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qdef.importing.xlsform import translate as tr
from qdef.importing.xlsform.columns import Column, cell_text, column
from qdef.importing.xlsform.reading import Sheet

CODE = re.compile(r"^[A-Za-z0-9_]{1,64}$")
RESERVED = {"end", "and", "or", "not", "has", "in", "answered", "true", "false"}
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"", "no", "false", "false()", "0"}
ROSTER_MAX = 20
LEFT_OUT_TYPES = {
    "geopoint": "a location",
    "geotrace": "a line on a map",
    "geoshape": "an area on a map",
    "image": "a photo",
    "photo": "a photo",
    "audio": "a sound recording",
    "video": "a video",
    "file": "a file upload",
    "background-audio": "a background recording",
    "xml-external": "an external XML data file",
    "csv-external": "an external CSV data file",
    "osm": "an OpenStreetMap drawing",
}
SURVEY_KNOWN = {
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "relevant",
    "constraint",
    "constraint_message",
    "required",
    "required_message",
    "calculation",
    "default",
    "appearance",
    "choice_filter",
    "repeat_count",
    "read_only",
    "parameters",
    "trigger",
    "media",
}


@dataclass(slots=True)
class Row:
    number: int
    cells: dict[str, str]
    texts: dict[str, dict[str | None, str]]

    def get(self, key: str) -> str:
        return self.cells.get(key, "").strip()


@dataclass(slots=True)
class Choice:
    number: int
    name: str
    code: str
    texts: dict[str | None, str]
    columns: dict[str, str]


@dataclass(slots=True)
class Frame:
    kind: str  # group, repeat
    row: Row
    id: str
    conditions: list[str] = field(default_factory=list)
    section: bool = False
    """The frame makes a section (a top-level group, or a repeat)."""
    pending: list[int] = field(default_factory=list)
    """The losses of the begin row (indices), placed at the section when it is made."""
    opened: bool = False
    """A section of this frame has been made (more questions after a nested group
    continue it in a section of its own)."""
    item: str | None = None
    """A repeat's item variable (its iteration number)."""


def table(sheet: Sheet) -> tuple[list[tuple[int, list[str]]], dict[int, Column]]:
    rows = sheet.rows
    header_index = next(
        (i for i, row in enumerate(rows) if any(cell_text(c).strip() for c in row)), None
    )
    if header_index is None:
        return [], {}
    columns = {i: col for i, cell in enumerate(rows[header_index]) if (col := column(cell))}
    data = [
        (i + 1, [cell_text(cell) for cell in row])
        for i, row in enumerate(rows[header_index + 1 :], start=header_index + 1)
    ]
    return data, columns


VAR_KINDS: dict[str, tr.VarKind] = {
    "text": "text",
    "integer": "number",
    "decimal": "number",
    "range": "number",
    "date": "date",
    "select_one": "single",
    "select_multiple": "multiple",
    "rank": "ranking",
    "calculate": "computed",
    "hidden": "hidden",
    "acknowledge": "single",
    "barcode": "text",
    "phone": "text",
    "time": "text",
    "datetime": "date",
}


def copy_row(
    row: Row,
    *,
    type: str | None = None,
    name: str | None = None,
    texts: dict[str | None, str] | None = None,
    label_of: dict[str | None, str] | None = None,
) -> Row:
    """A copy of a row, for a loop's iteration."""
    cells = dict(row.cells)
    copied = {key: dict(values) for key, values in row.texts.items()}
    if type is not None:
        cells["type"] = type
        cells.pop("_id", None)
    if name is not None:
        cells["name"] = name
    if texts is not None:
        copied["label"] = dict(texts)
        copied.pop("hint", None)
    if label_of is not None:
        fallback = next((text for text in label_of.values() if text.strip()), "")
        for values in copied.values():
            for language, text in values.items():
                values[language] = text.replace("%(label)s", label_of.get(language, fallback))
    return Row(row.number, cells, copied)


def subject(name: str | None) -> str:
    return "its texts are" if name is None else f"{name!r} is"


def escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def truthy(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None
