"""``qdef data check`` on SQL (issue 21, part 2): the SQL engine reports the same
findings as the walk — the same (response, variable, code) — on generated
respondents of every instrument under instruments/ and on mutated ones (an answer
off the path, a required answer missing, a bad code, a number out of range, an
orphan follow-up), with the same query text run on DuckDB and on SQLite. Hostile
codes and ids cannot break out of the query's quoting.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdef
from qdef.data import Checker, Summary, read
from qdef.data.sql import DIALECTS, SqlEngine
from qdef.data.sql.query import compile_checks
from qdef.pipeline.compiled import Compiled
from qdef.testing import respondents
from tests.test_data_check import COMPILED, MUTATIONS, NAMES
from tests.test_data_readers import csv_cells

ROW = "ROW_NUMBER() OVER ()"
#: The summary of the last :func:`walked` run.
WALKED: list[Summary] = []
Triple = tuple[str, str, str, str]


def regexp_full_match(text: str | None, pattern: str) -> bool | None:
    """The one function SQLite lacks (docs/data.md, "Running the SQL elsewhere")."""
    return None if text is None else re.fullmatch(pattern, text) is not None


def sqlite() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.create_function("regexp_full_match", 2, regexp_full_match, deterministic=True)
    return connection


def write_csv(path: Path, compiled: Compiled, responses: list[dict[str, Any]]) -> list[str]:
    rows = [csv_cells(compiled, response) for response in responses]
    header = ["_id", *dict.fromkeys(name for row in rows for name in row)]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for i, row in enumerate(rows, start=1):
            writer.writerow([f"r{i}", *(row.get(name, "") for name in header[1:])])
    return header


def load(connection: Any, path: Path, header: list[str]) -> None:
    """The CSV file as a table ``responses`` of text columns (SQLite's way in)."""
    d = DIALECTS["sqlite"]
    columns = ", ".join(f"{d.ident(name)} TEXT" for name in header)
    connection.execute(f"CREATE TABLE responses ({columns})")
    marks = ", ".join("?" for _ in header)
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))[1:]
    connection.executemany(f"INSERT INTO responses VALUES ({marks})", rows)


def walked(compiled: Compiled, path: Path) -> set[Triple]:
    checker = Checker(compiled.plan)
    WALKED[:] = [checker.summary]
    return {
        (f.response, f.where, f.variable, str(f.code))
        for r in read(path, compiled.plan)
        for f in checker.check(r)
    }


def engines(compiled: Compiled, path: Path, header: list[str]) -> dict[str, set[Triple]]:
    """The findings of the SQL engine: on DuckDB over the file, and with one query text
    over a table ``responses`` on DuckDB and on SQLite."""
    found: dict[str, set[Triple]] = {}
    engine = SqlEngine(compiled)
    SUMMARIES.clear()
    REASONS.clear()
    REASONS["duckdb file"] = {
        (f.response, f.where, f.variable, str(f.code), f.reason)
        for f in engine.check_file(path, "csv")
    }
    found["duckdb file"] = {found[:4] for found in REASONS["duckdb file"]}
    SUMMARIES.append(engine.summary)
    for name, connect in (("duckdb table", duckdb.connect), ("sqlite table", sqlite)):
        connection = connect()
        load(connection, path, header)
        engine = SqlEngine(compiled)
        dialect = "duckdb" if name.startswith("duckdb") else "sqlite"
        REASONS[name] = {
            (f.response, f.where, f.variable, str(f.code), f.reason)
            for f in engine.check_connection(
                connection, "responses", ROW, header, path=path, fmt="csv", dialect=dialect
            )
        }
        found[name] = {found[:4] for found in REASONS[name]}
        SUMMARIES.append(engine.summary)
    return found


#: The findings with their reasons of the last :func:`engines` run, per engine: the
#: one pass (findings a batch at a time, a reason per distinct key) and the portable
#: queries (a reason per finding) word them alike.
REASONS: dict[str, set[tuple[str, str, str, str, str]]] = {}


#: The summaries of the last :func:`engines` run, one per engine.
SUMMARIES: list[Summary] = []


