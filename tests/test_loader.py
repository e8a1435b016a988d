"""The YAML loader: YAML 1.2 core scalars, safety bounds, agreement with ruamel."""

from __future__ import annotations

import io
import platform
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from qdef.model import Instrument
from qdef.model.dumper import dumps
from qdef.source.loader import Limits, build_data, decode, load_file, parse
from qdef.testing import instruments

HERE = Path("x.yaml")


def data(text: str) -> Any:
    document, problems = parse(text, HERE)
    assert problems == [], problems
    assert document is not None
    return document.data


def problem(text: str, limits: Limits | None = None) -> tuple[str, int, int]:
    document, problems = parse(text, HERE, limits or Limits())
    assert document is None
    assert len(problems) == 1, problems
    span = problems[0].span
    assert span is not None
    return problems[0].code, span.line, span.column


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "on", "off", "y", "n", "ja", "nein"])
def test_yaml_1_1_booleans_stay_text(word: str) -> None:
    """YAML 1.2 rules: option codes such as no/on/off stay strings."""
    assert data(f"code: {word}") == {"code": word}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1),
        ("-3", -3),
        ("+7", 7),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("2020-01-01", "2020-01-01"),
        ("2020-01", "2020-01"),
        ("017", 17),
        ("1_000", "1_000"),
        ("'1'", "1"),
        ('"no"', "no"),
        ("0b101", "0b101"),
        ("!!str 12", "12"),
        ("!!int '12'", 12),
        ("!!float 2", 2.0),
        ("12:30", "12:30"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    result = data(f"v: {text}")["v"]
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a: !!python/object:os.system x", "QD108", 1, 4),
        ("a: !!set {x}", "QD108", 1, 4),
        ("a: !!binary aGk=", "QD108", 1, 4),
        ("a: !custom x", "QD108", 1, 4),
        ("a: !!int x", "QD108", 1, 4),
        ("a: .inf", "QD111", 1, 4),
        ("a: -.Inf", "QD111", 1, 4),
        ("a: .nan", "QD111", 1, 4),
        ("a: 1\nb: 2\na: 3", "QD106", 3, 1),
        ("- x\n---\n- y", "QD109", 2, 1),
        ("? [k]\n: v", "QD110", 1, 3),
        ("a: *nothing", "QD105", 1, 4),
        ("a: &r [1, *r]", "QD105", 1, 11),
        ("a: [1, 2", "QD101", 1, 9),
        ("a:\n\tb: 1", "QD101", 2, 1),
    ],
)
def test_unsafe_or_malformed_yaml_is_refused_with_a_position(
    text: str, code: str, line: int, column: int
) -> None:
    assert problem(text) == (code, line, column)


def test_billion_laughs_is_refused_quickly_at_the_alias_that_crosses_the_limit() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        name, previous = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    code, line, _ = problem("\n".join(lines))
    assert code == "QD105"
    assert 2 <= line <= 10


def test_shared_aliases_within_the_limit_are_fine() -> None:
    text = "scale: &s [a, b]\nm1: *s\nm2: *s\n"
    assert data(text) == {"scale": ["a", "b"], "m1": ["a", "b"], "m2": ["a", "b"]}


def test_alias_expansion_counts_towards_the_node_limit() -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert problem(text, Limits(max_nodes=12))[0] == "QD105"
    assert data(text)["b"][2] == [1, 2, 3, 4]


@pytest.mark.parametrize("depth", [51, 10_000, 200_000])
def test_deep_nesting_is_refused_at_the_first_level_too_deep(depth: int) -> None:
    """Deep documents crash ruamel's C composer; qdef stops at level 51."""
    assert problem("[" * depth + "]" * depth) == ("QD104", 1, 51)


def test_block_nesting_counts_too() -> None:
    text = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(60)) + " " * 120 + "v: 1\n"
    assert problem(text)[0] == "QD104"


def test_nesting_at_the_limit_is_accepted() -> None:
    assert data("[" * 50 + "]" * 50) is not None


def test_an_empty_or_comment_only_file_holds_no_instrument() -> None:
    assert problem("") == ("QD107", 1, 1)
    assert problem("# nothing here\n\n") == ("QD107", 1, 1)


