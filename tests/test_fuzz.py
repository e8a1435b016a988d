"""Fuzzing the instrument and its conditions (issue 15 item 10): qdef is total.

Whatever the file holds, every command ends with exit code 0, 1 or 2, never an
internal error: ``qdef validate`` on everything, and ``qdef check``, ``qdef
paths`` and ``qdef render`` to every built-in format on what validates. Every
error about a condition puts its caret under the character it names.

The instruments are small, with a variable of every type; the generated part is
the conditions (answer-to-answer comparisons, negated ones, numbers at the
edges: thousands of digits, beyond the largest float, -0.0), the number bounds,
the YAML style each condition is written in, and texts repeated through YAML
aliases. qdef runs in-process (``qdef.cli.main`` with captured output).

The quick profile ("ci") tries a few dozen files; ``QDEF_HYPOTHESIS_PROFILE=deep``
many more.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qdef.cli import main

#: qdef's own renderers (plugins such as the codebook are tested with their package).
FORMATS = ("html", "limesurvey", "limesurvey-map", "markdown")

DEEP = os.environ.get("QDEF_HYPOTHESIS_PROFILE") == "deep"
#: The quick profile keeps each fuzz test to a few seconds (each example runs qdef
#: up to four times); the deep profile uses its own count.
#: ``qdef check`` runs Hypothesis itself, on three examples: nesting is meant here.
QUICK = settings(
    max_examples=settings.default.max_examples if DEEP else 10,
    suppress_health_check=[HealthCheck.nested_given, HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- conditions

#: Variables of the instrument below, by type, and names it does not define.
CHOICES = ("employed", "also", "skills.a", "skills.b")
CODES = ("yes", "no", "1", "maybe", "Yes", "")
NUMBERS = ("hours", "days", "tasks.r1.n")
DATES = ("since", "period.from", "period.to")
TEXTS = ("city", "tasks.r1.t", "employed_other")
CHECKS = ("tasks.r1.c",)
GROUPS = ("skills", "tasks", "period")
UNKNOWN = ("yes", "employd", "q99", "target", "note", "s2", "tasks.r9.n", "period.until")
VARIABLES = (*CHOICES, "langs", *NUMBERS, *DATES, *TEXTS, *CHECKS, *GROUPS, *UNKNOWN)


def _digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: "9" * n)


#: Numbers as written in a condition, at the edges of what a float holds.
number_literals = st.one_of(
    st.integers(-100, 100).map(str),
    st.sampled_from(["0", "-0", "0.0", "-0.0", "00", "1.50", "0.1", "-1.5"]),
    st.sampled_from(
        [
            "179769313486231570" + "0" * 291,  # the largest float, as an integer
            "179769313486231580" + "0" * 291,  # just beyond it
            "1" + "0" * 308,
            "1" + "0" * 309,
            "0." + "0" * 400 + "1",
            "0" * 500 + "7",
        ]
    ),
    st.builds(
        lambda sign, whole, fraction: f"{sign}{whole}.{fraction}",
        st.sampled_from(["", "-"]),
        _digits(1, 400),
        _digits(1, 400),
    ),
    st.builds(lambda sign, whole: f"{sign}{whole}", st.sampled_from(["", "-"]), _digits(1, 6000)),
)

_STRING_CHARS = st.characters(exclude_categories=("Cs", "Cc"), max_codepoint=0x2FFF)
string_literals = st.one_of(
    st.sampled_from(CODES).map(json.dumps),
    st.sampled_from(["2020", "2020-05", "2020-02-30", "2020-05-31", "x"]).map(json.dumps),
    st.text(_STRING_CHARS, max_size=12).map(lambda text: '"' + text.replace('"', "") + '"'),
    st.sampled_from(['"a\\"b"', "'it\\'s'", '"tab\\there"', '"\\\\"', '"line\\nbreak"']),
)
literals = st.one_of(number_literals, string_literals, st.sampled_from(["true", "false"]))
names = st.sampled_from(VARIABLES)
comparators = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])


def _pair(a: str, b: str) -> st.SearchStrategy[str]:
    return comparators.map(lambda op: f"{a} {op} {b}")


atoms = st.one_of(
    st.builds(lambda n, op, v: f"{n} {op} {v}", names, comparators, literals),
    st.builds(lambda n, op, v: f"{v} {op} {n}", names, comparators, literals),
    # answers compared with answers
    st.sampled_from(
        [
            ("employed", "also"),
            ("hours", "days"),
            ("since", "period.from"),
            ("period.from", "period.to"),
            ("skills.a", "skills.b"),
            ("city", "employed_other"),
            ("employed", "hours"),
            ("tasks.r1.c", "tasks.r1.c"),
        ]
    ).flatmap(lambda pair: _pair(*pair)),
    st.builds(lambda n, v: f"langs has {v}", st.sampled_from(["employed", "also"]), literals),
    st.builds(lambda n: f"langs has {n}", names),
    st.builds(
        lambda n, neg, values: f"{n} {'not in' if neg else 'in'} [{', '.join(values)}]",
        names,
        st.booleans(),
        st.lists(literals, min_size=1, max_size=3),
    ),
    names.map(lambda n: f"answered({n})"),
    names,
    st.builds(lambda n, word: f"{n} == {word}", names, st.sampled_from(CODES[:4])),
)


#: Numbers that fit a condition (at most the largest float), written every which way.
fitting_numbers = st.one_of(
    st.integers(-100, 100).map(str),
    st.sampled_from(["-0", "-0.0", "0.0", "1.50", "179769313486231570" + "0" * 291]),
    st.builds(
        lambda sign, whole, fraction: f"{sign}{whole}.{fraction}",
        st.sampled_from(["", "-"]),
        _digits(1, 300),
        _digits(1, 2000),
    ),
)
texts = st.text(_STRING_CHARS, max_size=8).map(lambda text: json.dumps(text, ensure_ascii=False))

#: Conditions that type-check (so that the renderers get to see them).
typed_atoms = st.one_of(
    st.builds(
        lambda name, op, code: f'{name} {op} "{code}"',
        st.sampled_from(["employed", "also"]),
        st.sampled_from(["==", "!="]),
        st.sampled_from(["yes"]),
    ),
    st.sampled_from(
        [
            "employed == also",
            "employed != also",
            "also != employed",
            'langs has "yes"',
            "langs has employed",
            "skills.a == skills.b",
            'skills.a in ["lo", "hi"]',
            'skills.b not in ["hi"]',
            "period.from <= period.to",
            'since >= "2020-05"',
            "tasks.r1.c",
            "tasks.r1.c == false",
            "hours < days",
            "hours != days",
            "tasks.r1.n >= hours",
        ]
    ),
    st.builds(lambda op, n: f"hours {op} {n}", comparators, fitting_numbers),
    st.builds(lambda op, n: f"{n} {op} days", comparators, fitting_numbers),
    st.builds(lambda name, t: f"{name} == {t}", st.sampled_from(TEXTS), texts),
    st.sampled_from(VARIABLES[: -len(UNKNOWN)]).map(lambda n: f"answered({n})"),
)


def _combine(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(parts, parts).map(lambda ab: f"{ab[0]} and {ab[1]}"),
        st.tuples(parts, parts).map(lambda ab: f"{ab[0]} or {ab[1]}"),
        parts.map(lambda a: f"not {a}"),
        parts.map(lambda a: f"({a})"),
        # negated answer-to-answer comparisons: not (a != b or ...)
        st.tuples(parts, parts).map(lambda ab: f"not ({ab[0]} or {ab[1]})"),
    )


conditions = st.one_of(
    st.recursive(typed_atoms, _combine, max_leaves=5),
    st.recursive(st.one_of(typed_atoms, atoms), _combine, max_leaves=5),
    # near-miss syntax: a condition with one character changed, dropped or doubled
    st.builds(
        lambda text, at, char: text[:at] + char + text[at + 1 :],
        st.recursive(atoms, _combine, max_leaves=3),
        st.integers(0, 40),
        st.sampled_from(["", "=", "!", "(", ")", '"', "'", "\\", ".", "-", "\t", "\n", "„"]),
    ),
)

# --------------------------------------------------------------------------- YAML


def _double(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _block(indicator: str, text: str, indent: str) -> str:
    lines = text.split("\n")
    return f"{indicator}\n" + "\n".join(f"{indent}  {line}" if line else "" for line in lines)


#: How a condition is written in the YAML: each style sends the caret through another
#: path of the source map.
STYLES = ("double", "single", "literal", "folded", "plain")


def scalar(text: str, style: str, indent: str) -> str:
    """``text`` as a YAML scalar in ``style`` (falling back to double quotes where the
    style cannot hold it)."""
    simple = text == text.strip() and "\n" not in text and "\t" not in text
    if style == "single" and "\n" not in text:
        return _single(text)
    indented = any(line.startswith((" ", "\t")) for line in text.split("\n"))
    if style in ("literal", "folded") and text.strip() and text == text.strip(" ") and not indented:
        return _block("|-" if style == "literal" else ">-", text, indent)
    if (
        style == "plain"
        and simple
        and text
        and re.fullmatch(r"[A-Za-z(][^#:\"'{}\[\]|>&*!%@`,?]*", text)
    ):
        return text
    return _double(text)


bounds = st.sampled_from(
    [None, 0, -0.0, 0.5, 40, -1.7976931348623157e308, 1.7976931348623157e308, 10**300, -(10**300)]
)


@st.composite
def instruments(draw: Any) -> tuple[str, list[tuple[int, str, str]]]:
    """YAML text of an instrument with generated conditions and number bounds, and for
    each condition (line of its key, style, text)."""
    low, high = draw(bounds), draw(bounds)
    if low is not None and high is not None and draw(st.integers(0, 3)):
        low, high = min(low, high), max(low, high)  # mostly in order (else QD305)
    lines = [
        "qdef: 1",
        "id: fuzz",
        "title: Fuzz",
        "language: en",
        "sections:",
        "  - id: s1",
        "    questions:",
        "      - id: employed",
        "        type: single",
        "        text: Employed?",
        "        options:",
        '          - {code: "yes", label: "Yes", specify: [{id: employed_other}]}',
        '          - {code: "no", label: "No"}',
        '          - {code: "1", label: "One"}',
        "      - id: also",
        "        type: single",
        "        text: Also?",
        '        options: [{code: "yes", label: "Yes"}, {code: maybe, label: Maybe}]',
        "      - id: langs",
        "        type: multiple",
        "        text: Languages?",
        '        options: [{code: "yes", label: En}, {code: "no", label: Fr, exclusive: true}]',
        "      - id: hours",
        "        type: number",
        "        kind: decimal",
        "        text: Hours?",
    ]
    lines += [f"        {k}: {v!r}" for k, v in (("min", low), ("max", high)) if v is not None]
    lines += [
        "      - {id: days, type: number, text: Days, min: 0, max: 7}",
        "      - {id: city, type: text, text: City}",
        "      - {id: since, type: date, precision: month, text: Since}",
        "      - {id: period, type: daterange, text: Period}",
        "      - id: skills",
        "        type: matrix",
        "        text: Skills",
        "        rows: [{code: a, label: A}, {code: b, label: B}]",
        "        scale: [{code: lo, label: Low}, {code: hi, label: High}]",
        "      - id: tasks",
        "        type: grid",
        "        text: Tasks",
        "        rows: [{code: r1, label: R1}]",
        "        columns:",
        "          - {code: n, label: N, input: number}",
        "          - {code: c, label: C, input: check}",
        "          - {code: t, label: T, input: text}",
        "      - {id: note, type: display, text: Note}",
    ]
    written: list[tuple[int, str, str]] = []

    def when(indent: str) -> None:
        if draw(st.booleans()):
            return
        text, style = draw(conditions), draw(st.sampled_from(STYLES))
        yaml = scalar(text, style, indent)
        actual = {">": "folded", "|": "literal", '"': "double", "'": "single"}.get(yaml[0], "plain")
        written.append((len(lines) + 1, actual, text))
        lines.extend(f"{indent}when: {yaml}".split("\n"))

    lines.append("  - id: s2")
    when("    ")
    lines.append("    questions:")
    count = draw(st.integers(1, 3))
    for i in range(count):
        lines += [f"      - id: target{i}", "        type: text", "        text: Target"]
        when("        ")
        if draw(st.integers(0, 3)) == 0:
            targets = ["end", f"target{count - 1}", "hours", "nowhere"]
            lines.append(f"        goto: {draw(st.sampled_from(targets))}")
    return "\n".join(lines) + "\n", written


# --------------------------------------------------------------------------- running qdef


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="qdef-fuzz-") as name:
        yield Path(name)


def run(*argv: str) -> tuple[int, str, str]:
    """``qdef ARGV`` in-process: (exit code, stdout, stderr); an internal error fails."""
    out, err = StringIO(), StringIO()
    try:
        status = main(list(argv), out=out, err=err)
    except Exception as error:  # the CLI re-raises after "internal error"
        raise AssertionError(f"qdef {' '.join(argv)}: internal error\n{err.getvalue()}") from error
    assert status in (0, 1, 2), (argv, status, err.getvalue())
    assert "internal error" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?:error|warning) QD\d{3}")


def carets(output: str) -> Iterator[tuple[int, int, str, int]]:
    """(line, column, excerpt, caret) of every diagnostic shown with an excerpt."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        match = DIAGNOSTIC.match(line)
        if match and i + 2 < len(lines) and lines[i + 2].strip() == "^":
            excerpt, caret = lines[i + 1][4:], lines[i + 2].index("^") - 4
            yield int(match["line"]), int(match["column"]), excerpt, caret


