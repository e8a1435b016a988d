"""The English Investitionspakt (examples/investitionspakt-en), made with ``qdef
translate``: it validates without warnings, renders in German and English with every
renderer, round-trips through extract and merge byte for byte (as do the shipped
instruments), and a changed German text flags its translation (QD411, diff QD777).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from qdef.diagnostics import Code
from qdef.diff import compare
from qdef.model.texts import source_hash, texts
from qdef.pipeline import validate_file
from qdef.rendering import render
from qdef.rendering.registry import names
from qdef.translate.yamlmerge import Layout
from tests.test_translate import ENGLISH, EXAMPLE, GERMAN, INSTRUMENTS, ROOT, compiled, run

# --------------------------------------------------------------------- round trips


def test_layout_round_trips_the_instruments_unchanged() -> None:
    """ruamel, as merge sets it up, writes a file it changed nothing in as it was (the
    roster has a one-entry mapping in a flow sequence, which ruamel writes without
    braces unless told)."""
    for path in [ROOT / "instruments" / "household-roster.yaml", ENGLISH]:
        text = path.read_text(encoding="utf-8")
        assert Layout(text).dumps() == text, path


@pytest.fixture(scope="module")
def example_round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The English Investitionspakt and its PO file, copied: extract into the PO file,
    then merge it into a new instrument file."""
    folder = tmp_path_factory.mktemp("round")
    shutil.copy(ENGLISH, folder / "investitionspakt.yaml")
    shutil.copy(EXAMPLE / "en.po", folder / "en.po")
    code, _, err = run(
        "translate",
        "extract",
        folder / "investitionspakt.yaml",
        "--lang",
        "en",
        "-o",
        folder / "en.po",
    )
    assert code == 0, err
    code, _, err = run(
        "translate",
        "merge",
        folder / "investitionspakt.yaml",
        folder / "en.po",
        "-o",
        folder / "merged.yaml",
    )
    assert code == 0, err
    assert "0 translations written" in err
    return folder / "en.po", folder / "merged.yaml"


def test_extract_then_merge_round_trips_the_example_byte_for_byte(
    example_round_trip: tuple[Path, Path],
) -> None:
    po, merged = example_round_trip
    assert po.read_bytes() == (EXAMPLE / "en.po").read_bytes()
    assert merged.read_bytes() == ENGLISH.read_bytes()


