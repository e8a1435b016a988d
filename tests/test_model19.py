"""Issue 19's elements in the symbol table and the semantic checks (docs/format.md):
rankings, number lists, dual-scale matrices, widgets, random order and rosters.

Each test names what would break it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import qdef.model.symbols as symbols_module
from qdef.diagnostics import Diagnostic
from qdef.model import Instrument
from qdef.model.symbols import Symbols, ValueType, build
from qdef.pipeline import validate_document
from qdef.source.loader import parse
from qdef.validation import structure

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


def test_each_sections_first_position_is_kept() -> None:
    table = symbols()
    assert table.starts == (0, 3, 6, 7, 8)
    assert [table.first_position(s) for s in range(5)] == [0, 3, 6, 7, 8]
    assert table.positions["age"] == 3


def test_an_instrument_without_rosters_has_none() -> None:
    table = symbols("sections:\n  - id: s\n    questions:\n      - {id: q, type: text, text: Q}\n")
    assert table.rosters == {}
    assert table.variables["q"].roster is None
    assert table.entries[0].roster is None


# ----------------------------------------------------------------- semantic checks


def diagnostics(body: str) -> list[Diagnostic]:
    document, problems = parse(HEAD + body, Path("t.yaml"))
    assert document is not None, problems
    return list(validate_document(document, routing=False).diagnostics)


def codes(body: str) -> list[str]:
    return [d.code.value for d in diagnostics(body)]


def one_section(*questions: str, section: str = "") -> str:
    """An instrument of one section ``s`` (with the extra section keys ``section``)."""
    items = "".join(f"      - {q}\n" for q in questions)
    return f"sections:\n  - id: s\n{section}    questions:\n{items}"


RANK = "{id: r, type: ranking, text: R, options: [{code: a, label: A}, {code: b, label: B}]"
FIELDS = "[{code: a, label: A, min: 0, max: 10}, {code: b, label: B, min: 0, max: 10}]"
CHOICE = "{id: m, type: multiple, text: M, options: [{code: a, label: A}, {code: b, label: B}]}"


@pytest.mark.parametrize(
    ("bad", "good", "code"),
    [
        (RANK + ", top: 3}", RANK + ", top: 2}", "QD315"),
        (
            "{id: r, type: ranking, text: R, options: [{code: a, label: A}, {code: a, label: B}]}",
            RANK + "}",
            "QD301",
        ),
        (
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{label: S}}}}",
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{equals: 20}}}}",
            "QD316",
        ),
        (
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{equals: 21}}}}",
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{equals: 0}}}}",
            "QD317",
        ),
        (
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{equals: 7.5}}}}",
            f"{{id: n, type: numbers, text: N, fields: {FIELDS}, total: {{at_most: 7.5}}}}",
            "QD317",
        ),
        (
            "{id: n, type: numbers, text: N, fields: [{code: a, label: A, min: 5}], "
            "total: {at_most: 4}}",
            "{id: n, type: numbers, text: N, fields: [{code: a, label: A, min: 5}], "
            "total: {at_most: 5}}",
            "QD317",
        ),
        (
            "{id: n, type: numbers, text: N, fields: [{code: a, label: A, min: 5, max: 1}]}",
            "{id: n, type: numbers, text: N, fields: [{code: a, label: A, min: 1, max: 5}]}",
            "QD305",
        ),
        (
            "{id: x, type: number, widget: slider, max: 5, text: X}",
            "{id: x, type: number, widget: slider, min: 0, max: 5, text: X}",
            "QD318",
        ),
        (
            "{id: x, type: number, kind: decimal, widget: slider, min: 0, max: 1, text: X}",
            "{id: x, type: number, kind: decimal, widget: slider, min: 0, max: 1, step: 0.1, "
            "text: X}",
            "QD319",
        ),
        (
            "{id: x, type: number, step: 1.5, text: X}",
            "{id: x, type: number, step: 3, text: X}",
            "QD319",
        ),
        (
            "{id: x, type: number, step: 3, max: 10, text: X}",
            "{id: x, type: number, step: 3, max: 9, text: X}",
            "QD320",
        ),
        (
            "{id: x, type: number, kind: decimal, min: 0.1, step: 0.1, max: 0.35, text: X}",
            "{id: x, type: number, kind: decimal, min: 0.1, step: 0.1, max: 0.3, text: X}",
            "QD320",
        ),
        (
            "{id: x, type: number, min: 1, step: 2, default: 4, text: X}",
            "{id: x, type: number, min: 1, step: 2, default: 5, text: X}",
            "QD310",
        ),
        (
            "{id: x, type: single, text: X, options: [{code: a, label: A, anchor: false}]}",
            "{id: x, type: single, order: random, text: X, options: [{code: a, label: A, "
            "anchor: false}]}",
            "QD321",
        ),
        (
            "{id: x, type: matrix, text: X, scale: [{code: a, label: A}], "
            "rows: [{code: r, label: R, anchor: true}]}",
            "{id: x, type: matrix, order: random, text: X, scale: [{code: a, label: A}], "
            "rows: [{code: r, label: R, anchor: true}]}",
            "QD321",
        ),
        ("{id: x, type: text, text: X, anchor: false}", "{id: x, type: text, text: X}", "QD321"),
        (
            "{id: x, type: dualmatrix, text: X, rows: [{code: r, label: R}], scales: ["
            "{code: s, label: S, columns: [{code: a, label: A}]}, "
            "{code: s, label: T, columns: [{code: a, label: A}, {code: a, label: B}]}]}",
            "{id: x, type: dualmatrix, text: X, rows: [{code: r, label: R}], scales: ["
            "{code: s, label: S, columns: [{code: a, label: A}]}, "
            "{code: t, label: T, columns: [{code: a, label: A}, {code: b, label: B}]}]}",
            "QD303",
        ),
    ],
)
def test_each_question_check_fires_and_its_fix_is_quiet(bad: str, good: str, code: str) -> None:
    assert code in codes(one_section(bad))
    assert codes(one_section(good)) == []


def test_an_automatic_anchor_in_written_order_is_not_warned_about() -> None:
    exclusive = "{code: none, label: None, exclusive: true}"
    assert codes(one_section(f"{{id: m, type: multiple, text: M, options: [{exclusive}]}}")) == []


def test_filters_apply_to_rankings_and_dual_matrices() -> None:
    ranking = (
        "{id: r, type: ranking, text: R, filter: {chosen_in: m}, "
        "options: [{code: a, label: A}, {code: c, label: C}]}"
    )
    dual = (
        "{id: d, type: dualmatrix, text: D, filter: {chosen_in: r}, rows: [{code: a, label: A}], "
        "scales: [{code: s, label: S, columns: [{code: a, label: A}]}, "
        "{code: t, label: T, columns: [{code: a, label: A}]}]}"
    )
    assert codes(one_section(CHOICE, ranking, dual)) == ["QD313", "QD312"]


RANDOM = "    order: random\n"


def test_a_random_section_may_use_earlier_sections_and_an_entry_its_own_answers() -> None:
    before = f"sections:\n  - id: s0\n    questions:\n      - {CHOICE}\n"
    body = one_section(
        '{id: a, type: text, text: "A {m|–}", when: m has "a"}',
        "{id: b, type: number, text: B, rules: [{check: b > 1, message: Too small}]}",
        "{id: c, type: single, filter: {chosen_in: m}, text: C, "
        "options: [{code: a, label: A}, {code: b, label: B}]}",
        section=RANDOM,
    ).removeprefix("sections:\n")
    assert codes(before + body) == []


@pytest.mark.parametrize(
    "entry",
    [
        "{id: b, type: text, text: B, when: answered(a)}",
        '{id: b, type: text, text: "B {a|–}"}',
        "{id: b, type: text, text: B, rules: [{check: len(b) > len(a), message: M}]}",
        "{id: b, type: computed, value: len(a)}",
        '{id: b, type: single, text: B, options: [{code: x, label: X, when: a == "x"}]}',
    ],
)
def test_a_random_sections_entries_may_not_use_each_others_answers(entry: str) -> None:
    assert codes(one_section("{id: a, type: text, text: A}", entry, section=RANDOM)) == ["QD322"]


def test_a_filter_on_a_multiple_choice_of_the_same_random_section_is_refused() -> None:
    filtered = (
        "{id: c, type: single, filter: {chosen_in: m}, text: C, "
        "options: [{code: a, label: A}, {code: b, label: B}]}"
    )
    assert codes(one_section(CHOICE, filtered, section=RANDOM)) == ["QD322"]


def test_gotos_and_random_sections() -> None:
    into = (
        "sections:\n  - id: s0\n    questions:\n"
        "      - {id: a, type: text, text: A, goto: c}\n"
        "      - {id: z, type: text, text: Z, goto: b}\n"
        "  - id: s\n    order: random\n    questions:\n"
        "      - {id: b, type: text, text: B}\n"
        "      - {id: c, type: text, text: C, goto: end}\n"
    )
    found = diagnostics(into)
    assert [(d.code.value, d.span.line) for d in found] == [("QD323", 8), ("QD323", 14)]


ROSTER_HEAD = (
    "sections:\n  - id: s0\n    questions:\n"
    "      - {id: names, type: textlist, text: N, fields: [{code: a, label: A}]}\n"
    "      - {id: n, type: number, min: 0, max: 4, text: N}\n"
)


def roster(repeat: str, *questions: str, extra: str = "") -> str:
    items = "".join(f"      - {q}\n" for q in questions or ("{id: q, type: text, text: Q}",))
    return f"{ROSTER_HEAD}  - id: r\n    repeat: {repeat}\n{extra}    questions:\n{items}"


@pytest.mark.parametrize(
    ("repeat", "code"),
    [
        ("{item: i}", "QD325"),
        ("{for_each: names, times: n, max: 4, item: i}", "QD325"),
        ("{for_each: namez, item: i}", "QD326"),
        ("{for_each: n, item: i}", "QD326"),
        ("{times: names, max: 4, item: i}", "QD326"),
        ("{times: q, max: 4, item: i}", "QD326"),
        ("{for_each: names, max: 3, item: i}", "QD327"),
        ("{times: n, item: i}", "QD327"),
        ("{times: n, max: 3, item: i}", "QD328"),
        ("{for_each: names, item: names}", "QD401"),
        ("{for_each: names, item: r}", "QD401"),
        ("{for_each: names, item: has}", "QD405"),
    ],
)
def test_each_repeat_check_fires(repeat: str, code: str) -> None:
    assert code in codes(roster(repeat))


@pytest.mark.parametrize(
    "repeat",
    ["{for_each: names, item: i}", "{times: n, max: 4, item: i}", "{times: n, max: 9, item: i}"],
)
def test_good_repeats_are_quiet(repeat: str) -> None:
    assert codes(roster(repeat)) == []


def test_a_times_source_without_max_or_in_a_roster_is_refused() -> None:
    body = roster(
        "{for_each: names, item: i}", "{id: k, type: number, min: 0, max: 2, text: K}"
    ) + (
        "  - id: r2\n    repeat: {times: k, max: 2, item: j}\n    questions:\n"
        "      - {id: q2, type: text, text: Q}\n"
        "  - id: r3\n    repeat: {times: h, max: 2, item: l}\n    questions:\n"
        "      - {id: q3, type: text, text: Q}\n"
    )
    found = diagnostics("hidden: [{id: h, type: number}]\n" + body)
    assert [d.code.value for d in found] == ["QD326", "QD328"]
    assert "roster 'r'" in found[0].message
    assert "'h' has no max" in found[1].message


def test_random_order_in_a_roster_is_refused() -> None:
    shuffled = "{id: x, type: single, order: random, text: X, options: [{code: a, label: A}]}"
    assert codes(roster("{for_each: names, item: i}", shuffled, extra=RANDOM)) == [
        "QD324",
        "QD324",
    ]


def test_gotos_and_rosters() -> None:
    body = (
        ROSTER_HEAD.replace("text: N}\n", "text: N, goto: q2}\n", 1)
        + "  - id: r\n    repeat: {for_each: names, item: i}\n    questions:\n"
        + "      - {id: q1, type: text, text: Q, goto: q3}\n"
        + "      - {id: q2, type: text, text: Q, goto: end}\n"
        + "      - {id: q3, type: text, text: Q, goto: after}\n"
        + "      - {id: q4, type: text, text: Q}\n"
        + "  - id: t\n    questions:\n      - {id: after, type: text, text: A}\n"
    )
    found = diagnostics(body)
    assert [(d.code.value, d.span.line) for d in found] == [
        ("QD329", 9),  # into the middle of the roster
        ("QD329", 14),  # end from inside
        ("QD329", 15),  # out of the roster
    ]
    assert (
        codes(
            body.replace("goto: q2}", "goto: q1}")
            .replace("goto: end", "goto: q4")
            .replace("goto: after", "goto: q4")
        )
        == []
    )


def test_every_problem_is_reported_at_once() -> None:
    body = roster(
        "{times: n, item: i}",
        RANK.replace("id: r,", "id: rk,") + ", top: 5}",
        "{id: x, type: number, widget: slider, text: X}",
        "{id: y, type: single, order: random, text: Y, options: [{code: a, label: A}]}",
        "{id: z, type: text, text: Z, goto: end}",
    )
    assert sorted(codes(body)) == ["QD315", "QD318", "QD324", "QD327", "QD329"]


def test_a_broken_repeat_leaves_its_item_unreported() -> None:
    """A repeat with a structural error is left out; the uses of its item are not
    reported as unknown names (the item went with it)."""
    body = roster(
        "{for_each: names, item: i, every: 2}",
        '{id: x, type: text, text: "X {i}", when: i != "a"}',
    )
    assert codes(body) == ["QD201"]


# ----------------------------------------------------------------- work


def _block(k: int) -> str:
    """A household block: a text list, a roster over it with a goto inside, a random
    section whose entries use earlier answers, a ranking, a number list, a slider."""
    return (
        f"  - id: h{k}\n    questions:\n"
        f"      - {{id: names{k}, type: textlist, text: N, fields: [{{code: a, label: A}}]}}\n"
        f"      - {CHOICE.replace('id: m,', f'id: m{k},')}\n"
        f"  - id: p{k}\n    repeat: {{for_each: names{k}, item: i{k}}}\n    questions:\n"
        f"      - {{id: a{k}, type: number, min: 0, max: 9, text: A, goto: c{k}}}\n"
        f"      - {{id: b{k}, type: text, text: B}}\n"
        f"      - {{id: c{k}, type: text, text: C, when: a{k} > 1}}\n"
        f"  - id: z{k}\n    order: random\n    when: answered(names{k})\n    questions:\n"
        f'      - {{id: d{k}, type: text, text: D, when: m{k} has "a"}}\n'
        f"      - {RANK.replace('id: r,', f'id: r{k},')}, filter: {{chosen_in: m{k}}}}}\n"
        f"      - {{id: n{k}, type: numbers, text: N, fields: {FIELDS}, total: {{at_most: 9}}}}\n"
        f"      - {{id: s{k}, type: number, widget: slider, min: 0, max: 9, text: S}}\n"
    )


def _lines_run(blocks: int) -> int:
    """The lines of qdef.validation.structure and qdef.model.symbols run to validate an
    instrument of ``blocks`` blocks (a count of work, not a time)."""
    files = {symbols_module.__file__, structure.__file__}
    text = HEAD + "sections:\n" + "".join(_block(k) for k in range(blocks))
    document, _ = parse(text, Path("t.yaml"))
    assert document is not None
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename in files else None

    sys.settrace(tracer)
    try:
        result = validate_document(document, routing=False)
    finally:
        sys.settrace(None)
    assert [d.code for d in result.diagnostics] == []
    return count


def test_the_checks_and_symbols_do_work_proportional_to_the_instrument() -> None:
    """Doubling the instrument (rosters, random sections, gotos, filters …) doubles the
    lines the symbol table and these checks run — not more, as a check per section over
    all entries (or all conditions) would."""
    small, large = _lines_run(15), _lines_run(30)
    assert large / small < 2.1, (small, large)
