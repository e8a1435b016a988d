"""The public API: a curated __all__, lazy imports, and load/loads/validate/json_schema."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import qdef
import qdef.model.schema  # imported on purpose: the subpackage must not shadow json_schema()
from qdef.diagnostics import QdefError

INSTRUMENT = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"


def test_public_names_are_exactly_the_curated_list() -> None:
    assert qdef.__all__ == [
        "Compiled",
        "Diagnostic",
        "Instrument",
        "Limits",
        "QdefError",
        "Span",
        "__version__",
        "compile",
        "json_schema",
        "load",
        "loads",
        "render",
        "validate",
    ]
    for name in qdef.__all__:
        assert getattr(qdef, name) is not None


def test_unknown_attributes_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = qdef.render_everything  # type: ignore[attr-defined]


def test_import_qdef_loads_no_heavy_dependencies() -> None:
    """`import qdef` stays cheap: no pydantic, ruamel, jsonschema or jinja2 until used."""
    code = (
        "import sys, qdef; "
        "print(sorted(m for m in ('pydantic', 'ruamel.yaml', 'jsonschema', 'jinja2') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_returns_the_typed_instrument() -> None:
    instrument = qdef.load(INSTRUMENT)
    assert isinstance(instrument, qdef.Instrument)
    assert instrument.id == "investitionspakt-im"


def test_load_raises_qdef_error_with_every_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "qdef: 1\nid: x\ntitle: T\nlanguage: de\nsections:\n"
        "  - id: s\n    questions:\n"
        "      - {id: q1, type: single, text: A, options: [{code: a, label: A, goto: nix}]}\n"
        "      - {id: q1, type: text, text: B}\n",
        encoding="utf-8",
    )
    with pytest.raises(QdefError) as raised:
        qdef.load(broken)
    codes = [d.code for d in raised.value.diagnostics]
    assert sorted(codes) == ["QD401", "QD402", "QD404"]
    assert "broken.yaml:8:" in str(raised.value)


def test_loads_reads_text() -> None:
    instrument = qdef.loads(INSTRUMENT.read_text(encoding="utf-8"))
    assert instrument == qdef.load(INSTRUMENT)


def test_validate_returns_sorted_diagnostics_for_files_and_directories(tmp_path: Path) -> None:
    assert qdef.validate(INSTRUMENT) == []
    (tmp_path / "a.yaml").write_text("qdef: 2\n", encoding="utf-8")
    found = qdef.validate(tmp_path, tmp_path / "missing.yaml")
    assert {d.code for d in found} >= {"QD001", "QD204"}
    assert found == sorted(found, key=qdef.Diagnostic.sort_key)


def test_json_schema_returns_the_published_schema_every_time() -> None:
    assert qdef.json_schema()["$id"] == "urn:qdef:schema:qdef-1"
    assert qdef.json_schema() == qdef.model.schema.published()


def test_loading_from_several_threads_at_once_gives_the_same_results(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        INSTRUMENT.read_text(encoding="utf-8").replace(
            "goto: interesse_gespraech", "goto: interesse"
        ),
        encoding="utf-8",
    )
    expected_good, expected_bad = qdef.validate(INSTRUMENT), qdef.validate(broken)
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = list(pool.map(lambda i: qdef.validate(INSTRUMENT if i % 2 else broken), range(32)))
    for i, found in enumerate(runs):
        assert found == (expected_good if i % 2 else expected_bad)
    assert len(expected_bad) == 2