@pytest.mark.parametrize("path", INSTRUMENTS, ids=lambda p: p.stem)
def test_extract_then_merge_round_trips_the_instruments(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    lang = "fr" if "language: en" in path.read_text(encoding="utf-8") else "en"
    code, _, err = run("translate", "extract", copy, "--lang", lang, "-o", tmp_path / "x.po")
    assert code == 0, err
    code, _, err = run("translate", "merge", copy, tmp_path / "x.po", "-o", tmp_path / "out.yaml")
    assert code == 0, err
    assert (tmp_path / "out.yaml").read_bytes() == path.read_bytes()
    assert copy.read_bytes() == path.read_bytes()  # the input is never changed


def test_merging_the_example_po_into_the_german_instrument_gives_the_example(
    tmp_path: Path,
) -> None:
    """examples/investitionspakt-en was made this way: the German instrument (unchanged
    word for word) and en.po merged."""
    code, _, err = run("translate", "merge", GERMAN, EXAMPLE / "en.po", "-o", tmp_path / "x.yaml")
    assert code == 0, err
    assert "132 translations written (en added to translations)" in err
    assert (tmp_path / "x.yaml").read_bytes() == ENGLISH.read_bytes()


def test_the_example_keeps_the_german_word_for_word() -> None:
    german = compiled(GERMAN).instrument
    english = compiled(ENGLISH).instrument
    assert english.translations == ["en"]
    pairs = list(zip(texts(german), texts(english), strict=True))
    assert len(pairs) == 132
    for (path, de), (path_en, both) in pairs:
        assert path == path_en
        assert isinstance(de, str) and isinstance(both, dict)
        assert both["de"] == de
        assert (both["en"] and both["en"] != de) or de in {".", ",", "1.", "2.", "3.", "Name:"}


# --------------------------------------------------------------------- the example


def shown(output: str | bytes) -> str:
    """The text a rendering shows: a text format as it is, a workbook's cells (every
    sheet), a PDF's text (poppler's pdftotext)."""
    if isinstance(output, str):
        return output
    if output.startswith(b"%PDF-"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "rendered.pdf"
            path.write_bytes(output)
            command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(io.BytesIO(output), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_the_example_validates_without_warnings() -> None:
    result = validate_file(ENGLISH)
    assert result.ok
    assert result.diagnostics == ()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("renderer", names())
def test_the_example_renders_in_both_languages(renderer: str, lang: str) -> None:
    # the web form carries every language by default (a switcher); -O languages=one
    # gives the page of one language, checked here like the other renderers'
    settings = {"languages": "one"} if renderer == "html" else {}
    result = render(compiled(ENGLISH), renderer, lang=lang, **settings)
    if renderer == "limesurvey-map":  # codes only: the same in every language
        assert result == render(compiled(ENGLISH), renderer, lang="de" if lang == "en" else "en")
        return
    text = shown(result)
    if renderer in {"limesurvey", "xlsform"}:  # every language in one file
        assert "Wurde in Ihrer Kommune" in text
        assert "Has your municipality employed" in text
        return
    if lang == "en":
        assert "Investment Pact" in text
        assert "Wurde in Ihrer Kommune" not in text
    else:
        assert "Investitionspakt" in text
        assert "Has your municipality employed" not in text


def test_changing_a_german_text_flags_its_translation_and_diff_reports_it(
    tmp_path: Path,
) -> None:
    changed = tmp_path / "investitionspakt.yaml"
    old = "Haben sich Ihre Erwartungen erfüllt?"
    text = ENGLISH.read_text(encoding="utf-8")
    assert text.count(old) == 1
    changed.write_text(text.replace(old, "Haben sich Ihre Erwartungen bisher erfüllt?"), "utf-8")
    result = validate_file(changed)
    assert result.ok
    (warning,) = result.diagnostics
    assert warning.code == Code.QD411 and warning.severity == "warning"
    assert warning.span is not None
    line = changed.read_text(encoding="utf-8").splitlines()[warning.span.line - 1]
    assert line.strip().startswith('en: {text: "Have your expectations been met?"')
    changes = compare(validate_file(ENGLISH), result)
    outdated = [c for c in changes if c.code == Code.QD777]
    assert len(outdated) == 1 and outdated[0].kind == "wording"
    assert outdated[0].question == "erwartungen_erfuellt"
    assert outdated[0].location == warning.span
    # the CI option makes it an error
    assert run("validate", "-q", changed)[0] == 0
    assert run("validate", "-q", "--translations", "error", changed)[0] == 1
    assert run("diff", ENGLISH, changed)[1].count("QD777") == 1


def test_the_translators_round_fixes_an_outdated_translation(tmp_path: Path) -> None:
    """Changed source: extract marks the entry fuzzy with the previous msgid; merge leaves
    it out until the flag is cleared; then writes it with the new hash."""
    work = tmp_path / "investitionspakt.yaml"
    shutil.copy(EXAMPLE / "en.po", tmp_path / "en.po")
    old = "Haben sich Ihre Erwartungen erfüllt?"
    new = "Haben sich Ihre Erwartungen bisher erfüllt?"
    work.write_text(ENGLISH.read_text(encoding="utf-8").replace(old, new), "utf-8")
    assert run("translate", "extract", work, "--lang", "en", "-o", tmp_path / "en.po")[0] == 0
    po = (tmp_path / "en.po").read_text(encoding="utf-8")
    block = po[po.index('msgctxt "questions/erwartungen_erfuellt/text"') - 200 :]
    assert f'#, fuzzy\n#| msgid "{old}"\nmsgctxt "questions/erwartungen_erfuellt/text"' in block
    code, _, err = run("translate", "merge", work, tmp_path / "en.po", "--in-place")
    assert code == 0
    assert (
        "fuzzy, not merged (check it, then clear the flag): questions/erwartungen_erfuellt" in err
    )
    assert validate_file(work).diagnostics[0].code == Code.QD411  # still outdated
    # the translator updates the translation and clears the flag
    po = po.replace(
        f'#, fuzzy\n#| msgid "{old}"\nmsgctxt "questions/erwartungen_erfuellt/text"\n'
        f'msgid "{new}"\nmsgstr "Have your expectations been met?"',
        f'msgctxt "questions/erwartungen_erfuellt/text"\n'
        f'msgid "{new}"\nmsgstr "Have your expectations been met so far?"',
    )
    (tmp_path / "en.po").write_text(po, "utf-8")
    code, _, err = run("translate", "merge", work, tmp_path / "en.po", "--in-place")
    assert code == 0 and "1 translations written" in err
    result = validate_file(work)
    assert result.ok and result.diagnostics == ()
    assert f'source: "{source_hash(new)}"' in work.read_text(encoding="utf-8")
    # only that text changed: the rest of the file as it was
    before = ENGLISH.read_text(encoding="utf-8").replace(old, new).splitlines()
    after = work.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1
    assert after[changed[0]].strip() == (
        f'en: {{text: "Have your expectations been met so far?", source: "{source_hash(new)}"}}'
    )


def test_a_translation_kept_as_it_is_gets_the_new_source_hash(tmp_path: Path) -> None:
    """A fuzzy entry whose flag the translator clears without changing the text confirms
    it: merge records the new source hash, and the warning goes."""
    work = tmp_path / "investitionspakt.yaml"
    old, new = "Haben sich Ihre Erwartungen erfüllt?", "Haben sich Ihre Erwartungen erfüllt ?"
    work.write_text(ENGLISH.read_text(encoding="utf-8").replace(old, new), "utf-8")
    assert run("translate", "extract", work, "--lang", "en", "-o", tmp_path / "en.po")[0] == 0
    po = (tmp_path / "en.po").read_text(encoding="utf-8")
    assert po.count("#, fuzzy") == 1
    (tmp_path / "en.po").write_text(po.replace("#, fuzzy\n", ""), "utf-8")
    code, _, err = run("translate", "merge", work, tmp_path / "en.po", "--in-place")
    assert code == 0 and "1 translations written" in err
    assert validate_file(work).diagnostics == ()
