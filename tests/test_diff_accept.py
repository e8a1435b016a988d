"""Issue 15, item 1: a reversed meaning is never wording, and a person can accept a
checked change in a reviewable file (``.qdef-accept.yaml``) so that ``qdef diff
--fail-on check`` passes; issue 23, item 11: one change, one line."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.source.loader import load_file
from tests.test_diff import run

SURVEY = """\
qdef: 1
id: satisfaction
title: Satisfaction
language: en
sections:
  - id: main
    questions:
      - id: overall
        type: single
        text: How satisfied are you with the service?
        options:
          - {code: very, label: Very satisfied}
          - {code: somewhat, label: Somewhat satisfied}
          - {code: not_at_all, label: Not satisfied at all}
      - id: hours
        type: number
        text: How many hours a week do you use it?
        unit: hours
"""
HEX = "0123456789abcdef"
REVERSED = SURVEY.replace("How satisfied", "How dissatisfied").replace(
    "Very satisfied", "Very unsatisfied"
)


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """``old/survey.yaml`` and ``new/survey.yaml`` (with the meaning reversed)."""
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old, new = tmp_path / "old" / "survey.yaml", tmp_path / "new" / "survey.yaml"
    old.write_text(SURVEY, encoding="utf-8")
    new.write_text(REVERSED, encoding="utf-8")
    return old, new


def fingerprint(value: object) -> str:
    from qdef.diff.accept import fingerprint as of  # noqa: PLC0415

    return of(value)


def lines_with(out: str, code: str) -> list[str]:
    return [line for line in out.splitlines() if f" {code}: " in line]


# --------------------------------------------------------------------------- wording


def test_a_reversed_meaning_is_check_and_fails_fail_on_check(versions: tuple[Path, Path]) -> None:
    old, new = versions
    status, out, err = run("diff", "--fail-on", "check", old, new)
    assert status == 1
    assert " wording QD" not in out
    text, label = lines_with(out, "QD720")
    assert text.startswith(f"{new}:10:15: check QD720: question 1 'overall': the text changed")
    assert "'How dissatisfied are you with the service?'" in text
    assert label.startswith(f"{new}:12:33: check QD720: question 1 'overall', option 'very': ")
    assert "'Very unsatisfied' (was 'Very satisfied')" in label
    assert err.startswith("0 breaking, 2 check, 0 routing, 0 additive, 0 wording in 1 file; fails")


def test_only_case_spacing_punctuation_quotes_and_dashes_are_wording(
    versions: tuple[Path, Path],
) -> None:
    old, new = versions
    new.write_text(
        SURVEY.replace("How satisfied are you", "HOW   satisfied are you").replace(
            "Very satisfied}", "'\u201cVery satisfied.\u201d'}"
        ),
        encoding="utf-8",
    )
    status, out, _ = run("diff", "--fail-on", "check", old, new)
    assert status == 0
    assert len(lines_with(out, "QD750")) == 2
    assert run("diff", "--fail-on", "wording", old, new)[0] == 1


def test_a_text_that_defines_an_answer_added_or_removed_is_check(
    versions: tuple[Path, Path],
) -> None:
    old, new = versions
    new.write_text(
        SURVEY.replace(
            "      - id: hours\n", "      - id: hours\n        hint: Count working days only.\n"
        ),
        encoding="utf-8",
    )
    _, out, _ = run("diff", old, new)
    (line,) = lines_with(out, "QD720")
    assert "question 2 'hours': the hint was added: 'Count working days only.'" in line


def test_a_unit_in_another_case_stays_wording_and_another_symbol_is_breaking(
    versions: tuple[Path, Path],
) -> None:
    old, new = versions
    new.write_text(SURVEY.replace("unit: hours", "unit: Hours"), encoding="utf-8")
    assert lines_with(run("diff", old, new)[1], "QD750")
    new.write_text(SURVEY.replace("unit: hours", "unit: hours/2"), encoding="utf-8")
    assert lines_with(run("diff", old, new)[1], "QD709")


@given(
    text=st.text(max_size=40),
    letter=st.characters(categories=("L", "N")),
    at=st.integers(min_value=0, max_value=40),
)
def test_no_letter_or_digit_added_anywhere_is_wording(text: str, letter: str, at: int) -> None:
    """Whatever the text, a letter or digit more is never "cosmetic": wording has no
    similarity threshold a small change could stay under."""
    from qdef.diff.wording import read  # noqa: PLC0415

    changed = text[:at] + letter + text[at:]
    assert read(text, changed) in ("number", "negation", "words")


@given(
    words=st.lists(st.text("abcdefghijklmnopqrstuvwxyzäöüéñ", min_size=1), min_size=1),
    separators=st.lists(st.sampled_from([" ", "  ", "\n", "\u00a0", ", ", ". ", " \u2013 "])),
)
def test_the_same_words_in_other_case_and_spacing_are_wording(
    words: list[str], separators: list[str]
) -> None:
    from qdef.diff.wording import read  # noqa: PLC0415

    old = " ".join(words)
    between = [separators[i] if i < len(separators) else " " for i in range(len(words) - 1)]
    new = words[0].upper() + "".join(
        sep + w.upper() for sep, w in zip(between, words[1:], strict=True)
    )
    dashed = any("\u2013" in sep for sep in between)
    assert read(old, new) in ((None, "cosmetic") if not dashed else ("words",))


# --------------------------------------------------------------------------- accepting


def test_fingerprints_are_sha256_of_the_nfc_text_truncated() -> None:
    composed, decomposed = "Gr\u00fc\u00dfe", "Gru\u0308\u00dfe"
    expected = hashlib.sha256(unicodedata.normalize("NFC", composed).encode()).hexdigest()[:16]
    assert fingerprint(composed) == fingerprint(decomposed) == expected
    assert fingerprint(None) == hashlib.sha256(b"").hexdigest()[:16]
    assert fingerprint(True) == hashlib.sha256(b"true").hexdigest()[:16]
    two = hashlib.sha256(b'{"de":"Ja","en":"Yes"}').hexdigest()[:16]
    assert fingerprint({"en": "Yes", "de": "Ja"}) == two


def test_the_accept_format_prints_entries_that_make_fail_on_check_pass(
    versions: tuple[Path, Path],
) -> None:
    old, new = versions
    status, entries, _ = run("diff", "--fail-on", "check", "--format", "accept", old, new)
    assert status == 1
    assert entries.count("\n- instrument: ") == 2
    very = (
        '- instrument: "satisfaction"\n  code: QD720\n  question: "overall"\n  item: "very"\n'
        f'  old: "{fingerprint("Very satisfied")}"\n'
        f'  new: "{fingerprint("Very unsatisfied")}"\n'
    )
    assert very in entries
    assert entries.startswith(f"# {new}:10:15: check QD720: question 1 'overall': the text ")
    acceptances = new.parent / ".qdef-accept.yaml"
    acceptances.write_text(entries, encoding="utf-8")  # the reviewer has looked
    status, out, err = run("diff", "--fail-on", "check", old, new)
    assert status == 0
    for line in lines_with(out, "QD720"):
        assert line.endswith((f" [accepted: {acceptances}:2:3]", f" [accepted: {acceptances}:8:3]"))
    assert err == ("0 breaking, 2 check (2 accepted), 0 routing, 0 additive, 0 wording in 1 file\n")
    assert run("diff", "--fail-on", "check", "--format", "accept", old, new)[:2] == (0, "")
    status, out, _ = run("diff", "--fail-on", "check", "--format", "json", old, new)
    document = json.loads(out)
    assert document["summary"]["accepted"] == 2 and not document["summary"]["failed"]
    assert document["files"][0]["changes"][0]["accepted"] == f"{acceptances}:2:3"
    _, out, _ = run("diff", "--fail-on", "check", "--format", "github", old, new)
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == ["::notice", "::notice"]


def test_an_acceptance_names_the_change_exactly(versions: tuple[Path, Path]) -> None:
    """Another new text, another item or another instrument is not accepted: the entry
    is stale, a located warning, and the change still fails."""
    old, new = versions
    _, entries, _ = run("diff", "--format", "accept", old, new)
    acceptances = new.parent / ".qdef-accept.yaml"
    acceptances.write_text(entries, encoding="utf-8")
    new.write_text(REVERSED.replace("Very unsatisfied", "Very UNsatisfied!"), encoding="utf-8")
    status, out, err = run("diff", "--fail-on", "check", old, new)
    assert status == 1
    (stale,) = [line for line in out.splitlines() if "QD727" in line]
    assert stale.startswith(f"{acceptances}:8:3: warning QD727: this entry (instrument ")
    assert "question 'overall', item 'very') accepts no change found" in stale
    assert "2 check (1 accepted)" in err and "1 stale acceptance;" in err
    other = entries.replace('item: "very"', 'item: "somewhat"')
    acceptances.write_text(other.replace('"satisfaction"', '"other"', 1), encoding="utf-8")
    status, out, err = run("diff", "--fail-on", "check", old, new)
    assert status == 1
    assert "2 check (0 accepted)" not in err and "2 check," in err
    assert "1 stale acceptance" in err  # the entry for 'other' is not in scope


def test_accept_names_the_acceptance_file(versions: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = versions
    _, entries, _ = run("diff", "--format", "accept", old, new)
    elsewhere = tmp_path / "reviewed.yaml"
    elsewhere.write_text(entries, encoding="utf-8")
    assert run("diff", "--fail-on", "check", old, new)[0] == 1
    assert run("diff", "--fail-on", "check", "--accept", elsewhere, old, new)[0] == 0
    status, out, _ = run("diff", "--accept", tmp_path / "missing.yaml", old, new)
    assert status == 2
    assert "missing.yaml:1:1: error QD001" in out


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("instrument: x\n", "1:1", "an acceptance file is a list of entries"),
        ("- just text\n", "1:3", "each entry is a mapping"),
        ("- {instrument: x, code: QD720, old: 0123456789abcdef}\n", "1:3", "no 'new'"),
        (
            '- {instrument: x, code: QD720, old: "0123456789abcdef", new: "123", why: y}\n',
            "1:62",
            "unknown key 'why'",
        ),
        (
            '- {instrument: x, code: QD720, old: "0123456789abcdef", new: "123"}\n',
            "1:62",
            "new must be a fingerprint of 16 hexadecimal digits",
        ),
        (
            "- instrument: x\n  code: QD720\n  old: 1234567890123456\n  new: '0123456789abcdef'\n",
            "3:8",
            "old must be a fingerprint",
        ),
        (
            f"- instrument: x\n  code: QD712\n  old: '{HEX}'\n  new: '{HEX}'\n",
            "2:9",
            "QD712 is a breaking change; only check changes can be accepted",
        ),
        (
            f"- instrument: 7\n  code: QD720\n  old: '{HEX}'\n  new: '{HEX}'\n",
            "1:15",
            "instrument must be text",
        ),
        (  # found in review: an empty instrument or code matched nothing, unreported
            f"- instrument: ~\n  code: QD720\n  old: '{HEX}'\n  new: '{HEX}'\n",
            "1:15",
            "instrument must be text",
        ),
        (
            f"- instrument: x\n  code:\n  old: '{HEX}'\n  new: '{HEX}'\n",
            "2:8",
            "code must be text",
        ),
        ("- instrument: [x\n", "", "error QD101"),
    ],
)
def test_problems_in_an_acceptance_file_are_located(
    versions: tuple[Path, Path], text: str, where: str, says: str
) -> None:
    old, new = versions
    acceptances = new.parent / ".qdef-accept.yaml"
    acceptances.write_text(text, encoding="utf-8")
    status, out, err = run("diff", old, new)
    assert status == 1
    assert out.startswith(f"{acceptances}:{where}")
    assert says in out
    assert " QD726: " in out or " QD101: " in out
    assert "an acceptance file has problems" in err
    assert "Traceback" not in out + err


def test_an_empty_acceptance_file_accepts_nothing(versions: tuple[Path, Path]) -> None:
    old, new = versions
    (new.parent / ".qdef-accept.yaml").write_text("# nothing accepted yet\n", encoding="utf-8")
    status, out, _ = run("diff", old, new)
    assert status == 0
    assert len(lines_with(out, "QD720")) == 2


def test_the_acceptance_file_is_not_taken_for_an_instrument(versions: tuple[Path, Path]) -> None:
    _, new = versions
    (new.parent / ".qdef-accept.yaml").write_text("[]\n", encoding="utf-8")
    status, _, err = run("validate", new.parent)
    assert (status, err) == (0, "0 errors, 0 warnings in 1 file\n")


# --------------------------------------------------------------------------- one line


def test_one_change_is_one_line_in_every_format(versions: tuple[Path, Path]) -> None:
    old, new = versions
    old.write_text(SURVEY.replace("Very satisfied}", '"Very\\nsatisfied"}'), encoding="utf-8")
    new.write_text(
        # line breaks and a right-to-left override: echoed escaped, each change one line
        REVERSED.replace("Very unsatisfied}", '"Very\\n\\nunsatisfied\\u202e"}'),
        encoding="utf-8",
    )
    status, out, _ = run("diff", old, new)
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "'Very\\n\\nunsatisfied\\u202e'" in lines[1] and "(was 'Very\\nsatisfied')" in lines[1]
    _, out, _ = run("diff", "--format", "github", old, new)
    assert len(out.splitlines()) == 2
    assert "%0A" not in out and "'Very\\n\\nunsatisfied\\u202e'" in out
    _, out, _ = run("diff", "--format", "json", old, new)
    assert "\u202e" not in out  # escaped for the terminal, the same text for a reader
    assert "Very\n\nunsatisfied\u202e" in json.loads(out)["files"][0]["changes"][1]["new"]
    _, entries, _ = run("diff", "--format", "accept", old, new)
    acceptances = new.parent / ".qdef-accept.yaml"
    acceptances.write_text(entries, encoding="utf-8")
    document, problems = load_file(acceptances)
    assert problems == [] and document is not None and len(document.data) == 2
    assert "\u202e" not in entries  # nothing invisible, even in the comment
    assert run("diff", "--fail-on", "check", old, new)[0] == 0
