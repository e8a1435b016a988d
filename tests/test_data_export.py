"""``qdef data export`` (issue 21, part 3): generated respondents of every instrument
under instruments/ exported to CSV, Parquet, SPSS and Stata and read back — with
pyreadstat, pyarrow and the csv module, not with qdef — hold their values, variable
labels, value labels, and missing values that tell "not asked" from "not answered"
(docs/data.md, "Exporting a labelled dataset").

Which variables were asked is decided here without the walk the export uses: by each
question's reaching condition (the routing analysis, ``Compiled.reaching``) evaluated
on the response, the follow-up's option chosen, the row offered.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qdef
from qdef.data.export import NOT_ANSWERED, NOT_ASKED, Column, Missing, collect
from qdef.data.export.stats import dta_names, sav_names
from qdef.pipeline.compiled import Compiled
from qdef.routing.evaluate import Layered, holds
from qdef.testing import respondents
from tests.test_data_check import COMPILED  # the instruments compiled once

ROOT = Path(__file__).parents[1]
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
NAMES = sorted(COMPILED)
FORMATS = ("csv", "parquet", "sav", "dta")
LABELS = {NOT_ASKED: "not asked", NOT_ANSWERED: "not answered"}


# ---------------------------------------------------------------- the oracle


def expected(compiled: Compiled, column: Column, response: Mapping[str, Any]) -> Any:
    """What the dataset holds for ``column`` of ``response`` (a walk's own response; for
    a roster's column an iteration's record over it): its value, or why there is none,
    decided by the reaching condition."""
    value = response.get(column.key)
    if column.kind == "rank" and value is not None:
        value = value.index(column.row) + 1 if column.row in value else None
    elif column.kind == "codes" and value is not None:
        value = " ".join(value)
    if value is not None:
        return value
    if not column.question or compiled.plan.steps[column.position].computed is not None:
        return NOT_ASKED
    asked = holds(compiled.reaching(column.question), response, compiled.plan.parts)
    if asked and column.option is not None:
        chosen = response.get(column.question)
        asked = chosen == column.option or column.option in (chosen or ())
    if asked and column.row is not None:
        step = compiled.plan.steps[column.position]
        condition = step.option_when.get(column.row)
        asked = condition is None or holds(condition, response, compiled.plan.parts)
    if not asked:
        return NOT_ASKED
    return False if column.kind == "check" else NOT_ANSWERED


def table(compiled: Compiled, responses: list[dict[str, Any]]) -> list[list[Any]]:
    columns = collect(compiled, []).layout.main
    return [[expected(compiled, c, response) for c in columns] for response in responses]


def batches(compiled: Compiled) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(respondents(compiled), min_size=1, max_size=6)


SETTINGS = settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# ---------------------------------------------------------------- reading back


def read_back(fmt: str, data: bytes, path: Path) -> tuple[list[list[Any]], Any]:
    """The table in ``data`` (rows of cells, the id first) and what else the reader
    gives (pyreadstat's metadata, the Arrow schema, the CSV header)."""
    path.write_bytes(data)
    if fmt == "csv":
        found = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        return found[1:], found[0]
    if fmt == "parquet":
        read = pq.read_table(path)
        columns = [read.column(i).to_pylist() for i in range(read.num_columns)]
        return [list(row) for row in zip(*columns, strict=True)], read.schema
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    frame, meta = reader(str(path), user_missing=True)
    return frame.astype(object).where(frame.notna(), None).values.tolist(), meta


def cell_in(fmt: str, column: Column, want: Any, got: Any, *, meta: Any, name: str) -> None:
    """``got`` (read back) is ``want`` (the oracle's) as ``fmt`` stores it."""
    where = f"{column.name} ({fmt}): want {want!r}, got {got!r}"
    if fmt == "csv":
        text = "" if isinstance(want, Missing) else _csv_text(want)
        assert got == text, where
    elif fmt == "parquet":
        assert got == (None if isinstance(want, Missing) else want), where
    elif fmt == "sav":
        labels = meta.variable_value_labels.get(name, {})
        if isinstance(want, Missing):
            assert labels.get(got) == LABELS[want], where
            missing = meta.missing_ranges[name]
            assert {"lo": got, "hi": got} in missing, where
        elif column.kind == "code":
            assert labels[got] == dict(column.values)[want], where
        elif column.kind in ("check", "truth"):
            assert got == float(want), where
        elif isinstance(want, str):  # SPSS pads strings with blanks; NUL ends a string
            assert got == want.replace("\0", "").rstrip(" "), where
        else:
            assert got == want, where
    else:  # dta
        labels = meta.variable_value_labels.get(name, {})
        if isinstance(want, Missing):
            numeric = column.kind not in ("codes", "text", "date")
            assert got == ({NOT_ASKED: "a", NOT_ANSWERED: "b"}[want] if numeric else ""), where
            if numeric:
                assert labels.get(got) == LABELS[want], where
        elif column.kind == "code":
            assert labels[got] == dict(column.values)[want], where
        elif column.kind in ("check", "truth"):
            assert got == int(want), where
        elif isinstance(want, str):  # NUL ends a string
            assert got == want.replace("\0", ""), where
        else:
            assert got == want, where


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}.0"
    return str(value)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_generated_respondents_read_back_with_values_labels_and_missing(
    name: str, fmt: str, tmp_path: Path
) -> None:
    compiled = COMPILED[name]

    @SETTINGS
    @given(responses=batches(compiled))
    def run(responses: list[dict[str, Any]]) -> None:
        dataset = collect(compiled, responses)
        files = dataset.encode(fmt)
        assert set(files) == {"", *compiled.plan.rosters}
        found, meta = read_back(fmt, files[""], tmp_path / f"data.{fmt}")
        columns = dataset.layout.main
        names = sav_names(["_id", *(c.name for c in columns)])
        if fmt == "dta":
            names = list(meta.column_names)
        assert [row[0] for row in found] == [str(n) for n in range(1, len(responses) + 1)]
        for want_row, got_row in zip(table(compiled, responses), found, strict=True):
            for i, column in enumerate(columns):
                cell_in(fmt, column, want_row[i], got_row[1 + i], meta=meta, name=names[1 + i])
        if fmt in ("sav", "dta"):
            labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
            limit = 80 if fmt == "dta" else 85  # 256 bytes, German text: at least 85
            for column, stored in zip(columns, names[1:], strict=True):
                label = labels[stored]
                assert label == column.label or (
                    label.endswith("…") and column.label.startswith(label[:-1])
                ), stored
                assert len(label) >= min(limit, len(column.label)) - 1, stored
        if fmt == "parquet":
            for column in columns:
                field = meta.field(column.name)
                assert field.metadata[b"qdef:label"].decode() == column.label
        if fmt == "csv":
            assert meta == ["_id", *(c.name for c in columns)]

    run()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", [n for n in NAMES if COMPILED[n].plan.rosters])
