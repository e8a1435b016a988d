"""Invalid input: every problem reported at once, at file:line:column, with a stable code.

STYLE.md, "Invalid input": ``tests/cases/invalid/<name>.yaml`` beside
``<name>.diagnostics.txt``, the exact ``qdef validate --format text`` output
(paths relative to that directory). Each case holds one kind of mistake in an
otherwise valid instrument; the ``mehrere_*`` cases hold several, to show that
all are reported at once. Inputs that are better generated than committed (bytes
that are not UTF-8, a 10,000-deep bomb, an empty file, usage errors) are built in
``tmp_path`` below, and assert code and line:column just the same.

Regenerate the golden files after a deliberate change of wording with
``pytest tests/test_invalid.py --update-goldens``, and read the diff.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest

from qdef.cli import main
from qdef.diagnostics import Code, Layer
from qdef.pipeline import validate_text
from tests.conftest_goldens import Golden, compare_golden

CASES_DIR = Path(__file__).parent / "cases" / "invalid"
CASES = sorted(CASES_DIR.glob("*.yaml"))

#: ``name.yaml:12:15: error QD402: message``
DIAGNOSTIC = re.compile(
    r"(?P<file>[^\n]+?):(?P<line>[0-9]+):(?P<column>[0-9]+): "
    r"(?P<severity>error|warning) (?P<code>QD[0-9]{3}): (?P<message>\S.*)"
)
CARET = re.compile(r"^ {4,}\^$", re.MULTILINE)
#: ``name.yaml: and 59,900 more QD201 problems not shown (...)``: the print cap
MORE = re.compile(
    r"(?P<file>[^\n]+?): and (?P<count>[0-9,]+) more (?P<code>QD[0-9]{3}) problems? .*"
)

#: Codes of the registry (:class:`qdef.diagnostics.Code`) that no input to ``qdef validate``
#: can produce, each with the reason.
UNREACHABLE = {
    "QD299": "the fallback for a pydantic error type qdef does not word itself; every type "
    "the model produces is mapped (tests/test_cli.py checks QD299 never appears)",
    "QD605": "only past the routing analysis' memory bound; tests/test_routing.py forces it "
    "with a tiny bound",
    "QD520": "a string LimeSurvey cannot write is refused by 'qdef render --to limesurvey', not "
    "by 'qdef validate'; tests/test_limesurvey.py produces it",
    **{
        code: "refused by 'qdef render --to limesurvey', not by 'qdef validate'; "
        "tests/test_limesurvey_features.py produces it"
        for code in ("QD801", "QD803", "QD804", "QD805")
    },
    **{
        code: "about a wording catalogue (a PO file), not the instrument: reported by "
        "'qdef render' and 'qdef catalog check'; tests/test_wording_catalogs.py produces it"
        for code in ("QD830", "QD831", "QD832", "QD833", "QD834", "QD835")
    },
    **{
        code: "refused by 'qdef render --to limesurvey', not by 'qdef validate'; "
        "tests/test_limesurvey19.py produces it"
        for code in ("QD806", "QD807", "QD808")
    },
    "QD820": "refused by 'qdef render --to xlsform', not by 'qdef validate'; "
    "tests/test_xlsform_renderer.py produces it",
    "QD606": "only past the routing analysis' memory bound (a real case takes seconds); "
    "tests/test_routing.py forces it with a small bound",
    "QD610": "a failing routing property is reported by 'qdef check', not by 'qdef validate'; "
    "tests/test_cli_routing.py produces it",
}


def golden_path(case: Path) -> Path:
    return case.with_name(case.name.removesuffix(".yaml") + ".diagnostics.txt")


def run_validate(directory: Path, *names: str) -> tuple[int, str]:
    """``qdef validate --format text NAME…`` run in ``directory``: (exit code, stdout)."""
    out, err = StringIO(), StringIO()
    with contextlib.chdir(directory):
        status = main(["validate", "--quiet", "--format", "text", *names], out=out, err=err)
    assert err.getvalue() == ""
    return status, out.getvalue()


def parse_output(text: str) -> list[tuple[re.Match[str], str | None, int | None]]:
    """Each diagnostic line, with its excerpt and caret column if it has them."""
    lines = text.splitlines()
    found: list[tuple[re.Match[str], str | None, int | None]] = []
    i = 0
    while i < len(lines):
        if MORE.fullmatch(lines[i]):
            i += 1
            continue
        match = DIAGNOSTIC.fullmatch(lines[i])
        assert match, f"not a diagnostic line: {lines[i]!r}"
        excerpt: str | None = None
        caret: int | None = None
        if i + 1 < len(lines) and lines[i + 1].startswith("    "):
            excerpt = lines[i + 1][4:]
            caret_line = lines[i + 2] if i + 2 < len(lines) else ""
            assert caret_line.strip() == "^", f"no caret under the excerpt: {caret_line!r}"
            caret = caret_line.index("^") - 4
            i += 2
        found.append((match, excerpt, caret))
        i += 1
    return found


# --------------------------------------------------------------------------- committed cases


def shows_excerpt(case: Path) -> bool:
    return CARET.search(golden_path(case).read_text(encoding="utf-8")) is not None


CONDITION_CASES = [case for case in CASES if golden_path(case).exists() and shows_excerpt(case)]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45
    assert len(CONDITION_CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_case_output_matches_golden(case: Path, golden: Golden) -> None:
    status, output = run_validate(CASES_DIR, case.name)
    golden(output, golden_path(case))
    errors = any(" error QD" in line for line in output.splitlines())
    assert status == (1 if errors else 0)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.stem)
def test_case_reports_located_diagnostics(case: Path) -> None:
    """Every case reports something, in its own file, inside the file."""
    expected = golden_path(case).read_bytes().decode("utf-8")
    found = parse_output(expected)
    assert found, f"{case.name} reports no diagnostic"
    lines = case.read_text(encoding="utf-8").splitlines()
    for match, _, _ in found:
        assert match["file"] == case.name
        line, column = int(match["line"]), int(match["column"])
        assert 1 <= line <= len(lines) + 1
        width = len(lines[line - 1]) if line <= len(lines) else 0
        assert 1 <= column <= width + 1


@pytest.mark.parametrize("case", CONDITION_CASES, ids=lambda case: case.stem)
def test_condition_caret_and_column_agree(case: Path) -> None:
    """The caret under an excerpt and the reported column name the same character."""
    lines = case.read_text(encoding="utf-8").splitlines()
    expected = golden_path(case).read_bytes().decode("utf-8")
    for match, excerpt, caret in parse_output(expected):
        if excerpt is None or caret is None:
            continue  # e.g. a duplicate code beside a condition problem
        source = lines[int(match["line"]) - 1]
        column = int(match["column"]) - 1
        if caret >= len(excerpt):  # "at the end of the condition": just after its text
            assert source[:column].rstrip().endswith(excerpt.rstrip()[-3:])
        elif source[column] != "\\":  # an escape in a quoted scalar shows as one character
            assert source[column] == excerpt[caret], (source, excerpt)


def test_every_golden_has_its_case() -> None:
    goldens = {p.name for p in CASES_DIR.glob("*.diagnostics.txt")}
    assert goldens == {golden_path(case).name for case in CASES}
    assert {p.suffix for p in CASES_DIR.iterdir()} == {".yaml", ".txt"}


def test_mehrere_cases_report_several_problems_at_once() -> None:
    several = [case for case in CASES if case.stem.startswith("mehrere_")]
    assert len(several) >= 2
    for case in several:
        codes = {m["code"] for m, _, _ in parse_output(golden_path(case).read_text("utf-8"))}
        assert len(codes) >= 4, case.name


#: Words of the German instruments that once served as examples in every instrument.
GERMAN = re.compile(r"\b(ja|nein|frage|beteiligung|weiss_nicht|sonstiges)\b", re.IGNORECASE)


def test_condition_messages_of_an_english_instrument_hold_no_german_example() -> None:
    """Every kind of broken condition in an English instrument: the examples are made of
    its own names and codes (here: employed, "yes", commute, languages), never German."""
    case = CASES_DIR / "mehrere_bedingungen_englisch.yaml"
    status, output = run_validate(CASES_DIR, case.name)
    found = parse_output(output)
    conditions = re.findall(r"when: '(.*)'", case.read_text(encoding="utf-8"))
    assert status == 1 and len(found) == len(conditions) >= 25
    for match, _, _ in found:
        assert match["code"].startswith("QD5"), match[0]
        assert not GERMAN.search(match["message"]), match[0]
        own = r"\b(employed|city|commute|languages)\b|\"yes\""  # its names, or the author's text
        assert re.search(own, match["message"]), match[0]
    messages = [match["message"] for match, _, _ in found]
    assert 'write strings in straight quotes: "yes"' in messages[0]
    assert messages[1].endswith("put 'not' before the whole comparison: not employed == \"yes\"")


# --------------------------------------------------------------------------- generated inputs

#: A minimal valid instrument, the base of the generated cases.
KITA = """\
qdef: 1
id: kita-befragung
title: Befragung der Kita-Leitungen
language: de
sections:
  - id: allgemein
    questions:
      - id: traeger
        type: single
        required: true
        text: Wer ist Träger Ihrer Einrichtung?
        options:
          - {code: kommune, label: Kommune}
          - {code: frei, label: Freier Träger}
      - id: traeger_name
        type: text
        text: Wie heißt der freie Träger?
        when: traeger == "frei"
