"""The export and the codebook agree (issue 21, part 3): every column of an exported
dataset is a variable of the codebook (renderers/qdef-render-codebook) with the same
name, in the same order, with the same label, and a coded variable's value labels are
the codebook's ``code = label`` pairs — on every instrument under instruments/, in
each of its languages, on generated instruments with every feature, and in the SPSS
and Stata files themselves.

qdef may not import the plugin, so the export builds its labels by the codebook's
rules (qdef/data/export/columns.py); this is what holds the two together.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyreadstat
import pytest
from hypothesis import HealthCheck, assume, given, settings

import qdef
from qdef.data.export import Column, collect, layout
from qdef.data.export.stats import codes, dta_names, numeric, sav_names
from qdef.pipeline.compiled import Compiled, compile_instrument
from qdef.rendering import RenderError, render
from qdef.testing import ALL_FEATURES, instruments
from tests.test_data_check import COMPILED  # the instruments compiled once

ROOT = Path(__file__).parents[1]
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
#: The codebook's columns this test reads: variable, label, values.
VARIABLE, LABEL, VALUES = 0, 3, 5


def codebook(compiled: Compiled, lang: str | None = None) -> list[list[str]]:
    """The codebook's rows (without its header), as the plugin renders them."""
    text = render(compiled, "codebook", lang=lang, formula_guard="false")
    assert isinstance(text, str)
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def agree(compiled: Compiled, lang: str | None = None) -> None:
    rows = codebook(compiled, lang)
    table = {row[VARIABLE]: row for row in rows}
    columns = layout(compiled, lang)
    order = [row[VARIABLE] for row in rows if row[VARIABLE] != "_order"]
    every: list[Column] = [*columns.main, *(c for cs in columns.rosters.values() for c in cs)]
    assert sorted(c.name for c in every) == sorted(order)
    assert [c.name for c in columns.main] == [
        n for n in order if n in {c.name for c in columns.main}
    ]
    for roster, inner in columns.rosters.items():
        names = {c.name for c in inner}
        assert [c.name for c in inner] == [n for n in order if n in names], roster
    for column in every:
        row = table[column.name]
        assert column.label == row[LABEL], column.name
        if column.kind == "code":
            pairs = "; ".join(f"{code} = {label}" for code, label in column.values)
            assert pairs == row[VALUES], column.name


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_the_export_has_the_codebooks_names_labels_and_values(name: str) -> None:
    compiled = COMPILED[name]
    for lang in (compiled.instrument.language, *compiled.instrument.translations):
        agree(compiled, lang)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(instrument=instruments(features=ALL_FEATURES))
def test_generated_instruments_agree_with_the_codebook(instrument: qdef.Instrument) -> None:
    compiled = compile_instrument(instrument)
    try:
        codebook(compiled)
    except RenderError:  # routing too entangled for the codebook's "asked when"
        assume(False)
    agree(compiled)


@pytest.mark.parametrize("fmt", ["sav", "dta"])
@pytest.mark.parametrize("name", sorted(COMPILED))
def test_the_files_carry_the_codebooks_labels(name: str, fmt: str, tmp_path: Path) -> None:
    """The labels as SPSS and Stata read them: the codebook's, cut (with …) only where
    the format holds less (Stata: 80 characters)."""
    compiled = COMPILED[name]
    rows = {row[VARIABLE]: row for row in codebook(compiled)}
    dataset = collect(compiled, [])
    for table, data in dataset.encode(fmt).items():
        path = tmp_path / f"data.{fmt}"
        path.write_bytes(data)
        read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
        _, meta = read(str(path), user_missing=True)
        columns = dataset.columns(table or None)
        keys = ["_id", *(["_k"] if table else []), *(c.name for c in columns)]
        names = (
            sav_names(keys)
            if fmt == "sav"
            else dta_names(
                keys, [False] * (len(keys) - len(columns)) + [numeric(c) for c in columns]
            )
        )
        assert meta.column_names == names
        stored = dict(zip(names[len(keys) - len(columns) :], columns, strict=True))
        for name_in_file, column in stored.items():
            label = meta.column_names_to_labels[name_in_file]
            want = rows[column.name][LABEL]
            assert label == want or (label.endswith("…") and want.startswith(label[:-1]))
            if column.kind == "code":
                values = meta.variable_value_labels[name_in_file]
                number = codes(column)
                for code, text in column.values:
                    assert values[number[code]] == text
                assert (
                    f"{column.values[0][0]} = {values[number[column.values[0][0]]]}"
                    in rows[column.name][VALUES]
                )