def test_a_roster_is_a_long_table_beside_the_main_one(name: str, fmt: str, tmp_path: Path) -> None:
    """One row per response and iteration, the item first; not asked and not answered
    decided by the reaching condition on the iteration's record over the response."""
    compiled = COMPILED[name]

    @SETTINGS
    @given(responses=batches(compiled))
    def run(responses: list[dict[str, Any]]) -> None:
        dataset = collect(compiled, responses)
        files = dataset.encode(fmt)
        for roster in compiled.plan.rosters:
            columns = dataset.layout.rosters[roster]
            assert columns[0].name == compiled.plan.rosters[roster].item
            records = [
                (str(n), k, Layered(record, response))
                for n, response in enumerate(responses, start=1)
                for k, record in enumerate(response.get(roster, []), start=1)
            ]
            found, meta = read_back(fmt, files[roster], tmp_path / f"r.{fmt}")
            keys = ["_id", "_k", *(c.name for c in columns)]
            names = list(meta.column_names) if fmt in ("sav", "dta") else keys
            if fmt == "csv":
                assert meta == keys
            assert [(row[0], int(row[1])) for row in found] == [(n, k) for n, k, _ in records]
            for (_, _, scope), row in zip(records, found, strict=True):
                for i, column in enumerate(columns):
                    want = expected(compiled, column, scope)
                    cell_in(fmt, column, want, row[2 + i], meta=meta, name=names[2 + i])

    run()


