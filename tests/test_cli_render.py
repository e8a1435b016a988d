"""``qdef render`` and ``qdef renderers`` on the command line.

The contract: ``qdef render FILE --to NAME [-o PATH | -] [--lang LANG] [-O KEY=VALUE]``
validates first and refuses an invalid instrument with the messages of ``qdef
validate``; writes atomically (a failed render leaves no partial file and never
touches an existing one); never overwrites its input; gives the same bytes on
every run; by default writes FILE's stem + the renderer's suffix in the current
directory. Calls :func:`qdef.cli.main` in-process, except where the real process
matters (hash seeds).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from qdef.cli import main
from qdef.renderers.paper import MarkdownRenderer
from qdef.rendering import RenderError

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
CASES = ROOT / "tests" / "cases" / "invalid"

MINIMAL = (
    "qdef: 1\nid: t\ntitle: T\nlanguage: de\nsections:\n"
    "  - id: s\n    questions:\n"
    "      - {id: q1, type: single, text: Frage, "
    "options: [{code: ja, label: Ja}, {code: nein, label: Nein}]}\n"
)


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def write(path: Path, text: str = MINIMAL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# --------------------------------------------------------------------------- rendering


def test_render_writes_the_investitionspakt(tmp_path: Path) -> None:
    target = tmp_path / "paper.md"
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", target)
    assert status == 0, err
    assert out == ""
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Befragung zum Einsatz eines Integrationsmanagements")
    assert "weiter mit Frage 7" in text
    assert f"qdef: wrote {target} (markdown, " in err
    assert listing(tmp_path) == ["paper.md"]  # no temporary file left behind


def test_render_gives_the_same_bytes_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    assert run("render", INSTRUMENT, "--to", "markdown", "-o", first)[0] == 0
    assert run("render", INSTRUMENT, "--to", "markdown", "-o", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert run("render", INSTRUMENT, "--to", "markdown", "-o", first)[0] == 0  # over itself
    assert first.read_bytes() == second.read_bytes()


def test_render_output_does_not_depend_on_the_hash_seed() -> None:
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "qdef", "render", str(INSTRUMENT), "--to", "markdown", "-o-"],
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"# Befragung")


def test_render_to_stdout_is_the_file(tmp_path: Path) -> None:
    target = tmp_path / "paper.md"
    assert run("render", INSTRUMENT, "--to", "markdown", "-o", target)[0] == 0
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", "-")
    assert status == 0, err
    assert out.encode("utf-8") == target.read_bytes()
    assert err == ""
    assert listing(tmp_path) == ["paper.md"]


def test_stdout_gets_the_files_bytes_whatever_the_locale(tmp_path: Path) -> None:
    target = tmp_path / "paper.md"
    assert run("render", INSTRUMENT, "--to", "markdown", "-o", target)[0] == 0
    done = subprocess.run(
        [sys.executable, "-m", "qdef", "render", str(INSTRUMENT), "--to", "markdown", "-o-"],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == target.read_bytes()


def test_render_writes_next_to_the_current_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run("render", INSTRUMENT, "--to", "markdown")
    assert (status, out) == (0, ""), err
    assert listing(tmp_path) == ["investitionspakt.md"]
    assert (tmp_path / "investitionspakt.md").read_text(encoding="utf-8").startswith("# ")
    assert "wrote investitionspakt.md" in err


def test_the_default_output_is_in_the_current_directory_not_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "in" / "umfrage.yaml")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    status, _out, err = run("render", source, "--to", "markdown")
    assert status == 0, err
    assert listing(tmp_path / "out") == ["umfrage.md"]
    assert listing(tmp_path / "in") == ["umfrage.yaml"]


def test_quiet_says_nothing_on_success(tmp_path: Path) -> None:
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", tmp_path / "x.md", "-q")
    assert (status, out, err) == (0, "", "")
    assert (tmp_path / "x.md").exists()


# --------------------------------------------------------------------------- atomicity


def _fail(self: MarkdownRenderer, *args: object) -> str:
    raise RenderError("the test makes it fail")


def test_a_failed_render_leaves_an_existing_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MarkdownRenderer, "render", _fail)
    target = write(tmp_path / "paper.md", "the old paper\n")
    before = target.stat()
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", target)
    assert (status, out) == (1, "")
    assert "cannot render" in err and "the test makes it fail" in err
    assert "wrote" not in err
    assert target.read_text(encoding="utf-8") == "the old paper\n"
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    assert listing(tmp_path) == ["paper.md"]
    status, _out, _err = run("render", INSTRUMENT, "--to", "markdown", "-o", tmp_path / "new.md")
    assert status == 1
    assert listing(tmp_path) == ["paper.md"]


def test_a_bug_in_qdefs_own_renderer_is_an_internal_error_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: MarkdownRenderer, *args: object) -> str:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(MarkdownRenderer, "render", crash)
    target = write(tmp_path / "paper.md", "the old paper\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(ZeroDivisionError):
        main(["render", str(INSTRUMENT), "--to", "markdown", "-o", str(target)], out, err)
    assert "internal error: this is a bug in qdef" in err.getvalue()
    assert target.read_text(encoding="utf-8") == "the old paper\n"
    assert listing(tmp_path) == ["paper.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_rename(*args: object) -> None:
        raise OSError(28, "No space left on device")

    target = write(tmp_path / "paper.md", "the old paper\n")
    monkeypatch.setattr(os, "replace", no_rename)
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", target)
    assert (status, out) == (2, "")
    assert f"cannot write {target}: No space left on device" in err
    assert target.read_text(encoding="utf-8") == "the old paper\n"
    assert listing(tmp_path) == ["paper.md"]


def test_a_target_in_a_missing_directory_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "paper.md"
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", target)
    assert (status, out) == (2, "")
    assert f"cannot write {target}" in err
    assert listing(tmp_path) == []


def test_a_directory_as_target_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "paper.md").mkdir()
    status, _out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", tmp_path / "paper.md")
    assert status == 2
    assert f"cannot write {tmp_path / 'paper.md'}: it is a directory" in err
    assert listing(tmp_path) == ["paper.md"]
    assert listing(tmp_path / "paper.md") == []


def test_a_target_that_is_not_a_regular_file_is_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (tmp_path / "to-pipe").symlink_to(pipe)  # like /dev/stdout, a link to a non-file
    for target in (pipe, tmp_path / "to-pipe"):
        status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", target)
        assert (status, out) == (2, "")
        assert f"cannot write {target}: it is not a regular file" in err
        assert "write to standard output" in err
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert (tmp_path / "to-pipe").is_symlink()
    assert listing(tmp_path) == ["pipe", "to-pipe"]


def test_a_symlinked_target_is_written_through(tmp_path: Path) -> None:
    real = write(tmp_path / "real.md", "old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    status, _out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", link)
    assert status == 0, err
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("# Befragung")
    assert listing(tmp_path) == ["link.md", "real.md"]


def test_an_empty_output_name_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", "")
    assert (status, out) == (2, "")
    assert "-o needs a file name" in err
    assert listing(tmp_path) == []


def test_a_read_only_directory_cannot_be_written(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running with privileges that ignore directory permissions")
        status, _out, err = run("render", INSTRUMENT, "--to", "markdown", "-o", folder / "x.md")
        assert status == 2
        assert "cannot write" in err and "Permission denied" in err
        assert listing(folder) == []
    finally:
        folder.chmod(0o700)


# --------------------------------------------------------------------------- the input


def test_the_default_output_is_never_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "x.md")  # any name: qdef render reads what it is given
    monkeypatch.chdir(tmp_path)
    status, out, err = run("render", "x.md", "--to", "markdown")
    assert (status, out) == (2, "")
    assert "is the instrument itself; qdef never overwrites its input" in err
    assert source.read_text(encoding="utf-8") == MINIMAL
    assert listing(tmp_path) == ["x.md"]
    # The same file given as an absolute path.
    status, _out, err = run("render", source, "--to", "markdown")
    assert status == 2
    assert source.read_text(encoding="utf-8") == MINIMAL


@pytest.mark.parametrize("spelling", ["x.yaml", "./x.yaml", "sub/../x.yaml", "ABSOLUTE", "link"])
def test_output_to_the_input_is_refused(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "x.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(source)
    monkeypatch.chdir(tmp_path)
    target = str(source) if spelling == "ABSOLUTE" else spelling
    status, out, err = run("render", "x.yaml", "--to", "markdown", "-o", target)
    assert (status, out) == (2, "")
    assert "never overwrites its input" in err
    assert source.read_text(encoding="utf-8") == MINIMAL
    assert (tmp_path / "link").is_symlink()
    assert listing(tmp_path) == ["link", "sub", "x.yaml"]


def test_an_input_given_through_a_symlink_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "real.yaml")
    (tmp_path / "link.yaml").symlink_to(source)
    monkeypatch.chdir(tmp_path)
    status, _out, err = run("render", "link.yaml", "--to", "markdown", "-o", "real.yaml")
    assert status == 2
    assert "never overwrites its input" in err
    assert source.read_text(encoding="utf-8") == MINIMAL


# --------------------------------------------------------------------------- validation


def test_an_invalid_instrument_is_refused_with_the_validate_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "goto_unbekannt.yaml"
    source.write_bytes((CASES / "goto_unbekannt.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    status, out, err = run("render", "goto_unbekannt.yaml", "--to", "markdown")
    assert status == 1
    assert out == (CASES / "goto_unbekannt.diagnostics.txt").read_text(encoding="utf-8")
    assert out.startswith("goto_unbekannt.yaml:13:51: error QD402: ")
    assert err == "1 error, 0 warnings in 1 file\n"
    validate = run("validate", "goto_unbekannt.yaml")
    assert (status, out, err) == validate
    assert listing(tmp_path) == ["goto_unbekannt.yaml"]


def test_an_invalid_instrument_is_refused_before_its_renderer_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[object] = []
    monkeypatch.setattr(MarkdownRenderer, "render", lambda *args: called.append(args) or "")
    source = write(tmp_path / "broken.yaml", MINIMAL.replace("type: single", "type: singel"))
    status, out, _err = run("render", source, "--to", "markdown", "-o", tmp_path / "b.md")
    assert status == 1
    assert f"{source}:" in out and "error QD" in out
    assert called == []
    assert not (tmp_path / "b.md").exists()


def test_warnings_are_printed_and_the_render_goes_ahead(tmp_path: Path) -> None:
    source = CASES / "route_frage_abgeschnitten.yaml"
    target = tmp_path / "out.md"
    status, out, err = run("render", source, "--to", "markdown", "-o", target)
    assert status == 0, err
    assert out == ""
    expected = (CASES / "route_frage_abgeschnitten.diagnostics.txt").read_text(encoding="utf-8")
    assert "warning QD601" in expected
    assert expected.replace("route_frage_abgeschnitten.yaml", str(source)) in err
    assert "qdef: wrote" in err
    assert target.exists()


def test_a_directory_is_not_an_instrument(tmp_path: Path) -> None:
    status, out, err = run("render", tmp_path, "--to", "markdown")
    assert status == 2
    assert err == "1 error, 0 warnings in 0 files\n"
    assert f"{tmp_path}:1:1: error QD002: this is a directory" in out
    assert listing(tmp_path) == []


def test_a_missing_file_is_qd001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run("render", "nicht-da.yaml", "--to", "markdown")
    assert status == 2
    assert out.startswith("nicht-da.yaml:1:1: error QD001: no such file or directory")
    assert "in 0 files" in err
    assert listing(tmp_path) == []


# --------------------------------------------------------------------------- arguments


def test_render_help(tmp_path: Path) -> None:
    status, out, _err = run("render", "--help")
    assert status == 0
    for option in ("--to", "--output", "--lang", "--option", "KEY=VALUE"):
        assert option in out


def test_render_needs_to(tmp_path: Path) -> None:
    status, out, err = run("render", INSTRUMENT)
    assert (status, out) == (2, "")
    assert "--to" in err


# --------------------------------------------------------------------------- renderers


def test_renderers_lists_markdown() -> None:
    status, out, err = run("renderers")
    assert status == 0, err
    assert err == ""
    header, *rows = out.splitlines()
    assert header.split() == ["NAME", "SUFFIX", "DISTRIBUTION", "DESCRIPTION"]
    (markdown,) = [row for row in rows if row.startswith("markdown ")]
    assert markdown.split()[:4] == ["markdown", ".md", "qdef", "0.1.0"]
    assert "printable paper questionnaire" in markdown


def test_renderers_as_json() -> None:
    status, out, err = run("renderers", "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["problems"] == []
    (markdown,) = [row for row in data["renderers"] if row["name"] == "markdown"]
    assert markdown["suffix"] == ".md"
    assert markdown["distribution"] == "qdef"
    assert markdown["media_type"].startswith("text/markdown")
    assert markdown["entry_point"] == "qdef.renderers.paper:MarkdownRenderer"
    assert markdown["options"] == {}
    assert isinstance(markdown["description"], str) and markdown["description"]


def test_python_m_qdef_renderers() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qdef", "renderers", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "markdown" in {row["name"] for row in json.loads(done.stdout)["renderers"]}


# --------------------------------------------------------------------------- several renderers


def test_several_renderers_validate_once_and_write_the_same_bytes(tmp_path: Path) -> None:
    status, out, err = run(
        "render", INSTRUMENT, "--to", "markdown", "--to", "html", "--to", "limesurvey",
        "-o", tmp_path / "artefacts",
    )  # fmt: skip
    assert status == 0, err
    assert out == ""
    folder = tmp_path / "artefacts"
    assert listing(folder) == [
        "investitionspakt.html",
        "investitionspakt.lss",
        "investitionspakt.md",
    ]
    for name, suffix in (("markdown", ".md"), ("html", ".html"), ("limesurvey", ".lss")):
        alone = tmp_path / f"alone{suffix}"
        assert run("render", INSTRUMENT, "--to", name, "-o", alone)[0] == 0
        assert (folder / f"investitionspakt{suffix}").read_bytes() == alone.read_bytes()
        assert f"({name}, " in err


def test_the_survey_and_its_map_get_the_names_the_docs_use(tmp_path: Path) -> None:
    """``investitionspakt.lss`` beside ``investitionspakt.map.json`` (README, dev.sh),
    not a bare ``.json`` that says nothing of what it maps."""
    status, _, err = run(
        "render", INSTRUMENT, "--to", "limesurvey", "--to", "limesurvey-map", "-o", tmp_path
    )
    assert status == 0, err
    assert listing(tmp_path) == ["investitionspakt.lss", "investitionspakt.map.json"]


def test_several_renderers_write_into_the_current_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run("render", INSTRUMENT, "--to", "html", "--to", "markdown", "-q")
    assert (status, err) == (0, "")
    assert listing(tmp_path) == ["investitionspakt.html", "investitionspakt.md"]


def test_each_renderer_takes_the_options_it_declares(tmp_path: Path) -> None:
    status, _, err = run(
        "render", INSTRUMENT, "--to", "markdown", "--to", "codebook",
        "-O", "delimiter=;", "-o", tmp_path,
    )  # fmt: skip
    assert status == 0, err
    header = (tmp_path / "investitionspakt.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Variable;")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "markdown", "--to", "markdown"], "--to markdown is given twice"),
        (["--to", "markdown", "--to", "codebook-md"], "would both write"),
        (["--to", "markdown", "--to", "html", "-O", "delimiter=;"], "has the option 'delimiter'"),
        (["--to", "markdown", "--to", "html", "-o", "-"], "with several --to, name a directory"),
        (["--to", "markdown", "--to", "nosuch"], "nosuch"),
    ],
)
def test_several_renderers_usage_errors_write_nothing(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    output = [] if "-o" in argv else ["-o", str(tmp_path / "out")]
    status, out, err = run("render", INSTRUMENT, *argv, *output)
    assert (status, out) == (2, "")
    assert message in err
    assert not (tmp_path / "out").exists()


def test_when_one_renderer_fails_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: MarkdownRenderer, instrument: object, options: object) -> str:
        raise RenderError("cannot lay this out")

    monkeypatch.setattr(MarkdownRenderer, "render", broken)
    status, _, err = run("render", INSTRUMENT, "--to", "html", "--to", "markdown", "-o", tmp_path)
    assert status == 1
    assert "cannot lay this out" in err
    assert listing(tmp_path) == []