def test_files_over_the_size_limit_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200, encoding="utf-8")
    document, problems = load_file(path, Limits(max_bytes=100))
    assert document is None
    assert [p.code for p in problems] == ["QD103"]


def test_non_utf8_bytes_are_located_by_line_and_column() -> None:
    text, problems = decode("a: 1\nb: Stra\xdfe\n".encode("latin-1"), HERE)
    assert text is None
    span = problems[0].span
    assert (problems[0].code, span and span.line, span and span.column) == ("QD102", 2, 8)


def test_utf16_is_recognised_and_utf8_bom_is_dropped() -> None:
    assert decode("a: 1".encode("utf-16"), HERE)[1][0].code == "QD102"
    assert decode(b"\xef\xbb\xbfa: 1", HERE) == ("a: 1", [])


def test_unreadable_path_is_an_io_problem(tmp_path: Path) -> None:
    document, problems = load_file(tmp_path)  # a directory cannot be read as a file
    assert document is None
    assert problems[0].code == "QD002"


def _ruamel_1_2(text: str) -> Any:
    yaml = YAML(typ="safe", pure=False)
    return yaml.load(text)


@given(instruments())
def test_loader_builds_the_same_data_as_ruamel_on_generated_instruments(
    instrument: Instrument,
) -> None:
    text = dumps(instrument)
    assert build_data(text) == _ruamel_1_2(text)


def test_loader_builds_the_same_data_as_ruamel_on_the_real_instrument() -> None:
    path = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"
    text = path.read_text(encoding="utf-8")
    assert build_data(text) == _ruamel_1_2(text)


@given(st.from_regex(r"[-+.0-9eEoxXa-fA-F_~nNtTfFulrsu:]{1,7}", fullmatch=True))
def test_scalar_like_text_survives_dump_and_load(word: str) -> None:
    """Whatever ruamel's dumper leaves unquoted, qdef's loader reads as the same text."""
    stream = YAML(typ="safe", pure=False)
    buffer = io.StringIO()
    stream.dump({"label": word}, buffer)
    assert data(buffer.getvalue()) == {"label": word}


def test_the_c_parser_is_in_use() -> None:
    """ruamel.yaml >= 0.19 no longer pulls in ruamel.yaml.clib; without it the
    "C" loader silently runs in pure Python, about 4x slower. qdef depends on it."""
    if platform.python_implementation() != "CPython":
        pytest.skip("ruamel.yaml.clib is a CPython extension")
    parser = YAML(typ="safe", pure=False).Parser
    assert parser.__module__.startswith("ruamel.yaml.clib"), parser


# ------------------------------------------------------------------- characters of texts


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('a: "x\\0y"', 6),  # NUL
        ('a: "x\\ey"', 6),  # ESC
        ('a: "ab\\x07"', 7),  # BEL, as \x escape
        ('a: "\\r"', 5),  # CR
        ('a: "x\\x7f"', 6),  # DEL
        ('a: "x\\N"', 6),  # NEL, a C1 control
        ('a: "x\\x9b"', 6),  # CSI, a C1 control
        ('a: "x\\uFFFE"', 6),  # noncharacters
        ('a: "x\\uffff"', 6),
        ('a: "x\\U0010FFFF"', 6),
        ('a: "x\\uFDD0"', 6),
        ('a: "x\\L"', 6),  # line and paragraph separators
        ('a: "x\\u2029"', 6),
        ('"k\\e": 1', 3),  # keys too
        ('a:\n  - "one \\\n    two\\a"', 8),  # after an escaped line break: line 3
    ],
)
def test_control_characters_and_noncharacters_are_refused_at_their_escape(
    text: str, column: int
) -> None:
    document, problems = parse(text, HERE)
    (found,) = problems
    assert found.span is not None
    assert found.code == "QD112"
    assert (found.span.line, found.span.column) == (text.count("\n") + 1, column)
    assert document is not None and document.problems == (found,)
    assert ("this key holds" in found.message) == text.startswith('"k')


