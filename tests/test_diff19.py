"""``qdef diff`` on issue 19's elements (docs/diff.md): rosters, random order and
anchors, widgets and steps, rankings, number lists and dual-scale matrices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qdef.diff import CODES, compare
from qdef.model import Instrument
from qdef.source.yamldata import build_data

BASE = """
qdef: 1
id: h
title: H
language: en
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
      - {id: kids, type: number, min: 0, max: 4, text: "How many children?"}
      - {id: note, type: text, text: "Anything else?"}
  - id: persons
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, min: 0, max: 120, text: "How old is {person}?"}
  - id: children
    repeat: {times: kids, max: 4, item: child}
    questions:
      - {id: school, type: text, text: "School of child {child}?"}
  - id: s3
    questions:
      - id: prio
        type: ranking
        text: What matters?
        options:
          - {code: price, label: Price}
          - {code: speed, label: Speed}
          - {code: comfort, label: Comfort}
      - id: hours
        type: numbers
        text: Hours
        fields:
          - {code: work, label: Work, min: 0, max: 100}
          - {code: care, label: Care, min: 0, max: 100}
        total: {at_most: 168}
      - id: services
        type: dualmatrix
        text: Services
        scales:
          - {code: imp, label: Importance, columns: [{code: "1", label: Low}]}
          - {code: sat, label: Satisfaction, columns: [{code: "1", label: Bad}]}
        rows: [{code: bus, label: Bus}, {code: train, label: Train}]
      - {id: far, type: number, min: 0, max: 50, text: "How far?"}
      - id: pick
        type: single
        text: Pick
        options: [{code: a, label: A}, {code: b, label: B}]
"""


def _load(text: str) -> Instrument:
    # From the model: the semantic checks of rosters come with issue 19's validation.
    return Instrument.model_validate(build_data(text))


def _edit(change: Callable[[dict[str, Any]], None]) -> Instrument:
    data = build_data(BASE)
    change(data)
    return Instrument.model_validate(data)


def _q(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for section in data["sections"] for q in section["questions"] if q["id"] == qid)


def _codes(change: Callable[[dict[str, Any]], None]) -> list[str]:
    return [c.code for c in compare(_load(BASE), _edit(change))]


def _section(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in data["sections"] if s["id"] == sid)


def test_nothing_changed_is_nothing() -> None:
    assert compare(_load(BASE), _load(BASE)) == []


def test_a_question_added_inside_a_roster_is_additive() -> None:
    def add(data: dict[str, Any]) -> None:
        _section(data, "persons")["questions"].append(
            {"id": "job", "type": "text", "text": "Job of {person}?"}
        )

    assert _codes(add) == ["QD740"]


def test_the_maximum_of_a_roster_is_a_check() -> None:
    def lower(data: dict[str, Any]) -> None:
        _section(data, "children")["repeat"]["max"] = 5

    changes = compare(_load(BASE), _edit(lower))
    assert [(c.code, c.kind, c.old, c.new) for c in changes] == [("QD772", "check", 4, 5)]


@pytest.mark.parametrize(
    "repeat",
    [
        {"for_each": "vehicles", "item": "person"},  # another source
        {"for_each": "names", "item": "member"},  # another item name: another key
        None,  # no longer a roster
    ],
)
def test_what_a_roster_repeats_for_breaks_comparability(repeat: dict[str, str] | None) -> None:
    def change(data: dict[str, Any]) -> None:
        section = _section(data, "persons")
        if repeat is None:
            del section["repeat"]
        else:
            section["repeat"] = repeat

    found = [c for c in compare(_load(BASE), _edit(change)) if c.code == "QD771"]
    assert len(found) == 1 and found[0].kind == "breaking"


def test_a_question_moved_into_a_roster_breaks_comparability() -> None:
    def move(data: dict[str, Any]) -> None:
        note = _q(data, "note")
        data["sections"][0]["questions"].remove(note)
        _section(data, "persons")["questions"].append(note)

    found = [c for c in compare(_load(BASE), _edit(move)) if c.question == "note"]
    # Its other changes are not compared; the routing comparison still reports that it
    # is now reached only in an iteration (QD730).
    assert [(c.code, c.kind, c.old, c.new) for c in found if c.code != "QD730"] == [
        ("QD770", "breaking", None, "persons")
    ]


def test_random_order_and_anchors_are_wording() -> None:
    def shuffle(data: dict[str, Any]) -> None:
        _q(data, "pick")["order"] = "random"
        _q(data, "pick")["options"][1]["anchor"] = True
        _q(data, "prio")["order"] = "random"
        _section(data, "s3")["order"] = "random"

    changes = compare(_load(BASE), _edit(shuffle))
    assert [(c.code, c.kind, c.question) for c in changes] == [
        ("QD773", "wording", None),
        ("QD773", "wording", "prio"),
        ("QD773", "wording", "pick"),
        ("QD773", "wording", "pick"),
    ]
    assert "answers may shift with the position" in changes[0].message


def test_a_slider_is_presentation_and_a_step_narrows_or_widens() -> None:
    def slider(data: dict[str, Any]) -> None:
        _q(data, "far").update(widget="slider", step=5)

    assert _codes(slider) == ["QD751", "QD710"]
    old = _edit(slider)

    def finer(data: dict[str, Any]) -> None:
        _q(data, "far").update(widget="slider", step=2.5)

    assert [c.code for c in compare(old, _edit(finer))] == ["QD746"]

    def coarser(data: dict[str, Any]) -> None:
        _q(data, "far").update(widget="slider", step=2)

    assert [c.code for c in compare(old, _edit(coarser))] == ["QD710"]


def test_a_rankings_items_and_top() -> None:
    def items(data: dict[str, Any]) -> None:
        prio = _q(data, "prio")
        prio["options"] = [*prio["options"][:2], {"code": "safety", "label": "Safety"}]
        prio["top"] = 2

    changes = compare(_load(BASE), _edit(items))
    assert [(c.code, c.item) for c in changes] == [
        ("QD741", "safety"),
        ("QD710", None),
        ("QD703", "comfort"),
    ]
    assert "number of ranks is now 2 (was 3)" in changes[1].message


def test_a_number_lists_fields_and_total() -> None:
    def fields(data: dict[str, Any]) -> None:
        hours = _q(data, "hours")
        hours["fields"].append({"code": "sleep", "label": "Sleep", "min": 0, "max": 100})
        hours["fields"][0]["max"] = 80
        hours["total"] = {"equals": 168}

    changes = compare(_load(BASE), _edit(fields))
    assert [(c.code, c.item) for c in changes] == [
        ("QD710", "work"),
        ("QD744", "sleep"),
        ("QD776", None),
    ]
    assert changes[2].kind == "check" and (changes[2].old, changes[2].new) == (
        "sum <= 168",
        "sum == 168",
    )

    def no_total(data: dict[str, Any]) -> None:
        del _q(data, "hours")["total"]

    # (The routing analysis counts a total like a rule, so the paths may change too.)
    assert [code for code in _codes(no_total) if code != "QD731"] == ["QD764"]


def test_a_dual_matrixs_scales() -> None:
    def scales(data: dict[str, Any]) -> None:
        services = _q(data, "services")
        services["scales"][0]["columns"].append({"code": "2", "label": "High"})
        services["scales"][1]["code"] = "use"
        services["scales"][1]["label"] = "Use"

    changes = compare(_load(BASE), _edit(scales))
    assert [(c.code, c.item) for c in changes] == [
        ("QD743", "2"),
        ("QD775", "use"),
        ("QD774", "sat"),
    ]
    assert [CODES[c.code][0] for c in changes] == ["additive", "additive", "breaking"]
