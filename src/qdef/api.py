"""Library entry points beyond load/loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qdef.diagnostics import Diagnostic, sort_diagnostics


def validate(*paths: str | Path) -> list[Diagnostic]:
    """Every problem in the instruments at ``paths`` (files or directories), sorted.

    An empty list means every instrument is valid. Missing paths and
    directories without instruments are reported as QD001 / QD003.
    """
    from qdef.pipeline import validate_paths  # noqa: PLC0415

    results, problems = validate_paths([Path(p) for p in paths])
    found = list(problems)
    for result in results:
        found.extend(result.diagnostics)
    return sort_diagnostics(found)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the instrument format."""
    from qdef.schema import published  # noqa: PLC0415

    return published()