FIVE_ESCAPES = """\
qdef: 1
id: "kita\\0"
title: "Befragung\\e der Kita-Leitungen"
language: de
sections:
  - id: allgemein
    questions:
      - id: weg
        type: single
        "te\\x1bxt": Wie kommen Sie zur Arbeit?
        options:
          - {code: rad, label: "Fahrrad \\u0000 und\\x07 Bahn"}
          - {code: rad, label: Auto}
"""


def test_every_refused_character_is_reported_in_one_run_at_its_escape() -> None:
    """A refused character does not stop the reading: all five at once, in document
    order (two in one text), each at its escape; the key's message says key."""
    document, problems = parse(FIVE_ESCAPES, HERE)
    assert document is not None
    places = [(p.code, p.span.line, p.span.column) for p in problems if p.span]
    assert places == [
        ("QD112", 2, 10),
        ("QD112", 3, 18),
        ("QD112", 10, 12),
        ("QD112", 12, 41),
        ("QD112", 12, 51),
    ]
    assert ["key" in p.message.split(" holds")[0] for p in problems] == [0, 0, 1, 0, 0]
    assert document.data["title"] == "Befragung der Kita-Leitungen"  # checked without them


def test_with_refused_characters_the_other_layers_still_report_their_problems() -> None:
    from qdef.pipeline import validate_text  # noqa: PLC0415

    result = validate_text(FIVE_ESCAPES, HERE)
    assert result.instrument is None and not result.ok
    codes = [d.code for d in result.diagnostics]
    assert codes.count("QD112") == 5
    assert "QD301" in codes  # the option code 'rad' twice: a semantic check
    assert "QD201" not in codes  # "te\x1bxt" is checked as the key 'text' it will be


def test_refused_characters_after_a_fatal_problem_keep_the_ones_before_it() -> None:
    document, problems = parse('a: "\\0"\nb: "\\e"\na: 1\n', HERE)
    assert document is None
    assert [(p.code, p.span.line) for p in problems if p.span] == [
        ("QD112", 1),
        ("QD112", 2),
        ("QD106", 3),
    ]


def test_keys_are_checked_as_they_will_be_without_their_refused_characters() -> None:
    document, problems = parse('"a\\0": 1\n"\\ea": 2\n', HERE)
    assert document is None  # both are the key 'a' once the escapes are removed
    assert [p.code for p in problems] == ["QD112", "QD112", "QD106"]


def test_many_refused_characters_are_located_in_one_pass_and_capped() -> None:
    """60,000 escapes in one text: one reading of the text locates them all
    (not one per character, which would be quadratic), and the report stops at
    the limit."""
    text = 'a: "' + "\\0" * 200_000 + '"\n'
    started = time.perf_counter()
    document, problems = parse(text, HERE, Limits(max_character_errors=50_000))
    elapsed = time.perf_counter() - started
    assert document is not None and len(problems) == 50_000
    assert [p.span.column for p in problems[:3] if p.span] == [5, 7, 9]
    assert problems[-1].span is not None and problems[-1].span.column == 5 + 2 * 49_999
    assert elapsed < 10, elapsed  # quadratic: hours
    assert len(parse(text, HERE)[1]) == Limits().max_character_errors


@pytest.mark.parametrize(
    "value", ["tab\there", "line\nbreak", "rtl \u202bמילה\u202c", "soft\u00adhyphen", "zw\u200bj"]
)
def test_tab_line_feed_and_format_characters_are_allowed_in_texts(value: str) -> None:
    escaped = value.encode("unicode_escape").decode("ascii")
    assert data(f'a: "{escaped}"') == {"a": value}


def test_a_surrogate_escape_says_what_is_wrong() -> None:
    document, problems = parse('a: "\\ud800"', HERE)
    assert document is None
    assert problems[0].code == "QD101"
    assert "surrogate" in problems[0].message


def test_aliases_are_bounded_in_characters_too() -> None:
    """200 aliases of one long text: few nodes, a document 200 times the file."""
    big = "x" * 50_000
    text = f"t: &t {big}\nq:\n" + "".join("  - *t\n" for _ in range(200))
    code, line, column = problem(text)
    assert code == "QD105"
    assert (line, column) == (23, 5)  # the 21st alias crosses len(file) + 1,000,000
    assert parse(text, HERE, Limits(alias_chars=20_000_000))[1] == []
    assert len(data(f"t: &t {big}\nq: [*t, *t, *t]\n")["q"]) == 3