def same_summary(walk: Summary, sql: Summary) -> None:
    assert (sql.responses, sql.with_findings, sql.unreadable) == (
        walk.responses,
        walk.with_findings,
        walk.unreadable,
    )
    assert {str(k): v for k, v in sql.codes.items()} == {str(k): v for k, v in walk.codes.items()}
    assert sql.questions == walk.questions


@dataclass
class Generated:
    """Respondents of one instrument and their mutations, written as qdef's CSV, with
    the walk's findings and summary on it: made once, checked by every engine."""

    name: str
    compiled: Compiled
    responses: list[dict[str, Any]]
    path: Path
    header: list[str]
    reference: set[Triple]
    summary: Summary


@pytest.fixture(scope="module", params=NAMES)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Generated:
    name: str = request.param
    compiled = COMPILED[name]
    responses: list[dict[str, Any]] = []
    kinds: dict[str, int] = {}

    @settings(max_examples=20, database=None)
    @given(data=st.data())
    def collect(data: st.DataObject) -> None:
        response = data.draw(respondents(compiled), label="response")
        responses.append(response)
        for kind, (mutate, _) in MUTATIONS.items():
            mutated = mutate(compiled, response, data)
            if mutated is not None:
                responses.append(mutated[0])
                kinds[kind] = kinds.get(kind, 0) + 1

    collect()
    path = tmp_path_factory.mktemp(name) / "responses.csv"
    header = write_csv(path, compiled, responses)
    reference = walked(compiled, path)
    codes = {code for *_, code in reference}
    for kind, (_, code) in MUTATIONS.items():
        if kinds.get(kind):
            assert str(code) in codes, kind  # the mutation is there to be found
    return Generated(name, compiled, responses, path, header, reference, WALKED[0])


def test_sql_and_walk_agree_on_respondents_and_mutations(generated: Generated) -> None:
    for engine, found in engines(generated.compiled, generated.path, generated.header).items():
        assert found == generated.reference, (engine, sorted(found ^ generated.reference))
    assert REASONS["duckdb file"] == REASONS["duckdb table"] == REASONS["sqlite table"]
    for summary in SUMMARIES:
        same_summary(generated.summary, summary)


def test_investitionspakt_is_checked_by_the_sql_alone() -> None:
    """The benchmark's instrument: every question in the query, no walk needed."""
    engine = SqlEngine(COMPILED["investitionspakt"])
    assert engine.fallback == {}


def test_what_sql_does_not_express_is_named_with_why() -> None:
    engine = SqlEngine(COMPILED["household-roster"])
    assert engine.fallback["age"] == "it is in the roster 'persons'"
    assert "over" in engine.fallback["childcare_help"]


HOSTILE = r"""
qdef: 1
id: hostile
title: Hostile texts
version: "1"
language: en
sections:
  - id: s
    title: S
    questions:
      - id: q
        type: text
        required: true
        text: Q
        pattern: {regex: "[a-z' ;()\\\\\"-]+"}
      - id: r
        type: text
        text: R
        when: q == "it's'); drop table responses; --"
"""


def test_hostile_texts_and_ids_stay_literals(tmp_path: Path) -> None:
    """Instrument codes and ids are plain names (the model's patterns), but a condition's
    text literal, a ``pattern`` and every cell and ``_id`` are anyone's text: each stays
    a literal."""
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE, encoding="utf-8")
    compiled = qdef.compile(source)
    responses = [
        {"q": "it's'); drop table responses; --", "r": "x"},
        {"q": "it's", "r": "y"},  # r off the path
        {"q": 'a\\"b'},
        {"q": "'; DROP TABLE responses; --"},  # not the pattern
        {"r": "z"},  # required missing, r off the path
    ]
    path = tmp_path / "responses.csv"
    header = write_csv(path, compiled, responses)
    reference = walked(compiled, path)
    assert {code for *_, code in reference} == {"D202", "D301", "D302"}
    for engine, found in engines(compiled, path, header).items():
        assert found == reference, engine
    d = DIALECTS["duckdb"]
    assert d.ident('a"b') == '"a""b"'
    assert d.lit("it's") == "'it''s'"
    assert DIALECTS["spark"].ident("a`b") == "`a``b`"
    assert DIALECTS["spark"].lit("a\\b'") == "'a\\\\b'''"
    with pytest.raises(ValueError, match="NUL"):
        d.lit("a\x00b")


