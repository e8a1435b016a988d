"""Every XLSForm of the shared corpus (pyxform's examples) imports without a
traceback, every loss is located, and the instrument validates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qdef.importing.xlsform import read
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
