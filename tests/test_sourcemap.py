"""One locator for every layer: key paths to line:column, and offsets inside strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


ALIASED = """\
scales:
  agree: &agree
    - {code: "1", label: ja}
    - {code: "2", label: nein}
q1:
  scale: *agree
q2: {scale: *agree, text: !!str "tagged"}
"""


def test_aliases_locate_at_the_alias_and_inside_at_the_anchor() -> None:
    source = SourceMap.build(ALIASED)
    assert source.locate(("q1", "scale")) == (5, 9)  # the alias itself
    assert source.locate(("q1", "scale", 1, "label")) == (3, 25)  # inside: the anchor's
    assert source.locate(("q2", "scale"), key=True) == (6, 5)
    assert source.locate(("q2", "text")) == (6, 26)  # a tagged scalar: its tag
    assert source.locate_offset(("q2", "text"), 3) == (6, 26)  # style unknown: its start


def _paths(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def test_every_path_of_the_investitionspakt_points_at_its_value() -> None:
    """Every key path of a real instrument: the key is written where the map says,
    a string value starts (after its quote) where the map says."""
    from qdef.loader import load_file  # noqa: PLC0415

    root = Path(__file__).parents[1]
    document, problems = load_file(root / "instruments" / "investitionspakt.yaml")
    assert document is not None and not problems
    lines = document.text.splitlines()
    checked = 0
    for path in _paths(document.data)[1:]:
        value: object = document.data
        for step in path:
            value = value[step]  # type: ignore[index]
        line, column = document.source_map.locate(path, key=True)
        if isinstance(path[-1], str):
            assert lines[line][column:].startswith(path[-1]), path
        value_line, value_column = document.source_map.locate(path)
        written = lines[value_line][value_column:]
        if isinstance(value, str) and "\n" not in value and value and written[:1] not in "|>":
            written = written.lstrip("\"'")
            assert written.startswith(value[:10].split("\\")[0]), path
            checked += 1
    assert checked > 250


# ----------------------------------------------------------------- offsets in every style

_PLAIN_SAFE = "abcxyz019=<>()äß_."
_ANY = _PLAIN_SAFE + " '\"\\#:,\t\n\u00a0\U0001f600"


@st.composite
def _written(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int]]]:  # noqa: PLR0915
    """A text and a YAML document ``a: {v: <text>}`` writing it in some scalar style,
    with where each character of the text is (0-based line, column): the character
    itself, the start of the escape that writes it, or, for a space or line break
    made by folding, just after the last character of the line before; and, last,
    where the text ends (its closing quote, or just after its last character)."""
    style = draw(st.sampled_from(["plain", "single", "double", "literal", "folded"]))
    alphabet = _ANY if style == "double" else _PLAIN_SAFE + (" '" if style != "plain" else " ")
    words = draw(st.lists(st.text(alphabet.replace(" ", ""), min_size=1, max_size=6), min_size=1))
    value = "x" + " ".join(words)  # plain: starts with a letter, so it stays text
    if style == "double" and draw(st.booleans()):
        value = draw(st.text(alphabet, min_size=1, max_size=30))
    lines = ["  v: "]  # the document's lines after "a:"
    places: list[tuple[int, int]] = []

    def here() -> tuple[int, int]:
        return len(lines), len(lines[-1])  # "a:" is line 0

    def fold_here(i: int) -> bool:  # a single space between two other characters
        return (
            value[i] == " " and 0 < i < len(value) - 1 and value[i - 1] != " "
            and value[i + 1] != " " and draw(st.integers(0, 3)) == 0
        )  # fmt: skip

    if style in ("plain", "single", "double"):
        quote = {"plain": "", "single": "'", "double": '"'}[style]
        lines[-1] += quote
        for i, char in enumerate(value):
            if fold_here(i):
                places.append(here())
                lines.append("    ")
                continue
            after_text = value[i - 1 : i] not in ("", " ", "\t") and char not in " \t"
            if style == "double" and after_text and draw(st.integers(0, 5)) == 0:
                lines[-1] += "\\"
                lines.append("    ")  # an escaped line break: nothing is made
            places.append(here())
            if style == "single" and char == "'":
                lines[-1] += "''"
            elif style == "double" and (char in '"\\\t\n' or draw(st.integers(0, 6)) == 0):
                form = draw(st.sampled_from(["x", "u", "U", "simple"]))
                simple = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\u00a0": "\\_"}
                if form == "simple" and char in simple:
                    lines[-1] += simple[char]
                elif ord(char) < 0x100 and form == "x":
                    lines[-1] += f"\\x{ord(char):02x}"
                elif form == "U" or ord(char) > 0xFFFF:
                    lines[-1] += f"\\U{ord(char):08x}"
                else:
                    lines[-1] += f"\\u{ord(char):04x}"
            else:
                lines[-1] += char
        places.append(here())
        lines[-1] += quote
        return value, "a:\n" + "\n".join(lines) + "\n", places
    # block scalars: "|-" keeps lines, ">-" folds them
    lines[-1] += "|-" if style == "literal" else ">-"
    lines.append("    ")
    if draw(st.booleans()):  # lines of their own: a line break, in ">" a blank line
        value = "\n".join(w.strip() or "y" for w in value.split(" "))
    for i, char in enumerate(value):
        places.append(here())
        if (style == "folded" and fold_here(i)) or char == "\n":
            if style == "folded" and char == "\n":
                lines.append("")
            lines.append("    ")
            continue
        lines[-1] += char
    places.append(here())
    return value, "a:\n" + "\n".join(lines) + "\n", places


@given(_written())
def test_every_character_of_a_scalar_is_located_in_every_style(
    written: tuple[str, str, list[tuple[int, int]]],
) -> None:
    value, text, places = written
    source = SourceMap.build(text)
    assert source._data["a"]["v"] == value, text  # the writer wrote what it meant
    located = [source.locate_offset(("a", "v"), i) for i in range(len(value) + 1)]
    assert located == places, text
