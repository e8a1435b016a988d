"""Any spreadsheet with a survey sheet imports without a traceback, and what is
written validates: rows drawn by hypothesis (types, names, expressions, cells)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.importing import ImportRefused
from qdef.importing.xlsform import read
from tests.xlsform_files import errors_of, xlsform

TEXT = st.characters(exclude_categories=("Cc", "Cs"))
TYPES = [
    "text",
    "integer",
    "decimal",
    "date",
    "time",
    "note",
    "calculate",
    "hidden",
    "select_one l",
    "select_multiple l",
    "select_one l or_other",
    "rank l",
    "range",
    "begin group",
    "end group",
    "begin repeat",
    "end repeat",
    "geopoint",
    "acknowledge",
    "select_one missing",
    "begin loop over l",
    "end loop",
    "start",
    "nonsense type",
    "",
]
names = st.one_of(
    st.sampled_from(["a", "b", "c", "end", "1x", "a-b", "g", "r"]), st.text(TEXT, max_size=6)
)
expressions = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "${a} = 'x'",
            "${b} > 2",
            "selected(${c}, 'x')",
            "${a} = ''",
            ". > 1",
            "${g}",
            "count-selected(${c}) >= 1",
            "${zz} = 1",
            "today() > ${a}",
            "${a} = ${b}",
            "string-length(.) < 5",
            "${b} + 1",
            "if(${a} = 'x', 1, 2)",
            "${r}",
        ]
    ),
    st.text(TEXT, max_size=12),
)
cells = st.one_of(
    st.none(), st.integers(-5, 5), st.floats(allow_nan=False, width=32), st.text(TEXT, max_size=8)
)
rows = st.lists(
    st.tuples(st.sampled_from(TYPES), names, cells, expressions, expressions, expressions, cells),
    max_size=10,
)
choices = st.lists(
    st.tuples(st.sampled_from(["l", "m"]), st.one_of(names, st.integers(0, 3)), cells, cells),
    max_size=6,
)


@settings(max_examples=40)
@given(survey=rows, choice_rows=choices)
def test_any_sheet_imports_validly(
    survey: list[Any], choice_rows: list[Any], tmp_path_factory: Any
) -> None:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    header = ["type", "name", "label", "relevant", "constraint", "calculation", "default"]
    path = xlsform(
        folder / "f.xlsx",
        [header, *survey],
        [["list_name", "name", "label", "filter"], *choice_rows],
    )
    try:
        result = read(path)
    except ImportRefused:
        return
    errors = errors_of(result.document, folder)
    assert errors == []
    for loss in result.losses:
        assert loss.where and loss.what and loss.why


def test_groups_without_names_get_ids_of_their_own(tmp_path: Path) -> None:
    """Found by the property above: two nameless groups were both ``group``."""
    header = ["type", "name", "label"]
    path = xlsform(
        tmp_path / "f.xlsx",
        [
            header,
            ["begin group", "", "A"],
            ["text", "a", "A?"],
            ["end group", "", ""],
            ["begin group", "", "B"],
            ["text", "b", "B?"],
            ["end group", "", ""],
        ],
    )
    result = read(path)
    assert [s["id"] for s in result.document["sections"]] == ["group", "group_2"]
    assert errors_of(result.document, tmp_path) == []