def test_the_same_query_text_runs_on_both(tmp_path: Path) -> None:
    compiled = COMPILED["investitionspakt"]
    conditions = {
        s.question.id: compiled.analysis.reaching(s.question.id) for s in compiled.plan.steps
    }
    a = compile_checks(compiled.plan, conditions, DIALECTS["duckdb"], source="responses", row=ROW)
    b = compile_checks(compiled.plan, conditions, DIALECTS["sqlite"], source="responses", row=ROW)
    assert a.findings_query() == b.findings_query()


def test_parquet_is_checked_as_the_csv_it_was_written_from(
    generated: Generated, tmp_path: Path
) -> None:
    """The same responses as Parquet (text columns): the SQL engine over the file, and
    the walk reading it, report what the walk reports on the CSV."""
    compiled = generated.compiled
    parquet = tmp_path / "responses.parquet"
    connection = duckdb.connect()
    connection.execute(
        "COPY (SELECT * FROM read_csv(?, all_varchar = true)) TO "
        + DIALECTS["duckdb"].lit(str(parquet))
        + " (FORMAT parquet)",
        [str(generated.path)],
    )
    reference = {(r, v, c) for r, _, v, c in generated.reference}  # another file
    on_parquet = walked(compiled, parquet)
    assert {(r, v, c) for r, _, v, c in on_parquet} == reference
    engine = SqlEngine(compiled)
    found = {
        (f.response, f.where, f.variable, str(f.code))
        for f in engine.check_file(parquet, "parquet")
    }
    assert found == on_parquet
    same_summary(WALKED[0], engine.summary)


