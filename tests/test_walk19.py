"""The reference walk on issue 19's elements (docs/format.md, "The walk"; docs/responses.md):
rosters, rankings, number-list totals, steps, random order with ``_order``, and the
problems of malformed answers.

Each test names what would break it.
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from qdef import loads
from qdef.model import Instrument
from qdef.pipeline import compile, load, validate_text
from qdef.routing import AnswerError, interpreter, problems, walk
from qdef.routing.interpreter import walk_until
from qdef.routing.order import shown_order
from qdef.routing.plan import Plan, as_plan
from qdef.routing.responses_schema import response_schema
from qdef.testing import respondents

HEAD = "qdef: 1\nid: t\ntitle: T\nlanguage: en\nsections:\n"


def instrument(body: str) -> Instrument:
    """A valid instrument from the YAML of its sections (``qdef validate`` accepts it)."""
    return loads(HEAD + textwrap.indent(textwrap.dedent(body), "  "))


HOUSEHOLD = instrument(
    """\
    - id: s1
      questions:
        - id: names
          type: textlist
          text: Who lives here?
          fields: [{code: p1, label: "1."}, {code: p2, label: "2."}, {code: p3, label: "3."}]
        - id: vehicles
          type: multiple
          text: Vehicles?
          options: [{code: car, label: Car}, {code: bike, label: Bike}, {code: bus, label: Bus}]
        - {id: n_children, type: number, min: 0, max: 3, text: "Children?"}
    - id: persons
      repeat: {for_each: names, item: person}
      questions:
        - id: age
          type: number
          min: 0
          max: 120
          text: "How old is {person}?"
          rules: [{check: "age != 13", message: "not 13"}]
        - id: works
          type: single
          when: age >= 15
          text: "Does {person} work?"
          options: [{code: "yes", label: "Yes"}, {code: "no", label: "No", goto: pets}]
        - {id: job, type: text, text: "Job?"}
        - {id: pets, type: number, when: "person != \\"Bob\\"", text: "Pets?"}
    - id: trips
      repeat: {for_each: vehicles, item: vehicle}
      when: n_children >= 1
      questions:
        - {id: km, type: number, text: "km by {vehicle}?"}
    - id: kids
      repeat: {times: n_children, max: 3, item: child}
      questions:
        - {id: kage, type: number, min: 0, max: 18, text: "Age of child {child}?"}
        - id: hours
          type: numbers
          text: Hours
          fields: [{code: school, label: School, max: 10}, {code: play, label: Play}]
          total: {at_most: 10}
    - id: s3
      questions:
        - {id: done, type: display, text: Thanks}
    """
)


def test_a_roster_walks_once_per_iteration_and_keeps_records() -> None:
    answers = {
        "names.p1": "Anna",
        "names.p3": "Bob",
        "persons": [{"age": 34, "works": "yes", "job": "Baker", "pets": 2}, {"age": 40}],
    }
    result = walk(HOUSEHOLD, answers)
    assert result.response["persons"] == [
        {"person": "Anna", "age": 34, "works": "yes", "job": "Baker", "pets": 2},
        {"person": "Bob", "age": 40},  # 'pets' is not asked of Bob
    ]
    assert result.ids == (
        "names", "vehicles", "n_children",
        "age", "works", "job", "pets",
        "age", "works", "job",
        "done",
    )  # fmt: skip
    assert result.iterations == (None, None, None, 0, 0, 0, 0, 1, 1, 1, None)
    assert len(result.positions) == len(result.iterations)


def test_gotos_inside_a_roster_skip_within_the_iteration() -> None:
    answers = {"names.p1": "Anna", "persons": [{"age": 30, "works": "no", "job": "x"}]}
    result = walk(HOUSEHOLD, answers)
    assert result.response["persons"] == [{"person": "Anna", "age": 30, "works": "no"}]
    assert "job" not in result.ids


def test_no_iteration_no_key_and_a_record_may_have_only_its_item() -> None:
    assert "persons" not in walk(HOUSEHOLD, {}).response
    result = walk(HOUSEHOLD, {"names.p2": "Cleo"})
    assert result.response["persons"] == [{"person": "Cleo"}]


def test_items_of_a_multiple_choice_and_a_number_and_the_section_when() -> None:
    answers = {
        "vehicles": ["bus", "car"],
        "n_children": 2,
        "trips": [{"km": 5}, {"km": 7}],
        "kids": [{"kage": 4}, {"kage": 6}, {"kage": 8}],  # the third record is ignored
    }
    response = walk(HOUSEHOLD, answers).response
    assert response["trips"] == [{"vehicle": "car", "km": 5}, {"vehicle": "bus", "km": 7}]
    assert response["kids"] == [{"child": 1, "kage": 4}, {"child": 2, "kage": 6}]
    # the section's `when` is decided once, before the iterations: false -> no key
    no_children = walk(HOUSEHOLD, {**answers, "n_children": 0}).response
    assert "trips" not in no_children and "kids" not in no_children


def test_the_item_given_in_a_record_is_recomputed() -> None:
    answers = {"names.p1": "Anna", "persons": [{"person": "Zed", "age": 3}]}
    assert walk(HOUSEHOLD, answers).response["persons"] == [{"person": "Anna", "age": 3}]


def test_rules_and_totals_inside_a_roster_name_their_iteration() -> None:
    answers = {
        "names.p1": "Anna",
        "names.p2": "Ben",
        "persons": [{"age": 20}, {"age": 13}],
        "n_children": 1,
        "kids": [{"hours.school": 8, "hours.play": 5}],
    }
    result = walk(HOUSEHOLD, answers, check=False)
    failures = [(f.question, f.index, f.message[-1], f.iteration) for f in result.errors]
    assert failures == [("age", 0, "message", 1), ("hours", -1, "total", 0)]
    with pytest.raises(AnswerError) as raised:
        walk(HOUSEHOLD, answers)
    assert raised.value.problems == [
        "'age' (iteration 2 of 'persons'): rule 1 fails: age != 13",
        "'hours' (iteration 1 of 'kids'): the total fails: sum(hours.school, hours.play) <= 10",
    ]


def test_a_total_is_checked_only_when_a_field_is_answered() -> None:
    answers = {"n_children": 1, "kids": [{"kage": 3}]}
    assert walk(HOUSEHOLD, answers).errors == ()
    ok = {"n_children": 1, "kids": [{"hours.school": 10}]}  # blanks count 0
    assert walk(HOUSEHOLD, ok).errors == ()


def test_walk_until_walks_the_iterations_up_to_the_stop() -> None:
    plan = as_plan(HOUSEHOLD)
    answers = {"names.p1": "A", "names.p2": "B", "persons": [{"age": 20}, {"age": 30}]}
    works = plan.position_of("works")
    shown, response = walk_until(plan, answers, works)
    age = plan.position_of("age")
    assert shown == [0, 1, 2, age, age]
    assert response["persons"] == [{"person": "A", "age": 20}, {"person": "B", "age": 30}]


def test_the_plan_knows_the_rosters_and_their_variables() -> None:
    plan = as_plan(HOUSEHOLD)
    persons, trips, kids = plan.rosters.values()
    assert (persons.kind, persons.slots, persons.item) == (
        "textlist",
        ("names.p1", "names.p2", "names.p3"),
        "person",
    )
    assert (trips.kind, trips.slots, trips.max) == ("choices", ("car", "bike", "bus"), 3)
    assert (kids.kind, kids.slots, kids.source) == ("times", (1, 2, 3), "n_children")
    assert [s.question.id for s in plan.steps[persons.start : persons.stop]] == [
        "age",
        "works",
        "job",
        "pets",
    ]
    assert {s.roster for s in plan.steps[persons.start : persons.stop]} == {"persons"}
    assert plan.variables["age"].roster == "persons"
    assert plan.variables["person"][:2] == ("person", "text")
    assert plan.variables["vehicle"].codes == ("car", "bike", "bus")
    assert plan.variables["child"].kind == "number"
    assert plan.variables["names.p1"].roster is None
    assert plan.groups["hours"] == ("hours.school", "hours.play")


# --------------------------------------------------------------------- rankings, numbers

CHOICES = instrument(
    """\
    - id: s1
      questions:
        - {id: n, type: number, text: "N?"}
        - id: prio
          type: ranking
          text: Rank
          top: 2
          options:
            - {code: a, label: A}
            - {code: b, label: B, when: n > 1}
            - {code: c, label: C}
        - id: full
          type: ranking
          text: Rank all
          options: [{code: x, label: X}, {code: y, label: Y}]
        - id: dm
          type: dualmatrix
          text: Two scales
          scales:
            - {code: imp, label: I, columns: [{code: "1", label: L}, {code: "2", label: H}]}
            - {code: sat, label: S, columns: [{code: "1", label: L}, {code: "2", label: H}]}
          rows:
            - {code: bus, label: Bus}
            - {code: train, label: Train, when: n > 1}
        - {id: slider, type: number, widget: slider, kind: decimal, min: 1, max: 3, step: 0.5,
           text: "Slide"}
        - {id: stepped, type: number, step: 5, text: "Fives"}
    """
)


def test_a_ranking_keeps_its_order_and_drops_items_not_offered() -> None:
    response = walk(CHOICES, {"n": 0, "prio": ["b", "c"], "full": ["y", "x"]}).response
    assert response["prio"] == ["c"]  # ranks close up
    assert response["full"] == ["y", "x"]
    assert walk(CHOICES, {"n": 2, "prio": ["b", "a"]}).response["prio"] == ["b", "a"]
    assert "prio" not in walk(CHOICES, {"n": 0, "prio": ["b"]}).response


def test_dual_matrix_cells_of_rows_not_offered_are_dropped() -> None:
    answers = {"n": 0, "dm.bus.imp": "1", "dm.bus.sat": "2", "dm.train.imp": "2"}
    response = walk(CHOICES, answers).response
    assert {k: v for k, v in response.items() if k.startswith("dm.")} == {
        "dm.bus.imp": "1",
        "dm.bus.sat": "2",
    }


def test_steps_are_a_data_rule() -> None:
    assert problems(CHOICES, {"slider": 2.5, "stepped": -15}) == []
    assert problems(CHOICES, {"slider": 1.2, "stepped": 7}) == [
        "'slider': 1.2 is not on the steps of 0.5 from 1",
        "'stepped': 7 is not on the steps of 5 from 0",
    ]


# --------------------------------------------------------------------------- random order

RANDOM = instrument(
    """\
    - id: s1
      order: random
      questions:
        - id: q
          type: multiple
          order: random
          text: Q?
          options:
            - {code: a, label: A}
            - {code: b, label: B}
            - {code: c, label: C}
            - {code: none, label: None, exclusive: true}
        - {id: r, type: text, text: "R?"}
        - {id: d, type: display, text: Bye, anchor: true}
    - id: s2
      questions:
        - {id: m, type: matrix, order: random, text: M, scale: [{code: "1", label: "1"}],
           rows: [{code: x, label: X}, {code: y, label: Y}], when: "r == \\"go\\""}
    """
)


def test_a_seed_records_the_order_shown() -> None:
    plan = as_plan(RANDOM)
    for seed in (0, 1, 2**32 - 1):
        result = walk(RANDOM, {"q": ["a"]}, seed=seed)
        q, s1 = plan.steps[0].question, plan.instrument.sections[0]
        assert list(result.response["_order"].items()) == [
            ("q", shown_order(q, seed)),  # a question, then its section
            ("s1", shown_order(s1, seed)),
        ]  # m is not shown: no entry
        assert list(result.response)[-1] == "_order"
        assert result.response["_order"]["q"][3] == "none"  # anchored: exclusive
        assert result.response["_order"]["s1"][2] == "d"  # anchored: anchor: true


def test_without_a_seed_no_order_and_a_given_order_is_kept() -> None:
    assert "_order" not in walk(RANDOM, {"q": ["a"]}).response
    given = {"q": ["c", "b", "a", "none"], "s1": ["r", "q", "d"], "m": ["y", "x"]}
    result = walk(RANDOM, {"_order": given, "r": "go"}, seed=5)
    assert result.response["_order"] == given
    # a response is an answer set of its own walk: walking it again keeps everything
    assert walk(RANDOM, result.response).response == result.response


def test_problems_of_an_order() -> None:
    found = problems(
        RANDOM,
        {"_order": {"q": ["a", "b"], "s2": ["m"], "zz": [], "m": ["x", "x"]}},
    )
    assert found == [
        "'_order': 'q': ['a', 'b'] is not an order of a, b, c, none",
        "'_order': 's2' is not a question or section in random order",
        "'_order': 'zz' is not a question or section in random order",
        "'_order': 'm': ['x', 'x'] is not an order of x, y",
    ]
    assert problems(RANDOM, {"_order": ["q"]}) == [
        "'_order': ['q'] is not a mapping of ids to orders"
    ]
    # the walk (unchecked) ignores a malformed entry and draws with the seed instead
    result = walk(RANDOM, {"_order": {"q": ["a"]}}, check=False, seed=3)
    assert result.response["_order"]["q"] == shown_order(as_plan(RANDOM).steps[0].question, 3)


# ------------------------------------------------------------------------ problems at once


def test_problems_finds_every_malformed_record_ranking_and_order_at_once() -> None:
    found = problems(
        HOUSEHOLD,
        {
            "persons": [{"age": "old", "zzz": 1, "km": 3}, 7, {"person": 5, "works": "maybe"}],
            "trips": {"km": 1},
            "age": 30,
            "person": "Anna",
        },
    )
    assert found == [
        "'persons'[0]: 'age': 'old' is not a number",
        "'persons'[0]: 'zzz' is not a variable of the roster 'persons'",
        "'persons'[0]: 'km' is not a variable of the roster 'persons'",
        "'persons'[1]: 7 is not a record (a mapping of its answers)",
        "'persons'[2]: 'works': 'maybe' is not one of its codes (yes, no)",
        "'trips': {'km': 1} is not a list of records (one per iteration)",
        "'age' belongs to the roster 'persons': give it in the records of 'persons'",
        "'person' belongs to the roster 'persons': give it in the records of 'persons'",
    ]
    assert problems(HOUSEHOLD, {"kids": [{"hours.school": 11, "hours.play": 1.5}]}) == [
        "'kids'[0]: 'hours.school': 11 is more than the maximum 10",
        "'kids'[0]: 'hours.play': 1.5 is not a whole number",
    ]
    assert problems(CHOICES, {"prio": ["a", "a"], "full": [], "dm.bus.imp": "3"}) == [
        "'prio': a code is ranked twice",
        "'full': [] is not a non-empty list of codes in rank order",
        "'dm.bus.imp': '3' is not one of its codes (1, 2)",
    ]
    assert problems(CHOICES, {"prio": ["a", "b", "c"], "full": ["z"]}) == [
        "'prio': at most 2 items may be ranked",
        "'full': 'z' is not one of its codes (x, y)",
    ]


# ------------------------------------------------------------- roster walk = unrolled walk

ROSTER = """\
- id: s1
  questions:
    - id: names
      type: textlist
      text: Names?
      fields: [{code: p1, label: "1."}, {code: p2, label: "2."}, {code: p3, label: "3."}]
    - id: flag
      type: single
      text: "Flag?"
      options: [{code: "y", label: Y}, {code: "n", label: N}]