def exercise(text: str) -> tuple[int, str]:
    """Every command on ``text``: validate always, the others on what validates."""
    with _workspace() as directory:
        file = directory / "fuzz.yaml"
        file.write_text(text, encoding="utf-8")
        status, output, _ = run("validate", "--quiet", "--format", "text", str(file))
        if status == 0:
            run("paths", str(file))
            targets = [arg for name in FORMATS for arg in ("--to", name)]
            run("render", "--quiet", str(file), *targets, "-o", str(directory / "out"))
            run("check", "--quiet", "--examples", "3", str(file))
    return status, output


def assert_carets_under_their_characters(text: str, output: str) -> None:
    """Each caret names the character at the diagnostic's line and column."""
    source = text.splitlines()
    for line, column, excerpt, caret in carets(output):
        if caret >= len(excerpt) or excerpt[caret] == "…":
            continue  # "at the end of the condition", or outside the shown window
        assert line <= len(source), (line, output)
        row = source[line - 1]
        assert column - 1 < len(row), (row, column, output)
        # the character there, or the one its escape stands for in a double-quoted scalar
        named = {row[column - 1], _character_at(row, column - 1)}
        shown = excerpt[caret]
        if shown in named or (shown == " " and "\t" in named):
            continue
        raise AssertionError(
            f"caret under {shown!r}, but {line}:{column} is {row[column - 1]!r}\n{output}"
        )