def test_the_summary_bits_of_many_questions_span_columns(
    generated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one pass counts each question's answers in bits, 31 questions to a column:
    with 2 to a column (as an instrument of more than 31 questions has several), the
    summary and the findings are still the walk's."""
    from qdef.data.sql import engine, query  # noqa: PLC0415

    monkeypatch.setattr(query, "SIGNATURE", 2)
    monkeypatch.setattr(engine, "SIGNATURE", 2)
    checks = SqlEngine(generated.compiled)
    found = {
        (f.response, f.where, f.variable, str(f.code))
        for f in checks.check_file(generated.path, "csv")
    }
    assert found == generated.reference
    same_summary(generated.summary, checks.summary)
    assert "_sig1" in checks.checks("responses", "0", generated.header).stream_query()


#: Lines of JSON Lines that no text cell stands for: the engine gives them to the walk
#: (each a finding of the walk's, or none), among lines it reads itself.
ODD_LINES = [
    "",
    "   ",
    "not json",
    "[1, 2]",
    '"a text"',
    '{"_id": "twice", "im_eingesetzt": "ja", "im_eingesetzt": "nein"}',
    "{}",
    '{"_id": 7, "wochenstunden": "20"}',
    '{"_id": true, "wochenstunden": 20.0}',
    '{"_id": "x", "wochenstunden": 20.5, "eigene_raeume_qm": 1e400}',
    '{"_id": "language", "language": "de", "im_eingesetzt": "ja"}',
    '{"_id": "null", "im_eingesetzt": null, "ansiedlung": []}',
    '{"_id": "lists", "ansiedlung": ["kommune", 3], "umsetzungsphase": "vor"}',
    '{"_id": "spaced", "ansiedlung": ["kommune sonstiges"], "anregungen": ""}',
    '{"_id": "nested", "rueckblick": {"a": 1}, "qualifikation": ["x"]}',
    '{"_id": "typed", "im_eingesetzt": "ja", "wochenstunden": 200, "ansiedlung": '
    '["kommune", "kommune"], "aufgaben_zustaendigkeit.beteiligung.nicht_erforderlich": true}',
]


def test_json_lines_are_checked_as_the_walk_reads_them(
    generated: Generated, tmp_path: Path
) -> None:
    """The same responses as the web form saves them, one per line, among lines no text
    cell stands for (``"20"`` for a number, a key twice, a line that is not JSON, an
    unknown key, ``null``, ``[]``): the SQL engine reports, line for line and with the
    walk's words, what the walk reports, and counts alike; an instrument with questions
    the walk checks is walked whole, and said so."""
    compiled = generated.compiled
    lines = [
        json.dumps({"_id": f"r{i}", **response}, ensure_ascii=i % 2 == 0)
        for i, response in enumerate(generated.responses)
    ]
    lines[2:2] = ODD_LINES
    path = tmp_path / "responses.jsonl"
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    checker = Checker(compiled.plan)
    reference = [
        (f.response, f.where, f.variable, str(f.code), f.reason)
        for record in read(path, compiled.plan)
        for f in checker.check(record)
    ]
    engine = SqlEngine(compiled)
    found = [
        (f.response, f.where, f.variable, str(f.code), f.reason)
        for f in engine.check_file(path, "jsonl")
    ]
    assert sorted(found) == sorted(reference)
    assert [f[1] for f in found] == [f[1] for f in reference]  # by line
    same_summary(checker.summary, engine.summary)
    if engine.fallback:
        assert engine.notes == [
            f"{path}: the walk checked it (questions the walk checks are asked of every line)"
        ]
    else:
        assert engine.notes == []
        codes = {code for *_, code, _ in found}
        assert {"D101", "D202", "D203", "D401"} <= codes


def test_json_lines_duckdb_reads_otherwise_are_walked_whole(tmp_path: Path) -> None:
    """A carriage return alone ends a line for Python, not for DuckDB; the byte 1 would
    split DuckDB's column; DuckDB refuses a line that is not UTF-8: such a file is
    walked whole, and said so."""
    compiled = COMPILED["investitionspakt"]
    for text, why in (
        ('{"im_eingesetzt": "ja"}\r{"wochenstunden": 5}\n', "carriage return"),
        ('{"im_eingesetzt": "ja"}\r', "carriage return"),
        ('{"im_eingesetzt": "j\x01a"}\n', "byte 1"),
        ('{"im_eingesetzt": "ja"}\n{"im_eingesetzt": "j\udcffa"}\n', "cannot read it"),
    ):
        path = tmp_path / "responses.jsonl"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))  # \udcff: the byte ff
        engine = SqlEngine(compiled)
        found = {
            (f.response, f.where, f.variable, str(f.code)) for f in engine.check_file(path, "jsonl")
        }
        assert found == walked(compiled, path)
        assert why in engine.notes[0]


def test_the_command_line_chooses_the_engine_and_prints_the_query(tmp_path: Path) -> None:
    from qdef.cli import main  # noqa: PLC0415

    instrument = str(Path(qdef.__file__).parents[2] / "instruments" / "investitionspakt.yaml")
    path = tmp_path / "responses.csv"
    write_csv(
        path,
        COMPILED["investitionspakt"],
        [{"im_eingesetzt": "ja", "wochenstunden": 200, "fortsetzung_geplant": "nein"}],
    )
    outputs = {}
    for engine in ("duckdb", "python"):
        out, err = io.StringIO(), io.StringIO()
        status = main(
            ["data", "check", instrument, str(path), "--engine", engine, "--format", "csv"],
            out,
            err,
        )
        assert status == 1
        outputs[engine] = [line.split(",")[2:4] for line in out.getvalue().splitlines()]
    assert (
        outputs["duckdb"] == outputs["python"] == [["variable", "code"], ["wochenstunden", "D203"]]
    )
    roster = str(Path(instrument).with_name("household-roster.yaml"))
    out, err = io.StringIO(), io.StringIO()
    status = main(["data", "check", roster, str(path), "--engine", "duckdb"], out, err)
    assert "the walk checks 'age', not the SQL: it is in the roster 'persons'" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert main(["data", "sql", instrument, "--dialect", "postgresql"], out, err) == 0
    query = out.getvalue()
    assert "~ " in query and "regexp_full_match" not in query
    # the printed query reads every variable's column (SQLite would take a missing
    # column's quoted name for a text): the table has them all
    connection = sqlite()
    plan = COMPILED["investitionspakt"].plan
    header = ["_id", *(name for name, info in plan.variables.items() if info.roster is None)]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, header, restval="")
        writer.writeheader()
        writer.writerow(
            {
                "_id": "r1",
                "im_eingesetzt": "ja",
                "wochenstunden": "200",
                "fortsetzung_geplant": "nein",
            }
        )
    load(connection, path, header)
    out = io.StringIO()
    assert main(["data", "sql", instrument, "--dialect", "sqlite"], out, err) == 0
    rows = connection.execute(out.getvalue().rstrip().rstrip(";")).fetchall()
    assert [(row[2], row[3]) for row in rows] == [("wochenstunden", "D203")]