- id: people
  repeat: {for_each: names, item: who}
  questions:
    - {id: age, type: number, min: 0, max: 99, text: "Age of {who}?"}
    - id: works
      type: single
      when: age >= 15 and flag == "y"
      text: "Works?"
      options: [{code: "yes", label: "Yes"}, {code: "no", label: "No", goto: pets}]
    - {id: job, type: text, text: "Job?", when: who != "Bob"}
    - {id: pets, type: number, text: "Pets?", when: answered(age) or who == "Ann"}
- id: s3
  questions:
    - {id: bye, type: text, text: "Bye?", when: flag == "n"}
    - {id: pets_total, type: computed, value: sum(pets)}
    - {id: several, type: text, text: "Several?", when: count(age) >= 2}
    - {id: adults, type: text, text: "Adults?", when: any(age >= 18) and pets_total > 1}
    - {id: grown, type: text, text: "All grown?", when: all(age >= 10)}
    - {id: nkids, type: number, min: 0, max: 2, text: "Kids?"}
- id: kids
  repeat: {times: nkids, max: 2, item: child}
  questions:
    - id: kage
      type: number
      text: "Age of child {child}?"
      when: child == 1 or count(age) >= 2
"""

UNROLLED_AFTER = """\
- id: s3
  questions:
    - {id: bye, type: text, text: "Bye?", when: flag == "n"}
    - {id: pets_total, type: computed, value: "sum(pets_1, pets_2, pets_3)"}
    - {id: several, type: text, text: "Several?", when: "count(age_1, age_2, age_3) >= 2"}
    - id: adults
      type: text
      text: "Adults?"
      when: (age_1 >= 18 or age_2 >= 18 or age_3 >= 18) and pets_total > 1
    - id: grown
      type: text
      text: "All grown?"
      when: >-
        (not answered(names.p1) or age_1 >= 10) and (not answered(names.p2) or age_2 >= 10)
        and (not answered(names.p3) or age_3 >= 10)
    - {id: nkids, type: number, min: 0, max: 2, text: "Kids?"}
