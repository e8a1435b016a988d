"""The codebook of an instrument with hidden variables, computed values, piping,
filters, option conditions, rules and defaults: their rows and the columns
source, depends on and checks (README, "Source, depends on, checks")."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from qdef.model import Instrument
from qdef.pipeline import validate_text
from qdef.rendering import render

INSTRUMENT = Path(__file__).resolve().parents[3] / "instruments" / "investitionspakt.yaml"

HOUSEHOLD = """\
qdef: 1
id: household
title: Household survey
language: en
hidden:
  - id: region
    type: choice
    label: Region
    options: [{code: north, label: North}, {code: south, label: South}]
    default: north
  - {id: wave, type: number, min: 1, max: 10}
sections:
  - id: s1
    questions:
      - id: members
        type: number
        min: 1
        max: 20
        default: 2
        required: true
        text: "How many people live in your household?"
      - id: adults
        type: number
        required: true
        text: "How many of the {members} are 18 or older?"
        rules:
          - {check: adults <= members, message: "Not more than the {members} people."}
          - {check: "-adults < 0", message: "=HYPERLINK(1)"}
      - id: children
        type: computed
        value: members - adults
        label: Number of children
      - id: big
        type: computed
        value: members > 4
      - id: transport
        type: multiple
        text: "Which of these do you use?"
        options: [{code: bus, label: Bus}, {code: car, label: Car}]
      - id: transport_main
        type: single
        text: "Which one most?"
        filter: {chosen_in: transport}
        options:
          - {code: bus, label: Bus}
          - {code: car, label: Car, when: 'region == "south" and wave > 2'}
"""


def rows_of(text: str, *, to: str = "codebook", **settings: object) -> list[dict[str, str]]:
    result = validate_text(text)
    assert result.ok, [d.message for d in result.diagnostics]
    out = render(result.compiled, to, **settings)  # type: ignore[arg-type]
    assert isinstance(out, str)
    return list(csv.DictReader(io.StringIO(out, newline="")))


def by_variable(text: str) -> dict[str, dict[str, str]]:
    return {row["variable"]: row for row in rows_of(text)}


def test_hidden_variables_come_first_with_their_source() -> None:
    rows = rows_of(HOUSEHOLD)
    assert [r["variable"] for r in rows[:2]] == ["region", "wave"]
    region, wave = rows[0], rows[1]
    assert region["source"] == "hidden: URL parameter region; default: north"
    assert region["values"] == "north = North; south = South"
    assert region["label"] == "Region" and region["question no."] == ""
    assert wave["source"] == "hidden: URL parameter wave"
    assert (wave["type"], wave["values"]) == ("number (integer)", "1–10")


def test_computed_values_have_a_row_at_their_place() -> None:
    rows = rows_of(HOUSEHOLD)
    order = [r["variable"] for r in rows]
    assert order == [
        "region",
        "wave",
        "members",
        "adults",
        "children",
        "big",
        "transport",
        "transport_main",
    ]
    children = rows[4]
    assert children["source"] == "computed: members - adults"
    assert children["depends on"] == "members, adults"
    assert (children["type"], children["label"]) == ("number (integer)", "Number of children")
    assert children["asked when"] == "true"
    big = rows[5]
    assert (big["type"], big["values"]) == ("truth value", "true; false")


def test_dependencies_rules_and_defaults() -> None:
    rows = by_variable(HOUSEHOLD)
    assert rows["members"]["source"] == "default: 2"
    assert rows["adults"]["depends on"] == "piped: members"
    checks = rows["adults"]["checks"]
    assert checks.startswith("adults <= members → Not more than the {members} people.; ")
    main = rows["transport_main"]["depends on"]
    assert main == "filter: transport; options offered by: region, wave"


def test_a_cell_that_starts_like_a_formula_is_guarded() -> None:
    text = HOUSEHOLD.replace(
        '          - {check: adults <= members, message: "Not more than the {members} people."}\n',
        "",
    )
    rows = by_variable(text)
    assert rows["adults"]["checks"] == "'-adults < 0 → =HYPERLINK(1)"
    unguarded = {r["variable"]: r for r in rows_of(text, formula_guard=False)}
    assert unguarded["adults"]["checks"] == "-adults < 0 → =HYPERLINK(1)"


def test_a_pattern_is_a_check_of_its_variable() -> None:
    text = HOUSEHOLD + (
        "      - id: zip\n"
        "        type: text\n"
        "        text: ZIP\n"
        '        pattern: {regex: "[0-9]{5}", message: "Five digits."}\n'
    )
    instrument = Instrument.model_validate(yaml.safe_load(text))
    out = render(instrument, "codebook")
    assert isinstance(out, str)
    rows = {r["variable"]: r for r in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows["zip"]["checks"] == "pattern: [0-9]{5} → Five digits."


def test_the_markdown_codebook_has_the_same_columns() -> None:
    result = validate_text(HOUSEHOLD)
    out = render(result.compiled, "codebook-md")  # type: ignore[arg-type]
    assert isinstance(out, str)
    header = next(line for line in out.splitlines() if line.startswith("| variable"))
    assert header.endswith("| source | depends on | checks |")


def test_an_instrument_without_the_features_keeps_its_ten_columns() -> None:
    out = render(INSTRUMENT, "codebook")
    assert isinstance(out, str)
    header = out.splitlines()[0]
    assert header.split(",")[-1] == "personenbezogen"
