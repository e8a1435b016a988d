"""``qdef diff`` on the elements of issue 18 (QD756–QD769): each change class with
its kind, located in the new version (docs/diff.md, the classification table)."""

from __future__ import annotations

import yaml

from qdef.diff import Change, compare
from qdef.model import Instrument
from qdef.pipeline import validate_text

BASE = """\
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
      - id: children
        type: computed
        value: members - adults
        label: Number of children
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
          - {code: car, label: Car, when: 'region == "south"'}
      - id: zip
        type: text
        text: ZIP
"""


def changes(new: str, old: str = BASE) -> list[Change]:
    before, after = validate_text(old), validate_text(new)
    assert before.ok, [d.message for d in before.diagnostics]
    assert after.ok, [d.message for d in after.diagnostics]
    return compare(before, after)


def edited(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def found(result: list[Change], code: str) -> Change:
    hits = [c for c in result if c.code == code]
    assert len(hits) == 1, [(c.code, c.message) for c in result]
    return hits[0]


def test_nothing_changed_nothing_reported() -> None:
    assert changes(BASE) == []


def test_a_hidden_variable_removed_added_and_narrowed() -> None:
    wave = "  - {id: wave, type: number, min: 1, max: 10}\n"
    removed = found(changes(edited((wave, ""))), "QD756")
    assert (removed.kind, removed.old) == ("breaking", "wave")
    assert removed.location is not None and removed.old_location is not None
    added = found(changes(edited(("sections:", "  - {id: mode, type: text}\nsections:"))), "QD757")
    assert (added.kind, added.new) == ("additive", "mode")
    narrowed = found(changes(edited(("min: 1, max: 10}", "min: 1, max: 5}"))), "QD758")
    assert narrowed.kind == "breaking" and "max now 5 (was 10)" in narrowed.message
    widened = found(changes(edited(("min: 1, max: 10}", "min: 1, max: 50}"))), "QD746")
    assert widened.kind == "additive"
    text = "  - {id: wave, type: text}\n"
    retyped = found(changes(edited((wave, text))), "QD758")
    assert (retyped.old, retyped.new) == ("number", "text")


def test_a_hidden_default_and_label() -> None:
    result = changes(
        edited(("    default: north\n", "    default: south\n"), ("label: Region", "label: Area"))
    )
    default = found(result, "QD759")
    assert (default.kind, default.old, default.new) == ("check", "north", "south")
    assert (default.question, default.item) == (None, "region")  # what an acceptance names
    assert found(result, "QD769").kind == "wording"


def test_a_computed_formula_changed_breaks_comparability() -> None:
    formula = ("value: members - adults", "value: members - adults - 1")
    change = found(changes(edited(formula)), "QD760")
    assert change.kind == "breaking"
    assert (change.old, change.new) == ("members - adults", "members - adults - 1")
    assert change.question == "children"
    # the same formula written differently is no change
    assert changes(edited(("value: members - adults", "value: (members) - adults"))) == []
    label = found(changes(edited(("label: Number of children", "label: Children"))), "QD769")
    assert label.kind == "wording"


def test_a_filter_and_an_option_condition_are_routing() -> None:
    swapped = ("filter: {chosen_in: transport}", "filter: {not_chosen_in: transport}")
    change = found(changes(edited(swapped)), "QD761")
    assert change.kind == "routing"
    assert change.new == {"not_chosen_in": "transport"}
    north = ("when: 'region == \"south\"'", "when: 'region == \"north\"'")
    option = found(changes(edited(north)), "QD762")
    assert (option.kind, option.item) == ("routing", "car")
    assert option.old == 'region == "south"'


def test_rules_added_removed_changed_and_reworded() -> None:
    rule = (
        '          - {check: adults <= members, message: "Not more than the {members} people."}\n'
    )
    extra = '          - {check: adults >= 1, message: "At least one adult."}\n'
    added = found(changes(edited((rule, rule + extra))), "QD763")
    assert (added.kind, added.new, added.old) == ("check", "adults >= 1", None)
    dropped = found(changes(BASE, old=edited((rule, rule + extra))), "QD764")
    assert (dropped.kind, dropped.old) == ("additive", "adults >= 1")
    changed = found(
        changes(edited(("check: adults <= members", "check: adults < members"))), "QD763"
    )
    assert (changed.old, changed.new) == ("adults <= members", "adults < members")
    reworded = found(changes(edited(("Not more than the", "No more than the"))), "QD765")
    assert reworded.kind == "wording"


def test_a_default_changed() -> None:
    change = found(changes(edited(("        default: 2\n", "        default: 3\n"))), "QD767")
    assert (change.kind, change.old, change.new) == ("check", 2, 3)


def test_a_text_that_pipes_other_variables() -> None:
    result = changes(
        edited(("How many of the {members} are", "How many of the {members} ({region|}) are"))
    )
    change = found(result, "QD768")
    assert (change.kind, change.old, change.new) == ("check", ["members"], ["members", "region"])


def _unchecked(text: str) -> Instrument:
    return Instrument.model_validate(yaml.safe_load(text))


def test_a_pattern_added_changed_removed_and_reworded() -> None:
    plain = _unchecked(BASE)
    with_pattern = _unchecked(
        BASE + '        pattern: {regex: "[0-9]{5}", message: "Five digits."}\n'
    )
    changed = _unchecked(BASE + '        pattern: {regex: "[0-9]{4}", message: "Five digits."}\n')
    reworded = _unchecked(BASE + '        pattern: {regex: "[0-9]{5}", message: "5 digits."}\n')
    added = [c for c in compare(plain, with_pattern) if c.code.startswith("QD76")]
    assert [(c.code, c.kind, c.new) for c in added] == [("QD766", "check", "[0-9]{5}")]
    assert [c.code for c in compare(with_pattern, changed)] == ["QD766"]
    assert [(c.code, c.kind) for c in compare(with_pattern, plain)] == [("QD764", "additive")]
    assert [(c.code, c.kind) for c in compare(with_pattern, reworded)] == [("QD765", "wording")]
