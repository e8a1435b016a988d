"""``qdef data check``'s readers and command: qdef CSV and LimeSurvey's response export
(a fixture in LimeSurvey's layout for the Investitionspakt, and generated respondents
of every instrument written as both exports), malformed input (findings, never a
traceback), the output formats, exit codes and the progress line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings

import qdef
from qdef.cli import main
from qdef.data import Checker, Finding, read
from qdef.data.limesurvey import headings
from qdef.errors import RenderError
from qdef.pipeline.compiled import Compiled
from qdef.routing import walk
from qdef.testing import respondents
from tests.test_data_check import COMPILED  # the instruments compiled once

ROOT = Path(__file__).parents[1]
CASES = ROOT / "tests" / "cases" / "data"
EXPORT = CASES / "investitionspakt-limesurvey.csv"
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
MAPS = {name: json.loads(qdef.render(c, "limesurvey-map")) for name, c in COMPILED.items()}
IP = COMPILED["investitionspakt"]


def findings_of(compiled: Compiled, path: Path, **options: Any) -> list[Finding]:
    checker = Checker(compiled.plan)
    return [f for record in read(path, compiled.plan, **options) for f in checker.check(record)]


def keyed(findings: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.response, f.variable, str(f.code)) for f in findings}


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["data", "check", *args], out, err)
    return status, out.getvalue(), err.getvalue()


# LimeSurvey's export


EXPECTED = {
    ("3", "wochenstunden", "D203"),
    ("3", "gruende_kein_im", "D301"),
    ("3", "eigene_raeume_qm", "D303"),
    ("4", "fortsetzung_geplant", "D302"),
}


def test_the_limesurvey_export_is_read_back_into_qdef_answers() -> None:
    records = list(read(EXPORT, IP.plan, mapping=MAPS["investitionspakt"]))
    assert [r.id for r in records] == ["1", "2", "3", "4"]
    first, second = records[0].answers, records[1].answers
    assert first["gruende_kein_im"] == "sonstiges"  # -oth- and its text
    assert first["gruende_kein_im_sonstiges"] == "Kein Bedarf im Quartier"
    assert first["aufgaben_zustaendigkeit.vernetzung.nicht_erforderlich"] is True
    assert second["umsetzungsphase"] == ["vor", "waehrend"]
    assert second["finanzierungszeitraum.from"] == "2019-01"  # a month of a datetime
    assert second["fortsetzung_finanzierung"] == "eigenmittel"  # the answer code "eigen"
    assert second["wochenstunden"] == 20 and second["eigene_raeume_qm"] == 25.5
    for record in records[:2]:  # the clean ones are their own walks' responses
        assert walk(IP.plan, record.answers).response == record.answers


def test_the_limesurvey_export_has_the_expected_findings() -> None:
    assert keyed(findings_of(IP, EXPORT, mapping=MAPS["investitionspakt"])) == EXPECTED


def test_semicolons_and_expressionscript_headings_read_the_same(tmp_path: Path) -> None:
    text = EXPORT.read_bytes().decode("utf-8-sig")  # no newline translation: CRLF
    header, rest = text.split("\r\n", 1)
    names = next(csv.reader([header]))
    em = [name.replace("][", "_").replace("[", "_").replace("]", "") for name in names]
    assert "umsetzungsphase_vor" in em and "gruendekeinim_other" in em
    rows = list(csv.reader(io.StringIO(rest)))
    other = tmp_path / "export.csv"
    with other.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\r\n")
        writer.writerow(em)
        writer.writerows(row for row in rows if row)
    assert keyed(findings_of(IP, other, mapping=MAPS["investitionspakt"])) == EXPECTED


def test_limesurvey_s_mask_against_formulas_is_taken_off(tmp_path: Path) -> None:
    header = ["id", "submitdate", "imeingesetzt", "gruendekeinim", "gruendekeinim[other]"]
    row = ["9", "2024-03-04 09:15:02", "nein", "-oth-", "'=Kein Bedarf"]
    path = tmp_path / "results.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, row])
    (record,) = read(path, IP.plan, mapping=MAPS["investitionspakt"])
    assert record.answers["gruende_kein_im_sonstiges"] == "=Kein Bedarf"


def test_the_headings_of_limesurvey_variables() -> None:
    kinds = {"Q": "F", "D": "1", "R": "R", "A": ";", "L": "L"}
    assert headings("Q_SQ1", kinds) == ["Q_SQ1", "Q[SQ1]"]
    assert headings("D_SQ1_0", kinds) == ["D_SQ1_0", "D[SQ1][1]"]
    assert headings("D_SQ1_1", kinds) == ["D_SQ1_1", "D[SQ1][2]"]
    assert headings("R_2", kinds) == ["R_2", "R[2]"]
    assert headings("A_row_col", kinds) == ["A_row_col", "A[row_col]"]
    assert headings("L_other", kinds) == ["L_other", "L[other]"]
    assert headings("L", kinds) == ["L"]


def _limesurvey_cell(entry: dict[str, Any], value: Any, plan_info: Any) -> str:
    if entry["kind"] == "choice":
        return str(entry["answers"][value])
    if value is True:
        return "1"
    if entry["kind"] == "date":
        precision = plan_info.node.precision
        return value + {"year": "-01-01", "month": "-01", "day": ""}[precision] + " 00:00:00"
    return str(value)


def limesurvey_row(
    compiled: Compiled, mapping: dict[str, Any], response: dict[str, Any]
) -> dict[str, str]:
    """``response`` as LimeSurvey's export with ExpressionScript headings holds it: written
    here from the mapping alone, independently of the reader."""
    plan = compiled.plan
    row: dict[str, str] = {"id": "1", "submitdate": "2024-01-01 00:00:00", "lastpage": "1"}

    def put(variables: dict[str, Any], answers: dict[str, Any]) -> None:
        for name, entry in variables.items():
            value = answers.get(name)
            if entry["kind"] == "choices":
                for code, variable in entry["options"].items():
                    row[variable] = "Y" if value and code in value else ""
            elif entry["kind"] == "ranking":
                for rank, variable in enumerate(entry["ranks"]):
                    ranked = value[rank] if value and rank < len(value) else None
                    row[variable] = "" if ranked is None else entry["answers"][ranked]
            else:
                info = plan.variables.get(name) or plan.hidden_info(name)
                row[entry["variable"]] = (
                    "" if value is None else _limesurvey_cell(entry, value, info)
                )

    put(mapping["variables"], response)
    for roster_id, roster in mapping.get("rosters", {}).items():
        plan_roster = plan.rosters[roster_id]
        records = iter(response.get(roster_id, []))
        source = response.get(plan_roster.source)
        for k, copy in enumerate(roster["copies"]):
            slot = plan_roster.slots[k]
            if plan_roster.kind == "choices":
                exists = isinstance(source, list) and slot in source
            elif plan_roster.kind == "textlist":
                exists = isinstance(slot, str) and slot in response
            else:
                exists = isinstance(slot, int) and isinstance(source, int) and slot <= source
            put(copy["variables"], next(records, {}) if exists else {})
    return row


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_respondents_exported_by_limesurvey_have_no_findings(name: str, tmp_path: Path) -> None:
    compiled, mapping = COMPILED[name], MAPS[name]
    path = tmp_path / "results-survey.csv"

    rosters: list[str] = []

    @settings(max_examples=25)
    @given(response=respondents(compiled))
    def check(response: dict[str, Any]) -> None:
        rosters.extend(r for r in compiled.plan.rosters if response.get(r))
        row = limesurvey_row(compiled, mapping, response)
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(list(row))
            writer.writerow(list(row.values()))
            file.write("\r\n")
        assert findings_of(compiled, path, mapping=mapping) == [], row
        # and read back, it is the same respondent (LimeSurvey keeps no order shown)
        (record,) = read(path, compiled.plan, mapping=mapping)
        given_back = walk(compiled.plan, record.answers).response
        original = walk(compiled.plan, {k: v for k, v in response.items() if k != "_order"})
        original.response.pop("_order", None)
        assert given_back == original.response

    check()
    assert bool(rosters) == bool(compiled.plan.rosters)  # the copies were read as records


def export_header(lss: str) -> list[str]:
    """The header of LimeSurvey's response export (question-code headings) of the survey
    ``lss``, from its structure alone, as LimeSurvey builds it: the response's fields,
    then each question's fields in group and question order (createFieldMap), each
    named ``code[part]`` (viewHelper::getFieldCode) — independently of the mapping."""
    root = ElementTree.fromstring(lss)

    def rows(section: str) -> list[dict[str, str]]:
        found = root.find(section)
        if found is None:
            return []
        return [{c.tag: c.text or "" for c in row} for row in found.iter("row")]

    groups = {g["gid"]: int(g["group_order"]) for g in rows("groups")}
    subquestions = rows("subquestions")
    answers = rows("answers")
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    questions = sorted(
        rows("questions"), key=lambda q: (groups[q["gid"]], int(q["question_order"]))
    )
    for question in questions:
        code, kind, qid = question["title"], question["type"], question["qid"]
        subs = sorted(
            (s for s in subquestions if s["parent_qid"] == qid),
            key=lambda s: int(s["question_order"]),
        )
        ys = [s["title"] for s in subs if s.get("scale_id", "0") in ("", "0")]
        xs = [s["title"] for s in subs if s.get("scale_id") == "1"]
        if kind in ";:":
            header += [f"{code}[{y}_{x}]" for y in ys for x in xs]
        elif kind == "1":
            header += [f"{code}[{y}][{scale}]" for y in ys for scale in (1, 2)]
        elif kind == "R":
            count = sum(1 for a in answers if a["qid"] == qid and a.get("scale_id", "0") == "0")
            header += [f"{code}[{rank}]" for rank in range(1, count + 1)]
        elif kind in "MPFHABCEKQ":
            for y in ys:
                header.append(f"{code}[{y}]")
                if kind == "P":
                    header.append(f"{code}[{y}comment]")
        elif kind != "X":
            header.append(code)
        if question.get("other") == "Y" and kind in "L!MP":
            header.append(f"{code}[other]")
        if kind == "O":
            header.append(f"{code}[comment]")
    return header


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_every_column_of_limesurvey_s_export_is_known(name: str, tmp_path: Path) -> None:
    compiled, mapping = COMPILED[name], MAPS[name]
    try:
        lss = qdef.render(compiled, "limesurvey")
    except RenderError as refused:  # an instrument LimeSurvey cannot ask (QD8xx)
        pytest.skip(f"LimeSurvey cannot field {name}: {refused}")
    assert isinstance(lss, str)
    header = export_header(lss)
    path = tmp_path / "results-survey.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerow(["1", *[""] * (len(header) - 1)])
    (first, *_) = read(path, compiled.plan, mapping=mapping)
    assert first.problems == []  # no column of the export is unknown
    assert not first.header
    # and every variable of the mapping has its column in the export
    known = set(header)
    kinds = {c["code"]: c["type"] for e in mapping["questions"].values() for c in e["questions"]}
    entries = [*mapping["variables"].values()]
    entries += [
        v
        for r in mapping.get("rosters", {}).values()
        for c in r["copies"]
        for v in c["variables"].values()
    ]
    for entry in entries:
        variables = [*entry.get("options", {}).values(), *entry.get("ranks", ())] or [
            entry["variable"]
        ]
        for variable in variables:
            assert set(headings(variable, kinds)) & known, variable


# qdef's CSV


def csv_cells(compiled: Compiled, response: dict[str, Any]) -> dict[str, str]:
    """``response`` as qdef's CSV writes it (docs/data.md, "CSV")."""
    plan = compiled.plan
    cells: dict[str, str] = {}

    def text(value: Any) -> str:
        if value is True:
            return "true"
        if isinstance(value, list):
            return " ".join(value)
        return str(value)

    for name, value in response.items():
        if name == "_order":
            continue
        if name in plan.rosters:
            for k, record in enumerate(value, start=1):
                for inner, answer in record.items():
                    cells[f"{name}.{k}.{inner}"] = text(answer)
        else:
            cells[name] = text(value)
    return cells