"""


def _bytes(name: str, data: bytes) -> Callable[[Path], list[str]]:
    def build(directory: Path) -> list[str]:
        (directory / name).write_bytes(data)
        return [name]

    return build


def _unix_socket(directory: Path) -> list[str]:
    """A path that exists but cannot be opened, even by root."""
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("needs Unix domain sockets")
    with socket.socket(socket.AF_UNIX) as server, contextlib.chdir(directory):
        server.bind("kita.yaml")  # relative: socket paths are short
    return ["kita.yaml"]


def _empty_directory(directory: Path) -> list[str]:
    (directory / "entwuerfe").mkdir()
    (directory / "entwuerfe" / "notizen.txt").write_text("Fragen sammeln\n", encoding="utf-8")
    (directory / "entwuerfe" / ".alt").mkdir()
    (directory / "entwuerfe" / ".alt" / "kita.yaml").write_text(KITA, encoding="utf-8")
    return ["entwuerfe"]


@dataclass(frozen=True)
class Generated:
    name: str
    build: Callable[[Path], list[str]]
    expected: list[str]  # "file:line:col: severity code"
    status: int = 1


LATIN1 = KITA.encode("latin-1")
GENERATED = [
    Generated(
        "nicht_utf8",
        _bytes("kita.yaml", LATIN1),
        ["kita.yaml:11:25: error QD102"],  # the ä of "Träger", written as Latin-1
    ),
    Generated(
        "utf16_mit_bom", _bytes("kita.yaml", KITA.encode("utf-16")), ["kita.yaml:1:1: error QD102"]
    ),
    Generated(
        "utf16_ohne_bom",
        _bytes("kita.yaml", KITA.encode("utf-16-le")),
        ["kita.yaml:1:1: error QD102"],
    ),
    Generated(
        "nul_byte",
        _bytes("kita.yaml", KITA.replace("Kita-Leitungen", "Kita\0Leitungen").encode()),
        ["kita.yaml:3:26: error QD101"],
    ),
    Generated(
        "steuerzeichen",
        _bytes("kita.yaml", KITA.replace("Wie heißt", "Wie\x0bheißt").encode()),
        ["kita.yaml:17:18: error QD101"],
    ),
    Generated(
        "zeilentrenner_u2028",
        _bytes("kita.yaml", KITA.replace("Freier Träger", "Freier\u2028Träger").encode()),
        ["kita.yaml:14:39: error QD101"],
    ),
    Generated("leere_datei", _bytes("kita.yaml", b""), ["kita.yaml:1:1: error QD107"]),
    Generated("nur_leerzeilen", _bytes("kita.yaml", b"\n   \n\n"), ["kita.yaml:1:1: error QD107"]),
    Generated(
        "verschachtelung_10000_listen",
        _bytes("bombe.yaml", b"[" * 10_000),
        ["bombe.yaml:1:51: error QD104"],
    ),
    Generated(
        "verschachtelung_10000_mappings",
        _bytes("bombe.yaml", b"{a: " * 10_000),
        ["bombe.yaml:1:201: error QD104"],
    ),
    Generated(
        "verschachtelung_100_bloecke",
        _bytes("bombe.yaml", "".join(" " * 2 * i + "-\n" for i in range(100)).encode()),
        ["bombe.yaml:51:101: error QD104"],
    ),
    Generated(
        "bedingung_10000_klammern",
        _bytes(
            "kita.yaml",
            KITA.replace('when: traeger == "frei"', "when: " + "(" * 10_000 + "traeger").encode(),
        ),
        ["kita.yaml:18:115: error QD501"],  # the 101st "("
    ),
    Generated(
        "alias_1mb_text_200_mal",  # a 210 MB web form, or a MemoryError with 2,000
        _bytes(
            "kita.yaml",
            KITA.replace("Wer ist Träger Ihrer Einrichtung?", "&t " + "x" * 1_000_000)
            .replace(
                "          - {code: frei, label: Freier Träger}\n",
                "".join(f"          - {{code: o{i}, label: *t}}\n" for i in range(200)),
            )
            .encode(),
        ),
        ["kita.yaml:15:31: error QD105"],  # the second alias
    ),
    Generated(
        "zu_gross",
        _bytes("kita.yaml", KITA.encode() + b"#" * (16 * 1024 * 1024)),
        ["kita.yaml:1:1: error QD103"],
    ),
    Generated(
        "pfad_fehlt", lambda _: ["gibt_es_nicht.yaml"], ["gibt_es_nicht.yaml:1:1: error QD001"], 2
    ),
    Generated("pfad_unlesbar", _unix_socket, ["kita.yaml:1:1: error QD002"], 2),
    Generated("verzeichnis_ohne_instrumente", _empty_directory, ["entwuerfe:1:1: error QD003"], 2),
]


def test_base_of_generated_cases_is_valid(tmp_path: Path) -> None:
    (tmp_path / "kita.yaml").write_text(KITA, encoding="utf-8")
    assert run_validate(tmp_path, "kita.yaml") == (0, "")


@pytest.mark.parametrize("case", GENERATED, ids=lambda case: case.name)
def test_generated_case(case: Generated, tmp_path: Path) -> None:
    names = case.build(tmp_path)
    status, output = run_validate(tmp_path, *names)
    found = [
        f"{m['file']}:{m['line']}:{m['column']}: {m['severity']} {m['code']}"
        for m, _, _ in parse_output(output)
    ]
    assert found == case.expected, output
    assert status == case.status


def _unknown_keys(n: int) -> str:
    """KITA with ``n`` unknown keys in one question, on one line (60,000: about 1 MB)."""
    keys = ", ".join(f"unknown_{i:05d}: 1" for i in range(n))
    return KITA.replace(
        "      - id: traeger_name\n",
        f"      - {{id: extra, type: text, text: T, {keys}}}\n      - id: traeger_name\n",
    )


def test_many_unknown_keys_are_printed_up_to_the_cap_then_counted(tmp_path: Path) -> None:
    (tmp_path / "kita.yaml").write_text(_unknown_keys(5_000), encoding="utf-8")
    status, output = run_validate(tmp_path, "kita.yaml")
    lines = output.splitlines()
    assert status == 1
    assert len(lines) == 101
    assert all(DIAGNOSTIC.fullmatch(line)["code"] == "QD201" for line in lines[:100])  # type: ignore[index]
    assert lines[100] == (
        "kita.yaml: and 4,900 more QD201 problems not shown (only the first 100 of each code "
        "are printed per file); fix these and run again"
    )
    # the Python API keeps every one
    assert len(validate_text(_unknown_keys(5_000)).diagnostics) == 5_000


def test_reporting_unknown_keys_is_linear_work(tmp_path: Path) -> None:
    """Locating a problem is a lookup, not a scan (20,000 unknown keys took over
    20 s, 60,000 minutes). Timings would make a flaky test on a shared machine, so
    this counts work: the Python lines ``qdef validate`` executes (``sys.settrace``,
    as tests/test_render_growth.py does), read, checked, located and printed, for
    60, 300 and 1,500 unknown keys in one mapping (all past the 50 that still get a
    "did you mean", and past the printing cap). What does not depend on the count
    cancels out; linear work grows 1,440 / 240 = 6 times from 300 to 1,500; with a
    scan of the mapping per problem (qdef before issue 15) it grew 7.4 times, and
    more the more keys. benchmarks/run.py --hostile times 60,000 keys in 1 MB
    against a valid file of the same size."""
    from tests.test_render_growth import work  # noqa: PLC0415

    def validating(n: int) -> int:
        (tmp_path / f"keys{n}.yaml").write_text(_unknown_keys(n), encoding="utf-8")
        return work(lambda: run_validate(tmp_path, f"keys{n}.yaml"))

    validating(60)  # first-use work (imports, compiled patterns) out of the way
    base, small, large = (validating(n) for n in (60, 300, 1500))
    linear = (1500 - 60) / (300 - 60)
    growth = (large - base) / (small - base)
    assert growth <= linear * 1.1, f"work grew {growth:.2f} times, linear is {linear:.2f}"


def test_a_lone_surrogate_in_text_is_located() -> None:
    """Only text handed to the library can hold one; files are decoded strictly."""
    result = validate_text("qdef: 1\ntitle: \ud800\n")
    assert [(d.code, d.span and (d.span.line, d.span.column)) for d in result.diagnostics] == [
        ("QD102", (2, 8))
    ]


# --------------------------------------------------------------------------- coverage of codes


def registry_codes() -> set[str]:
    """The diagnostic codes of the registry; ``qdef diff``'s (:attr:`Layer.DIFF`: its
    change codes, which tests/test_diff.py scripts an edit for each, and the problems
    of its acceptance files, tests/test_diff_accept.py) are not about an instrument."""
    return {code.value for code in Code if code.layer is not Layer.DIFF}


def codes_in_cases() -> set[str]:
    committed = {
        match["code"]
        for case in CASES
        for match, _, _ in parse_output(golden_path(case).read_text(encoding="utf-8"))
    }
    generated = {line.split()[-1] for case in GENERATED for line in case.expected}
    return committed | generated


def test_every_code_has_a_case() -> None:
    """Adding a code to qdef without a case that produces it fails here."""
    defined = registry_codes()
    assert len(defined) >= 40
    assert set(UNREACHABLE) <= defined, "an unreachable code was removed: drop it here too"
    assert sorted(defined - set(UNREACHABLE) - codes_in_cases()) == []
    assert sorted(codes_in_cases() - defined) == []


# --------------------------------------------------------------------------- the check itself


def test_golden_comparison_fails_for_a_wrong_line(tmp_path: Path) -> None:
    case = CASES_DIR / "goto_unbekannt.yaml"
    _, output = run_validate(CASES_DIR, case.name)
    right = golden_path(case).read_text(encoding="utf-8")
    assert output == right
    wrong = re.sub(
        r"^(goto_unbekannt\.yaml):([0-9]+):", lambda m: f"{m[1]}:{int(m[2]) + 1}:", right
    )
    assert wrong != right
    expected = tmp_path / "goto_unbekannt.diagnostics.txt"
    expected.write_text(wrong, encoding="utf-8", newline="")
    with pytest.raises(AssertionError, match="--update-goldens"):
        compare_golden(output, expected, update=False)


def test_golden_comparison_fails_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        compare_golden("x.yaml:1:1: error QD101: …\n", tmp_path / "x.diagnostics.txt", update=False)


def test_golden_update_writes_exact_text(tmp_path: Path) -> None:
    expected = tmp_path / "x.diagnostics.txt"
    text = "x.yaml:1:1: error QD101: ä\r\nzweite Zeile\n"
    compare_golden(text, expected, update=True)
    assert expected.read_bytes() == text.encode("utf-8")
    compare_golden(text, expected, update=False)


# --------------------------------------------------------------------------- echoed input


@pytest.mark.parametrize("form", ["text", "json", "github"])
def test_input_echoed_in_diagnostics_shows_control_characters_escaped(
    form: str, tmp_path: Path
) -> None:
    """A key holding a right-to-left override (allowed in texts, so the loader passes
    it), a file name holding ESC: neither reaches the terminal or the CI log as it is."""
    name = "ki\x1b[8mta.yaml"
    (tmp_path / name).write_text(
        KITA.replace(
            "        required: true\n", '        required: true\n        "la\u202ebel": x\n'
        ),
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with contextlib.chdir(tmp_path):
        status = main(["validate", "--quiet", "--format", form, name], out=out, err=err)
    printed = out.getvalue()
    assert status == 1
    assert not any(ch in printed for ch in "\x1b\u202e")
    if form == "json":  # the message as the text format shows it; the file name as it is
        (found,) = json.loads(printed)["diagnostics"]
        assert "la\\u202ebel" in found["message"]
        assert found["file"] == name
    else:
        assert "la\\u202ebel" in printed
        assert "ki\\x1b[8mta.yaml" in printed


def test_an_excerpt_with_a_control_character_keeps_its_caret_under_the_character() -> None:
    from qdef.diagnostics import Diagnostic, Span, format_text  # noqa: PLC0415

    diagnostic = Diagnostic(
        "QD501",
        "unexpected 'x'",
        Span(Path("k.yaml"), 1, 1),
        excerpt="a\x07\u202e x",
        excerpt_column=4,
    )
    lines = format_text([diagnostic]).splitlines()
    assert lines[1] == "    a\\x07\\u202e x"
    assert lines[2].index("^") == lines[1].rindex("x")


def test_the_cap_holds_in_json_and_github_formats_and_the_summary_counts_everything() -> None:
    from qdef.diagnostics import Diagnostic, Span, format_github, format_json  # noqa: PLC0415

    many = [
        Diagnostic("QD201", f"unknown key 'k{i}'", Span(Path("a.yaml"), 1, i + 1))
        for i in range(150)
    ]
    many.append(Diagnostic("QD202", "needs the key 'text'", Span(Path("a.yaml"), 2, 1)))
    document = json.loads(format_json(many, 1))
    assert len(document["diagnostics"]) == 101
    assert document["omitted"] == [{"file": "a.yaml", "code": "QD201", "count": 50}]
    assert document["summary"]["errors"] == 151
    github = format_github(many).splitlines()
    assert len(github) == 102
    assert github[-1].startswith("::notice file=a.yaml,title=QD201::and 50 more QD201 problems")
