"""Every XLSForm of the shared corpus (pyxform's examples) imports without a
traceback, every loss is located, and the instrument validates."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus_xlsform import rows
from qdef.importing import ImportRefused
from qdef.importing.xlsform import read, reading
from tests.xlsform_files import errors_of

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "xlsform"
FILES = sorted(CORPUS.glob("*.xls*")) if CORPUS.is_dir() else []
LOCATED = re.compile(
    r"^(survey sheet(, row \d+(, column \S+)?)?|choices sheet, row \d+|settings sheet)$"
)


@pytest.mark.skipif(not FILES, reason=f"the shared corpus is absent ({CORPUS})")
@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_form_imports_validly(path: Path, tmp_path: Path) -> None:
    result = read(path)
    assert result.kind == "xlsform"
    for loss in result.losses:
        assert LOCATED.match(loss.where), loss.line()
        assert loss.what and loss.why
    names = {origin.code for origin in result.origins}
    assert all(loss.question is None or loss.question in names for loss in result.losses)
    assert errors_of(result.document, tmp_path) == []
    for origin in result.origins:
        assert re.fullmatch(r"survey sheet, row \d+", origin.where)
        if origin.at is not None:
            node = result.document
            for key in origin.at:
                node = node[key]
            assert isinstance(node, dict) and "id" in node


TUTORIAL = CORPUS / "tutorial.xls"


@pytest.mark.skipif(not TUTORIAL.is_file(), reason=f"the shared corpus is absent ({CORPUS})")
def test_round_trip_relevance_agrees_with_odk_on_the_tutorial() -> None:
    """The benchmark's relevance check on one form: every question of the imported
    roster is shown exactly where ODK finds the original's relevant true."""
    [row] = rows_of(rows, TUTORIAL)
    assert row["valid"] is True
    assert row["relevance"] == "10/10", row.get("disagree")
    if row.get("rendered") == "yes":  # with the xlsform renderer: the round trip too
        assert row["rendered relevance"] == "10/10"
        assert (row["names kept"], row["codes kept"]) == ("10/10", "7/7")


def rows_of(rows_function: Any, path: Path) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(path, folder)
        return list(rows_function(Path(folder), respondents=8))


@pytest.mark.skipif(not TUTORIAL.is_file(), reason=f"the shared corpus is absent ({CORPUS})")
def test_a_large_xls_sheet_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    with pytest.raises(ImportRefused, match="the sheet 'survey' has 13 rows"):
        read(TUTORIAL)