@pytest.mark.parametrize("name", sorted(COMPILED))
def test_respondents_written_as_qdef_csv_have_no_findings(name: str, tmp_path: Path) -> None:
    compiled = COMPILED[name]
    path = tmp_path / "answers.csv"

    @settings(max_examples=25)
    @given(response=respondents(compiled))
    def check(response: dict[str, Any]) -> None:
        cells = csv_cells(compiled, response)
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["_id", *cells])
            writer.writerow(["r1", *cells.values()])
        assert findings_of(compiled, path) == [], cells

    check()


def test_the_qdef_csv_fixture() -> None:
    path = CASES / "investitionspakt.csv"
    found = findings_of(IP, path)
    assert keyed(found) == {
        (f"{path}:1", "kontakt_fax", "D101"),  # once, on the header
        ("r2", "umsetzungsphase", "D201"),
        ("r2", "wochenstunden", "D202"),
        ("r3", "finanzierungszeitraum", "D204"),
        ("r3", "gruende_kein_im", "D301"),
        ("r4", "aufgaben_zustaendigkeit.beteiligung.nicht_erforderlich", "D204"),
        (f"{path}:6", "", "D401"),  # too few fields: the next row is read all the same
    }
    reasons = {f.variable: f.reason for f in found}
    assert reasons["finanzierungszeitraum"] == "the start 2021-12 is after the end 2019-01"
    records = {r.id: r.answers for r in read(path, IP.plan)}
    assert records["r1"]["umsetzungsphase"] == ["vor", "waehrend"]
    assert records["r1"]["wochenstunden"] == 20 and records["r1"]["eigene_raeume_qm"] == 25.5
    assert records["r6"]["aufgaben_zustaendigkeit.beteiligung.erfolgt_durch"] == (
        "Amt für Soziales, Abteilung 2"
    )


