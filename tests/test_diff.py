"""``qdef diff`` and :func:`qdef.diff.compare`: real edits of the Investitionspakt
instrument, each classified as docs/diff.md says (issue 8, part 1).

Every test scripts an edit on a copy of ``instruments/investitionspakt.yaml``
(recode an option, delete a matrix row, move a goto, reword a label, …) and
asserts the kind, code, question, item and the line of the new version the
change points at. The CLI tests check exit codes 0/1/2, the three formats and
``--base`` on a temporary git repository.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest

from qdef.cli import main
from qdef.cli.diff import DIFF_KINDS
from qdef.diff import CODES, KINDS, Change, compare
from qdef.diff.wording import read
from qdef.pipeline import validate_text
from qdef.routing import reaching_conditions

ROOT = Path(__file__).parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
ORIGINAL = INSTRUMENT.read_text(encoding="utf-8")
DOCS = ROOT / "docs"

# --------------------------------------------------------------------------- helpers


def edited(*replacements: tuple[str, str], count: int = 1) -> str:
    """The instrument with each ``(old, new)`` replaced; each ``old`` must occur ``count``
    times, so that a test cannot silently edit nothing."""
    text = ORIGINAL
    for old, new in replacements:
        assert text.count(old) == count, old
        text = text.replace(old, new)
    return text


def changes_of(text: str, old_text: str = ORIGINAL) -> list[Change]:
    old = validate_text(old_text, Path("old.yaml"))
    new = validate_text(text, Path("new.yaml"))
    assert old.ok and new.ok, [str(d) for d in new.diagnostics]
    return compare(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


def only(changes: list[Change], code: str) -> Change:
    found = [c for c in changes if c.code == code]
    assert len(found) == 1, [(c.code, c.message) for c in changes]
    return found[0]


def codes(changes: list[Change]) -> list[str]:
    return [c.code for c in changes]


def run(*argv: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    with contextlib.chdir(cwd) if cwd else contextlib.nullcontext():
        status = main([str(a) for a in argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """``old.yaml`` (the instrument) and ``new.yaml`` (to be written by the test)."""
    old = tmp_path / "old.yaml"
    old.write_text(ORIGINAL, encoding="utf-8")
    return old, tmp_path / "new.yaml"


RECODE = (
    "          - {code: nein, label: Nein}\n          - {code: ja, label: Ja, goto:",
    "          - {code: nicht, label: Nein}\n          - {code: ja, label: Ja, goto:",
)
REVERSE = ("generell für zweckmäßig?", "generell für unzweckmäßig?")
MOVE_GOTO = (
    "{code: nein, label: Nein, goto: gruende_keine_fortsetzung}",
    "{code: nein, label: Nein, goto: interesse_gespraech}",
)

# --------------------------------------------------------------------------- the ladder


def test_the_ladder_runs_from_wording_to_breaking_and_fail_on_takes_it_or_never() -> None:
    assert KINDS == ("wording", "additive", "routing", "check", "breaking")
    assert (*KINDS, "never") == DIFF_KINDS
    assert {kind for kind, _ in CODES.values()} == set(KINDS)


def test_every_code_is_in_the_classification_table_of_docs_diff_md() -> None:
    table = (DOCS / "diff.md").read_text(encoding="utf-8")
    for code, (kind, _) in CODES.items():
        row = re.search(rf"^\| {code} \| (\w+) \|", table, re.M)
        assert row is not None, code
        assert row.group(1) == kind, code


def test_the_same_instrument_has_no_changes() -> None:
    assert changes_of(ORIGINAL) == []


# --------------------------------------------------------------------------- breaking


def test_recoding_an_option_is_breaking_at_the_line_of_its_new_code() -> None:
    text = edited(RECODE)
    change = only(changes_of(text), "QD712")
    assert change.kind == "breaking"
    assert (change.question, change.item, change.old, change.new) == (
        "im_eingesetzt",
        "nicht",
        "nein",
        "nicht",
    )
    assert change.location is not None and change.old_location is not None
    assert change.location.line == line_of(text, "{code: nicht, label: Nein}")
    assert change.location.column == text.splitlines()[change.location.line - 1].index("nicht") + 1
    assert change.old_location.line == change.location.line
    assert "question 1 'im_eingesetzt'" in change.message
    assert "'nein'" in change.message and "'nicht'" in change.message


def test_swapping_two_codes_labels_is_two_recodes() -> None:
    text = edited(
        (
            "          - {code: ja, label: Ja}\n"
            "          - {code: nein, label: Nein, goto: gruende",
            "          - {code: ja, label: Nein}\n"
            "          - {code: nein, label: Ja, goto: gruende",
        ),
    )
    found = changes_of(text)
    recodes = [c for c in found if c.code == "QD712"]
    assert [(c.question, c.old, c.new) for c in recodes] == [
        ("fortsetzung_geplant", "nein", "ja"),
        ("fortsetzung_geplant", "ja", "nein"),
    ]
    assert "now stand for 'Ja'" in recodes[0].message


def test_deleting_a_matrix_row_is_breaking_at_the_rows_key_with_the_old_line() -> None:
    row = "          - code: evaluation\n            label: Evaluation und Selbstreflexion\n"
    assert ORIGINAL.count(row) == 2  # grid (question 4) and matrix (question 13)
    start = ORIGINAL.index(row, ORIGINAL.index("id: schwerpunkte"))
    text = ORIGINAL[:start] + ORIGINAL[start + len(row) :]
    change = only(changes_of(text), "QD704")
    assert (change.kind, change.question, change.item) == ("breaking", "schwerpunkte", "evaluation")
    assert change.removed
    assert change.location is not None and change.old_location is not None
    rows_line = text.index("rows:", text.index("id: schwerpunkte"))
    assert change.location.line == text[:rows_line].count("\n") + 1
    assert change.old_location.line == ORIGINAL[:start].count("\n") + 1


def test_removing_a_question_is_breaking_and_points_at_the_next_question() -> None:
    block = ORIGINAL[
        ORIGINAL.index("      - id: rueckblick") : ORIGINAL.index("      - id: anregungen")
    ]
    text = edited((block, ""))
    change = only(changes_of(text), "QD701")
    assert (change.kind, change.question) == ("breaking", "rueckblick")
    assert change.location is not None and change.old_location is not None
    assert change.location.line == line_of(text, "id: anregungen")
    assert change.old_location.line == line_of(ORIGINAL, "id: rueckblick")
    assert "question 5 'rueckblick'" in change.message


def test_changing_a_question_type_is_breaking() -> None:
    text = edited(
        (
            "      - id: qualifikation\n        type: text\n",
            "      - id: qualifikation\n        type: date\n",
        ),
        (
            '        label: "Bitte nennen:"\n\n      - id: schwerpunkte',
            "\n      - id: schwerpunkte",
        ),
    )
    change = only(changes_of(text), "QD702")
    assert (change.kind, change.question, change.old, change.new) == (
        "breaking",
        "qualifikation",
        "text",
        "date",
    )
    assert change.location is not None
    assert change.location.line == line_of(text, "id: qualifikation") + 1


def test_narrowing_a_number_range_is_breaking_and_widening_it_additive() -> None:
    text = edited(("        min: 0\n        max: 168\n", "        min: -10\n        max: 100\n"))
    found = changes_of(text)
    narrowed, widened = only(found, "QD710"), only(found, "QD746")
    assert (narrowed.kind, narrowed.question, narrowed.old, narrowed.new) == (
        "breaking",
        "wochenstunden",
        168,
        100,
    )
    assert (widened.kind, widened.old, widened.new) == ("additive", 0, -10)
    assert narrowed.location is not None and widened.location is not None
    assert narrowed.location.line == line_of(text, "max: 100")
    assert widened.location.line == line_of(text, "min: -10")
    assert codes(found) == ["QD746", "QD710"]  # document order of the new version


def test_changing_a_unit_is_breaking() -> None:
    text = edited(("unit: Stunden pro Woche", "unit: Stunden pro Monat"))
    change = only(changes_of(text), "QD709")
    assert (change.kind, change.question) == ("breaking", "wochenstunden")
    assert change.location is not None
    assert change.location.line == line_of(text, "unit: Stunden pro Monat")


def test_a_unit_changed_in_case_only_is_wording() -> None:
    text = edited(("unit: qm,", "unit: QM,"))
    change = only(changes_of(text), "QD750")
    assert (change.question, change.item) == ("eigene_raeume", "eigene_raeume_qm")


def test_removing_a_follow_up_and_changing_a_date_precision_are_breaking() -> None:
    text = edited(
        ("              - {id: eigene_raeume_beschreibung, suffix: (bitte beschreiben)}\n", ""),
        (
            "        precision: month\n        from_label: Von",
            "        precision: day\n        from_label: Von",
        ),
    )
    found = changes_of(text)
    assert only(found, "QD707").item == "eigene_raeume_beschreibung"
    assert only(found, "QD711").question == "finanzierungszeitraum"
    assert codes(found) == ["QD711", "QD707"]  # the removed follow-up comes last


def test_limits_on_answers_narrowed_are_breaking() -> None:
    text = edited(
        ("format: email, personal: true", "format: email, personal: true, max_length: 40"),
        (
            "      - id: ansiedlung\n        type: multiple\n",
            "      - id: ansiedlung\n        type: multiple\n        max_choices: 2\n",
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.item or c.question) for c in found] == [
        ("QD710", "breaking", "ansiedlung"),
        ("QD710", "breaking", "kontakt_email"),
    ]


# --------------------------------------------------------------------------- check


def test_a_label_reworded_beyond_wording_is_check() -> None:
    text = edited(("label: Option war nicht bekannt", "label: Option war bekannt"))
    change = only(changes_of(text), "QD720")
    assert (change.kind, change.question, change.item) == (
        "check",
        "gruende_kein_im",
        "nicht_bekannt",
    )
    assert "negation" in change.message
    assert change.location is not None
    assert change.location.line == line_of(text, "label: Option war bekannt")


def test_a_scale_description_with_another_number_is_check() -> None:
    text = edited(("description: 50 % und mehr", "description: 60 % und mehr"))
    change = only(changes_of(text), "QD720")
    assert (change.question, change.item) == ("schwerpunkte", "1")


def test_required_exclusive_and_personal_changes_are_check() -> None:
    text = edited(
        (
            "        required: true\n        text: >-\n          Ist eine Fortsetzung",
            "        text: >-\n          Ist eine Fortsetzung",
        ),
        (
            "input: check, label: Nicht erforderlich, exclusive: true}",
            "input: check, label: Nicht erforderlich}",
        ),
        (
            '{id: kontakt_name, label: "Name:", personal: true}',
            '{id: kontakt_name, label: "Name:"}',
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.item) for c in found] == [
        ("QD723", "check", "aufgaben_zustaendigkeit", "nicht_erforderlich"),
        ("QD721", "check", "fortsetzung_geplant", None),
        ("QD722", "check", "interesse_gespraech", "kontakt_name"),
    ]


# --------------------------------------------------------------------------- routing


def test_moving_a_goto_is_routing_with_old_and_new_reaching_conditions() -> None:
    text = edited(MOVE_GOTO)
    found = changes_of(text)
    assert codes(found) == ["QD732", "QD731", "QD730"]
    assert {c.kind for c in found} == {"routing"}
    goto = found[0]
    assert (goto.question, goto.item, goto.old, goto.new) == (
        "fortsetzung_geplant",
        "nein",
        "gruende_keine_fortsetzung",
        "interesse_gespraech",
    )
    assert goto.location is not None
    assert goto.location.line == line_of(text, "goto: interesse_gespraech}")
    reaching = found[2]
    assert reaching.question == "gruende_keine_fortsetzung"
    assert reaching.old == 'im_eingesetzt == "ja" and fortsetzung_geplant == "nein"'
    assert reaching.new == "false"
    assert 'was when im_eingesetzt == "ja" and fortsetzung_geplant == "nein"' in reaching.message
    paths = found[1]
    assert paths.old == ["1, 7–18, 21, 22"] and paths.new == ["1, 7–18, 22"]


def test_a_new_when_is_routing_and_changes_the_reaching_condition() -> None:
    text = edited(
        (
            "      - id: zusammenarbeit\n        type: text\n",
            "      - id: zusammenarbeit\n        type: text\n"
            '        when: aufgaben_veraendert == "ja"\n',
        ),
    )
    found = changes_of(text)
    assert codes(found) == ["QD733", "QD730", "QD731"]  # all at the new when
    when = found[0]
    assert (when.kind, when.question, when.new) == (
        "routing",
        "zusammenarbeit",
        'aufgaben_veraendert == "ja"',
    )
    assert when.location is not None
    assert when.location.line == line_of(text, 'when: aufgaben_veraendert == "ja"')
    assert found[1].new == 'im_eingesetzt == "ja" and aufgaben_veraendert == "ja"'


def test_a_when_that_changes_no_route_is_wording() -> None:
    # Question 9 is reached only by respondents with im_eingesetzt == "ja" anyway.
    text = edited(
        (
            "      - id: wochenstunden\n        type: number\n",
            "      - id: wochenstunden\n        type: number\n"
            '        when: im_eingesetzt != "nein"\n',
        ),
    )
    change = only(changes_of(text), "QD754")
    assert (change.kind, change.question) == ("wording", "wochenstunden")
    assert "the routing is the same" in change.message


def test_equivalent_reaching_conditions_are_compared_on_their_meaning() -> None:
    when = '        when: gruende_kein_im in ["nicht_bekannt", "nicht_finanziert"]\n'
    question = "      - id: zweckmaessigkeit\n        type: single\n"
    old = edited((question, question + when))
    bekannt = "          - code: nicht_bekannt\n            label: Option war nicht bekannt\n"
    finanziert = (
        "          - code: nicht_finanziert\n"
        "            label: Option wird in unserem Bundesland generell nicht finanziert.\n"
    )
    assert old.count(bekannt + finanziert) == 1
    new = old.replace(bekannt + finanziert, finanziert + bekannt)
    found = changes_of(new, old)
    # The options are in another order, so the reaching condition of question 3 prints
    # its codes in another order; its diagram is the same: no routing change.
    assert codes(found) == ["QD752"], [c.message for c in found]
    before = validate_text(old).instrument
    after = validate_text(new).instrument
    assert before is not None and after is not None
    assert reaching_conditions(before)["zweckmaessigkeit"] == (
        'im_eingesetzt != "ja" and gruende_kein_im in ["nicht_bekannt", "nicht_finanziert"]'
    )
    assert reaching_conditions(after)["zweckmaessigkeit"] == (
        'im_eingesetzt != "ja" and gruende_kein_im in ["nicht_finanziert", "nicht_bekannt"]'
    )


# --------------------------------------------------------------------------- additive


def test_adding_an_option_a_question_and_a_field_is_additive() -> None:
    text = edited(
        (
            "          - {code: kommune, label: Kommune}\n",
            "          - {code: kommune, label: Kommune}\n          - {code: land, label: Land}\n",
        ),
        (
            '          - {code: "3", label: "3."}\n        goto: interesse_gespraech',
            '          - {code: "3", label: "3."}\n          - {code: "4", label: "4."}\n'
            "        goto: interesse_gespraech",
        ),
        (
            "  - id: alle\n    title: Fragen an die Kommunen mit und ohne Integrationsmanagement\n"
            "    questions:\n",
            "  - id: alle\n    title: Fragen an die Kommunen mit und ohne Integrationsmanagement\n"
            "    questions:\n      - {id: dank, type: display, text: Vielen Dank!}\n",
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.item) for c in found] == [
        ("QD741", "additive", "ansiedlung", "land"),
        ("QD744", "additive", "gruende_fortsetzung", "4"),
        ("QD740", "additive", "dank", None),
    ]
    assert found[0].location is not None
    assert found[0].location.line == line_of(text, "{code: land, label: Land}")


# --------------------------------------------------------------------------- wording


def test_rewording_a_label_is_check_however_alike() -> None:
    text = edited(
        (
            "label: Vernetzung der Akteur/-innen im Quartier",
            "label: Vernetzung der Akteurinnen und Akteure im Quartier",
        )
    )
    change = only(changes_of(text), "QD720")
    assert (change.kind, change.question, change.item) == ("check", "schwerpunkte", "vernetzung")
    assert "changed its words" in change.message


def test_a_label_in_other_quotes_dashes_case_and_spacing_is_wording() -> None:
    text = edited(
        (
            "label: Vernetzung der Akteur/-innen im Quartier",
            'label: "  vernetzung der Akteur/\u2013innen im \u201eQuartier\u201c."',
        )
    )
    change = only(changes_of(text), "QD750")
    assert (change.kind, change.question, change.item) == ("wording", "schwerpunkte", "vernetzung")
    assert "case, spacing, punctuation, quotes or dashes only" in change.message


def test_reordering_options_is_wording() -> None:
    text = edited(
        (
            "          - {code: vor, label: Vor der baulichen Maßnahme}\n"
            "          - {code: waehrend, label: Während der baulichen Maßnahme}\n",
            "          - {code: waehrend, label: Während der baulichen Maßnahme}\n"
            "          - {code: vor, label: Vor der baulichen Maßnahme}\n",
        ),
    )
    change = only(changes_of(text), "QD752")
    assert (change.kind, change.question) == ("wording", "umsetzungsphase")


@pytest.mark.parametrize(
    ("old", "new", "reading"),
    [
        ("Nein", "Nein.", "cosmetic"),
        ("Ja, weil :", "JA, weil:", "cosmetic"),
        ("Don't know", "DON\u2019T KNOW", "cosmetic"),
        ("\u201eJa\u201c \u2013 sicher", '"Ja" - sicher', "cosmetic"),
        ("Gr\u00fc\u00dfe", "Gru\u0308\u00dfe", "cosmetic"),  # NFC
        ("50\u00a0%", "50 %", "cosmetic"),  # a non-breaking space is spacing
        ("Wort\u00adtrennung", "Worttrennung", "cosmetic"),  # a soft hyphen is invisible
        ("(optional) Ja", "Ja (optional)", "words"),  # the words moved
        (
            "Information und Öffentlichkeitsarbeit",
            "Information und Öffentlichkeitsarbeit zur Maßnahme",
            "words",
        ),
        ("How satisfied are you?", "How dissatisfied are you?", "words"),
        ("Very satisfied", "Very unsatisfied", "words"),
        ("Satisfied", "Satisfed", "words"),  # a typo fixed is checked too
        ("50 %", "50 \u20ac", "words"),  # symbols are words
        ("E-Mail", "EMail", "words"),  # dashes stay
        ("unter -5 Grad", "unter 5 Grad", "words"),
        ("Staub saugen", "Staubsaugen", "words"),
        ("Maße", "Masse", "words"),  # case, not case folding: ß is not ss
        ("10\u00b2", "102", "number"),  # no compatibility folding
        ("50 % und mehr", "40 % und mehr", "number"),
        ("1.5 Stunden", "15 Stunden", "number"),
        ("1.5 Stunden", "1,5 Stunden", "number"),
        ("Option war nicht bekannt", "Option war bekannt", "negation"),
        ("I do know", "I don't know", "negation"),
        ("I do know", "I don\u2019t know", "negation"),
        ("Ja", "Nein", "words"),
        ("Überwiegend", "Meistens", "words"),
    ],
)
def test_the_wording_heuristic(old: str, new: str, reading: str) -> None:
    assert read(old, new) == reading


def test_instruments_without_files_compare_without_locations() -> None:
    old = validate_text(ORIGINAL).instrument
    new = validate_text(edited(RECODE)).instrument
    assert old is not None and new is not None
    found = compare(old, new)
    assert [(c.code, c.location, c.path) for c in found] == [
        ("QD712", None, ("sections", 0, "questions", 0, "options", 0, "code"))
    ]


def test_compare_refuses_an_invalid_version() -> None:
    invalid = validate_text(ORIGINAL.replace("type: matrix", "type: matrx"))
    with pytest.raises(ValueError, match="not a valid instrument"):
        compare(invalid, validate_text(ORIGINAL))


# --------------------------------------------------------------------------- the command


def test_cli_recode_exits_1_and_names_question_code_and_line(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(RECODE), encoding="utf-8")
    status, out, err = run("diff", old, new)
    assert status == 1
    line = line_of(edited(RECODE), "{code: nicht, label: Nein}")
    assert out.startswith(f"{new}:{line}:20: breaking QD712: question 1 'im_eingesetzt', ")
    assert (
        err == "1 breaking, 0 check, 0 routing, 0 additive, 0 wording in 1 file; "
        "fails (--fail-on breaking)\n"
    )


def test_cli_wording_only_exits_0(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(("{code: nein, label: Nein.}", "{code: nein, label: Nein}")), "utf-8")
    status, out, err = run("diff", old, new)
    assert status == 0
    assert out.count("\n") == 1 and " wording QD750: " in out
    assert err == "0 breaking, 0 check, 0 routing, 0 additive, 1 wording in 1 file\n"


@pytest.mark.parametrize(
    ("fail_on", "status"),
    [("breaking", 0), ("check", 0), ("routing", 1), ("additive", 1), ("wording", 1), ("never", 0)],
)
def test_cli_fail_on_counts_from_the_kind_named(
    pair: tuple[Path, Path], fail_on: str, status: int
) -> None:
    old, new = pair
    new.write_text(edited(MOVE_GOTO), encoding="utf-8")
    assert run("diff", "--fail-on", fail_on, "-q", old, new)[0] == status


def test_cli_json_lists_the_changes_and_the_summary(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(RECODE, MOVE_GOTO), encoding="utf-8")
    status, out, _ = run("diff", "--format", "json", old, new)
    assert status == 1
    document = json.loads(out)
    assert document["summary"] == {
        "files": 1,
        "breaking": 1,
        "check": 0,
        "routing": 3,
        "additive": 0,
        "wording": 0,
        "accepted": 0,
        "stale": 0,
        "fail_on": "breaking",
        "failed": True,
    }
    assert document["stale"] == []
    (entry,) = document["files"]
    assert (entry["old"], entry["new"]) == (str(old), str(new))
    first = entry["changes"][0]
    assert {k: first[k] for k in ("kind", "code", "question", "item", "old", "new", "file")} == {
        "kind": "breaking",
        "code": "QD712",
        "question": "im_eingesetzt",
        "item": "nicht",
        "old": "nein",
        "new": "nicht",
        "file": str(new),
    }
    assert first["line"] == first["old_line"] == 26
    assert first["accepted"] is None
    assert [c["code"] for c in entry["changes"]] == ["QD712", "QD732", "QD731", "QD730"]


def test_cli_github_annotations_point_at_the_changed_lines(pair: tuple[Path, Path]) -> None:
    old, new = pair
    text = edited(RECODE, MOVE_GOTO)
    new.write_text(text, encoding="utf-8")
    status, out, _ = run("diff", "--format", "github", "-q", old, new)
    assert status == 1
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::warning",
        "::warning",
        "::warning",
    ]
    recode = line_of(text, "{code: nicht, label: Nein}")
    goto = line_of(text, "goto: interesse_gespraech}")
    assert lines[0].startswith(f"::error file={new},line={recode},col=20,title=QD712 (breaking)::")
    assert lines[1].startswith(f"::warning file={new},line={goto},col=45,title=QD732 (routing)::")
    status, out, _ = run("diff", "--format", "github", "--fail-on", "routing", "-q", old, new)
    assert [line.split(" ", 1)[0] for line in out.splitlines()] == ["::error"] * 4


def test_cli_github_escapes_properties_and_data(tmp_path: Path) -> None:
    old = tmp_path / "a,b:c.yaml"
    old.write_text(ORIGINAL, encoding="utf-8")
    new = tmp_path / "new%.yaml"
    new.write_text(edited(("label: Option war nicht bekannt", "label: 100 % bekannt")), "utf-8")
    _, out, _ = run("diff", "--format", "github", old, new)
    (line,) = out.splitlines()
    assert f"file={tmp_path}/new%25.yaml".replace(":", "%3A") in line
    assert "title=QD720 (check)::" in line
    assert "'100 %25 bekannt'" in line
    assert "a,b:c.yaml" not in line  # the old file is not named for a kept option


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "one.yaml"], "give two files, OLD and NEW (got 1)"),
        (["diff", "old.yaml", "missing.yaml"], "missing.yaml:1:1: error QD001"),
        (["diff", "old.yaml", "."], "this is a directory"),
        (["diff", "--fail-on", "sometimes", "old.yaml", "old.yaml"], "invalid choice: 'sometimes'"),
    ],
)
def test_cli_usage_errors_exit_2(pair: tuple[Path, Path], argv: list[str], message: str) -> None:
    old, _ = pair
    status, out, err = run(*argv, cwd=old.parent)
    assert status == 2
    assert message in out + err
    assert "Traceback" not in out + err


def test_cli_invalid_new_version_prints_its_diagnostics_and_exits_1(
    pair: tuple[Path, Path],
) -> None:
    old, new = pair
    new.write_text(ORIGINAL.replace("type: matrix", "type: matrx"), encoding="utf-8")
    status, out, err = run("diff", old, new)
    assert status == 1
    assert f"{new}:" in out and "error QD" in out
    assert "only valid instruments can be compared" in err


# --------------------------------------------------------------------------- --base


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=qdef", "-c", "user.email=qdef@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "instruments").mkdir(parents=True)
    (repo / "instruments" / "investitionspakt.yaml").write_text(ORIGINAL, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the instrument")
    return repo


def test_base_head_recode_exits_1_with_old_and_new_positions(repo: Path) -> None:
    file = repo / "instruments" / "investitionspakt.yaml"
    file.write_text(edited(RECODE), encoding="utf-8")
    status, out, _ = run(
        "diff", "--base", "HEAD", "--format", "json", "instruments/investitionspakt.yaml", cwd=repo
    )
    assert status == 1
    (entry,) = json.loads(out)["files"]
    assert entry["old"] == "HEAD:instruments/investitionspakt.yaml"
    (change,) = entry["changes"]
    assert (change["code"], change["file"], change["line"]) == (
        "QD712",
        "instruments/investitionspakt.yaml",
        26,
    )
    assert (change["old_file"], change["old_line"]) == (
        "HEAD:instruments/investitionspakt.yaml",
        26,
    )
    assert file.read_text(encoding="utf-8") == edited(RECODE)  # the working tree is untouched


def test_base_head_from_another_directory_and_unchanged_file_exits_0(repo: Path) -> None:
    status, out, err = run("diff", "--base", "HEAD", repo / "instruments" / "investitionspakt.yaml")
    assert (status, out) == (0, "")
    assert err == "0 breaking, 0 check, 0 routing, 0 additive, 0 wording in 1 file\n"


def test_base_file_new_since_ref_is_all_additive(repo: Path) -> None:
    (repo / "instruments" / "neu.yaml").write_text(ORIGINAL, encoding="utf-8")
    status, out, _ = run(
        "diff", "--base", "HEAD", "--format", "json", "instruments/neu.yaml", cwd=repo
    )
    assert status == 0
    (entry,) = json.loads(out)["files"]
    assert entry["old"] is None
    assert {c["code"] for c in entry["changes"]} == {"QD740"}
    assert len(entry["changes"]) == len(re.findall(r"^      - id: ", ORIGINAL, re.M))


@pytest.mark.parametrize(
    ("ref", "message"),
    [("no-such-branch", "unknown git ref 'no-such-branch'"), ("--all", "is not a git ref")],
)
def test_base_unknown_ref_is_a_usage_error(repo: Path, ref: str, message: str) -> None:
    status, out, err = run("diff", f"--base={ref}", "instruments/investitionspakt.yaml", cwd=repo)
    assert (status, out) == (2, "")
    assert message in err


def test_base_outside_a_git_repository_is_a_usage_error(pair: tuple[Path, Path]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    old, _ = pair
    status, _, err = run("diff", "--base", "HEAD", old)
    assert status == 2
    assert "is not inside a git repository" in err


# --------------------------------------------------------------------------- the docs


CONSOLE = re.compile(r"^```console\n(.*?)^```\n", re.S | re.M)


def _doc_examples() -> list[tuple[str, list[str], str, int | None]]:
    found: list[tuple[str, list[str], str, int | None]] = []
    for page in ("diff.md", "cli.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for block in CONSOLE.finditer(text):
            line = text[: block.start()].count("\n") + 2
            commands = re.split(r"^\$ ", block.group(1), flags=re.M)[1:]
            for i, chunk in enumerate(commands):
                command, _, output = chunk.partition("\n")
                if not command.startswith("qdef diff"):
                    continue
                status = None
                if i + 1 < len(commands) and commands[i + 1].startswith("echo $?"):
                    status = int(commands[i + 1].split("\n")[1])
                found.append((f"{page}:{line}", shlex.split(command)[1:], output, status))
    return found


DOC_EXAMPLES = _doc_examples()


def test_the_docs_show_diff_examples() -> None:
    assert len(DOC_EXAMPLES) >= 4


@pytest.mark.parametrize(
    ("where", "argv", "expected", "status"),
    DOC_EXAMPLES,
    ids=[e[0] + " " + " ".join(e[1]) for e in DOC_EXAMPLES],
)
def test_diff_examples_in_the_docs_are_true(
    tmp_path: Path, where: str, argv: list[str], expected: str, status: int | None
) -> None:
    """Run in a directory holding the instrument, ``investitionspakt-2023.yaml`` (question
    18's "Nein" jumps to 22), ``investitionspakt-recoded.yaml`` (question 1's "Nein"
    coded ``nicht``) and ``investitionspakt-2024.yaml`` (question 3 asks the other way
    round), also in ``reviewed/`` with a ``.qdef-accept.yaml`` accepting that; stdout and
    stderr together must be the lines shown."""
    from qdef.diff.accept import fingerprint  # noqa: PLC0415

    (tmp_path / "instruments" / "reviewed").mkdir(parents=True)
    for name, text in (
        ("investitionspakt.yaml", ORIGINAL),
        ("investitionspakt-2023.yaml", edited(MOVE_GOTO)),
        ("investitionspakt-recoded.yaml", edited(RECODE)),
        ("investitionspakt-2024.yaml", edited(REVERSE)),
        ("reviewed/investitionspakt-2024.yaml", edited(REVERSE)),
    ):
        (tmp_path / "instruments" / name).write_text(text, encoding="utf-8")
    question = "Halten Sie den Einsatz eines Integrationsmanagements generell für {}?"
    (tmp_path / "instruments" / "reviewed" / ".qdef-accept.yaml").write_text(
        "# reviewed: asked the other way round on purpose\n"
        '- instrument: "investitionspakt-im"\n'
        "  code: QD720\n"
        '  question: "zweckmaessigkeit"\n'
        f'  old: "{fingerprint(question.format("zweckmäßig"))}"\n'
        f'  new: "{fingerprint(question.format("unzweckmäßig"))}"\n',
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    with contextlib.chdir(tmp_path):
        code = main(argv, out=out, err=err)
    assert out.getvalue() + err.getvalue() == expected, where
    if status is not None:
        assert code == status, where


def test_grid_and_matrix_columns_follow_ups_formats_and_date_bounds() -> None:
    text = edited(
        (
            "{code: erfolgt_durch, input: text, label: Erfolgt durch (bitte nennen)}",
            "{code: erfolgt_durch, input: number, label: Erfolgt durch (bitte nennen)}",
        ),
        ('          - {code: "4", label: eher nicht, description: unter 10 %}\n', ""),
        (
            "              - {id: ansiedlung_sonstiges, suffix: (bitte nennen)}\n",
            "              - {id: ansiedlung_sonstiges, suffix: (bitte nennen)}\n"
            "              - {id: ansiedlung_seit, type: date, precision: year}\n",
        ),
        ("format: phone, personal: true", "personal: true"),
        (
            "        precision: month\n        from_label: Von",
            "        precision: month\n        min: 2019-01\n        from_label: Von",
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.item) for c in found] == [
        ("QD708", "breaking", "aufgaben_zustaendigkeit", "erfolgt_durch"),
        ("QD745", "additive", "ansiedlung", "ansiedlung_seit"),
        ("QD710", "breaking", "finanzierungszeitraum", None),
        ("QD746", "additive", "interesse_gespraech", "kontakt_telefon"),
        ("QD705", "breaking", "schwerpunkte", "4"),  # removed: last
    ]
    lines = [c.location.line for c in found if c.location is not None]
    assert lines[:4] == [
        line_of(text, "{code: erfolgt_durch, input: number"),
        line_of(text, "{id: ansiedlung_seit"),
        line_of(text, "min: 2019-01"),
        line_of(text, "{id: kontakt_telefon"),
    ]
    assert "now has an earliest allowed date, '2019-01'" in found[2].message


# --------------------------------------------------------------------- one code each


def line_after(text: str, needle: str, after: str) -> int:
    """The 1-based line of the first ``needle`` after the one occurrence of ``after``."""
    assert text.count(after) == 1, after
    return text[: text.index(needle, text.index(after))].count("\n") + 1


def test_a_question_turned_into_a_display_text_is_breaking_and_back_is_additive() -> None:
    question = "      - id: rueckblick\n        type: text\n        long: true\n        lines: 3\n"
    display = "      - id: rueckblick\n        type: display\n"
    text = edited((question, display))
    (change,) = changes_of(text)
    assert (change.code, change.kind, change.question, change.old, change.new) == (
        "QD702",
        "breaking",
        "rueckblick",
        "text",
        "display",
    )
    assert change.location is not None
    assert change.location.line == line_of(text, "type: display")
    # named as the question it was, and told what became of its data
    assert change.message.startswith("question 5 'rueckblick': now a display text (was a text")
    assert "no longer collects answers" in change.message
    (back,) = changes_of(ORIGINAL, text)
    assert (back.code, back.kind, back.question, back.old, back.new) == (
        "QD740",
        "additive",
        "rueckblick",
        "display",
        "text",
    )
    assert back.location is not None
    assert back.location.line == line_of(ORIGINAL, "id: rueckblick") + 1


def test_removing_a_text_list_field_is_breaking_at_the_fields_key() -> None:
    third = '          - {code: "3", label: "3."}\n\n      - id: erwartungen_erfuellt'
    text = edited((third, "\n      - id: erwartungen_erfuellt"))
    (change,) = changes_of(text)
    assert (change.code, change.kind, change.question, change.item) == (
        "QD706",
        "breaking",
        "erwartungen",
        "3",
    )
    assert change.removed
    assert change.location is not None and change.old_location is not None
    assert change.location.line == line_after(text, "fields:", "id: erwartungen\n")
    assert change.old_location.line == line_of(ORIGINAL, third)
    assert "answers already collected as '3' have no counterpart" in change.message


def test_adding_rows_and_columns_to_a_grid_and_a_matrix_is_additive() -> None:
    text = edited(
        (
            "exclusive: true}\n        rows:\n",
            "exclusive: true}\n"
            "          - {code: stunden, input: number, label: Stunden pro Monat}\n"
            "        rows:\n",
        ),
        (
            '          - code: sonstiges\n            label: "Sonstiges (bitte nennen):"\n',
            "          - code: quartiersfonds\n            label: Verwaltung des Quartiersfonds\n"
            '          - code: sonstiges\n            label: "Sonstiges (bitte nennen):"\n',
        ),
        (
            '{code: "4", label: eher nicht, description: unter 10 %}\n',
            '{code: "4", label: eher nicht, description: unter 10 %}\n'
            '          - {code: "5", label: gar nicht, description: 0 %}\n',
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.item) for c in found] == [
        ("QD743", "additive", "aufgaben_zustaendigkeit", "stunden"),
        ("QD742", "additive", "aufgaben_zustaendigkeit", "quartiersfonds"),
        ("QD743", "additive", "schwerpunkte", "5"),
    ]
    assert [c.location.line for c in found if c.location is not None] == [
        line_of(text, "{code: stunden,"),
        line_of(text, "code: quartiersfonds"),
        line_of(text, '{code: "5", label: gar nicht'),
    ]
    assert found[1].message == "question 4 'aufgaben_zustaendigkeit', row 'quartiersfonds': added"


def test_a_changed_instrument_id_or_language_is_check() -> None:
    text = edited(("id: investitionspakt-im\n", "id: investitionspakt-im-2023\n"))
    text = text.replace("language: de\n", "language: de-DE\n", 1)
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.old, c.new) for c in found] == [
        ("QD724", "check", None, "investitionspakt-im", "investitionspakt-im-2023"),
        ("QD724", "check", None, "de", "de-DE"),
    ]
    assert [c.location.line for c in found if c.location is not None] == [3, 6]
    assert [c.old_location.line for c in found if c.old_location is not None] == [3, 6]
    assert found[0].message.startswith("the instrument: its id is now 'investitionspakt-im-2023'")
    assert "check that they are meant to be merged" in found[0].message


def test_a_changed_or_removed_version_string_is_wording() -> None:
    text = edited(('version: "2022"', 'version: "2023"'))
    (change,) = changes_of(text)
    assert (change.code, change.kind, change.old, change.new) == (
        "QD755",
        "wording",
        "2022",
        "2023",
    )
    assert change.location is not None and change.location.line == 4
    (removed,) = changes_of(edited(('version: "2022"\n', "")))
    assert (removed.code, removed.old, removed.new) == ("QD755", "2022", None)
    # no version key left to point at: the instrument's id, not the file's first line
    assert removed.location is not None and removed.location.line == 3


def test_widget_lines_and_an_explicit_number_are_presentation() -> None:
    text = edited(
        (
            "      - id: rueckblick\n        type: text\n        long: true\n        lines: 3\n",
            "      - id: rueckblick\n        type: text\n        long: true\n        lines: 5\n",
        ),
        (
            "      - id: qualifikation\n        type: text\n",
            '      - id: qualifikation\n        type: text\n        number: "12a"\n',
        ),
        (
            "      - id: fortsetzung_geplant\n        type: single\n",
            "      - id: fortsetzung_geplant\n        type: single\n        widget: dropdown\n",
        ),
    )
    found = changes_of(text)
    assert [(c.code, c.kind, c.question, c.old, c.new) for c in found] == [
        ("QD751", "wording", "rueckblick", 3, 5),
        ("QD751", "wording", "qualifikation", None, "12a"),
        ("QD751", "wording", "fortsetzung_geplant", "radio", "dropdown"),
    ]
    assert [c.location.line for c in found if c.location is not None] == [
        line_after(text, "lines: 5", "id: rueckblick"),
        line_of(text, 'number: "12a"'),
        line_of(text, "widget: dropdown"),
    ]


def test_removing_a_display_text_is_wording_located_at_the_next_question() -> None:
    head = (
        "  - id: alle\n    title: Fragen an die Kommunen mit und ohne Integrationsmanagement\n"
        "    questions:\n"
    )
    old = edited((head, head + "      - {id: dank, type: display, text: Vielen Dank!}\n"))
    (change,) = changes_of(ORIGINAL, old)
    assert (change.code, change.kind, change.question) == ("QD753", "wording", "dank")
    assert change.removed
    assert change.location is not None and change.old_location is not None
    assert change.location.line == line_of(ORIGINAL, "id: interesse_gespraech")
    assert change.old_location.line == line_of(old, "id: dank")
    assert change.message == "display text 'dank': removed; it had no answers"


TRANSLATED = """\
qdef: 1
id: klein
title: {de: Kleine Befragung, en: Small survey}
language: de
translations: [en]
sections:
  - id: s
    questions:
      - id: gefallen
        type: single
        text: {de: "Gefällt es Ihnen?", en: "Do you like it?"}
        options:
          - {code: ja, label: {de: Ja, en: "Yes"}}
          - {code: nein, label: {de: Nein, en: "No"}}
