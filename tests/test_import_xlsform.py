"""qdef.importing.xlsform: XLSForms written by the tests, imported, checked key by
key, and validated by qdef; losses located; hostile files refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qdef import validate
from qdef.cli import main
from qdef.importing import ImportRefused
from qdef.importing.xlsform import read, reading
from tests.xlsform_files import errors_of, xlsform

YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def _questions(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for s in document["sections"] for q in s["questions"]}


def _import(tmp_path: Path, survey: Any, choices: Any = None, settings: Any = None) -> Any:
    result = read(xlsform(tmp_path / "form.xlsx", survey, choices, settings))
    assert errors_of(result.document, tmp_path) == []
    return result


def test_types_and_key_order(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "hint", "required"],
            ["text", "name", "Your name?", "Given name", "yes"],
            ["integer", "age", "Your age?", None, None],
            ["decimal", "height", "Height?"],
            ["select_one yn", "smoker", "Do you smoke?"],
            ["select_multiple yn", "both", "Pick"],
            ["date", "born", "Born?"],
            ["note", "thanks", "Thank you, ${name}"],
            ["calculate", "double", None, None, None],
        ],
        YES_NO,
        [
            ["form_title", "form_id", "version", "default_language"],
            ["Test", "test_form", "3", "English (en)"],
        ],
    )
    doc = result.document
    assert list(doc)[:5] == ["qdef", "id", "version", "title", "language"]
    assert (doc["id"], doc["title"], doc["language"], doc["version"]) == (
        "test_form",
        "Test",
        "en",
        "3",
    )
    q = _questions(doc)
    assert q["name"] == {
        "id": "name",
        "type": "text",
        "text": "Your name?",
        "hint": "Given name",
        "required": True,
    }
    assert list(q["name"])[:2] == ["id", "type"]
    assert q["age"]["type"] == "number" and "kind" not in q["age"]
    assert q["height"]["kind"] == "decimal"
    assert q["smoker"]["options"] == [
        {"code": "yes", "label": "Yes"},
        {"code": "no", "label": "No"},
    ]
    assert q["both"]["type"] == "multiple"
    assert q["born"]["type"] == "date"
    assert q["thanks"] == {"id": "thanks", "type": "display", "text": "Thank you, {name|}"}
    # the calculate without a calculation is left out, located, with no place in the instrument
    assert "double" not in q
    [origin] = [o for o in result.origins if o.code == "double"]
    assert origin.at is None and origin.where == "survey sheet, row 9"
    assert result.counts() == {"faithful": 7, "approximated": 0, "left out": 1}
    assert result.notes[("sections", 0, "questions", 0)] == ["XLSForm survey row 2: text"]


def test_translations(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            [
                "type",
                "name",
                "label::English (en)",
                "label::Deutsch (de)",
                "constraint",
                "constraint_message::English (en)",
                "constraint_message::Deutsch (de)",
            ],
            ["integer", "age", "Age?", "Alter?", ". < 150", "Too old", "Zu alt"],
            ["select_one yn", "ok", "OK?", "OK?"],
        ],
        [
            ["list_name", "name", "label::English (en)", "label::Deutsch (de)"],
            ["yn", "yes", "Yes", "Ja"],
            ["yn", "no", "No", None],
        ],
        [["default_language"], ["Deutsch (de)"]],
    )
    doc = result.document
    assert doc["language"] == "de" and doc["translations"] == ["en"]
    q = _questions(doc)
    assert q["age"]["text"] == {"de": "Alter?", "en": "Age?"}
    assert q["age"]["rules"] == [
        {"check": "age < 150", "message": {"de": "Zu alt", "en": "Too old"}}
    ]
    assert q["ok"]["options"][1]["label"] == {"de": "No", "en": "No"}
    [loss] = [loss for loss in result.losses if "without a translation" in loss.what]
    assert loss.kind == "approximated" and "into de" in loss.what


def test_groups_sections_and_nested_relevance(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "relevant", "appearance"],
            ["select_one yn", "adult", "Adult?"],
            ["begin group", "work", "Work", "${adult} = 'yes'", "field-list"],
            ["text", "job", "Job?"],
            ["begin group", "details", "Details", "${job} != ''"],
            ["integer", "hours", "Hours?", "${adult} != 'no'"],
            ["end group"],
            ["end group"],
            ["text", "last", "Last"],
        ],
        YES_NO,
    )
    sections = result.document["sections"]
    assert [s["id"] for s in sections] == ["section_1", "work", "section_3"]
    work = sections[1]
    assert work["title"] == "Work" and work["when"] == 'adult == "yes"'
    _job, details, hours = work["questions"]
    assert details == {
        "id": "details",
        "type": "display",
        "text": "Details",
        "when": "answered(job)",
    }
    assert hours["when"] == '(answered(job)) and (adult != "no")'
    [nested] = [loss for loss in result.losses if loss.what == "the group 'details'"]
    assert nested.where == "survey sheet, row 5" and nested.at == ("sections", 1, "questions", 1)
    assert result.faithful is True or all(loss.question is None for loss in result.losses)


@pytest.mark.parametrize(
    ("constraint", "maximum", "lost"), [(". >= 0 and . < 9", 8, False), (None, 20, True)]
)
def test_repeat_with_count_is_a_roster(
    tmp_path: Path, constraint: str | None, maximum: int, lost: bool
) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "repeat_count", "constraint"],
            ["integer", "members", "How many?", None, constraint],
            ["begin repeat", "person", "Person", "${members}"],
            ["text", "pname", "Name?"],
            ["integer", "page", "Age?"],
            ["end repeat"],
            ["integer", "total", "Total age"],
        ],
    )
    sections = result.document["sections"]
    roster = sections[1]
    assert roster["id"] == "person"
    assert roster["repeat"] == {"times": "members", "max": maximum, "item": "person_number"}
    assert _questions(result.document)["members"]["max"] == maximum
    losses = [loss for loss in result.losses if loss.question == "members"]
    assert [loss.where for loss in losses] == (
        ["survey sheet, row 3, column repeat_count"] if lost else []
    )


@pytest.mark.parametrize(
    ("kind", "constraint", "bounds"),
    [
        ("integer", ". >= 0 and . <= 120", {"min": 0, "max": 120}),
        ("integer", ". < 10", {"max": 9}),
        ("integer", "-5 < .", {"min": -4}),
        ("decimal", ". > 10.51 and . <= 18.39", {}),
        ("decimal", ". >= 0.5", {"min": 0.5}),
        ("integer", ". > 2 or . < 0", {}),
        ("integer", ". > ${other}", {}),
    ],
)
def test_a_constraint_that_bounds_a_number_gives_min_and_max(
    tmp_path: Path, kind: str, constraint: str, bounds: dict[str, float]
) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "constraint"],
            ["integer", "other", "Other"],
            [kind, "n", "N?", constraint],
        ],
    )
    n = _questions(result.document)["n"]
    assert {key: n[key] for key in ("min", "max") if key in n} == bounds
    assert "rules" in n  # the rule stays, with its message
    assert list(n).index("text") < list(n).index("rules")


def test_expressions_keep_xpath_semantics(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["text", "a", "A"],
            ["text", "b", "B"],
            ["select_multiple yn", "m", "M"],
            ["note", "n1", "empty", "${a} = ''"],
            ["note", "n2", "same", "${a} = ${b}"],
            ["note", "n3", "differ", "${a} != ${b}"],
            ["note", "n4", "both", "selected(${m}, 'yes') and count-selected(${m}) = 2"],
            ["note", "n5", "len", "string-length(${a}) > 3 or not(${b} = 'x')"],
        ],
        YES_NO,
    )
    q = _questions(result.document)
    assert q["n1"]["when"] == "not answered(a)"
    assert q["n2"]["when"] == "a == b or (not answered(a) and not answered(b))"
    assert q["n3"]["when"] == "a != b and (answered(a) or answered(b))"
    assert q["n4"]["when"] == '(m has "yes") and (selected_count(m) == 2)'
    assert q["n5"]["when"] == '(len(a) > 3) or (not (b == "x"))'
    assert [loss for loss in result.losses if loss.question is not None] == []


def test_untranslatable_expression_is_a_located_loss(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["date", "d", "D"],
            ["text", "t", "T", "${d} > today()"],
        ],
    )
    assert "when" not in _questions(result.document)["t"]
    [loss] = [loss for loss in result.losses if loss.question is not None]
    assert loss.where == "survey sheet, row 3, column relevant"
    assert loss.kind == "left out" and "today()" in loss.why
    assert loss.question == "t" and loss.at == ("sections", 0, "questions", 1)


def test_choice_filter_and_invalid_names(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "choice_filter"],
            ["select_one states", "state", "State"],
            ["select_one counties", "my-county", "County", "${state}=cf"],
        ],
        [
            ["list_name", "name", "label", "cf"],
            ["states", "tx", "Texas"],
            ["states", "wa", "Washington"],
            ["counties", "king", "King", "wa"],
            ["counties", "king", "King", "tx"],
            ["counties", "pierce co", "Pierce", "wa"],
        ],
    )
    county = _questions(result.document)["my_county"]
    assert county["options"] == [
        {"code": "king", "label": "King", "when": '(state == "wa") or (state == "tx")'},
        {"code": "pierce_co", "label": "Pierce", "when": 'state == "wa"'},
    ]
    losses = [loss for loss in result.losses if loss.question is not None]
    wheres = sorted(loss.where for loss in losses)
    assert wheres == [
        "choices sheet, row 6",
        "survey sheet, row 3, column choice_filter",
        "survey sheet, row 3, column name",
    ]
    assert {loss.question for loss in losses} == {"my-county"}
    [language] = [loss for loss in result.losses if loss.question is None]
    assert language.where == "settings sheet" and "English (en)" in language.why


def test_left_out_types_and_or_other(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "appearance"],
            ["geopoint", "where", "Where?"],
            ["select_one yn or_other", "pick", "Pick", "minimal"],
            ["start", "start"],
        ],
        YES_NO,
    )
    pick = _questions(result.document)["pick"]
    assert pick["widget"] == "dropdown"
    assert pick["options"][-1] == {
        "code": "other",
        "label": "Other",
        "specify": [{"id": "pick_other"}],
    }
    assert result.counts() == {"faithful": 1, "approximated": 0, "left out": 2}
    # a question left out: its loss stands at the section it would have been in
    [where] = [loss for loss in result.losses if loss.question == "where"]
    assert where.at == ("sections", 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"type,name,label\ntext,a,A\n", "is not a spreadsheet"),
        (b"PK\x03\x04 broken", "not a readable .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken", "not a readable .xls"),
    ],
)
def test_not_a_spreadsheet_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message) as refused:
        read(path)
    assert str(path) in str(refused.value)


def test_missing_survey_sheet_is_refused(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active.title = "questions"
    workbook.save(tmp_path / "f.xlsx")
    with pytest.raises(ImportRefused, match="no sheet named 'survey'"):
        read(tmp_path / "f.xlsx")


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    ratio = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(ratio, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(ImportRefused, match="zip bomb"):
        read(ratio)
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(reading.MAX_MEMBERS + 1):
            archive.writestr(f"part{index}", b"")
    with pytest.raises(ImportRefused, match="parts"):
        read(many)


def test_an_archive_that_unpacks_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 1000)
    path = xlsform(tmp_path / "f.xlsx", [["type", "name", "label"], ["text", "a", "A"]])
    with pytest.raises(ImportRefused, match=r"unpacks to \d+ bytes, more than 1000"):
        read(path)


def test_huge_sheet_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    path = xlsform(
        tmp_path / "big.xlsx",
        [["type", "name", "label"]] + [["text", f"q{i}", "Q"] for i in range(60)],
    )
    with pytest.raises(ImportRefused, match="rows"):
        read(path)


def test_large_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    path = xlsform(tmp_path / "f.xlsx", [["type", "name", "label"], ["text", "a", "A"]])
    with pytest.raises(ImportRefused, match="bytes"):
        read(path)


def test_loop_over_a_list_is_asked_once_per_choice(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label"],
            ["begin loop over rooms", "per_room", "Rooms"],
            ["integer", "windows", "How many windows has the %(label)s?"],
            ["end loop"],
        ],
        [
            ["list_name", "name", "label"],
            ["rooms", "kitchen", "kitchen"],
            ["rooms", "bath", "bathroom"],
        ],
    )
    q = _questions(result.document)
    assert q["windows_kitchen"]["text"] == "How many windows has the kitchen?"
    assert q["windows_bath"]["text"] == "How many windows has the bathroom?"
    assert q["per_room_kitchen"] == {"id": "per_room_kitchen", "type": "display", "text": "kitchen"}
    assert result.counts() == {"faithful": 0, "approximated": 2, "left out": 0}
    assert {loss.where for loss in result.losses if loss.question} == {"survey sheet, row 3"}


def test_hidden_with_translations_and_section_notes(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label::English (en)", "label::Français (fr)", "default"],
            ["hidden", "region", "Region {code}", "Région", "north"],
            ["begin group", "g", "Group", "Groupe"],
            ["text", "a", "A?", "A ?"],
            ["end group"],
        ],
    )
    doc = result.document
    assert doc["hidden"] == [
        {
            "id": "region",
            "type": "text",
            "label": {"en": "Region {code}", "fr": "Région"},
            "default": "north",
        }
    ]
    assert doc["sections"][0]["title"] == {"en": "Group", "fr": "Groupe"}
    assert result.notes[("sections", 0)] == ["XLSForm survey row 3: begin group"]
    assert result.faithful


def test_qdef_import_writes_a_valid_instrument_and_exits_by_its_losses(tmp_path: Path) -> None:
    faithful = xlsform(
        tmp_path / "ok.xlsx", [["type", "name", "label::English (en)"], ["text", "a", "A?"]]
    )
    out, err = io.StringIO(), io.StringIO()
    assert main(["import", str(faithful), "-o", str(tmp_path / "ok.yaml")], out, err) == 0
    assert [d for d in validate(tmp_path / "ok.yaml") if d.severity == "error"] == []
    lossy = xlsform(
        tmp_path / "lossy.xlsx",
        [["type", "name", "label"], ["geopoint", "g", "Where?"], ["text", "a", "A?"]],
    )
    err = io.StringIO()
    assert main(["import", str(lossy), "-o", str(tmp_path / "lossy.yaml")], io.StringIO(), err) == 1
    assert "survey sheet, row 2: left out: the question (type 'geopoint')" in err.getvalue()
    text = (tmp_path / "lossy.yaml").read_text(encoding="utf-8")
    assert "# XLSForm survey row 3: text" in text
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    err = io.StringIO()
    assert main(["import", str(broken)], io.StringIO(), err) == 2
    assert "is not a spreadsheet" in err.getvalue()


def test_rank_range_acknowledge_and_time(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "parameters", "default"],
            ["rank yn", "prio", "Order them"],
            ["range", "score", "Score", "start=0 end=10 step=2"],
            ["acknowledge", "ok", "Understood?"],
            ["time", "at", "When?", None, "09:30"],
        ],
        YES_NO,
    )
    q = _questions(result.document)
    assert q["prio"]["type"] == "ranking"
    assert [o["code"] for o in q["prio"]["options"]] == ["yes", "no"]
    assert {k: q["score"][k] for k in ("min", "max", "step", "widget")} == {
        "min": 0,
        "max": 10,
        "step": 2,
        "widget": "slider",
    }
    assert q["ok"]["options"] == [{"code": "OK", "label": "OK"}]
    assert q["at"]["type"] == "text" and q["at"]["default"] == "09:30"
    assert result.counts() == {"faithful": 2, "approximated": 2, "left out": 0}


@pytest.mark.parametrize(
    ("choice_filter", "expected"),
    [
        ("selected(${have}, name)", {"chosen_in": "have"}),
        ("not(selected(${have}, name))", {"not_chosen_in": "have"}),
    ],
)
def test_a_filter_by_an_earlier_multiple_choice_is_qdef_s_filter(
    tmp_path: Path, choice_filter: str, expected: dict[str, str]
) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "choice_filter"],
            ["select_multiple abc", "have", "Which do you have?"],
            ["select_one abc", "best", "Which is best?", choice_filter],
        ],
        [["list_name", "name", "label"], ["abc", "a", "A"], ["abc", "b", "B"], ["abc", "c", "C"]],
    )
    best = _questions(result.document)["best"]
    assert best["filter"] == expected
    assert all("when" not in option for option in best["options"])


def test_position_in_a_counted_repeat_is_the_item(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "repeat_count", "relevant"],
            ["begin repeat", "child", "Child", "3"],
            ["integer", "age", "Age?", None, "position(..) > 1"],
            ["end repeat"],
        ],
    )
    assert _questions(result.document)["age"]["when"] == "child_number > 1"
    assert result.document["sections"][0]["repeat"] == {
        "times": "child_times",
        "max": 3,
        "item": "child_number",
    }


def test_what_qdef_refuses_is_taken_out_with_its_message(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        [
            ["type", "name", "label", "relevant"],
            ["text", "a", "A ${b}?", "${b} = 'x'"],
            ["text", "b", "B?"],
        ],
    )
    a = _questions(result.document)["a"]
    assert "when" not in a
    assert a["text"] == "A ${{b}}?"  # the inserted value written as it stood
    losses = {loss.what: loss for loss in result.losses if loss.question == "a"}
    assert losses["the relevance"].kind == "left out"
    assert losses["the relevance"].where == "survey sheet, row 2, column relevant"
    assert "qdef refuses it: QD503" in losses["the relevance"].why
    assert losses["the inserted values in the text"].kind == "approximated"
    assert {loss.at for loss in losses.values()} == {("sections", 0, "questions", 0)}
