"""The values of expressions (qdef.routing.evaluate.value / holds) and how they are shown
as text (qdef.expr.values.format_number, evaluate.as_text): SPEC18 §2, docs/format.md
"The expression language" and "Piping"."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdef.expr import parse
from qdef.expr.values import format_number
from qdef.model.symbols import ValueType
from qdef.routing.evaluate import (
    ABSENT,
    as_text,
    days_between,
    holds,
    months_between,
    value,
    years_between,
)

RESPONSE: dict[str, Any] = {
    "a": 7,
    "b": 2,
    "x": 1.5,
    "zero": 0,
    "t": "Grüße",
    "emoji": "a👍🏽",  # a thumb and a skin tone: two code points
    "empty": "",
    "m": ["bus", "car"],
    "c": "north",
    "tick": True,
    "flag": False,  # a computed truth value, stored even when false
    "d1": "2024-01-31",
    "d2": "2024-02-29",
    "mo1": "2023-11",
    "mo2": "2024-02",
    "y1": "2001",
    "y2": "2024",
    "big": 10**300,
}


def v(source: str, response: dict[str, Any] | None = None) -> Any:
    return value(parse(source), RESPONSE if response is None else response)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # arithmetic: integers stay integers, / always gives a decimal
        ("a + b", 9),
        ("a - b", 5),
        ("a * b", 14),
        ("a / b", 3.5),
        ("a * 2 / 7", 2.0),
        ("a + x", 8.5),
        ("-a", -7),
        ("- -a", 7),
        ("-x", -1.5),
        ("a - -5", 12),
        ("(a + b) * 2", 18),
        ("a + b * 2", 11),
        ("0.1 + 0.2", 0.30000000000000004),
        # absent operands, division by zero, overflow
        ("a + nothing", ABSENT),
        ("-nothing", ABSENT),
        ("a / zero", ABSENT),
        ("a / 0.0", ABSENT),
        ("nothing / zero", ABSENT),
        ("big * big", ABSENT),
        # sum, count, min, max
        ("sum(a, b, x)", 10.5),
        ("sum(a, nothing)", 7),
        ("sum(nothing, nada)", 0),
        ("count(a, nothing, t, m, tick)", 4),
        ("count(nothing)", 0),
        ("count(unticked, tick)", 1),
        ("min(a, b, nothing)", 2),
        ("max(a, x)", 7),
        ("min(nothing, nada)", ABSENT),
        ("max(d1, d2)", "2024-02-29"),
        # if, coalesce
        ('if(a > b, "more", "less")', "more"),
        ('if(a < b, "more", "less")', "less"),
        ('if(nothing > 1, "yes", "no")', "no"),
        ("if(a > b, nothing, 1)", ABSENT),
        ("coalesce(nothing, a, b)", 7),
        ("coalesce(nothing, nada)", ABSENT),
        ("coalesce(empty, t)", ""),
        # text
        ("len(t)", 5),
        ("len(empty)", 0),
        ("len(emoji)", 3),
        ("len(nothing)", 0),
        ('concat(t, " ", nothing, "!")', "Grüße !"),
        ("selected_count(m)", 2),
        ("selected_count(nothing)", 0),
        # dates
        ("days_between(d1, d2)", 29),
        ("days_between(d2, d1)", -29),
        ("days_between(d1, nothing)", ABSENT),
        ("months_between(d1, d2)", 0),
        ("months_between(mo1, mo2)", 3),
        ("months_between(mo2, mo1)", -3),
        ("years_between(y1, y2)", 23),
        ("years_between(mo1, mo2)", 0),
        ("years_between(nothing, y2)", ABSENT),
        # conditions are values too (a computed truth value)
        ("a > b", True),
        ("answered(nothing)", False),
    ],
)
def test_value(source: str, expected: Any) -> None:
    found = v(source)
    assert found == expected
    assert type(found) is type(expected)


@pytest.mark.parametrize(
    ("start", "end", "days", "months", "years"),
    [
        ("2024-01-31", "2024-02-29", 29, 0, 0),  # leap day; the 29th comes before the 31st
        ("2024-01-29", "2024-02-29", 31, 1, 0),
        ("2023-01-31", "2023-03-01", 29, 1, 0),  # across a short February
        ("2020-02-29", "2021-02-28", 365, 11, 0),  # a birthday on a leap day
        ("2020-02-29", "2021-03-01", 366, 12, 1),
        ("2000-05-15", "2024-05-14", 8765, 287, 23),
        ("2000-05-15", "2024-05-15", 8766, 288, 24),
        ("2024-05-15", "2000-05-16", -8765, -287, -23),  # negative: toward zero
        ("2024-12-31", "2025-01-01", 1, 0, 0),
    ],
)
def test_date_differences(start: str, end: str, days: int, months: int, years: int) -> None:
    assert days_between(start, end) == days
    assert months_between(start, end) == months
    assert years_between(start, end) == years
    assert months_between(end, start) == -months
    assert years_between(end, start) == -years


def test_years_between_dates_of_year_precision() -> None:
    assert years_between("1990", "2024") == 34
    assert years_between("2024", "1990") == -34


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("a + b > 8", True),
        ("a + b > 9", False),
        ("sum(a, b) == 9", True),
        ("b <= a * 2", True),
        ("a + nothing > 0", False),  # an absent side: comparisons are false ...
        ("a + nothing != 0", True),  # ... and != true
        ("a / zero == 0", False),
        ('if(tick, "on", "off") == "on"', True),
        ('if(unticked, "on", "off") == "on"', False),
        ("len(t) == 5", True),
        ("months_between(d1, d2) < 1", True),
        ("if(a > b, tick, false)", True),
        ("flag == false", True),
        ("not flag", True),
        ("coalesce(nothing, flag) == false", True),
        ("count(flag, tick) == 1", True),
        ('m has if(a > b, "bus", "bike")', True),
        ("selected_count(m) in [2, 3]", True),
        ("0.1 + 0.2 == 0.3", False),  # IEEE doubles, no rounding
    ],
)
def test_holds(condition: str, expected: bool) -> None:
    assert holds(parse(condition), RESPONSE) is expected


def test_a_number_is_no_condition() -> None:
    assert holds(parse("a + b"), RESPONSE) is False


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (-12, "-12"),
        (0.5, "0.5"),
        (1234.25, "1234.25"),
        (2.0, "2"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (1e20, "100000000000000000000"),
        (1e23, "100000000000000000000000"),
        (-1.5e-10, "-0.00000000015"),
        (2**53, "9007199254740992"),
        (2**53 + 1, "9007199254740992"),  # beyond 2**53: the double that holds it
        (10**23, "100000000000000000000000"),
    ],
)
def test_format_number(number: float, text: str) -> None:
    assert format_number(number) == text


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**60), 2**60))
def test_format_number_reads_back_as_the_same_double(number: float) -> None:
    text = format_number(number)
    assert "e" not in text and "E" not in text and "+" not in text
    assert float(text) == float(number)
    if isinstance(number, float) and number != int(number):
        assert "." in text


@pytest.mark.parametrize("bad", [True, float("inf"), float("nan")])
def test_format_number_refuses_what_is_not_a_finite_number(bad: Any) -> None:
    with pytest.raises(ValueError):
        format_number(bad)


LABELS = {"bus": "Bus", "car": "Car", "bike": "Bike <b>"}


@pytest.mark.parametrize(
    ("found", "vtype", "text"),
    [
        ("bike", ValueType("choice", codes=("bus", "car", "bike")), "Bike <b>"),
        (["bike", "bus"], ValueType("choices", codes=("bus", "car", "bike")), "Bus, Bike <b>"),
        ([], ValueType("choices", codes=("bus",)), ""),
        (3, ValueType("number", integer=True), "3"),
        (2.5, ValueType("number"), "2.5"),
        (6 / 3, ValueType("number"), "2"),
        ("2024-02", ValueType("date", precision="month"), "2024-02"),
        ("{x} & {{", ValueType("text"), "{x} & {{"),
        (ABSENT, ValueType("text"), ""),
    ],
)
def test_as_text(found: Any, vtype: ValueType, text: str) -> None:
    assert as_text(found, vtype, LABELS) == text


@pytest.mark.parametrize("kind", ["truth", "check", "group"])
def test_as_text_refuses_what_cannot_be_piped(kind: Any) -> None:
    with pytest.raises(ValueError):
        as_text(True, ValueType(kind), {})
