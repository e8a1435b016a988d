"""Issue 19's elements in the symbol table and the semantic checks (docs/format.md):
rankings, number lists, dual-scale matrices, widgets, random order and rosters.

Each test names what would break it.
"""

from __future__ import annotations

from typing import Any

import yaml

from qdef.model import Instrument
from qdef.model.symbols import Symbols, ValueType, build

HEAD = """\
qdef: 1
id: t
title: T
language: en
"""

HOUSEHOLD = """\
sections:
  - id: s1
    questions:
      - id: names
        type: textlist
        text: Who lives here?
        fields: [{code: p1, label: "1."}, {code: p2, label: "2."}]
      - id: vehicles
        type: multiple
        text: Vehicles?
        options: [{code: car, label: Car}, {code: bike, label: Bike}]
      - {id: n_children, type: number, min: 0, max: 6, text: "Children?"}
  - id: persons
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, min: 0, max: 120, text: "How old is {person}?"}
      - id: works
        type: single
        text: Works?
        options: [{code: "yes", label: "Yes", specify: [{id: job}]}, {code: "no", label: "No"}]
      - {id: older, type: computed, value: age + 1}
  - id: cars
    repeat: {for_each: vehicles, item: vehicle}
    questions:
      - {id: km, type: number, kind: decimal, text: "Kilometres?"}
  - id: children
    repeat: {times: n_children, max: 6, item: child}
    questions:
      - {id: school, type: text, text: "School of child {child}?"}
  - id: s3
    questions:
      - id: priorities
        type: ranking
        text: What matters most?
        top: 2
        options: [{code: price, label: Price}, {code: speed, label: Speed}]
      - id: hours
        type: numbers
        text: Hours per week
        fields:
          - {code: work, label: Work, min: 0, max: 100}
          - {code: care, label: Care, kind: decimal}
        total: {at_most: 168}
      - id: services
        type: dualmatrix
        text: Importance and satisfaction
        scales:
          - code: imp
            label: Importance
            columns: [{code: "1", label: Low}, {code: "2", label: High}]
          - code: sat
            label: Satisfaction
            columns: [{code: a, label: Bad}, {code: b, label: Good}, {code: c, label: Top}]
        rows: [{code: bus, label: Bus}, {code: other, label: Other, specify: {id: other_name}}]
"""


def instrument(body: str) -> Instrument:
    data: Any = yaml.safe_load(HEAD + body)
    return Instrument.model_validate(data)


def symbols(body: str = HOUSEHOLD) -> Symbols:
    return build(instrument(body))


# ----------------------------------------------------------------- symbols


def test_ranking_is_one_variable_of_kind_ranking_with_the_items_codes() -> None:
    variable = symbols().variables["priorities"]
    assert variable.type == ValueType("ranking", codes=("price", "speed"))
    assert variable.type.describe() == "a ranking"
    assert variable.roster is None


def test_number_list_is_a_group_with_a_number_per_field() -> None:
    table = symbols().variables
    assert table["hours"].type.kind == "group"
    assert table["hours.work"].type == ValueType("number", integer=True)
    assert table["hours.care"].type == ValueType("number", integer=False)
    assert table["hours.care"].path[-2:] == ("fields", 1)
    assert table["hours.work"].question == "hours"


def test_dual_matrix_has_a_choice_per_row_and_scale_with_that_scales_codes() -> None:
    table = symbols().variables
    assert table["services"].type.kind == "group"
    assert table["services.bus.imp"].type == ValueType("choice", codes=("1", "2"))
    assert table["services.bus.sat"].type == ValueType("choice", codes=("a", "b", "c"))
    assert table["services.other.sat"].path[-2:] == ("rows", 1)
    assert table["other_name"].type == ValueType("text")
    assert "services.bus" not in table


def test_rosters_are_indexed_by_section() -> None:
    table = symbols()
    assert table.rosters == {"persons": 1, "cars": 2, "children": 3}


def test_every_variable_of_a_roster_section_belongs_to_it() -> None:
    table = symbols()
    for name in ("age", "works", "job"):
        assert table.roster_of(name) == "persons", name
    assert table.roster_of("km") == "cars"
    assert table.roster_of("school") == "children"
    for name in ("names", "names.p1", "vehicles", "n_children", "priorities", "hours.work"):
        assert table.roster_of(name) is None, name
    assert table.roster_of("nonexistent") is None
    roster_entries = {e.question.id: e.roster for e in table.entries}
    assert roster_entries["age"] == "persons"
    assert roster_entries["older"] == "persons"
    assert roster_entries["priorities"] is None


def test_a_computed_value_in_a_roster_belongs_to_it() -> None:
    table = symbols()
    entry = next(e for e in table.computed())
    variable = table.define(entry, ValueType("number", integer=True))
    assert variable.roster == "persons"
    assert table.roster_of("older") == "persons"


def test_the_item_is_a_variable_of_its_roster_at_its_first_entry() -> None:
    table = symbols()
    person = table.variables["person"]
    assert person.type == ValueType("text")
    assert person.roster == "persons"
    assert person.question == "persons"
    assert person.position == table.positions["age"]
    assert person.path == ("sections", 1, "repeat", "item")
    vehicle = table.variables["vehicle"]
    assert vehicle.type == ValueType("choice", codes=("car", "bike"))
    assert vehicle.position == table.positions["km"]
    assert vehicle.path == ("sections", 2, "repeat", "item")
    child = table.variables["child"]
    assert child.type == ValueType("number", integer=True)
    assert child.roster == "children"
    assert table.roster_of("child") == "children"


def test_an_instrument_without_rosters_has_none() -> None:
    table = symbols("sections:\n  - id: s\n    questions:\n      - {id: q, type: text, text: Q}\n")
    assert table.rosters == {}
    assert table.variables["q"].roster is None
    assert table.entries[0].roster is None
