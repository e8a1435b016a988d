"""``qdef paths`` and ``qdef check``: path counts, lists and graphs; routing checks.

Calls :func:`qdef.cli.main` in-process, on the real Investitionspakt instrument
and on small instruments written here. ``qdef check`` runs the real
:func:`qdef.testing.check_routing` with few examples, to stay fast.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

import qdef.testing
from qdef.cli import main
from qdef.pipeline import load
from qdef.routing import analyse, format_path, paths
from qdef.routing.graph import dot_string, edges, mermaid_text
from qdef.testing import PropertyFailure, RoutingReport

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
INVALID = ROOT / "tests" / "cases" / "invalid" / "goto_unbekannt.yaml"
ONLY_WARNINGS = ROOT / "tests" / "cases" / "invalid" / "filter_nicht_pflicht.yaml"
EXAMPLES = "20"  # example respondents per `qdef check` run: enough to run, fast

#: The routes as issue 3 and the seed's annex write them.
ROUTES = ["1, 2–6, 22", "1, 7–18, 19, 20, 22", "1, 7–18, 21, 22"]

HEAD = "qdef: 1\nid: {id}\ntitle: Test\nlanguage: de\nsections:\n"

#: Question 'b' is cut off: both options of 'a' jump past it. 'c' is shown only after
#: "ja", so "nein" reaches 'd' only because 'c' is passed unshown. The display number
#: of 'a' holds characters Mermaid and DOT treat as syntax.
CUT_OFF = HEAD.format(id="abgeschnitten") + (
    "  - id: teil\n"
    "    questions:\n"
    "      - id: a\n"
    "        type: single\n"
    "        number: '1\"|<b> #1 & 50% \\ `x`'\n"
    "        text: Frage A\n"
    "        required: true\n"
    "        options:\n"
    "          - {code: ja, label: 'Ja \"ganz\" | sicher', goto: c}\n"
    "          - {code: nein, label: Nein, goto: c}\n"
    "      - id: b\n"
    "        type: text\n"
    "        text: Frage B\n"
    "      - id: c\n"
    "        type: text\n"
    "        text: Frage C\n"
    '        when: a == "ja"\n'
    "      - id: d\n"
    "        type: text\n"
    "        text: Frage D\n"
)

#: One path only; a display; a number that is not a whole number; two sections.
ONE_PATH = HEAD.format(id="einer") + (
    "  - id: erster\n"
    "    questions:\n"
    "      - {id: willkommen, type: display, text: Willkommen}\n"
    "      - {id: eins, type: text, text: Eins}\n"
    "      - {id: zwei, type: text, text: Zwei}\n"
    "      - {id: zwei_a, type: text, text: Zwei a, number: 2a}\n"
    "      - {id: drei, type: text, text: Drei}\n"
    "  - id: zweiter\n"
    "    questions:\n"
    "      - {id: vier, type: text, text: Vier}\n"
    "      - {id: fuenf, type: text, text: Fünf}\n"
)

#: Compares two answers: the path count is only an upper bound.
COMPARING = HEAD.format(id="vergleich") + (
    "  - id: teil\n"
    "    questions:\n"
    "      - {id: vorher, type: number, text: Vorher}\n"
    "      - {id: nachher, type: number, text: Nachher}\n"
    "      - {id: warum, type: text, text: 'Warum mehr?', when: nachher > vorher}\n"
)


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def id_position(text: str, question: str) -> tuple[int, int]:
    """(line, column), 1-based, of the value of ``id: question`` in ``text``."""
    offset = text.index(f"id: {question}\n") + len("id: ")
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


# --------------------------------------------------------------------------- paths: count


def test_paths_counts_the_distinct_paths() -> None:
    assert run("paths", INSTRUMENT) == (0, "3 paths\n", "")


def test_paths_says_path_for_one(tmp_path: Path) -> None:
    assert run("paths", write(tmp_path, "einer.yaml", ONE_PATH)) == (0, "1 path\n", "")


def test_paths_says_when_the_count_is_an_upper_bound(tmp_path: Path) -> None:
    status, out, _ = run("paths", write(tmp_path, "vergleich.yaml", COMPARING))
    assert status == 0
    assert out == (
        "at most 2 paths (conditions compare answers with each other: nachher > vorher)\n"
    )


# --------------------------------------------------------------------------- paths: list


def test_paths_list_prints_question_numbers_with_ranges() -> None:
    status, out, err = run("paths", INSTRUMENT, "--list")
    assert (status, err) == (0, "")
    assert out.splitlines() == ROUTES


def test_paths_list_ids() -> None:
    status, out, _ = run("paths", INSTRUMENT, "--list", "--ids")
    assert status == 0
    expected = [", ".join(path) for path in paths(load(INSTRUMENT))]
    assert out.splitlines() == expected
    assert out.splitlines()[0] == (
        "im_eingesetzt, gruende_kein_im, zweckmaessigkeit, aufgaben_zustaendigkeit, "
        "rueckblick, anregungen, interesse_gespraech"
    )


def test_paths_ids_alone_implies_list() -> None:
    assert run("paths", INSTRUMENT, "--ids") == run("paths", INSTRUMENT, "--list", "--ids")


def test_paths_limit_cuts_the_list_and_says_so_on_stderr() -> None:
    status, out, err = run("paths", INSTRUMENT, "--limit", "1")
    assert status == 0
    assert out == ROUTES[0] + "\n"
    assert err == "qdef: listed the first 1 of 3 paths; raise --limit to list more\n"


def test_paths_limit_that_fits_says_nothing() -> None:
    status, out, err = run("paths", INSTRUMENT, "--list", "--limit", "3")
    assert (status, out.splitlines(), err) == (0, ROUTES, "")


def test_path_format_breaks_runs_at_sections_displays_and_odd_numbers(tmp_path: Path) -> None:
    status, out, _ = run("paths", write(tmp_path, "einer.yaml", ONE_PATH), "--list")
    assert status == 0
    # willkommen (display), 1, 2, 2a, 3 | 4, 5: no run of three, so no range
    assert out == "willkommen, 1, 2, 2a, 3, 4, 5\n"


def test_path_format_ends_runs_where_paths_part(tmp_path: Path) -> None:
    branching = HEAD.format(id="zweige") + (
        "  - id: teil\n"
        "    questions:\n"
        "      - id: q1\n"
        "        type: single\n"
        "        required: true\n"
        "        text: Eins\n"
        "        options: [{code: a, label: A}, {code: b, label: B, goto: q5}]\n"
        + "".join(f"      - {{id: q{i}, type: text, text: T}}\n" for i in range(2, 8))
    )
    status, out, _ = run("paths", write(tmp_path, "zweige.yaml", branching), "--list")
    assert status == 0
    assert out.splitlines() == ["1, 2–7", "1, 5–7"]


def test_format_path_of_a_single_question() -> None:
    analysis = analyse(load(INSTRUMENT))
    assert format_path(analysis, ["im_eingesetzt"]) == "1"
    assert format_path(analysis, []) == ""


def test_listing_paths_numbers_the_questions_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``qdef paths --list`` writes up to 1,000 paths: the questions' numbers are counted
    once per plan, not once per path (an instrument's whole walk each time)."""
    from qdef.model import Instrument  # noqa: PLC0415

    analysis = analyse(load(INSTRUMENT))
    listed = list(paths(analysis)) * 5
    counted: list[int] = []
    numbered = Instrument.numbered

    def counting(self: Instrument) -> Any:
        counted.append(1)
        return numbered(self)

    monkeypatch.setattr(Instrument, "numbered", counting)
    assert len(listed) == 15
    texts = [format_path(analysis, path) for path in listed]
    assert texts[0].startswith("1, ")
    assert len(counted) <= 1