# ---------------------------------------------------------------- by hand

MINI = """\
qdef: 1
id: mini
title: Mini
language: en
sections:
  - id: s
    title: Work
    questions:
      - id: work
        type: single
        text: Do you work?
        options:
          - {code: "yes", label: "Yes"}
          - {code: "no", label: "No"}
      - id: hours
        type: number
        when: work == "yes"
        text: Hours per week?
        min: 0
        max: 80
      - id: scale
        type: single
        text: How satisfied are you?
        options:
          - {code: "1", label: "Not at all"}
          - {code: "2", label: "Somewhat"}
          - {code: "3", label: "Very"}
      - id: note
        type: text
        text: Anything else?
"""

NOTE = 'commas, "quotes",\nline breaks and =1+1'
RESPONSES = [
    {"_id": "r1", "work": "yes", "hours": 20, "scale": "3", "note": NOTE},
    {"_id": "r2", "work": "no", "scale": "1"},
    {"_id": "r3", "work": "yes"},
]


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    path = tmp_path_factory.mktemp("mini") / "mini.yaml"
    path.write_text(MINI, encoding="utf-8")
    return qdef.compile(path)


def test_spss_by_hand(mini: Compiled, tmp_path: Path) -> None:
    found, meta = read_back("sav", collect(mini, RESPONSES).encode("sav")[""], tmp_path / "m.sav")
    assert meta.column_names == ["qdef_id", "work", "hours", "scale", "note"]
    assert found == [
        ["r1", 1.0, 20.0, 3.0, NOTE],
        ["r2", 2.0, -1.0, 1.0, "-2"],  # note: shown to everyone, not answered
        ["r3", 1.0, -2.0, -2.0, "-2"],
    ]
    assert meta.variable_value_labels["work"] == {
        1.0: "Yes",
        2.0: "No",
        -1.0: "not asked",
        -2.0: "not answered",
    }
    # codes that are whole numbers are stored as themselves
    assert meta.variable_value_labels["scale"][3.0] == "Very"
    assert meta.missing_ranges["hours"] == [{"lo": -1.0, "hi": -1.0}, {"lo": -2.0, "hi": -2.0}]
    assert meta.missing_ranges["note"] == [{"lo": "-1", "hi": "-1"}, {"lo": "-2", "hi": "-2"}]
    assert meta.column_names_to_labels["hours"] == "Hours per week?"
    assert meta.variable_measure == {
        "qdef_id": "nominal",
        "work": "nominal",
        "hours": "scale",
        "scale": "nominal",
        "note": "nominal",
    }
    plain, _ = pyreadstat.read_sav(str(tmp_path / "m.sav"))  # user-missing as missing
    assert plain["hours"].isna().tolist() == [False, True, True]


def test_stata_by_hand(mini: Compiled, tmp_path: Path) -> None:
    found, meta = read_back("dta", collect(mini, RESPONSES).encode("dta")[""], tmp_path / "m.dta")
    assert meta.column_names == ["_id", "work", "hours", "scale", "note"]
    assert found == [
        ["r1", 1, 20, 3, NOTE],
        ["r2", 2, "a", 1, ""],
        ["r3", 1, "b", "b", ""],
    ]
    assert meta.missing_user_values["hours"] == ["a", "b"]
    assert meta.variable_value_labels["work"] == {
        1: "Yes",
        2: "No",
        "a": "not asked",
        "b": "not answered",
    }


