"""Small XLSForms written by the tests (openpyxl), and a check that an imported
document is a valid qdef instrument."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from qdef import validate

Rows = Sequence[Sequence[Any]]


def xlsform(
    path: Path,
    survey: Rows,
    choices: Rows | None = None,
    settings: Rows | None = None,
) -> Path:
    """Write an .xlsx with the sheets given (first row: the header)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = workbook.create_sheet(name)
            for row in rows:
                extra.append(list(row))
    workbook.save(path)
    return path


def errors_of(document: dict[str, Any], folder: Path) -> list[str]:
    """qdef's errors for the imported document (written as JSON, which is YAML)."""
    target = folder / "imported.yaml"
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return [f"{d.code} {d.message}" for d in validate(target) if d.severity == "error"]