def test_the_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    """benchmarks/data_check.py end to end, for correctness only (no time asserted):
    the files have the rows asked for, each engine's run succeeds with findings (one
    respondent in 20 is mutated), the best of the runs is kept, and the report has a
    line per size and format, the verdict on the target and the growth; ``--write``
    replaces its section of the results file and keeps the rest."""
    from benchmarks import data_check  # noqa: PLC0415

    result = data_check.measure([60], distinct=20, walk_sample=40, folder=tmp_path)
    assert result["walk"]["status"] == 1
    assert result["walk"]["rows"] == 40
    for key, run in result["sql"].items():
        assert run["status"] == 1, key
        assert run["peak_kib"] > 0
        assert run["runs"] == [round(run["seconds"], 3)]
        assert 0 < run["read"]["seconds"] < run["seconds"], key  # the floor, in the run
    rows = duckdb.connect().execute(
        "SELECT COUNT(*), COUNT(DISTINCT _id) FROM read_parquet(?)",
        [str(tmp_path / "responses-60.parquet")],
    )
    assert rows.fetchone() == (60, 60)
    # a second size, ten times as slow for twice the rows: growth 5 (no second run)
    for fmt in ("csv", "parquet"):
        run = result["sql"][f"{fmt}-60"]
        cpu = result["fixed"]["cpu"] + 10 * (run["cpu"] - result["fixed"]["cpu"])
        result["sql"][f"{fmt}-120"] = {**run, "rows": 120, "cpu": cpu}
    report = data_check.report(result, [60, 120])
    assert report.count("| 120 |") == 2 and "| 60 | parquet |" in report
    assert "(growth 5.00, 1 is linear)" in report
    assert "target 50×: " in report
    assert report.count("before any check.") == 2  # the floor against the budget
    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nbefore\n", encoding="utf-8")
    data_check.write_results(results, "## one\n")
    data_check.write_results(results, "## two\n")
    text = results.read_text(encoding="utf-8")
    assert text == f"# Results\n\nbefore\n\n{data_check.BEGIN}\n## two\n{data_check.END}\n"


def test_a_file_duckdb_cannot_read_is_walked_and_said_so(tmp_path: Path) -> None:
    """A row with too few fields: DuckDB refuses the file, the walk checks all of it
    (the row a D401 finding), and standard error says so; JSON is the walk's."""
    from qdef.cli import main  # noqa: PLC0415

    instrument = str(Path(qdef.__file__).parents[2] / "instruments" / "investitionspakt.yaml")
    path = tmp_path / "responses.csv"
    path.write_text("_id,im_eingesetzt,wochenstunden\nr1,ja,200\nr2,ja\nr3,vielleicht,\n")
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["data", "check", instrument, str(path), "--engine", "duckdb", "--format", "csv"], out, err
    )
    assert status == 1
    assert "the SQL engine cannot read it" in err.getvalue()
    found = [tuple(row[:4]) for row in csv.reader(io.StringIO(out.getvalue()))][1:]
    reference = walked(COMPILED["investitionspakt"], path)
    assert set(found) == reference
    assert ("", "D401") in {(v, c) for _, _, v, c in found}
    jsonl = tmp_path / "responses.jsonl"
    jsonl.write_text('{"im_eingesetzt": "ja", "wochenstunden": 200}\n', encoding="utf-8")
    outputs = []
    for engine in ("duckdb", "python"):
        out, err = io.StringIO(), io.StringIO()
        status = main(["data", "check", instrument, str(jsonl), "--engine", engine], out, err)
        assert status == 1
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] and "wochenstunden: D203" in outputs[0]
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["data", "check", instrument, str(jsonl), "--engine", "duckdb", "--from", "json"],
        out,
        err,
    )
    assert status == 2 and "use --engine python" in err.getvalue()