def test_csv_quotes_as_rfc_4180(mini: Compiled) -> None:
    text = collect(mini, RESPONSES).encode("csv")[""].decode("utf-8")
    assert text.splitlines(keepends=True)[0] == "_id,work,hours,scale,note\r\n"
    assert '"commas, ""quotes"",\nline breaks and =1+1"' in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["r1", "yes", "20", "3", NOTE]
    assert rows[2] == ["r2", "no", "", "1", ""]


def test_arrow_and_pandas_carry_the_labels(mini: Compiled) -> None:
    dataset = collect(mini, RESPONSES)
    arrow = dataset.to_arrow()
    work = arrow.schema.field("work")
    assert arrow.column("work").to_pylist() == ["yes", "no", "yes"]
    assert arrow.column("work").combine_chunks().dictionary.to_pylist() == ["yes", "no"]
    assert json.loads(work.metadata[b"qdef:values"]) == {"yes": "Yes", "no": "No"}
    assert work.metadata[b"qdef:label"].decode() == "Do you work?"
    frame = dataset.to_pandas()
    assert list(frame["work"].cat.categories) == ["Yes", "No"]
    assert frame["work"].tolist() == ["Yes", "No", "Yes"]
    assert frame["hours"].isna().tolist() == [False, True, True]
    assert frame.attrs["qdef"]["scale"]["codes"] == {
        "1": "Not at all",
        "2": "Somewhat",
        "3": "Very",
    }
    assert dataset.rows[1].cells[1] is NOT_ASKED and dataset.rows[2].cells[1] is NOT_ANSWERED


def test_values_that_do_not_fit_are_left_out_and_counted(mini: Compiled) -> None:
    dataset = collect(mini, [{"work": "maybe", "hours": 20, "scale": "9"}])
    assert dataset.counts.dropped == 2
    assert dataset.rows[0].cells[:3] == [NOT_ANSWERED, NOT_ASKED, NOT_ANSWERED]


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("name", NAMES)
def test_the_same_responses_give_the_same_bytes(name: str) -> None:
    compiled = COMPILED[name]

    @settings(max_examples=3, deadline=None)
    @given(responses=batches(compiled))
    def run(responses: list[dict[str, Any]]) -> None:
        first = {fmt: collect(compiled, responses).encode(fmt) for fmt in FORMATS}
        assert first == {fmt: collect(compiled, responses).encode(fmt) for fmt in FORMATS}

    run()


def test_the_time_of_writing_is_not_in_the_files(mini: Compiled) -> None:
    first = {fmt: collect(mini, RESPONSES).encode(fmt) for fmt in ("sav", "dta")}
    time.sleep(1.05)  # SPSS's header has the second of writing; Stata's the minute
    assert first == {fmt: collect(mini, RESPONSES).encode(fmt) for fmt in ("sav", "dta")}
    assert first["sav"][""][92:109] == b"01 Jan 7000:00:00"
    assert b"<timestamp>\x1101 Jan 1970 00:00</timestamp>" in first["dta"][""]


def test_names_spss_and_stata_accept() -> None:
    long = "aufgaben_zustaendigkeit.beteiligung.nicht_erforderlich"
    assert sav_names(["_id", "_k", "a.b", "x.", "x", "v" * 70, "v" * 70]) == [
        "qdef_id",
        "qdef_k",
        "a.b",
        "x",
        "x_2",
        "v" * 64,
        "v" * 62 + "_2",
    ]
    assert dta_names(["_id", "a.b", "a_b", "in", long, long + "2"], [False] * 4 + [True] * 2) == [
        "_id",
        "a_b",
        "a_b_2",
        "in_2",
        "aufgaben_zustaendigkeit_beteili",  # labelled: room for pyreadstat's number
        "aufgaben_zustaendigkeit_betei_2",
    ]