# malformed input, the command, its formats and exit codes


def test_malformed_input_is_findings_never_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "antworten"
    folder.mkdir()
    (folder / "a-good.json").write_text('{"im_eingesetzt": "nein"}', encoding="utf-8")
    (folder / "b-broken.json").write_text('{"im_eingesetzt": ', encoding="utf-8")
    (folder / "c-array.json").write_text('[1, {"umsetzungsphase": "vor"}]', encoding="utf-8")
    (folder / "d-latin1.json").write_bytes('{"rueckblick": "gr\u00fc\u00df"}'.encode("latin-1"))
    (folder / "e-lines.jsonl").write_text(
        '{"im_eingesetzt": "nein"}\n[\n\n42\n{"_id": "x7", "im_eingesetzt": "nein", '
        '"gruende_kein_im": "nicht_bekannt", "kontakt_fax": "0"}\n',
        encoding="utf-8",
    )
    (folder / "f-ignored.txt").write_text("not a response", encoding="utf-8")
    (folder / "g-twice.json").write_text(
        '{"im_eingesetzt": "nein", "im_eingesetzt": "ja"}', encoding="utf-8"
    )
    (folder / "h-null.json").write_text(
        '{"im_eingesetzt": "ja", "wochenstunden": null}', encoding="utf-8"
    )
    status, out, err = run(str(INSTRUMENT), str(folder), "--format", "json")
    assert status == 1
    assert "Traceback" not in err and "internal error" not in err
    found = {
        (f["where"].replace(str(folder), "F"), f["variable"], f["code"])
        for f in json.loads(out)["findings"]
    }
    assert found == {
        ("F/b-broken.json", "", "D401"),
        ("F/c-array.json#1", "", "D401"),
        ("F/c-array.json#2", "umsetzungsphase", "D202"),  # a code, not a list of codes
        ("F/c-array.json#2", "im_eingesetzt", "D302"),
        ("F/d-latin1.json", "", "D401"),
        ("F/e-lines.jsonl:2", "", "D401"),
        ("F/e-lines.jsonl:4", "", "D401"),
        ("F/e-lines.jsonl:5", "kontakt_fax", "D101"),
        ("F/g-twice.json", "", "D401"),
        ("F/h-null.json", "wochenstunden", "D202"),
        ("F/h-null.json", "fortsetzung_geplant", "D302"),
    }
    summary = json.loads(out)["summary"]
    assert summary["unreadable"] == 6
    assert summary["responses"] == 5
    null = next(f for f in json.loads(out)["findings"] if f["variable"] == "wochenstunden")
    assert null["reason"] == "null is not an answer: for no answer, leave the key out"


