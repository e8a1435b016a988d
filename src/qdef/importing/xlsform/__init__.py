"""Importing XLSForms (``.xlsx``, ``.xls``) into qdef instruments.

>>> from qdef.importing.xlsform import read
>>> result = read(Path("form.xlsx"))  # doctest: +SKIP

:func:`read` gives the instrument as plain data (validated by qdef: what qdef
refuses is taken out, as a loss), one origin per question of the form, and a
located loss for everything not carried over exactly. See docs/import.md.
"""

from __future__ import annotations

from pathlib import Path

from qdef.importing.report import ImportRefused, ImportResult, KeyPath, LossKind
from qdef.importing.xlsform.build import Builder
from qdef.importing.xlsform.fixing import Fix, apply_fixes
from qdef.importing.xlsform.questions import Survey
from qdef.importing.xlsform.reading import read_sheets

__all__ = ["read"]


def read(path: Path) -> ImportResult:
    """Import the XLSForm at ``path``; :class:`ImportRefused` if it cannot be read."""
    sheets = read_sheets(path)
    if "survey" not in sheets:
        names = ", ".join(repr(sheet.name) for sheet in sheets.values()) or "none"
        raise ImportRefused(
            f"{path}: has no sheet named 'survey' (its sheets: {names}); an XLSForm "
            "needs one: rename the sheet with the questions to 'survey'"
        )
    result = ImportResult(str(path), "xlsform", {})
    builder = Builder(result, sheets, path.stem)
    try:
        rows = builder.prepare()
        Survey(builder).walk(rows)
        document = builder.document()

        def lose(fix: Fix, message: str) -> None:
            kind: LossKind = "approximated" if fix.kind == "approximated" else "left out"
            what = fix.what
            result.lose(fix.where, kind, what, f"qdef refuses it: {message}", question=fix.question)

        def unfixed(at: KeyPath | None, message: str) -> None:
            result.lose(
                "survey sheet",
                "approximated",
                "the instrument",
                f"it does not validate in qdef: {message}; correct it by hand",
                at=at or (),
            )

        apply_fixes(document, builder.fixes, f"{path.stem}.yaml", lose=lose, unfixed=unfixed)
        if any(not section["questions"] for section in document["sections"]):
            builder.placeholder()  # what was taken out emptied a section
            apply_fixes(document, builder.fixes, f"{path.stem}.yaml", lose=lose, unfixed=unfixed)
        builder.finish(document)
    except RecursionError:
        raise ImportRefused(f"{path}: an expression is nested too deeply; simplify it") from None
    result.document = document
    return result