"""
UNTRANSLATED = """\
qdef: 1
id: klein
title: Kleine Befragung
language: de
sections:
  - id: s
    questions:
      - id: gefallen
        type: single
        text: Gefällt es Ihnen?
        options:
          - {code: ja, label: Ja}
          - {code: nein, label: Nein}
"""


def test_a_translation_removed_is_check_and_added_is_additive() -> None:
    removed = changes_of(UNTRANSLATED, TRANSLATED)
    assert [(c.code, c.kind, c.question, c.item) for c in removed] == [
        ("QD750", "wording", None, None),  # title
        ("QD725", "check", None, None),
        ("QD750", "wording", "gefallen", None),
        ("QD750", "wording", "gefallen", "ja"),
        ("QD750", "wording", "gefallen", "nein"),
    ]
    translation = removed[1]
    assert (translation.old, translation.new) == ("en", None)
    # no translations left: located at the language
    assert translation.location is not None and translation.location.line == 4
    assert translation.old_location is not None and translation.old_location.line == 5
    assert removed[0].message == (
        "the instrument: the title is now given in de (was de, en); it is the same in the "
        "languages both versions have"
    )
    added = changes_of(TRANSLATED, UNTRANSLATED)
    assert [(c.code, c.kind) for c in added] == [
        ("QD750", "wording"),
        ("QD747", "additive"),
        ("QD750", "wording"),
        ("QD750", "wording"),
        ("QD750", "wording"),
    ]
    assert (added[1].old, added[1].new) == (None, "en")
    assert added[1].location is not None
    assert (added[1].location.line, added[1].location.column) == (5, 16)
    assert "is now given in de, en (was de)" in added[2].message


def test_a_translation_reworded_in_one_language_is_read_in_that_language() -> None:
    text = TRANSLATED.replace('"Do you like it?"', '"Do you not like it?"')
    (change,) = changes_of(text, TRANSLATED)
    assert (change.code, change.question) == ("QD720", "gefallen")
    assert "negation" in change.message


def test_routing_too_entangled_to_analyse_is_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from qdef.routing import analysis  # noqa: PLC0415

    text = edited(MOVE_GOTO)
    monkeypatch.setattr(
        analysis, "analyse_plan", lambda plan, **_: analysis.Analysis(plan, max_nodes=4)
    )
    old = validate_text(ORIGINAL, Path("old.yaml"))
    new = validate_text(text, Path("new.yaml"))
    found = compare(old, new)
    assert [(c.code, c.kind) for c in found] == [("QD734", "check"), ("QD732", "routing")]
    assert found[0].location is not None
    assert found[0].location.line == line_of(text, "sections:")
    assert "check the routing by hand" in found[0].message
    # the goto edit cannot be settled either way: it stays a routing change
    assert found[1].question == "fortsetzung_geplant"


# --------------------------------------------------------------------- bad input


def test_cli_bad_input_never_raises(pair: tuple[Path, Path]) -> None:
    old, new = pair
    junk = old.parent / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    broken = old.parent / "broken.yaml"
    broken.write_text("qdef: 1\nid: [unclosed\n", encoding="utf-8")
    new.write_text(ORIGINAL, encoding="utf-8")
    for argv, status, says in (
        (("diff", old.parent / "missing.yaml", new), 2, "error QD001"),
        (("diff", old, old.parent), 2, "this is a directory"),
        (("diff", junk, new), 1, "only valid instruments can be compared"),
        (("diff", old, junk), 1, "only valid instruments can be compared"),
        (("diff", broken, new), 1, "error QD101"),
        (("diff", old, broken), 1, "error QD101"),
        (("diff", "--format", "json", broken, new), 1, '"code": "QD1'),
    ):
        code, out, err = run(*argv)
        assert code == status, argv
        assert says in out + err, argv
        assert "Traceback" not in out + err, argv


def test_base_whose_version_in_the_ref_is_invalid_names_it(repo: Path) -> None:
    file = repo / "instruments" / "investitionspakt.yaml"
    file.write_text(ORIGINAL.replace("type: matrix", "type: matrx"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    file.write_text(ORIGINAL, encoding="utf-8")
    status, out, err = run("diff", "--base", "HEAD", "instruments/investitionspakt.yaml", cwd=repo)
    assert status == 1
    assert out.startswith("HEAD:instruments/investitionspakt.yaml:")
    assert "only valid instruments can be compared" in err


def test_base_where_the_path_is_a_folder_in_the_ref_is_a_usage_error(repo: Path) -> None:
    folder = repo / "instruments" / "neu.yaml"
    folder.mkdir()
    (folder / "a.yaml").write_text(ORIGINAL, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a folder")
    shutil.rmtree(folder)
    folder.write_text(ORIGINAL, encoding="utf-8")
    status, out, err = run("diff", "--base", "HEAD", "instruments/neu.yaml", cwd=repo)
    assert (status, out) == (2, "")
    assert "HEAD:instruments/neu.yaml is not a file in HEAD" in err


def test_base_passes_on_what_git_says_when_it_refuses_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qdef.diff import git as base  # noqa: PLC0415

    refusal = b"fatal: detected dubious ownership in repository at '/x'\n"

    def refusing_git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(["git", *args], 128, b"", refusal)

    monkeypatch.setattr(base, "_git", refusing_git)
    status, _, err = run("diff", "--base", "HEAD", "instruments/investitionspakt.yaml", cwd=repo)
    assert status == 2
    assert "git cannot read the repository of instruments/investitionspakt.yaml: fatal: " in err
    assert "dubious ownership" in err
    assert "not inside a git repository" not in err


def test_the_output_is_the_same_on_every_run(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edited(RECODE, MOVE_GOTO), encoding="utf-8")
    for form in ("text", "json", "github"):
        runs = [run("diff", "--format", form, old, new) for _ in range(2)]
        assert runs[0] == runs[1], form