# --------------------------------------------------------------------------- paths: graph

MERMAID_NODE = re.compile(r'^    (\w+)(\["|\(\[")(.*?)("\]|"\]\))$')
MERMAID_EDGE = re.compile(r'^    (\w+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\w+)$')
DOT_NODE = re.compile(r'^    ("(?:[^"\\]|\\.)*") \[label=("(?:[^"\\]|\\.)*")(.*)\];$')
DOT_EDGE = re.compile(r'^    ("[^"]*") -> ("[^"]*")(?: \[(.*)\])?;$')


def mermaid_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: dict[str, str] = {}
    found: list[tuple[str, str, str, str]] = []
    for line in lines[1:]:
        if node := MERMAID_NODE.match(line):
            nodes[node.group(1)] = node.group(3)
        elif edge := MERMAID_EDGE.match(line):
            found.append((edge.group(1), edge.group(4), edge.group(2), edge.group(3) or ""))
        else:
            assert line.startswith(("    classDef ", "    class ")), line
    return nodes, found


def test_graph_mermaid_of_the_instrument() -> None:
    status, out, err = run("paths", INSTRUMENT, "--graph", "mermaid")
    assert (status, err) == (0, "")
    nodes, found = mermaid_parts(out)
    assert len(nodes) == 22 + 2  # every question, start and end
    assert nodes["q_umsetzungsphase"] == "7 umsetzungsphase"
    assert (nodes["start"], nodes["stop"]) == ("start", "end")
    assert len(found) == 25
    assert ("start", "q_im_eingesetzt", "-->", "") in found
    assert ("q_im_eingesetzt", "q_gruende_kein_im", "-->", "") in found
    assert ("q_im_eingesetzt", "q_umsetzungsphase", "-->", "= ja") in found
    assert ("q_fortsetzung_geplant", "q_gruende_keine_fortsetzung", "-->", "= nein") in found
    assert ("q_anregungen", "q_interesse_gespraech", "-->", "") in found
    assert ("q_interesse_gespraech", "stop", "-->", "") in found
    assert all(arrow == "-->" for _, _, arrow, _ in found)  # nothing passed unshown
    assert "class " not in out  # every question can be shown
    assert run("paths", INSTRUMENT, "--graph", "mermaid")[1] == out  # deterministic