def test_unreadable_csv_files_are_findings(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"im_eingesetzt\nja\n\xff\xfe\x00nein\n")
    status, out, err = run(str(INSTRUMENT), str(empty), str(garbage), "--format", "csv", "-q")
    assert status == 1 and err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["where"], r["code"]) for r in rows] == [
        (str(empty), "D401"),
        (str(garbage), "D401"),
    ]


def test_exit_codes(tmp_path: Path) -> None:
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"im_eingesetzt": "nein"}), encoding="utf-8")
    status, out, err = run(str(INSTRUMENT), str(clean))
    assert (status, err) == (0, "qdef: 1 response checked: no findings\n")
    assert "im_eingesetzt" in out  # the summary per question
    status, out, _ = run(str(INSTRUMENT), str(clean), "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["findings"] == [] and data["summary"]["responses"] == 1
    assert data["summary"]["questions"]["im_eingesetzt"] == {
        "on_path": 1,
        "answered": 1,
        "missing": 0,
        "off_path": 0,
    }
    status, out, err = run(str(INSTRUMENT), str(tmp_path / "missing.json"))
    assert status == 2 and "no such file or directory" in err and out == ""
    not_a_map = tmp_path / "map.json"
    not_a_map.write_text("[]", encoding="utf-8")
    status, _, err = run(str(INSTRUMENT), str(EXPORT), "--map", str(not_a_map))
    assert status == 2 and "not a limesurvey-map" in err
    status, _, err = run(str(INSTRUMENT), str(clean), "--format", "yaml")
    assert status == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("qdef: 1\nid: x\n", encoding="utf-8")
    status, out, _ = run(str(broken), str(clean))
    assert status == 1 and "broken.yaml:" in out  # as qdef validate reports it


def test_a_saved_mapping_is_used(tmp_path: Path) -> None:
    saved = tmp_path / "investitionspakt.map.json"
    saved.write_text(json.dumps(MAPS["investitionspakt"]), encoding="utf-8")
    status, out, _ = run(str(INSTRUMENT), str(EXPORT), "--map", str(saved), "--format", "json")
    assert status == 1
    found = {(f["response"], f["variable"], f["code"]) for f in json.loads(out)["findings"]}
    assert found == EXPECTED


def test_csv_output_quotes_as_csv_quotes(tmp_path: Path) -> None:
    status, out, _ = run(str(INSTRUMENT), str(EXPORT), "--format", "csv", "-q")
    assert status == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["response"], r["variable"], r["code"]) for r in rows} == EXPECTED
    off = next(r for r in rows if r["code"] == "D301")
    assert off["reason"].endswith('asked only if im_eingesetzt != "ja"')
    assert off["summary"] == "answered off the path"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("terminal", "ci", "shown"), [(True, None, True), (True, "1", False), (False, None, False)]
)
def test_progress_only_on_a_terminal_outside_ci(
    terminal: bool, ci: str | None, shown: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    err = _Terminal() if terminal else io.StringIO()
    main(["data", "check", str(INSTRUMENT), str(EXPORT), "-q"], io.StringIO(), err)
    assert ("responses read" in err.getvalue()) == shown


def test_the_worked_example_of_data_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    example = page.split("## A worked example", 1)[1]
    command = "$ qdef data check instruments/investitionspakt.yaml results-survey123456.csv\n"
    expected = example.split(command, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    (tmp_path / "instruments").mkdir()
    shutil.copy(INSTRUMENT, tmp_path / "instruments")
    shutil.copy(EXPORT, tmp_path / "results-survey123456.csv")
    monkeypatch.chdir(tmp_path)
    status, out, err = run("instruments/investitionspakt.yaml", "results-survey123456.csv")
    assert status == 1
    assert out == expected
    assert err.startswith("qdef: 4 responses checked, 2 with findings: 4 findings")


def test_a_mapping_of_any_shape_and_deep_json_are_findings(tmp_path: Path) -> None:
    odd = tmp_path / "odd.map.json"
    odd.write_text(
        json.dumps(
            {
                "questions": {"im_eingesetzt": [1], "x": {"questions": [2, {"code": "a"}]}},
                "variables": {"x": 5, "im_eingesetzt": {"variable": 3, "kind": "choices"}},
                "rosters": [],
            }
        ),
        encoding="utf-8",
    )
    status, out, err = run(str(INSTRUMENT), str(EXPORT), "--map", str(odd), "--format", "json")
    assert status == 1 and "Traceback" not in err
    unknown = [f for f in json.loads(out)["findings"] if f["code"] == "D101"]
    assert unknown and all(f["where"].endswith(":1") for f in unknown)  # on the header
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    status, out, err = run(str(INSTRUMENT), str(deep), "--format", "csv", "-q")
    assert status == 1 and "Traceback" not in err
    assert [r["code"] for r in csv.DictReader(io.StringIO(out))] == ["D401"]