@pytest.mark.parametrize(
    ("text", "column", "fix"),
    [
        ("a: {label: Bus, tram or underground}", 17, 'label: "Bus, tram or underground"'),
        ("a: {id: q1, label: Yes, no}", 25, 'label: "Yes, no"'),
    ],
)
def test_a_comma_inside_a_flow_mapping_says_to_quote_the_text(
    text: str, column: int, fix: str
) -> None:
    document, problems = parse(text, HERE)
    assert document is None
    (found,) = problems
    assert (found.code, found.span.line, found.span.column) == ("QD113", 1, column)  # type: ignore[union-attr]
    assert fix in found.message


@pytest.mark.parametrize("text", ["a: {b: 1, c: }", "a: {b: 1, 'c': }", "a: [x, y]", "a: {b: }"])
def test_empty_values_written_with_a_colon_are_not_commas(text: str) -> None:
    assert parse(text, HERE)[1] == []


@pytest.mark.parametrize(
    ("text", "code", "meant"),
    [
        ("a: {code: bus, label: Bus, tram or underground?}", "QD113", "Bus, tram or underground?"),
        ('a: {sw: Je, umeajiriwa?, en: "Are you employed?"}', "QD113", "Je, umeajiriwa?"),
        ("a: {code: bus, label: Bus, tram, or underground}", "QD113", "Bus, tram, or underground"),
        ("a: {code: bus, label: Really?, yes}", "QD101", "Really?, yes"),
        ("a: {label: Why? Because, code: x}", "QD101", "Why? Because"),
        ("a: {en: Are you employed?}", "QD101", "Are you employed?"),
        ('a: {n: [1, 2], label: say "hi"? or\\ not, c: "x, y: z"}', "QD101", 'say "hi"? or\\ not'),
        ("a: {code: x,\n    label: Bus, tram or what?}", "QD113", "Bus, tram or what?"),
        ("a: {label: Why?, yes}  # a comment, x: 1", "QD101", "Why?, yes"),
        ("a: [x, Really?]", "QD101", "Really?"),
    ],
)
def test_the_quotes_suggested_inside_brackets_hold_the_whole_text_and_fix_it(
    text: str, code: str, meant: str
) -> None:
    """The text suggested is the one the author meant, up to the next 'key:' entry or
    the closing bracket (',' and '?' and all), escaped for double quotes: written
    as suggested, the file reads, with that text."""
    (found,) = parse(text, HERE)[1]
    suggested = '"' + meant.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert found.code == code
    assert found.message.endswith(f" {suggested}"), found.message
    fixed = data(text.replace(meant, suggested))
    assert meant in (fixed["a"].values() if isinstance(fixed["a"], dict) else fixed["a"])


_MEANT = st.lists(st.text(alphabet='ab?,."\\', min_size=1, max_size=6), min_size=1, max_size=5)


@given(_MEANT, st.booleans())
def test_a_quoted_text_suggested_inside_braces_reads_back_as_the_text_meant(
    words: list[str], more: bool
) -> None:
    """Whatever ',' '?' '"' and '\\' a label written without quotes holds, a suggestion
    to quote it, applied once, makes the file read, with that label."""
    meant = " ".join(words).strip()
    assume(meant[:1] not in ("", "?", ",", ".", '"') and not meant.endswith(","))
    assume(re.search(r',\s*"', meant) is None)  # YAML starts a quoted text there
    text = "a: {code: x, label: " + meant + (", n: 1}" if more else "}")
    problems = parse(text, HERE)[1]
    if not problems or "quotes: " not in problems[0].message:
        return
    message = problems[0].message
    suggested = message[message.index('"', message.index("quotes: ")) :]
    assert data(text.replace(meant, suggested, 1))["a"]["label"] == meant, message


def test_a_question_mark_inside_a_flow_mapping_says_to_quote_the_text() -> None:
    document, problems = parse("a: {label: Why?, x: 1}", HERE)
    assert document is None
    (found,) = problems
    assert found.code == "QD101"
    assert found.span is not None and found.span.column == 15
    assert '"Why?"' in found.message