def test_rows_with_every_cell_empty_are_no_responses(tmp_path: Path) -> None:
    """The CSV reader skips a row of empty cells; so does the query, and the rows
    after it, after a blank line and after a cell of two lines keep their lines."""
    path = tmp_path / "responses.csv"
    path.write_text(
        "im_eingesetzt,wochenstunden,qualifikation,kontakt\nja,200,,\n,,,\n\n,,,x\n"
        'ja,5,"zwei\nZeilen",\nnein,5,,\n'
    )
    compiled = COMPILED["investitionspakt"]
    checker = Checker(compiled.plan)
    reference = [
        (f.where, f.variable, str(f.code))
        for r in read(path, compiled.plan)
        for f in checker.check(r)
    ]
    engine = SqlEngine(compiled)
    found = [(f.where, f.variable, str(f.code)) for f in engine.check_file(path, "csv")]
    assert sorted(found) == sorted(reference)
    assert (f"{path}:8", "wochenstunden", "D301") in found  # after a blank line and a
    assert engine.summary.responses == checker.summary.responses == 4  # cell of 2 lines


def test_an_instrument_beyond_the_analysis_is_walked(tmp_path: Path) -> None:
    """No reaching conditions (the routing analysis over its budget): every question is
    left to the walk, with why, and the findings are the walk's."""
    from qdef.routing import Budget  # noqa: PLC0415

    compiled = COMPILED["investitionspakt"]

    class Entangled:
        plan = compiled.plan

        @property
        def analysis(self) -> Any:
            raise Budget("too entangled")

    engine = SqlEngine(Entangled())  # type: ignore[arg-type]
    assert engine.fallback["im_eingesetzt"].endswith("(beyond the analysis's budget)")
    path = tmp_path / "responses.csv"
    write_csv(path, compiled, [{"im_eingesetzt": "nein", "wochenstunden": 500}])
    found = {(f.response, f.where, f.variable, str(f.code)) for f in engine.check_file(path, "csv")}
    assert found == walked(compiled, path) != set()


def test_line_shifts_name_rows_as_the_csv_reader(tmp_path: Path) -> None:
    """The quote count of each line names the rows' lines as the CSV reader does: blank
    lines, line breaks (\\n, \\r\\n, a lone \\r) in quoted cells, doubled quotes, no
    line end at the end; a stray quote falls back to the CSV reader itself."""
    import bisect  # noqa: PLC0415

    from qdef.data.sql.engine import _line_shifts, _row_lines  # noqa: PLC0415

    texts = [
        'a,b\n1,"x\ny"\n\n2,"he said ""hi"""\r\n3,"p\r\nq\rr"\r\n\r\n4,z',
        'a,b\n1,"x\n\ny"\n2,w\n',
        'a,b\n1,x"y\n2,"p\nq"\n3,z\n',  # a quote inside an unquoted cell
    ]
    for i, text in enumerate(texts):
        path = tmp_path / f"{i}.csv"
        path.write_bytes(text.encode())
        expected = list(_row_lines(path))
        starts, shifts = _line_shifts(path, len(expected))
        named = [(r, r + shifts[bisect.bisect_right(starts, r) - 1]) for r, _ in expected]
        assert named == expected, text


