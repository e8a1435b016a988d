"""The codebook of issue 19's elements (README, "Issue 19"): rankings with the rank of
each item, number lists with their total, dual-scale matrices per scale, rosters with
their item and one value per iteration, widgets as presentation, ``_order``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from qdef.model import Instrument
from qdef.rendering import compile_instrument, render
from qdef.source.yamldata import build_data

INSTRUMENT = Path(__file__).resolve().parents[3] / "instruments" / "investitionspakt.yaml"

SURVEY = """\
qdef: 1
id: haushalt
title: Haushalt
language: en
sections:
  - id: s1
    order: random
    questions:
      - id: names
        type: textlist
        text: Who lives here?
        fields: [{code: p1, label: "1."}, {code: p2, label: "2."}]
      - id: vehicles
        type: multiple
        text: Vehicles?
        options: [{code: car, label: Car}, {code: bike, label: Bike}]
      - id: scale
        type: single
        widget: buttons
        text: How satisfied?
        options: [{code: "1", label: "1"}, {code: "2", label: "2"}]
  - id: persons
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, min: 0, max: 120, text: "How old is {person}?"}
  - id: rides
    repeat: {for_each: vehicles, item: vehicle}
    questions:
      - {id: km, type: number, text: "How far by {vehicle}?"}
  - id: s3
    questions:
      - id: prio
        type: ranking
        text: What matters?
        top: 2
        order: random
        options:
          - {code: price, label: Price}
          - {code: speed, label: Speed}
          - {code: comfort, label: Comfort}
      - id: hours
        type: numbers
        text: Hours
        fields:
          - {code: work, label: Work, min: 0, max: 100, unit: h}
          - {code: care, label: Care, min: 0, max: 100, unit: h}
        total: {at_most: 168}
      - id: services
        type: dualmatrix
        text: Services
        scales:
          - code: imp
            label: Importance
            columns: [{code: "1", label: Low}, {code: "2", label: High}]
          - code: sat
            label: Satisfaction
            columns: [{code: "a", label: Bad}, {code: "b", label: Good}]
        rows: [{code: bus, label: Bus}]
      - {id: far, type: number, min: 0, max: 50, step: 5, widget: slider, text: "How far?"}
"""


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, str]]:
    # From the model: the semantic checks of rosters come with issue 19's validation.
    instrument = Instrument.model_validate(build_data(SURVEY))
    text = render(compile_instrument(instrument), to="codebook")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["variable"]: row for row in rows}


def test_the_columns_of_issue_19_come_after_those_of_issue_18(
    table: dict[str, dict[str, str]],
) -> None:
    columns = list(next(iter(table.values())))
    assert columns[-5:] == ["source", "depends on", "checks", "roster", "notes"]


def test_a_ranking_is_a_list_with_the_rank_of_each_item_derived(
    table: dict[str, dict[str, str]],
) -> None:
    prio = table["prio"]
    assert prio["type"] == "ranking"
    assert prio["values"] == (
        "list of codes in rank order (rank 1 first), at most 2: "
        "price = Price; speed = Speed; comfort = Comfort"
    )
    assert "options shown in random order (the order shown: _order.prio)" in prio["notes"]
    names = list(table)
    at = names.index("prio")
    assert names[at + 1 : at + 4] == ["prio.price", "prio.speed", "prio.comfort"]
    speed = table["prio.speed"]
    assert (speed["label"], speed["type"], speed["values"]) == (
        "What matters? – rank of Speed",
        "number (integer)",
        "1–2",
    )
    assert speed["source"].startswith("derived from prio (not stored)")


def test_number_list_fields_carry_the_total(table: dict[str, dict[str, str]]) -> None:
    work = table["hours.work"]
    assert (work["label"], work["values"], work["unit"]) == ("Hours – Work", "0–100", "h")
    assert work["checks"] == "total: sum(hours.work, hours.care) <= 168"


def test_dual_matrix_cells_per_scale(table: dict[str, dict[str, str]]) -> None:
    assert table["services.bus.imp"]["label"] == "Services – Bus – Importance"
    assert table["services.bus.imp"]["values"] == "1 = Low; 2 = High"
    assert table["services.bus.sat"]["label"] == "Services – Bus – Satisfaction"
    assert table["services.bus.sat"]["values"] == "a = Bad; b = Good"


def test_rosters_their_items_and_one_value_per_iteration(
    table: dict[str, dict[str, str]],
) -> None:
    names = list(table)
    assert names.index("person") == names.index("age") - 1  # the item first
    person, vehicle = table["person"], table["vehicle"]
    assert (person["question id"], person["roster"]) == (
        "persons",
        "persons: the item of each iteration",
    )
    assert person["source"] == "the text of a field of names"
    assert vehicle["values"] == "car = Car; bike = Bike"
    assert vehicle["source"] == "the code chosen in vehicles"
    assert table["age"]["roster"] == "persons: one value per iteration"
    assert table["km"]["roster"] == "rides: one value per iteration"
    assert table["names.p1"]["roster"] == ""


def test_widgets_are_presentation_and_order_is_recorded(
    table: dict[str, dict[str, str]],
) -> None:
    far = table["far"]["notes"]
    assert far == (
        "shown as a slider (presentation only; the data is the number); "
        "step 5: min + a whole multiple of 5"
    )
    assert table["scale"]["notes"].startswith("shown as a row of buttons (presentation only)")
    # The section s1 is random: each of its questions says so.
    assert (
        "questions of the section s1 shown in random order (the order shown: _order.s1)"
        in (table["names.p1"]["notes"])
    )
    assert list(table)[-1] == "_order"
    assert table["_order"]["type"] == "object (JSON)"


def test_an_instrument_without_them_keeps_its_columns() -> None:
    from qdef.pipeline import validate_file  # noqa: PLC0415

    compiled = validate_file(INSTRUMENT).compiled
    assert compiled is not None
    header = render(compiled, to="codebook").split("\r\n", 1)[0]
    assert "roster" not in header and "notes" not in header