def test_graph_dot_of_the_instrument() -> None:
    status, out, _ = run("paths", INSTRUMENT, "--graph", "dot")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == 'digraph "investitionspakt-im" {'
    assert lines[-1] == "}"
    nodes = [m for line in lines if (m := DOT_NODE.match(line))]
    found = [m for line in lines if (m := DOT_EDGE.match(line))]
    assert len(nodes) == 24
    assert len(found) == 25
    assert '    "q_umsetzungsphase" [label="7 umsetzungsphase"];' in lines
    assert '    "q_im_eingesetzt" -> "q_umsetzungsphase" [label="= ja"];' in lines
    assert '    "q_interesse_gespraech" -> "end";' in lines


def test_graph_mermaid_escapes_and_shows_cut_off_and_passed(tmp_path: Path) -> None:
    status, out, _ = run("paths", write(tmp_path, "ab.yaml", CUT_OFF), "--graph", "mermaid")
    assert status == 0
    nodes, found = mermaid_parts(out)
    assert nodes["q_a"] == "1#quot;#124;#lt;b#gt; #35;1 #amp; 50#37; #92; #96;x#96; a"
    assert len(nodes) == 4 + 2
    assert sorted(found) == [
        ("q_a", "q_c", "-->", "= ja"),
        ("q_a", "q_d", "-.->", "= nein"),  # dashed: 'c' passed unshown
        ("q_c", "q_d", "-->", ""),
        ("q_d", "stop", "-->", ""),
        ("start", "q_a", "-->", ""),
    ]
    assert not any("q_b" in (source, target) for source, target, _, _ in found)
    assert "    class q_b unreachable" in out.splitlines()
    assert "    classDef unreachable " in out


def test_graph_dot_escapes_and_shows_cut_off_and_passed(tmp_path: Path) -> None:
    status, out, _ = run("paths", write(tmp_path, "ab.yaml", CUT_OFF), "--graph", "dot")
    assert status == 0
    lines = out.splitlines()
    assert '    "q_a" [label="1\\"|<b> #1 & 50% \\\\ `x` a"];' in lines
    unreachable = next(line for line in lines if line.startswith('    "q_b" ['))
    assert 'class="unreachable"' in unreachable
    assert "dashed" in unreachable
    assert '    "q_a" -> "q_d" [label="= nein", style=dashed];' in lines
    assert '    "q_a" -> "q_c" [label="= ja"];' in lines
    assert len([m for line in lines if (m := DOT_EDGE.match(line))]) == 5


def test_escaping_helpers() -> None:
    assert mermaid_text('a"b|c\nd') == "a#quot;b#124;c d"
    assert mermaid_text("%%{init: {}}%%") == "#37;#37;{init: {}}#37;#37;"
    assert dot_string('a"b\\c\nd') == '"a\\"b\\\\c d"'