@pytest.mark.parametrize(
    ("rows", "walked_lines"),
    [
        # breaks in free texts alone (\n, \r\n, a lone \r): the query's count gives the
        # lines; a box left unticked off the path is looked at closely, and no finding
        (['nein,"a\nb",200,', 'ja,"c\r\nd\re",200,', "nein,,200,", "ja,,,", "nein,,5,"], False),
        # a break in a code list (white space between codes) or a blank line: the
        # file's lines differ from that count, and are found another way
        (['ja,,200,"vor\nnach"', "nein,,200,"], True),
        (["nein,,200,", "", 'ja,"x\ny",200,'], True),
    ],
)
def test_rows_lines_from_the_breaks_in_free_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[str], walked_lines: bool
) -> None:
    """A row's line in a CSV file: the query counts the line ends in each row's free
    texts; where the file's lines are those, the findings are named by them, else the
    file is read again for its lines — by either way on the lines the walk names."""
    from qdef.data.sql import engine as module  # noqa: PLC0415

    calls: list[Path] = []
    shifts = module._line_shifts

    def counted(path: Path, read: int) -> Any:
        calls.append(path)
        return shifts(path, read)

    monkeypatch.setattr(module, "_line_shifts", counted)
    header = "im_eingesetzt,rueckblick,wochenstunden,umsetzungsphase"
    if not walked_lines:
        header += ",aufgaben_zustaendigkeit.beteiligung.nicht_erforderlich"
        rows = [*rows, "ja,,,vor,false"]
        rows = [row + "," if row.count(",") < 4 else row for row in rows]
    path = tmp_path / "responses.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode())
    compiled = COMPILED["investitionspakt"]
    checker = Checker(compiled.plan)
    reference = {
        (f.where, f.variable, str(f.code))
        for r in read(path, compiled.plan)
        for f in checker.check(r)
    }
    engine = SqlEngine(compiled)
    found = {(f.where, f.variable, str(f.code)) for f in engine.check_file(path, "csv")}
    assert found == reference != set()
    assert bool(calls) is walked_lines
    assert engine.summary.with_findings == checker.summary.with_findings


@settings(max_examples=60, database=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=6),
            st.text(alphabet='ab,"\r\n x', max_size=6),
            st.sampled_from(["D201", "D301"]),
            st.text(alphabet='ab,"\r\n ', max_size=8),
        ),
        max_size=6,
    )
)
def test_a_batch_of_findings_is_written_as_the_csv_module_writes_them(
    rows: list[tuple[str, str, str, str]],
) -> None:
    """The CSV writer's batches (a row's end worked out once per distinct variable,
    code and reason) give the bytes the csv module gives, quotes and line breaks in
    any field too."""
    from qdef.data.codes import DataCode, Finding, FindingBatch  # noqa: PLC0415
    from qdef.data.report import CsvWriter  # noqa: PLC0415

    found = [
        Finding(f"r{r}", f"f.csv:{i}", v, DataCode[c], t) for i, (r, v, c, t) in enumerate(rows)
    ]
    one, whole = io.StringIO(), io.StringIO()
    by_one, by_batch = CsvWriter(one), CsvWriter(whole)
    for finding in found:
        by_one.finding(finding)
    by_one.flush()
    by_batch.batch(FindingBatch.of(found))
    by_batch.batch(FindingBatch.of(found))  # the second time from what was kept
    written = one.getvalue()
    header = written.split("\n")[0] + "\n"
    assert whole.getvalue() == written + written.removeprefix(header)


