"""One locator for every layer: key paths to line:column, and offsets inside strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.source.positions import SourceMap

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
    from qdef.source.loader import load_file  # noqa: PLC0415

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


def write_scalar(
    draw: st.DrawFn, value: str, style: str, prefix: str, indent: str
) -> tuple[str, list[tuple[int, int]]]:
    """YAML lines ``prefix`` + ``value`` written in ``style`` (continuation lines
    indented by ``indent``), and where each character of ``value`` is (0-based line
    within these lines, column): the character itself, the start of the escape
    that writes it, or, for a space or line break made by folding, just after
    the last character of the line before; and, last, where the text ends (its
    closing quote, or just after its last character). Spaces are folded into
    line breaks, and double-quoted lines broken after a ``\\``, where drawn."""
    lines = [prefix]
    places: list[tuple[int, int]] = []

    def here() -> tuple[int, int]:
        return len(lines) - 1, len(lines[-1])

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
                lines.append(indent)
                continue
            after_text = value[i - 1 : i] not in ("", " ", "\t") and char not in " \t"
            if style == "double" and after_text and draw(st.integers(0, 5)) == 0:
                lines[-1] += "\\"
                lines.append(indent)  # an escaped line break: nothing is made
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
        return "\n".join(lines) + "\n", places
    # block scalars: "|-" keeps lines, ">-" folds them (a line break is a blank line)
    lines[-1] += "|-" if style == "literal" else ">-"
    lines.append(indent)
    for i, char in enumerate(value):
        places.append(here())
        if (style == "folded" and fold_here(i)) or char == "\n":
            if style == "folded" and char == "\n":
                lines.append("")
            lines.append(indent)
            continue
        lines[-1] += char
    places.append(here())
    return "\n".join(lines) + "\n", places


STYLES = ("plain", "single", "double", "literal", "folded")


@st.composite
def _written(draw: st.DrawFn) -> tuple[str, str, list[tuple[int, int]]]:
    """A text, a document ``a: {v: <text>}`` writing it in some style, and where each
    of its characters is in the document (:func:`write_scalar`)."""
    style = draw(st.sampled_from(STYLES))
    alphabet = _ANY if style == "double" else _PLAIN_SAFE + (" '" if style != "plain" else " ")
    words = draw(st.lists(st.text(alphabet.replace(" ", ""), min_size=1, max_size=6), min_size=1))
    value = "x" + " ".join(words)  # plain: starts with a letter, so it stays text
    if style == "double" and draw(st.booleans()):
        value = draw(st.text(alphabet, min_size=1, max_size=30))
    if style in ("literal", "folded") and draw(st.booleans()):
        value = "\n".join(w.strip() or "y" for w in value.split(" "))
    text, places = write_scalar(draw, value, style, "  v: ", "    ")
    return value, "a:\n" + text, [(row + 1, column) for row, column in places]


@given(_written())
def test_every_character_of_a_scalar_is_located_in_every_style(
    written: tuple[str, str, list[tuple[int, int]]],
) -> None:
    value, text, places = written
    source = SourceMap.build(text)
    assert source._data["a"]["v"] == value, text  # the writer wrote what it meant
    located = [source.locate_offset(("a", "v"), i) for i in range(len(value) + 1)]
    assert located == places, text


_CONDITIONS = (
    'traeger == "frei" or zz == 1',
    'zz == 1 and traeger != "kommune"',
    '(traeger == "frei" and zz) or not traeger == "kommune"',
    'traeger in ["frei", "kommune"] and zz > 2',
)


@given(st.data())
def test_every_caret_of_a_condition_is_under_the_character_it_names(data: st.DataObject) -> None:
    """A condition naming an unknown question, written in every YAML style (escapes,
    folds, escaped line breaks): the error's line:column is the first character of
    the name in the file, and the excerpt's caret stands under it."""
    from qdef.pipeline import validate_text  # noqa: PLC0415
    from tests.test_invalid import KITA  # noqa: PLC0415

    condition = data.draw(st.sampled_from(_CONDITIONS))
    style = data.draw(st.sampled_from(STYLES))
    written, places = write_scalar(data.draw, condition, style, "        when: ", "          ")
    base = KITA.replace('        when: traeger == "frei"\n', "")
    text = base + written
    result = validate_text(text, Path("kita.yaml"))
    found = [d for d in result.diagnostics if "'zz'" in d.message]
    assert len(found) == 1, (text, result.diagnostics)
    (diagnostic,) = found
    row, column = places[condition.index("zz")]
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column) == (
        base.count("\n") + row + 1,
        column + 1,
    ), text
    excerpt, caret = diagnostic.excerpt or "", diagnostic.excerpt_column
    assert excerpt[caret : caret + 2] == "zz", (excerpt, caret)
