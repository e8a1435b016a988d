"""Reading ODK Central's and KoboToolbox's CSV exports of the ``xlsform`` rendering
(docs/data.md, "ODK Central and KoboToolbox exports").

The exports are written here in the layouts the two servers document: ODK Central's
*Export data* (group paths joined with ``-``, its own columns ``SubmissionDate``,
``meta-instanceID``, ``KEY`` …, split select-multiple columns ``q-code``, each repeat
in ``FORM-<repeat>.csv`` linked by ``PARENT_KEY`` and ``KEY`` ``uuid:…/repeat[k]``)
and KoboToolbox's CSV (paths joined with ``/``, ``;`` between fields, ``_id``,
``_uuid``, ``_submission_time``, ``_index`` and a repeat's ``_parent_index``). The
column names are taken from the form the renderer writes, not from the reader's
own naming, so a reader that names a node otherwise than the form fails here.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import qdef
from qdef.cli import main
from qdef.data import Checker, Finding, read
from qdef.data.readers import detect
from qdef.pipeline.compiled import Compiled
from qdef.renderers.xlsform.survey import lower
from qdef.testing import respondents
from tests.test_data_check import COMPILED  # the instruments compiled once

ROOT = Path(__file__).parents[1]
CASES = ROOT / "tests" / "cases" / "data"
IP = COMPILED["investitionspakt"]
HH = COMPILED["household-roster"]
CENTRAL_META = [
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def findings_of(compiled: Compiled, path: Path, **options: Any) -> list[Finding]:
    checker = Checker(compiled.plan)
    return [f for record in read(path, compiled.plan, **options) for f in checker.check(record)]


def keyed(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.response, f.variable, str(f.code)) for f in findings}


def form_fields(compiled: Compiled) -> dict[str | None, list[tuple[list[str], str, str]]]:
    """The form's data nodes, by repeat (None: the main file): (path, type, name)."""
    fields: dict[str | None, list[tuple[list[str], str, str]]] = {None: []}
    stack: list[str] = []
    repeat: str | None = None
    for row in lower(compiled, written_order=True).survey:
        kind, name = str(row.get("type", "")), str(row.get("name", ""))
        if kind.startswith("begin_"):
            stack.append(name)
            if kind == "begin_repeat":
                repeat, stack = name, [name]
                fields[repeat] = []
        elif kind.startswith("end_"):
            stack.pop()
            if kind == "end_repeat":
                repeat = None
        else:
            fields[repeat].append(([*stack, name], kind.split(maxsplit=1)[0], name))
    return fields


def _exists(roster: Any, slot: Any, answers: dict[str, Any]) -> bool:
    if roster.kind == "choices":
        return slot in answers.get(roster.source, [])
    if roster.kind == "textlist":
        return slot in answers
    count = answers.get(roster.source)
    return isinstance(count, int) and isinstance(slot, int) and slot <= count


def cells_of(
    compiled: Compiled, fields: list[tuple[list[str], str, str]], answers: dict[str, Any], sep: str
) -> dict[str, str]:
    """One submission's (or repeat instance's) columns as the server writes them."""
    plan = compiled.plan
    cells: dict[str, str] = {}
    for path, kind, name in fields:
        header = sep.join(path)
        if kind == "note":
            continue
        if kind == "calculate":  # the form's own value (not read): a computed value, an item
            value = answers.get(name)
            cells[header] = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            continue
        base, _, rank = name.rpartition(".")
        info = plan.variables.get(name)
        if info is None and base in plan.variables and rank.isdigit():
            ranked = answers.get(base, [])
            cells[header] = ranked[int(rank) - 1] if int(rank) <= len(ranked) else ""
            continue
        value = answers.get(name)
        if value is None:
            text = ""
        elif value is True:
            text = "OK"
        elif isinstance(value, list):
            text = " ".join(value)
        elif info is not None and info.kind == "date":
            text = (value + "-01-01")[:10] if len(value) == 4 else (value + "-01")[:10]
        else:
            text = str(value)
        cells[header] = text
        if kind == "select_multiple" and info is not None:
            for code in info.codes:  # ODK Central's "split select multiples"
                cells[f"{header}{sep}{code}"] = "" if value is None else str(int(code in value))
    return cells


def write_central(compiled: Compiled, responses: list[dict[str, Any]], path: Path) -> None:
    """``responses`` as ODK Central's *Export data* writes them: ``path`` and a
    ``<stem>-<repeat>.csv`` per repeat, one instance per possible item."""
    fields = form_fields(compiled)
    plan = compiled.plan
    main_rows: list[dict[str, str]] = []
    repeat_rows: dict[str, list[dict[str, str]]] = {r: [] for r in plan.rosters}
    for n, response in enumerate(responses, start=1):
        uuid = f"uuid:0000{n:04d}-aaaa-bbbb-cccc-dddddddddddd"
        row = {"SubmissionDate": "2026-05-04T10:11:12.345Z"}
        row |= cells_of(compiled, fields[None], response, "-")
        row |= {f"SET-OF-{r}": f"{uuid}/{r}" for r in plan.rosters}
        row |= {"meta-instanceID": uuid, "KEY": uuid, **dict.fromkeys(CENTRAL_META, "")}
        main_rows.append(row)
        for roster_id, roster in plan.rosters.items():
            records = iter(response.get(roster_id, []))
            for k, slot in enumerate(roster.slots, start=1):
                record = next(records, {}) if _exists(roster, slot, response) else {}
                inner = cells_of(compiled, fields[roster_id], record, "-")
                key = f"{uuid}/{roster_id}[{k}]"
                repeat_rows[roster_id].append(
                    {**inner, "PARENT_KEY": uuid, "KEY": key, f"SET-OF-{roster_id}": key}
                )
    _write(path, main_rows, ",")
    for roster_id, written in repeat_rows.items():
        _write(path.with_name(f"{path.stem}-{roster_id}.csv"), written, ",")


