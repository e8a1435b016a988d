"""One locator for every layer: key paths to line:column, and offsets inside strings."""

from __future__ import annotations

import pytest

from qdef.sourcemap import SourceMap

TEXT = """\
qdef: 1
sections:
  - id: s1
    questions:
      - id: q1
        when: a == "x"
        text: 'It''s'
        help: "tab\\tand \\u00e4 then"
        note: |
          first line
          second line
      - {id: q2, when: b > 3}
"""


@pytest.fixture(scope="module")
def source() -> SourceMap:
    return SourceMap.build(TEXT)


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        ((), False, (0, 0)),
        (("qdef",), False, (0, 6)),
        (("qdef",), True, (0, 0)),
        (("sections", 0, "id"), False, (2, 8)),
        (("sections", 0, "id"), True, (2, 4)),
        (("sections", 0, "questions", 1, "when"), False, (11, 23)),
        (("sections", 0, "questions", 1, "when"), True, (11, 17)),
        # a missing key falls back to the mapping it is missing from
        (("sections", 0, "questions", 0, "options"), False, (4, 8)),
        (("sections", 0, "questions", 7), False, (4, 6)),
    ],
)
def test_paths_locate_values_and_keys(
    source: SourceMap, path: tuple[str | int, ...], key: bool, expected: tuple[int, int]
) -> None:
    assert source.locate(path, key=key) == expected


def test_offsets_inside_plain_scalars(source: SourceMap) -> None:
    path = ("sections", 0, "questions", 0, "when")
    assert source.locate_offset(path, 5) == (5, 19)  # the 'x' is at column 19 (0-based)
    assert TEXT.splitlines()[5][19] == '"'
    flow = ("sections", 0, "questions", 1, "when")
    assert TEXT.splitlines()[11][source.locate_offset(flow, 4)[1]] == "3"


def test_offsets_inside_quoted_scalars_account_for_escapes(source: SourceMap) -> None:
    single = ("sections", 0, "questions", 0, "text")
    line, column = source.locate_offset(single, 3)  # the 's' after It''
    assert TEXT.splitlines()[line][column] == "s"
    double = ("sections", 0, "questions", 0, "help")
    line, column = source.locate_offset(double, 8)  # the 'ä' written as \\u00e4
    assert TEXT.splitlines()[line][column : column + 6] == "\\u00e4"


def test_offsets_inside_literal_blocks(source: SourceMap) -> None:
    path = ("sections", 0, "questions", 0, "note")
    line, column = source.locate_offset(path, len("first line\nsec"))
    assert TEXT.splitlines()[line][column:] == "ond line"