- id: kids_1
  when: nkids >= 1
  questions:
    - {id: kage_1, type: number, text: "Age?"}
- id: kids_2
  when: nkids >= 2
  questions:
    - {id: kage_2, type: number, text: "Age?", when: "count(age_1, age_2, age_3) >= 2"}
"""

UNROLLED_COPY = """\
- id: people_{i}
  when: answered(names.p{i})
  questions:
    - {{id: age_{i}, type: number, min: 0, max: 99, text: "Age?"}}
    - id: works_{i}
      type: single
      when: age_{i} >= 15 and flag == "y"
      text: "Works?"
      options: [{{code: "yes", label: "Yes"}}, {{code: "no", label: "No", goto: pets_{i}}}]
    - {{id: job_{i}, type: text, text: "Job?", when: names.p{i} != "Bob"}}
    - {{id: pets_{i}, type: number, text: "Pets?", when: answered(age_{i}) or names.p{i} == "Ann"}}
"""

_CHECKED = validate_text(HEAD + textwrap.indent(ROSTER, "  ")).compiled
assert _CHECKED is not None
ROSTERED = _CHECKED.plan  # on the checks' resolved trees (Over nodes)
_PARTS = ROSTER.split("- id: people\n")
UNROLLED = instrument(
    _PARTS[0] + "".join(UNROLLED_COPY.format(i=i) for i in (1, 2, 3)) + UNROLLED_AFTER
)
FIELDS = ("age", "works", "job", "pets")

records = st.fixed_dictionaries(
    {},
    optional={
        "age": st.integers(0, 99),
        "works": st.sampled_from(["yes", "no"]),
        "job": st.sampled_from(["Baker", "Cook"]),
        "pets": st.integers(0, 3),
    },
)


@given(
    names=st.lists(st.sampled_from([None, "Ann", "Bob", "Cid"]), min_size=3, max_size=3),
    flag=st.sampled_from([None, "y", "n"]),
    given_records=st.lists(records, min_size=3, max_size=4),
    nkids=st.sampled_from([None, 0, 1, 2]),
    kages=st.lists(st.one_of(st.none(), st.integers(0, 17)), min_size=2, max_size=2),
)
def test_a_roster_walk_equals_the_walk_of_the_roster_unrolled_by_hand(
    names: list[str | None],
    flag: str | None,
    given_records: list[dict[str, Any]],
    nkids: int | None,
    kages: list[int | None],
) -> None:
    """Conditions inside read the iteration's answers and the item, gotos stay in the
    iteration, aggregates after the roster (and inside another) read the records
    (count, sum, any, all); a ``times`` roster runs 1 … the number."""
    common: dict[str, Any] = {f"names.p{i}": n for i, n in enumerate(names, 1) if n is not None}
    common |= {"several": "s", "adults": "a", "grown": "g"}
    if flag is not None:
        common["flag"] = flag
    if nkids is not None:
        common["nkids"] = nkids
    kid_records = [{} if a is None else {"kage": a} for a in kages]
    slots = [i for i, n in enumerate(names, 1) if n is not None]
    rostered = walk(ROSTERED, {**common, "people": given_records, "kids": kid_records})
    # the k-th record answers the k-th iteration: the k-th answered field's copy
    flat = {
        f"{name}_{slot}": value
        for slot, record in zip(slots, given_records, strict=False)
        for name, value in record.items()
    }
    flat |= {f"kage_{i}": a for i, a in enumerate(kages, 1) if a is not None}
    unrolled = walk(UNROLLED, {**common, **flat})
    slots_of = {"people": slots, "kids": [1, 2]}
    renamed = [
        ROSTERED.steps[p].question.id
        if k is None
        else f"{ROSTERED.steps[p].question.id}_{slots_of[str(ROSTERED.steps[p].roster)][k]}"
        for p, k in zip(rostered.positions, rostered.iterations, strict=True)
    ]
    assert renamed == list(unrolled.ids)
    kids = [
        {
            "child": i,
            **(
                {"kage": unrolled.response[f"kage_{i}"]} if f"kage_{i}" in unrolled.response else {}
            ),
        }
        for i in (1, 2)
        if (nkids or 0) >= i
    ]
    if kids:
        assert rostered.response.pop("kids") == kids
    copies = {f"{f}_{i}" for f in FIELDS for i in (1, 2, 3)} | {"kage_1", "kage_2"}
    expected = {k: v for k, v in unrolled.response.items() if k not in copies}
    people = [
        {
            "who": names[slot - 1],
            **{
                f: unrolled.response[f"{f}_{slot}"]
                for f in FIELDS
                if f"{f}_{slot}" in unrolled.response
            },
        }
        for slot in slots
    ]
    if people:
        expected["people"] = people
    assert rostered.response == expected


# ------------------------------------------------------------------ the response schema

INVESTITIONSPAKT = Path(__file__).parents[1] / "instruments" / "investitionspakt.yaml"


def _validator(inst: Instrument | Plan) -> Draft202012Validator:
    schema = response_schema(as_plan(inst))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _valid(validator: Draft202012Validator, response: dict[str, Any]) -> bool:
    return not list(validator.iter_errors(response))


def test_walk_responses_fit_the_response_schema_and_mutations_do_not() -> None:
    household = _validator(HOUSEHOLD)
    answers = {
        "names.p1": "Anna",
        "names.p2": "Ben",
        "vehicles": ["car"],
        "n_children": 1,
        "persons": [{"age": 34, "works": "yes", "job": "Baker", "pets": 1}, {"age": 3}],
        "trips": [{"km": 4}],
        "kids": [{"kage": 2, "hours.school": 3}],
    }
    response = walk(HOUSEHOLD, answers).response
    assert _valid(household, response)
    mutations: list[dict[str, Any]] = [
        {**response, "persons": []},  # no iteration: no key, never an empty list
        {**response, "persons": [{"age": 3}]},  # a record without its item
        {**response, "persons": [{"person": "A", "km": 3}]},  # another roster's variable
        {**response, "persons": [{"person": "A", "age": 130}]},  # out of bounds
        {**response, "trips": [{"vehicle": "boat"}]},  # not a code of the source
        {**response, "kids": [{"child": i} for i in range(1, 5)]},  # more than max
        {**response, "age": 3},  # a roster variable outside its records
        {**response, "vehicles": []},
        {**response, "vehicles": ["car", "car"]},
        {**response, "names.p1": ""},
        {**response, "unknown": 1},
    ]
    for mutated in mutations:
        assert not _valid(household, mutated), mutated
    choices = _validator(CHOICES)
    ranked = walk(CHOICES, {"n": 2, "prio": ["b", "a"], "slider": 1.5, "stepped": 10}).response
    assert _valid(choices, ranked)
    for mutated in (
        {**ranked, "prio": ["a", "b", "c"]},  # more than top
        {**ranked, "prio": ["a", "a"]},
        {**ranked, "stepped": 11},  # off its steps
        {**ranked, "dm.bus.imp": "3"},
        {**ranked, "n": 1.5},  # an integer
    ):
        assert not _valid(choices, mutated), mutated
    randomised = _validator(RANDOM)
    ordered = walk(RANDOM, {"q": ["a"], "r": "go"}, seed=9).response
    assert set(ordered["_order"]) == {"q", "s1", "m"} and _valid(randomised, ordered)
    for order in ({"q": ["a", "b", "c"]}, {"zz": ["a"]}, {"m": ["x", "x"]}):
        assert not _valid(randomised, {**ordered, "_order": order}), order


@given(
    names=st.lists(st.sampled_from([None, "Ann", "Bob", "Cid"]), min_size=3, max_size=3),
    flag=st.sampled_from([None, "y", "n"]),
    given_records=st.lists(records, min_size=3, max_size=4),
)
def test_roster_responses_fit_the_schema(
    names: list[str | None], flag: str | None, given_records: list[dict[str, Any]]
) -> None:
    answers: dict[str, Any] = {f"names.p{i}": n for i, n in enumerate(names, 1) if n}
    if flag is not None:
        answers["flag"] = flag
    response = walk(ROSTERED, {**answers, "people": given_records}).response
    assert _valid(ROSTERED_SCHEMA, response)


ROSTERED_SCHEMA = _validator(ROSTERED)


@settings(max_examples=25)
@given(data=st.data())
def test_respondents_of_the_investitionspakt_fit_the_schema(data: st.DataObject) -> None:
    validator = _investitionspakt()
    response = data.draw(respondents(INVESTITIONSPAKT_PLAN))
    assert _valid(validator, response)


INVESTITIONSPAKT_PLAN = load(INVESTITIONSPAKT)


@functools.cache
def _investitionspakt() -> Draft202012Validator:
    return _validator(INVESTITIONSPAKT_PLAN)


def test_the_walk_visits_each_step_once_per_iteration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear in the answers: the steps outside the roster are visited once, the roster's
    once per iteration (what is outside is not walked again for each iteration)."""
    fields = ", ".join(f'{{code: f{i}, label: "{i}"}}' for i in range(60))
    big = instrument(
        f"""\
        - id: s1
          questions:
            - {{id: names, type: textlist, text: "Names?", fields: [{fields}]}}
            - {{id: before, type: number, text: "B?"}}
        - id: each
          repeat: {{for_each: names, item: who}}
          questions:
            - {{id: a, type: number, text: "A?", when: before > 1}}
            - {{id: b, type: number, text: "B?", when: answered(a)}}
            - {{id: c, type: number, text: "C?"}}
        - id: s3
          questions:
            - {{id: after, type: number, text: "After?"}}
        """
    )
    plan = as_plan(big)
    visits: list[int] = []
    real = interpreter._visit

    def counting(plan: Any, step: Any, *args: Any) -> Any:
        visits.append(step.position)
        return real(plan, step, *args)

    monkeypatch.setattr(interpreter, "_visit", counting)
    for n in (0, 1, 30, 60):
        visits.clear()
        answers = {f"names.f{i}": "x" for i in range(n)} | {"before": 2}
        answers["each"] = [{"a": 1, "b": 2, "c": 3}] * n
        result = walk(plan, answers)
        assert len(visits) == 3 + 3 * n
        assert len(result.response.get("each", ())) == n


def test_aggregates_are_resolved_however_the_plan_is_made() -> None:
    """The checks' trees, a plan compiled from the instrument alone, and a Compiled made in
    code (whose conditions are parsed without the checks) walk alike."""
    answers = {
        "names.p1": "Ann",
        "names.p2": "Bob",
        "people": [{"age": 30, "pets": 2}, {"age": 40}],
        "several": "s",
        "adults": "a",
        "grown": "g",
    }
    expected = walk(ROSTERED, answers).response
    assert expected["pets_total"] == 2 and {"several", "adults", "grown"} <= set(expected)
    assert walk(instrument(ROSTER), answers).response == expected
    assert walk(compile(instrument(ROSTER)).plan, answers).response == expected