def test_graph_edges_merge_option_codes_and_the_default(tmp_path: Path) -> None:
    text = HEAD.format(id="mehr") + (
        "  - id: teil\n"
        "    questions:\n"
        "      - id: a\n"
        "        type: single\n"
        "        text: A\n"
        "        required: true\n"
        "        options:\n"
        "          - {code: x, label: X, goto: c}\n"
        "          - {code: y, label: Y, goto: c}\n"
        "          - {code: z, label: Z}\n"
        "      - {id: b, type: text, text: B}\n"
        "      - {id: c, type: text, text: C}\n"
    )
    analysis = analyse(load(write(tmp_path, "mehr.yaml", text)))
    labelled = {(e.source, e.target): (e.label, e.passed) for e in edges(analysis)}
    assert labelled == {
        (-1, 0): ("", False),
        (0, 1): ("", False),
        (0, 2): ("= x, y", False),
        (1, 2): ("", False),
        (2, 3): ("", False),
    }


# --------------------------------------------------------------------------- paths: files


def test_paths_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "graph.mmd"
    status, out, err = run("paths", INSTRUMENT, "--graph", "mermaid", "-o", target)
    assert (status, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == run("paths", INSTRUMENT, "--graph", "mermaid")[1]
    status, _, _ = run("paths", INSTRUMENT, "--list", "--output", target)
    assert status == 0
    assert target.read_text(encoding="utf-8").splitlines() == ROUTES


def test_paths_output_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "fehlt" / "graph.dot"
    status, out, err = run("paths", INSTRUMENT, "--graph", "dot", "-o", target)
    assert (status, out) == (2, "")
    assert err.startswith(f"qdef: error: cannot write {target}: ")


def test_paths_of_an_invalid_instrument_prints_the_validate_errors() -> None:
    expected = run("validate", INVALID)
    assert expected[0] == 1
    assert run("paths", INVALID) == expected
    assert run("paths", INVALID, "--graph", "dot") == expected


def test_paths_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.yaml"
    status, out, _ = run("paths", missing)
    assert status == 2
    assert out == f"{missing}:1:1: error QD001: no such file or directory; check the path\n"


def test_paths_of_a_directory_exits_2(tmp_path: Path) -> None:
    status, out, _ = run("paths", tmp_path)
    assert status == 2
    assert out.startswith(f"{tmp_path}:1:1: error QD002: this is a directory")


@pytest.mark.parametrize(
    "argv",
    [
        ["--list", "--graph", "dot"],
        ["--graph", "svg"],
        ["--graph", "dot", "--ids"],
        ["--graph", "mermaid", "--limit", "2"],
        ["--limit", "0"],
        ["--limit", "viele"],
    ],
)
def test_paths_usage_errors_exit_2(argv: list[str]) -> None:
    status, out, err = run("paths", INSTRUMENT, *argv)
    assert (status, out) == (2, "")
    assert "qdef: error: " in err


# --------------------------------------------------------------------------- check


def test_check_of_the_instrument_passes() -> None:
    status, out, err = run("check", INSTRUMENT, "--examples", EXAMPLES)
    assert (status, out, err) == (0, "", "0 errors, 0 warnings in 1 file\n")


def test_check_fails_on_a_question_cut_off_by_a_goto(tmp_path: Path) -> None:
    path = write(tmp_path, "ab.yaml", CUT_OFF)
    status, out, err = run("check", path, "--examples", EXAMPLES)
    assert status == 1
    line, column = id_position(CUT_OFF, "b")
    lines = out.splitlines()
    assert len(lines) == 1  # reported once, as an error (validate has it as a warning)
    assert lines[0].startswith(f"{path}:{line}:{column}: error QD601: ")
    assert "'b'" in lines[0]
    assert err == "1 error, 0 warnings in 1 file\n"
    # validate reports the same finding, as a warning, and passes
    status, out, _ = run("validate", path)
    assert status == 0
    assert out.startswith(f"{path}:{line}:{column}: warning QD601: ")


def test_check_json_format(tmp_path: Path) -> None:
    path = write(tmp_path, "ab.yaml", CUT_OFF)
    status, out, err = run("check", path, "--format", "json", "-q", "--examples", EXAMPLES)
    assert (status, err) == (1, "")
    document = json.loads(out)
    assert document["summary"] == {"files": 1, "errors": 1, "warnings": 0}
    [diagnostic] = document["diagnostics"]
    assert diagnostic["code"] == "QD601"
    assert diagnostic["severity"] == "error"
    assert diagnostic["file"] == str(path)
    assert (diagnostic["line"], diagnostic["column"]) == id_position(CUT_OFF, "b") == (16, 13)


def test_check_github_format(tmp_path: Path) -> None:
    path = write(tmp_path, "ab.yaml", CUT_OFF)
    status, out, _ = run("check", path, "--format", "github", "--examples", EXAMPLES)
    assert status == 1
    assert out.startswith(f"::error file={path},line=16,col=13,title=QD601::")


def test_check_keeps_validation_warnings(tmp_path: Path) -> None:
    status, out, err = run("check", ONLY_WARNINGS, "--examples", EXAMPLES)
    assert status == 0
    assert " warning QD404: " in out
    assert err == "0 errors, 1 warning in 1 file\n"


def test_check_of_an_invalid_instrument_reports_the_validate_errors() -> None:
    assert run("check", INVALID) == run("validate", INVALID)


def test_check_of_a_missing_path_exits_2(tmp_path: Path) -> None:
    status, out, _ = run("check", INSTRUMENT, tmp_path / "fehlt.yaml", "--examples", EXAMPLES)
    assert status == 2
    assert " error QD001: " in out


def test_check_searches_directories(tmp_path: Path) -> None:
    write(tmp_path, "gut.yaml", INSTRUMENT.read_text(encoding="utf-8"))
    write(tmp_path, "einer.yml", ONE_PATH)
    status, _, err = run("check", tmp_path, "--examples", EXAMPLES)
    assert (status, err) == (0, "0 errors, 0 warnings in 2 files\n")


def test_check_reports_a_failing_property_with_its_counterexample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The properties hold for every instrument qdef accepts, so a failure is added to
    the real report, to see how it is shown."""
    real = qdef.testing.check_routing
    calls: list[dict[str, Any]] = []

    def failing(instrument: Any, *, max_examples: int = 200, seed: int = 0) -> RoutingReport:
        calls.append({"max_examples": max_examples, "seed": seed})
        report = real(instrument, max_examples=max_examples, seed=seed)
        failures = (
            PropertyFailure(
                "reaching condition",
                "the question is shown, but its reaching condition says otherwise",
                {"wochenstunden": 12, "im_eingesetzt": "ja", "text": "Straße"},
                "wochenstunden",
            ),
            PropertyFailure("sequence order", "the walk shows [2, 1]", {}, None),
        )
        return dataclasses.replace(report, failures=failures)

    monkeypatch.setattr(qdef.testing, "check_routing", failing)
    status, out, _ = run("check", INSTRUMENT, "--examples", "7", "--seed", "3")
    assert status == 1
    assert calls == [{"max_examples": 7, "seed": 3}]
    text = INSTRUMENT.read_text(encoding="utf-8")
    line, column = id_position(text, "wochenstunden")
    assert out.splitlines() == [
        f"{INSTRUMENT}:1:1: error QD610: routing property 'sequence order' fails: "
        "the walk shows [2, 1]; counterexample: {}",
        f"{INSTRUMENT}:{line}:{column}: error QD610: routing property "
        "'reaching condition' fails: the question is shown, but its reaching condition "
        'says otherwise; counterexample: {"im_eingesetzt":"ja","text":"Straße",'
        '"wochenstunden":12}',
    ]


@pytest.mark.parametrize("argv", [["--examples", "0"], ["--seed", "x"], ["--format", "xml"]])
def test_check_usage_errors_exit_2(argv: list[str]) -> None:
    status, out, err = run("check", INSTRUMENT, *argv)
    assert (status, out) == (2, "")
    assert "qdef: error: " in err


def test_check_without_hypothesis_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "qdef.testing", None)  # as if it could not be imported
    status, out, err = run("check", INSTRUMENT)
    assert (status, out) == (2, "")
    assert err.startswith("qdef: error: qdef check cannot run: ")


def test_paths_list_shows_invisible_characters_of_numbers_escaped(tmp_path: Path) -> None:
    """A right-to-left override in a question number would reorder the line it is
    printed on (control characters are refused when the file is read: QD112)."""
    file = write(tmp_path, "einer.yaml", ONE_PATH.replace("number: 2a", 'number: "2\\u202ea"'))
    status, out, _ = run("paths", file, "--list")
    assert status == 0
    assert "2\\u202ea" in out
    assert "\u202e" not in out