def write_kobo(compiled: Compiled, responses: list[dict[str, Any]], path: Path) -> None:
    """``responses`` as KoboToolbox's CSV export writes them (no rosters)."""
    fields = form_fields(compiled)
    written = []
    for n, response in enumerate(responses, start=1):
        row = {"start": "2026-05-04T10:00:00.000+02:00", "end": "2026-05-04T10:09:00.000+02:00"}
        row |= cells_of(compiled, fields[None], response, "/")
        row |= {"meta/instanceID": f"uuid:k{n}", "_id": str(n), "_uuid": f"k{n}"}
        row |= {"_submission_time": "2026-05-04T08:10:00", "_index": str(n)}
        written.append(row)
    _write(path, written, ";")


def _write(path: Path, written: list[dict[str, str]], sep: str) -> None:
    header = list(dict.fromkeys(name for row in written for name in row))
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, header, delimiter=sep, restval="")
        writer.writeheader()
        writer.writerows(written)


def clean(compiled: Compiled, response: dict[str, Any]) -> dict[str, Any]:
    """The answers the export holds: no computed values, no roster items."""
    plan = compiled.plan
    items = {roster.item for roster in plan.rosters.values()}
    kept: dict[str, Any] = {}
    for name, value in response.items():
        if name in plan.rosters:
            records = [{k: v for k, v in r.items() if k not in items} for r in value]
            while records and not records[-1]:
                records.pop()
            if records:
                kept[name] = records
        elif name in plan.variables or plan.hidden_info(name) is not None:
            kept[name] = value
    return kept


# generated respondents, written as the servers write them, read back


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_respondents_exported_by_odk_central_have_no_findings(name: str, tmp_path: Path) -> None:
    compiled = COMPILED[name]
    path = tmp_path / "form.csv"

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(response=respondents(compiled))
    def check(response: dict[str, Any]) -> None:
        write_central(compiled, [response, response], path)
        assert detect(path) == "odk"
        assert findings_of(compiled, path) == [], response
        read_back = [r.answers for r in read(path, compiled.plan)]
        assert read_back == [clean(compiled, response)] * 2

    check()