def test_the_sql_engine_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (a third of a second) for a Python value it converts and
    for a table's group_by: the one pass makes its Arrow values from buffers."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    instrument = str(Path(qdef.__file__).parents[2] / "instruments" / "investitionspakt.yaml")
    path = tmp_path / "responses.csv"
    path.write_text('_id,im_eingesetzt,wochenstunden,rueckblick\nr1,ja,200,\nr2,nein,5,"a\nb"\n')
    program = (
        "import io, sys\nfrom qdef.cli import main\n"
        f"main(['data', 'check', {instrument!r}, {str(path)!r}, '-q'],\n"
        "     io.StringIO(), io.StringIO())\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False", done.stderr


def test_a_check_left_early_stops_its_reading_thread(tmp_path: Path) -> None:
    """The batches are read a batch or two ahead by a thread: a caller that stops after
    the first findings closes the file's connection, and the thread is stopped first
    (not left reading from a closed connection)."""
    import threading  # noqa: PLC0415

    path = tmp_path / "responses.parquet"
    duckdb.execute(
        "COPY (SELECT 'r' || i AS _id, 'nein' AS im_eingesetzt, '5' AS wochenstunden "
        f"FROM range(250000) AS t(i)) TO '{path}' (FORMAT parquet)"
    )
    engine = SqlEngine(COMPILED["investitionspakt"])
    batches = engine.check_file_batches(path, "parquet")
    first = next(batches)
    assert len(first) > 0 and {str(code) for code in first.code} == {"D301"}
    assert any(t.name == "qdef-sql-batches" for t in threading.enumerate())
    batches.close()
    assert not any(t.name == "qdef-sql-batches" for t in threading.enumerate())
    assert engine._streams == []
    # the stream's own close stops the thread while its batches are still referenced
    from qdef.data.sql.engine import _Stream  # noqa: PLC0415

    connection = duckdb.connect()
    source = engine._source(connection, path, "parquet")
    stream = _Stream(connection, engine.checks(source.sql, "0", source.header))
    columns = stream.columns()
    assert next(columns).rows is not None
    assert any(t.name == "qdef-sql-batches" for t in threading.enumerate())
    stream.close()
    assert not any(t.name == "qdef-sql-batches" for t in threading.enumerate())
    connection.close()
    del columns


def test_a_code_list_of_one_code_is_decided_as_the_walk_decides_it(tmp_path: Path) -> None:
    """A cell of one code alone skips the regular expressions (its verdict is worked
    out when the query is made): too few choices for ``min_choices``, an exclusive code
    alone allowed; with white space around it or given twice, the expressions decide."""
    instrument = Path(__file__).parent / "cases" / "render" / "multiple_choices.yaml"
    compiled = qdef.compile(instrument)
    path = tmp_path / "responses.csv"
    path.write_text(
        "_id,phasen,themen,medien,partner\n"
        "r1,vor,wohnen,presse,schulen\n"
        "r2,kein_bezug,weiss_nicht,internet,schulen vereine kirchen\n"
        'r3,vor," wohnen ",aushang,\n'
        "r4,,wohnen wohnen,,\n",
        encoding="utf-8",
    )
    engine = SqlEngine(compiled)
    assert engine.fallback == {}
    found = {(f.response, f.variable, str(f.code)) for f in engine.check_file(path, "csv")}
    assert found == {(r, v, c) for r, _, v, c in walked(compiled, path)}
    assert {("r1", "themen", "D203"), ("r1", "partner", "D203"), ("r3", "themen", "D203")} <= found
    assert ("r4", "themen", "D202") in found
    assert not {f for f in found if f[0] == "r2"}


#: The functions of docs/data.md, "The portable subset" (and each dialect's one
#: regular-expression match: ``regexp_full_match`` of DuckDB and SQLite, ``regexp_like``
#: of Trino; PostgreSQL's and Spark's are operators).
PORTABLE = {"NULLIF", "COALESCE", "LENGTH", "SUBSTR", "TRIM", "LOWER", "ABS", "ROUND", "CAST"}
PORTABLE |= {"SUM", "COUNT", "ROW_NUMBER", "REGEXP_FULL_MATCH", "REGEXP_LIKE"}


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_the_portable_queries_call_only_the_portable_functions(dialect: str) -> None:
    """What the docs promise runs where a team's data lives: the two portable queries
    of every instrument (and of code lists with bounds) call no function outside the
    subset (a shortcut with LTRIM(x, characters) was once in them: Spark reads its
    arguments the other way round)."""
    called: set[str] = set()
    bounded = qdef.compile(Path(__file__).parent / "cases" / "render" / "multiple_choices.yaml")
    for compiled in [*COMPILED.values(), bounded]:
        engine = SqlEngine(compiled)
        checks = engine.checks("responses", ROW, None, dialect)
        for query in (checks.findings_query(), checks.summary_query()):
            without = re.sub(r"'(?:[^']|'')*'", "''", query)  # no word in a literal
            called |= {name.upper() for name in re.findall(r"\b([A-Za-z_]\w*)\(", without)}
    assert called, dialect
    assert called <= PORTABLE, sorted(called - PORTABLE)