_ESCAPED = {'"': '"', "\\": "\\", "/": "/", "t": " ", "n": "\n", "b": "\b", "f": "\f"}


def _character_at(row: str, index: int) -> str:
    """The character that ``row[index:]`` stands for: an escape in a double-quoted
    scalar (``\\"``, ``\\u00e4``) stands for one character."""
    if row[index] != "\\" or index + 1 >= len(row):
        return row[index]
    escaped = row[index + 1]
    if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", row[index + 2 : index + 6]):
        return chr(int(row[index + 2 : index + 6], 16))
    return _ESCAPED.get(escaped, row[index])


# --------------------------------------------------------------------------- properties


@QUICK
@given(instruments())
def test_qdef_is_total_on_generated_conditions(case: tuple[str, Any]) -> None:
    text, _ = case
    status, output = exercise(text)
    event(f"qdef validate: exit {status}")
    assert_carets_under_their_characters(text, output)


#: Characters of the long texts: plain ones, and ones every renderer must escape.
_LONG = st.sampled_from(["a", " ", "<", "&", "*", "_", "|", "\\", '"', "ä", "€", "#"])


@st.composite
def aliased(draw: Any) -> str:
    """An instrument that repeats a long text (and a condition) through YAML aliases."""
    size = draw(st.integers(1, 200_000 if DEEP else 2_000))
    text = "".join(draw(st.lists(_LONG, min_size=1, max_size=20))) * (size // 10 + 1)
    text = text[:size].strip() or "x"
    uses = draw(st.integers(1, 60 if DEEP else 15))
    condition = draw(typed_atoms)
    options = "\n".join(f"          - {{code: c{i}, label: *long}}" for i in range(uses))
    targets = "\n".join(
        f"      - {{id: t{i}, type: text, text: *long, hint: *long, when: *cond}}"
        for i in range(1, draw(st.integers(1, 30 if DEEP else 8)))
    )
    return (
        FIXED.replace("title: Fixed", f"title: &long {_double(text)}\nintro: *long")
        .replace("when: WHEN", f"when: &cond {_double(condition)}")
        .replace("    questions:\n", "    title: *long\n    questions:\n", 1)
        + "      - id: many\n        type: multiple\n        text: *long\n"
        + f"        options:\n{options}\n"
        + (targets + "\n" if targets else "")
    )


@QUICK
@given(aliased())
def test_qdef_is_total_on_texts_repeated_by_aliases(text: str) -> None:
    status, _ = exercise(text)
    event(f"qdef validate: exit {status}")


@pytest.mark.parametrize(
    ("condition", "valid"),
    [
        ("hours == " + "9" * 5000, False),
        ("hours == -" + "9" * 400 + "." + "9" * 400, False),
        ("hours == -" + "9" * 300, True),
        ("hours < " + "9" * 300 + "." + "9" * 400, True),
        ("hours > 179769313486231570" + "0" * 291, True),
        ("not (employed != also or hours != days)", True),  # issue 23, item 1
        ("not (period.from != period.to)", True),
    ],
)
def test_qdef_is_total_on_known_edge_conditions(condition: str, valid: bool) -> None:
    """Cases of the issue and of the fuzzing, kept as plain tests."""
    text = FIXED.replace("WHEN", _double(condition))
    status, output = exercise(text)
    assert status == (0 if valid else 1), output
    assert_carets_under_their_characters(text, output)


FIXED = """\
qdef: 1
id: fixed
title: Fixed
language: en
sections:
  - id: s1
    questions:
      - id: employed
        type: single
        text: Employed?
        options:
          - {code: "yes", label: "Yes", specify: [{id: employed_other}]}
          - {code: "no", label: "No"}
      - id: also
        type: single
        text: Also?
        options: [{code: "yes", label: "Yes"}, {code: maybe, label: Maybe}]
      - {id: langs, type: multiple, text: Languages, options: [{code: "yes", label: En}]}
      - {id: hours, type: number, kind: decimal, text: Hours}
      - {id: days, type: number, text: Days}
      - {id: city, type: text, text: City}
      - {id: since, type: date, precision: month, text: Since}
      - {id: period, type: daterange, text: Period}
      - id: skills
        type: matrix
        text: Skills
        rows: [{code: a, label: A}, {code: b, label: B}]
        scale: [{code: lo, label: Low}, {code: hi, label: High}]
      - id: tasks
        type: grid
        text: Tasks
        rows: [{code: r1, label: R1}]
        columns:
          - {code: n, label: N, input: number}
          - {code: c, label: C, input: check}
          - {code: t, label: T, input: text}
      - {id: target, type: text, text: Target, when: WHEN}
"""


@pytest.mark.parametrize(
    "condition",
    [
        "hours < " + "9" * 300 + "." + "9" * 400,
        "hours == -99999999999999999999.99999999999999999999",
        "hours > 179769313486231570" + "0" * 291,
        "hours < -179769313486231570" + "0" * 291,
        # found in review: the float halfway between two bounds past 2**53 is one of
        # them, so the answers between were lost (QD601 on a question 1 answer shows)
        "hours > 100000000000000000 and hours < 100000000000000002",
    ],
)
def test_the_routing_analysis_holds_at_the_edges_of_numbers(condition: str) -> None:
    """Found by the fuzzing: the region below 1e20 was represented by 1e20 - 1, which is
    1e20 again, so qdef said 'hours < 1e300' never holds (QD601) and 'qdef check' failed
    (QD610) on a sound instrument."""
    text = FIXED.replace("WHEN", _double(condition))
    with _workspace() as directory:
        file = directory / "edge.yaml"
        file.write_text(text, encoding="utf-8")
        assert run("validate", "--format", "text", str(file))[:2] == (0, "")
        status, output, _ = run("check", "--quiet", "--examples", "5", str(file))
        assert (status, output) == (0, "")
