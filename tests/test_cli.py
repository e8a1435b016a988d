"""The ``qdef`` command line: exit codes, output formats, and no traceback for bad input.

The issue's contract: ``qdef validate PATH...`` reports every problem of every
file at once as ``file:line:col: error|warning CODE: message``; ``--format
text|json|github``; exit 0 clean (warnings allowed), 1 problems found, 2 usage
or I/O error. Most tests call :func:`qdef.cli.main` in-process; a few run
``python -m qdef`` to prove the real entry point.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qdef import __version__
from qdef.cli import main
from qdef.diagnostics import Diagnostic, Span, format_github, format_json, format_text
from qdef.pipeline import Result, validate_file, validate_text

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
INSTRUMENT_TEXT = INSTRUMENT.read_text(encoding="utf-8")
CASES = ROOT / "tests" / "cases" / "invalid"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def run_process(*argv: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qdef", *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
        check=False,
    )


def copy_case(name: str, directory: Path, as_name: str | None = None) -> Path:
    target = directory / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((CASES / name).read_bytes())
    return target


# --------------------------------------------------------------------------- exit codes


def test_clean_instrument_exits_0_and_prints_nothing() -> None:
    status, out, err = run("validate", INSTRUMENT)
    assert (status, out) == (0, "")
    assert err == "0 errors, 0 warnings in 1 file\n"


def test_errors_exit_1(tmp_path: Path) -> None:
    path = copy_case("goto_unbekannt.yaml", tmp_path)
    status, out, err = run("validate", path)
    assert status == 1
    assert out.startswith(f"{path}:13:51: error QD402: goto 'plaetz' names no question")
    assert err == "1 error, 0 warnings in 1 file\n"


def test_only_warnings_exit_0(tmp_path: Path) -> None:
    path = copy_case("filter_nicht_pflicht.yaml", tmp_path)
    status, out, err = run("validate", path)
    assert status == 0
    assert out.startswith(f"{path}:11:9: warning QD404: ")
    assert err == "0 errors, 1 warning in 1 file\n"


def test_missing_path_exits_2_with_qd001(tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.yaml"
    status, out, _ = run("validate", missing)
    assert status == 2
    assert out == f"{missing}:1:1: error QD001: no such file or directory; check the path\n"


def test_directory_without_instruments_exits_2_with_qd003(tmp_path: Path) -> None:
    (tmp_path / "notizen.md").write_text("# Entwurf\n", encoding="utf-8")
    status, out, _ = run("validate", tmp_path)
    assert status == 2
    assert out.startswith(f"{tmp_path}:1:1: error QD003: ")


def test_usage_error_wins_over_problems_but_all_are_reported(tmp_path: Path) -> None:
    bad = copy_case("goto_unbekannt.yaml", tmp_path)
    status, out, _ = run("validate", bad, tmp_path / "fehlt.yaml")
    assert status == 2
    assert [line.split(": ")[1][:11] for line in out.splitlines()] == [
        "error QD001",
        "error QD402",
    ]


def test_directory_with_good_and_bad_files_reports_every_problem(tmp_path: Path) -> None:
    (tmp_path / "gut.yaml").write_text(INSTRUMENT_TEXT, encoding="utf-8")
    first = copy_case("mehrere_strukturfehler.yaml", tmp_path)
    second = copy_case("mehrere_logikfehler.yaml", tmp_path, "unter/ordner/logik.yml")
    copy_case("goto_unbekannt.yaml", tmp_path, ".versteckt/alt.yaml")  # hidden: skipped
    (tmp_path / "liesmich.txt").write_text("keine Instrumente\n", encoding="utf-8")

    status, out, err = run("validate", tmp_path)

    assert status == 1
    files = [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert files == [str(first)] * 5 + [str(second)] * 6
    assert err == "11 errors, 0 warnings in 3 files\n"


def test_unknown_option_exits_2_with_usage_on_stderr() -> None:
    status, out, err = run("validate", "--formt", "json", INSTRUMENT)
    assert status == 2
    assert out == ""
    assert err.startswith("usage: qdef")
    assert "unrecognized arguments: --formt" in err


def test_unknown_format_exits_2_and_lists_the_formats() -> None:
    status, _, err = run("validate", "--format", "xml", INSTRUMENT)
    assert status == 2
    assert "invalid choice: 'xml'" in err
    assert "'text', 'json', 'github'" in err


def test_no_command_exits_2() -> None:
    status, _, err = run()
    assert status == 2
    assert "usage: qdef" in err


def test_unreadable_file_exits_2_with_qd002(tmp_path: Path) -> None:
    """A Unix domain socket exists but cannot be opened, not even by root."""
    if not hasattr(socket, "AF_UNIX") or len(str(tmp_path)) > 90:
        pytest.skip("needs Unix domain sockets and a short path for one")
    path = tmp_path / "kita.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
    status, out, _ = run("validate", path)
    assert status == 2
    assert out.startswith(f"{path}:1:1: error QD002: cannot read the file: ")


def test_a_path_the_system_refuses_exits_2_with_qd002() -> None:
    status, out, _ = run("validate", "x" * 5000 + ".yaml")
    assert status == 2
    assert re.fullmatch(r"x+\.yaml:1:1: error QD002: cannot read this path: .+\n", out)


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "mit_bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + INSTRUMENT_TEXT.encode("utf-8"))
    assert run("validate", path)[0] == 0


def test_windows_line_endings_keep_positions(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    text = (CASES / "goto_unbekannt.yaml").read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    status, out, _ = run("validate", path)
    assert status == 1
    assert out.startswith(f"{path}:13:51: error QD402: ")


# -------------------------------------------------------------------- the "done when"


def test_goto_to_unknown_question_in_the_real_instrument(tmp_path: Path) -> None:
    """A copy of the Investitionspakt instrument with one goto changed to an unknown
    question: exit 1, naming the file, the line and column of the value, and QD402."""
    lines = INSTRUMENT_TEXT.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "goto: interesse_gespraech" in line)
    lines[index] = lines[index].replace("interesse_gespraech", "interview")
    path = tmp_path / "investitionspakt.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    column = lines[index].index("interview") + 1

    status, out, _ = run("validate", path)

    assert status == 1
    assert out == (
        f"{path}:{index + 1}:{column}: error QD402: goto 'interview' names no question; "
        "use the id of a later question, or 'end'\n"
    )
    assert (index + 1, column) == (136, 15)


def test_real_entry_point_reports_and_exits_1(tmp_path: Path) -> None:
    copy_case("goto_unbekannt.yaml", tmp_path)
    done = run_process("validate", "goto_unbekannt.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("goto_unbekannt.yaml:13:51: error QD402: ")
    assert done.stderr == "1 error, 0 warnings in 1 file\n"


def test_real_entry_point_reads_every_invalid_case_without_a_traceback() -> None:
    done = run_process("validate", "--format", "json", CASES)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == len(list(CASES.glob("*.yaml")))
    assert {Path(d["file"]).name for d in report["diagnostics"]} == {
        p.name for p in CASES.glob("*.yaml")
    }


def test_real_entry_point_usage_error_exits_2() -> None:
    done = run_process("validate", "--formt", "json", INSTRUMENT)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("usage: qdef")
    assert "Traceback" not in done.stderr


def test_real_entry_point_clean_exits_0() -> None:
    done = run_process("validate", "-q", INSTRUMENT)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


# --------------------------------------------------------------------------- formats


def test_json_format(tmp_path: Path) -> None:
    bad = copy_case("mehrere_logikfehler.yaml", tmp_path)
    warn = copy_case("fragenummer_doppelt.yaml", tmp_path)
    status, out, _ = run("validate", "--format", "json", tmp_path)
    assert status == 1
    report = json.loads(out)
    assert report["summary"] == {"files": 2, "errors": 6, "warnings": 1}
    first = report["diagnostics"][0]
    assert first == {
        "file": str(warn),
        "line": 13,
        "column": 17,
        "severity": "warning",
        "code": "QD409",
        "message": "question number '1a' is also shown for 'traeger'; "
        "give each question its own number",
    }
    for diagnostic in report["diagnostics"]:
        assert set(diagnostic) == {"file", "line", "column", "severity", "code", "message"}
        assert isinstance(diagnostic["line"], int) and diagnostic["line"] >= 1
        assert isinstance(diagnostic["column"], int) and diagnostic["column"] >= 1
        assert re.fullmatch(r"QD[0-9]{3}", diagnostic["code"])
    assert {d["file"] for d in report["diagnostics"][1:]} == {str(bad)}


def test_json_format_of_a_clean_file() -> None:
    status, out, _ = run("validate", "--format", "json", INSTRUMENT)
    assert status == 0
    assert json.loads(out) == {
        "diagnostics": [],
        "summary": {"files": 1, "errors": 0, "warnings": 0},
    }


GITHUB = re.compile(
    r"::(?P<severity>error|warning) file=(?P<file>[^,:]+),line=(?P<line>[0-9]+),"
    r"col=(?P<col>[0-9]+),title=(?P<title>QD[0-9]{3})::(?P<message>[^\r\n]+)"
)


def test_github_format(tmp_path: Path) -> None:
    copy_case("mehrere_logikfehler.yaml", tmp_path)
    copy_case("filter_nicht_pflicht.yaml", tmp_path)
    status, out, _ = run("validate", "--format", "github", tmp_path)
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 7
    matches = [GITHUB.fullmatch(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    first = matches[0]
    assert first is not None
    assert first.group("severity", "line", "col", "title") == ("warning", "11", "9", "QD404")
    assert first["file"] == str(tmp_path / "filter_nicht_pflicht.yaml").replace(":", "%3A")


def test_github_format_escapes_data_and_properties(tmp_path: Path) -> None:
    """``%``, CR and LF are escaped everywhere; ``:`` and ``,`` in properties too."""
    directory = tmp_path / "entwurf, 50%: alt"
    directory.mkdir()
    path = directory / "kita.yaml"
    text = (CASES / "wert_nicht_erlaubt.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("schieberegler", '"50%, oder: mehr"'), encoding="utf-8")

    status, out, _ = run("validate", "--format", "github", path)

    assert status == 1
    escaped = str(path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert out == (
        f"::error file={escaped},line=10,col=17,title=QD204::'widget' cannot be the text "
        "'50%25, oder: mehr'; use 'radio', 'dropdown' or 'buttons' (widget: How the web form "
        "offers the options: radio buttons in a column, a drop-down list, or buttons in one "
        "row (for a scale such as 1–5). A widget never changes the data.)\n"
    )


def test_github_format_escapes_newlines() -> None:
    # line breaks in a message are shown escaped (qdef.diagnostics.visible), so that
    # none reaches the workflow command
    diagnostic = Diagnostic("QD101", "eins\r\nzwei 100%", Span(Path("a,b:c.yaml"), 2, 3))
    assert format_github([diagnostic]) == (
        "::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=QD101::eins\\r\\nzwei 100%25\n"
    )


def test_text_format_shows_excerpt_and_caret(tmp_path: Path) -> None:
    path = copy_case("bedingung_variable_vertippt.yaml", tmp_path)
    _, out, _ = run("validate", path)
    assert out.splitlines()[1:] == ['    treager == "frei"', "    ^"]


# --------------------------------------------------------------------------- other commands


def test_schema_prints_the_json_schema() -> None:
    status, out, _ = run("schema")
    assert status == 0
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "qdef" in schema["properties"]


def test_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "qdef.model.schema.json"
    status, out, _ = run("schema", "-o", target)
    assert (status, out) == (0, "")
    assert target.read_text(encoding="utf-8") == run("schema")[1]


def test_schema_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("", encoding="utf-8")
    status, _, err = run("schema", "-o", blocker / "schema.json")
    assert status == 2
    assert err.startswith(f"qdef: error: cannot write {blocker / 'schema.json'}: ")


# --------------------------------------------------------------------------- check


def test_check_leaves_no_hypothesis_folder_in_the_current_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    done = subprocess.run(
        [sys.executable, "-m", "qdef", "check", str(INSTRUMENT), "--examples", "5", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert list(tmp_path.iterdir()) == []  # no .hypothesis/ (nor anything else)


# --------------------------------------------------------------------------- unwritable stdout

#: Every command that writes to standard output, each writing something.
STDOUT_COMMANDS = {
    "render": ("render", INSTRUMENT, "--to", "markdown", "-o", "-"),
    "validate": ("validate", "--format", "json", INSTRUMENT),
    "paths": ("paths", INSTRUMENT, "--list"),
    "schema": ("schema",),
    "diff": ("diff", INSTRUMENT, INSTRUMENT, "--format", "json"),
    "help": ("--help",),
}


def run_into(stdout: int, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qdef", *(str(a) for a in argv)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", sorted(STDOUT_COMMANDS))
def test_a_full_standard_output_is_an_io_error_not_a_bug(command: str) -> None:
    # As when writing a file fails: exit 2 and one line saying why, no traceback.
    with open("/dev/full", "wb") as full:
        done = run_into(full.fileno(), *STDOUT_COMMANDS[command])
    assert done.returncode == 2, done.stderr
    assert done.stderr.endswith(
        "qdef: error: cannot write to standard output: No space left on device\n"
    )
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", sorted(STDOUT_COMMANDS))
def test_a_closed_pipe_ends_qdef_quietly(command: str) -> None:
    # As `qdef ... | head` when head has read enough: no message, status 141
    # (128 + SIGPIPE), as the shell reports for a Unix tool that SIGPIPE ended.
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = run_into(writing, *STDOUT_COMMANDS[command])
    finally:
        os.close(writing)
    assert (done.returncode, done.stderr.replace("0 errors, 0 warnings in 1 file\n", "")) == (
        141,
        "",
    )


def test_an_unwritable_output_stream_in_process() -> None:
    class Full(StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    err = StringIO()
    assert main(["schema"], out=Full(), err=err) == 2
    assert (
        err.getvalue() == "qdef: error: cannot write to standard output: No space left on device\n"
    )


def test_version() -> None:
    assert run("--version") == (0, f"qdef {__version__}\n", "")


# --------------------------------------------------------------------------- no traceback, ever


def check_result(result: Result, text: str) -> None:
    """Diagnostics (never an exception), each inside the file, none unmapped."""
    lines = LINE_BREAK.split(text)  # YAML's line breaks, not str.splitlines()'s
    for diagnostic in result.diagnostics:
        assert diagnostic.code != "QD299", diagnostic  # every pydantic error type is worded
        span = diagnostic.span
        assert span is not None
        assert 1 <= span.line <= len(lines), diagnostic
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, (diagnostic, lines[span.line - 1])
    for formatted in (
        format_text(result.diagnostics),
        format_json(result.diagnostics, 1),
        format_github(result.diagnostics),
    ):
        assert isinstance(formatted, str)


LINE_BREAK = re.compile(r"\r\n|\r|\n")
LINES = INSTRUMENT_TEXT.splitlines(keepends=True)


@st.composite
def mutated_instruments(draw: st.DrawFn) -> str:
    """The real instrument with a few lines deleted, swapped or duplicated, or truncated."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "swap", "duplicate", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            text = "".join(lines)
            lines = [text[: draw(st.integers(0, len(text)))]]
    return "".join(lines)


YAMLISH = st.text(alphabet="{}[]:-#&*!|>'\"\n ,?%@`\t\\qdef1.~ab", max_size=80)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_instruments(), YAMLISH, st.text()))
def test_no_text_makes_the_pipeline_raise(text: str) -> None:
    check_result(validate_text(text, Path("x.yaml")), text)


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_text_with_surrogates_does_not_raise(text: str) -> None:
    result = validate_text(text, Path("x.yaml"))
    assert result.diagnostics or result.instrument is not None


@given(st.one_of(st.binary(), mutated_instruments().map(lambda t: t.encode("utf-8"))))
def test_no_bytes_make_the_pipeline_raise(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.yaml"
        path.write_bytes(raw)
        result = validate_file(path)
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    check_result(result, text)
