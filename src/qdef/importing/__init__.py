"""Importing surveys written in other tools into qdef: LimeSurvey survey archives
(``.lss``) and XLSForms (``.xlsx``/``.xls``). See docs/import.md.

:func:`read` picks the importer by the file's suffix and returns an
:class:`ImportResult` (the instrument as plain data, where each source question
went, every loss located); :func:`qdef.importing.yamlout.dumps` writes it as
YAML with the losses as comments where they apply.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from qdef.importing.report import ImportRefused, ImportResult, Loss, Origin

__all__ = ["IMPORTERS", "ImportRefused", "ImportResult", "Loss", "Origin", "read"]

#: File suffix -> the module whose ``read(path)`` imports it.
IMPORTERS = {
    ".lss": "qdef.importing.limesurvey",
    ".xlsx": "qdef.importing.xlsform",
    ".xls": "qdef.importing.xlsform",
}


def read(path: str | Path) -> ImportResult:
    """Import the survey at ``path`` (its suffix says what it is); raises
    :class:`ImportRefused` for a file that cannot be read as one."""
    path = Path(path)
    module = IMPORTERS.get(path.suffix.lower())
    if module is None:
        known = ", ".join(sorted(IMPORTERS))
        raise ImportRefused(
            f"{path}: qdef imports LimeSurvey survey archives and XLSForms ({known}); "
            f"rename the file if it is one of them, or export it from its tool as one"
        )
    result: ImportResult = importlib.import_module(module).read(path)
    return result