def test_respondents_exported_by_kobo_have_no_findings(tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(response=respondents(IP))
    def check(response: dict[str, Any]) -> None:
        write_kobo(IP, [response], path)
        assert detect(path) == "odk"
        records = list(read(path, IP.plan))
        assert [r.answers for r in records] == [clean(IP, response)]
        assert records[0].id == "uuid:k1"  # meta/instanceID before _uuid
        assert findings_of(IP, path) == []

    check()


# the fixtures


def test_the_odk_central_fixture_has_the_expected_findings() -> None:
    path = CASES / "investitionspakt-odk.csv"
    assert detect(path) == "odk"
    assert keyed(findings_of(IP, path)) == {
        ("uuid:5a1c0e9e-0003-4b8e-9f1d-3c2a1b0d0003", "wochenstunden", "D203"),
        ("uuid:5a1c0e9e-0003-4b8e-9f1d-3c2a1b0d0003", "gruende_kein_im", "D301"),
        ("uuid:5a1c0e9e-0004-4b8e-9f1d-3c2a1b0d0004", "umsetzungsphase", "D201"),
    }


def test_the_kobo_fixture_reads_as_the_central_one() -> None:
    central = [r.answers for r in read(CASES / "investitionspakt-odk.csv", IP.plan)]
    kobo = [r.answers for r in read(CASES / "investitionspakt-kobo.csv", IP.plan)]
    assert kobo == central
    assert central[0]["finanzierungszeitraum.from"] == "2021-05"  # month precision
    assert central[0]["umsetzungsphase"] == ["vor", "waehrend"]


def test_the_household_fixture_reads_its_repeat_files() -> None:
    path = CASES / "household-roster-odk.csv"
    records = list(read(path, HH.plan))
    first = records[0].answers
    assert first["persons"] == [
        {"age": 41, "activity": "employed", "work_hours": 38},
        {"age": 6, "childcare_place": "school"},
    ]
    assert first["vehicle_use"] == [{"distance": 12000, "fuel": "petrol"}]
    assert keyed(findings_of(HH, path)) == {
        ("uuid:9b7e-0002", "persons.1.work_hours", "D301"),  # asked of the employed only
        ("uuid:9b7e-0002", "vehicle_use.1.fuel", "D201"),
    }


# what is not read is said


def test_an_unknown_column_is_a_finding_on_the_header(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    path.write_text(
        "SubmissionDate,filter-im_eingesetzt,filter-kontakt_fax,nowhere-rueckblick,KEY\n"
        "2026-05-04,nein,0,,uuid:1\n",
        encoding="utf-8",
    )
    found = keyed(findings_of(IP, path))
    assert (f"{path}:1", "filter-kontakt_fax", "D101") in found
    assert (f"{path}:1", "nowhere-rueckblick", "D101") in found


def test_a_roster_without_its_repeat_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    write_central(HH, [{"members.p1": "Ana"}], path)
    path.with_name("form-persons.csv").unlink()
    found = keyed(findings_of(HH, path))
    assert (f"{path}:1", "persons", "D401") in found


def test_repeat_rows_of_no_submission_are_findings(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    write_central(HH, [{"members.p1": "Ana"}], path)
    repeat = path.with_name("form-persons.csv")
    lines = repeat.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1].replace("uuid:00000001", "uuid:99999999"))
    repeat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = keyed(findings_of(HH, path))
    assert any(w.endswith("form-persons.csv:8") and c == "D401" for w, _, c in found), found


def test_split_columns_alone_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    path.write_text(
        "KEY;filter-im_eingesetzt;mit_im-umsetzungsphase-vor;mit_im-umsetzungsphase/nach;"
        "mit_im-wochenstunden\nuuid:1;ja;1;0;20\nuuid:2;ja;1;x;20\n",
        encoding="utf-8",
    )
    records = list(read(path, IP.plan))
    assert records[0].answers["umsetzungsphase"] == ["vor"]
    assert ("umsetzungsphase", "D202") in {(v, str(c)) for v, c, _ in records[1].problems}


@pytest.mark.parametrize(
    ("cell", "code"),
    [("gruende_kein_im", "D301"), ("umsetzungsphase", "D201")],
)
def test_mutations_are_found(cell: str, code: str, tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    answers = {"im_eingesetzt": "ja", "umsetzungsphase": ["vor"], "wochenstunden": 20}
    if cell == "gruende_kein_im":
        answers["gruende_kein_im"] = "nicht_bekannt"  # asked only without an IM
    else:
        answers["umsetzungsphase"] = ["vor", "irgendwann"]
    write_central(IP, [answers], path)
    assert (cell, code) in {(f.variable, str(f.code)) for f in findings_of(IP, path)}


def test_the_command_reads_an_odk_export() -> None:
    out, err = io.StringIO(), io.StringIO()
    path = CASES / "investitionspakt-odk.csv"
    status = main(
        [
            "data",
            "check",
            str(ROOT / "instruments" / "investitionspakt.yaml"),
            str(path),
            "--from",
            "odk",
            "--format",
            "json",
        ],
        out,
        err,
    )
    assert status == 1, err.getvalue()
    assert {f["code"] for f in json.loads(out.getvalue())["findings"]} == {"D201", "D203", "D301"}


def test_kobo_repeat_rows_are_joined_by_parent_index(tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    path.write_text(
        "household/members/members.p1;household/members/members.p2;_uuid;_index\n"
        "Ana;;u1;1\nBen;Cy;u2;2\n",
        encoding="utf-8",
    )
    (tmp_path / "kobo-persons.csv").write_text(
        "persons/person;persons/age;_index;_parent_index\nBen;30;1;2\nCy;5;2;2\n",
        encoding="utf-8",
    )
    (tmp_path / "kobo-vehicle_use.csv").write_text("_index;_parent_index\n", encoding="utf-8")
    records = list(read(path, HH.plan))
    assert [r.answers.get("persons") for r in records] == [None, [{"age": 30}, {"age": 5}]]
    assert [r.id for r in records] == ["u1", "u2"]
    assert not any(r.header for r in records)  # every column known, every file there


def test_a_repeat_file_given_as_responses_is_read_with_its_main_file(tmp_path: Path) -> None:
    path = tmp_path / "form.csv"
    write_central(HH, [{"members.p1": "Ana", "persons": [{"age": 30}]}], path)
    repeat = tmp_path / "form-persons.csv"
    assert list(read(repeat, HH.plan)) == []  # as `*.csv` gives it: its rows are the main file's
    path.unlink()
    (alone,) = list(read(repeat, HH.plan))
    assert alone.problems[0][1] == "D401" and "form.csv" in alone.problems[0][2]


def test_a_variable_named_like_a_server_column_is_read(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(
        "qdef: 1\nid: t\ntitle: T\nlanguage: en\nsections:\n  - id: s\n    title: S\n"
        "    questions:\n      - {id: start, type: number, text: Year started}\n",
        encoding="utf-8",
    )
    compiled = qdef.compile(source)
    path = tmp_path / "form.csv"
    path.write_text("start,KEY\n1999,uuid:1\n", encoding="utf-8")  # group names removed
    (record,) = list(read(path, compiled.plan, format="odk"))
    assert record.answers == {"start": 1999}
