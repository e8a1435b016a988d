"""instruments/household-roster.yaml: the example of issue 19 uses every new element,
validates, routes as its wording says (per person and per vehicle), its paths are
listed and counted as worked out by hand, and it renders in every built-in renderer."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdef.model import (
    DualMatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    NumberQuestion,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.pipeline import compile, validate_file
from qdef.rendering import render
from qdef.routing import count_paths, paths, walk
from qdef.routing.interpreter import Walk
from qdef.testing import attempts, check_routing, respondents

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "instruments" / "household-roster.yaml"
COMPILED = compile(EXAMPLE)
PLAN = COMPILED.plan
INSTRUMENT = COMPILED.instrument

#: Anna (34, employed 38 hours) and Ben (7, at school); a car and a bicycle.
BASE: dict[str, Any] = {
    "members.p1": "Anna",
    "members.p2": "Ben",
    "vehicles": ["car", "bicycle"],
    "persons": [
        {"age": 34, "activity": "employed", "work_hours": 38},
        {"age": 7, "childcare_place": "school"},
    ],
    "vehicle_use": [
        {"distance": 12000, "fuel": "hybrid"},
        {"distance": 800},
    ],
    "priorities": ["time", "cost", "reliability"],
    "week.paid": 38,
    "week.care": 20,
    "travel_mode": "public",
    "commute": 35,
    "area": "4",
}


def run(**changes: Any) -> Walk:
    return walk(PLAN, {**BASE, **changes}, check=False)


# ----------------------------------------------------------------- it is valid


def test_the_example_validates_with_only_the_aggregates_undecided() -> None:
    """No error; the only warnings are QD607: the analysis does not decide aggregates
    over a roster (`any(age >= 18)`, `count(age >= 18)`), which the walks below do."""
    result = validate_file(EXAMPLE)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    assert {d.code for d in result.diagnostics} <= {"QD607"}


def test_the_routing_properties_hold() -> None:
    report = check_routing(COMPILED, max_examples=40)
    assert report.failures == (), str(report)


def test_the_example_uses_every_element_of_issue_19() -> None:
    sections = {s.id: s for s in INSTRUMENT.sections}
    questions = {q.id: q for _, q in INSTRUMENT.questions()}
    persons, vehicles = sections["persons"].repeat, sections["vehicle_use"].repeat
    assert persons is not None and persons.for_each == "members"
    assert isinstance(questions["members"], TextListQuestion)
    assert vehicles is not None and vehicles.for_each == "vehicles"
    assert isinstance(questions["vehicles"], MultipleChoice)
    assert questions["activity"].when == "age >= 16"  # routing inside the roster
    assert isinstance(questions["priorities"], RankingQuestion) and questions["priorities"].top
    week = questions["week"]
    assert isinstance(week, NumberListQuestion) and week.total and week.total.at_most == 168
    assert isinstance(questions["transport"], DualMatrixQuestion)
    commute = questions["commute"]
    assert isinstance(commute, NumberQuestion) and commute.widget == "slider" and commute.step
    area = questions["area"]
    assert isinstance(area, SingleChoice) and area.widget == "buttons"
    mode = questions["travel_mode"]
    assert isinstance(mode, SingleChoice) and mode.order == "random"
    assert mode.options[-1].specify and mode.options[-1].anchor is None  # anchored: an Other
    assert sections["everyday"].order == "random"
    assert PLAN.rosters["persons"].slots == tuple(f"members.p{i}" for i in range(1, 7))
    assert PLAN.rosters["vehicle_use"].slots == ("car", "motorbike", "bicycle", "ebike")


# ----------------------------------------------------------------- paths, by hand

PERSON_BLOCKS = [
    # age is required: answered in each iteration; 16 or older asks the activity, and
    # an employee or self-employed person the hours; younger, the childcare place
    ("age", "activity", "work_hours"),
    ("age", "activity"),
    ("age", "childcare_place"),
]
VEHICLE_BLOCKS = [
    ("distance", "fuel"),  # the car
    ("distance",),  # any other vehicle
    (),  # no vehicle chosen: no iteration
]
EVERYDAY = ("priorities", "week", "transport", "travel_mode", "commute", "area")


def hand_paths() -> set[tuple[str, ...]]:
    """Every path, one iteration per roster block: 3 person blocks × 3 vehicle blocks ×
    the household note shown or not (an adult or none) × the childcare question shown
    or not (a child under 6 or none) = 36."""
    found = set()
    for person, vehicle, note, childcare in itertools.product(
        PERSON_BLOCKS, VEHICLE_BLOCKS, [("household_note",), ()], [("childcare_help",), ()]
    ):
        found.add(
            ("members", "vehicles", *person, *vehicle, *note, *EVERYDAY, *childcare, "comments")
        )
    return found


def test_the_paths_are_those_worked_out_by_hand() -> None:
    assert len(hand_paths()) == 36
    assert set(paths(PLAN)) == hand_paths()


def test_the_count_is_36_at_most_because_of_the_aggregates() -> None:
    """Whether the note and the childcare question are shown depends on aggregates over
    the persons, which the one-iteration analysis does not decide: 36 is an upper bound
    (every combination is possible, as the walks below show, but qdef does not prove it),
    and the count names both rosters and their maxima."""
    count = count_paths(PLAN)
    assert count.count == 36 and not count.exact
    assert "any(age >= 18)" in count.reason and "any(age < 6)" in count.reason
    assert len(count.rosters) == 2
    assert "at most 6" in count.rosters[0] and "at most 4" in count.rosters[1]


# ----------------------------------------------------------------- walks by hand


def test_each_person_and_each_vehicle_has_a_record() -> None:
    result = run()
    assert result.response["persons"] == [
        {"person": "Anna", "age": 34, "activity": "employed", "work_hours": 38},
        {"person": "Ben", "age": 7, "childcare_place": "school"},
    ]
    assert result.response["vehicle_use"] == [
        {"vehicle": "car", "distance": 12000, "fuel": "hybrid"},
        {"vehicle": "bicycle", "distance": 800},
    ]
    # the roster's positions repeat once per iteration, with the iteration alongside
    shown = list(zip(result.ids, result.iterations, strict=True))
    assert shown[:8] == [
        ("members", None),
        ("vehicles", None),
        ("age", 0),
        ("activity", 0),
        ("work_hours", 0),
        ("age", 1),
        ("childcare_place", 1),
        ("distance", 0),
    ]
    assert ("fuel", 0) in shown and ("fuel", 1) not in shown  # the bicycle has no fuel
    assert result.response["adults"] == 1 and result.response["children"] == 1
    assert "household_note" in result.ids and "childcare_help" not in result.ids


def test_answers_of_questions_not_shown_in_an_iteration_are_dropped() -> None:
    result = run(
        persons=[
            {"age": 12, "activity": "employed", "work_hours": 10, "childcare_place": "school"},
        ],
        vehicle_use=[{"distance": 10, "fuel": "diesel"}, {"distance": 20, "fuel": "petrol"}],
        vehicles=["bicycle", "ebike"],
    )
    assert result.response["persons"] == [
        {"person": "Anna", "age": 12, "childcare_place": "school"},
        {"person": "Ben"},  # an iteration with no answers keeps its item
    ]
    assert result.response["vehicle_use"] == [
        {"vehicle": "bicycle", "distance": 10},
        {"vehicle": "ebike", "distance": 20},
    ]


def test_aggregates_after_the_roster_decide_the_note_and_the_childcare_question() -> None:
    answers = {k: v for k, v in {**BASE, "persons": [{"age": 4}]}.items() if k != "members.p2"}
    toddler = walk(PLAN, answers, check=False)
    assert len(toddler.response["persons"]) == 1
    assert "household_note" not in toddler.ids  # nobody is 18 or older
    assert "childcare_help" in toddler.ids  # a child under 6
    assert toddler.response["adults"] == 0
    three = run(**{"members.p3": "Cleo"}, persons=[{"age": 34}, {"age": 7}, {"age": 2}])
    assert "household_note" in three.ids and "childcare_help" in three.ids
    assert three.response["children"] == 2 and three.response["adults"] == 1
    no_one = walk(PLAN, {"vehicles": ["car"]}, check=False)
    assert "persons" not in no_one.response  # no names, no iterations, no key
    assert "household_note" not in no_one.ids and no_one.response["adults"] == 0


def test_the_week_total_is_checked_like_a_rule() -> None:
    result = run(**{"week.paid": 100, "week.care": 70})
    failures = [(e.question, e.index) for e in result.errors]
    assert failures == [("week", -1)]
    assert run().errors == ()


def test_random_order_keeps_the_anchors_and_is_reproducible() -> None:
    """`_order` from a seed: the anchored Other stays last, the anchored note first; the
    same seed gives the same order; a given `_order` that is a permutation is kept."""
    orders = [run(), *(walk(PLAN, BASE, check=False, seed=seed) for seed in range(30))]
    assert "_order" not in orders[0].response  # no seed, no _order given
    seen_modes = set()
    for result in orders[1:]:
        order = result.response["_order"]
        assert set(order) == {"vehicles", "travel_mode", "everyday"}
        assert order["travel_mode"][-1] == "other"
        assert order["everyday"][0] == "household_note"
        assert sorted(order["vehicles"]) == sorted(["car", "motorbike", "bicycle", "ebike"])
        seen_modes.add(tuple(order["travel_mode"]))
    assert len(seen_modes) > 5  # really shuffled
    again = walk(PLAN, BASE, check=False, seed=7)
    assert again.response["_order"] == orders[8].response["_order"]
    given = ["foot", "bicycle", "public", "car", "other"]
    kept = run(_order={"travel_mode": given})
    assert kept.response["_order"] == {"travel_mode": given}


# ----------------------------------------------------------------- generated respondents


@settings(max_examples=25)
@given(st.data())
def test_generated_respondents_walk_as_the_walk_says(data: st.DataObject) -> None:
    attempt = data.draw(attempts(COMPILED))
    result = walk(PLAN, attempt.given, check=False)
    assert result.response == attempt.response
    assert tuple((e.question, e.index) for e in result.errors) == attempt.errors
    response = data.draw(respondents(COMPILED))
    assert walk(PLAN, response).response == response  # rules met, nothing dropped


# ----------------------------------------------------------------- it renders


@pytest.mark.parametrize("target", ["markdown", "html", "codebook", "limesurvey", "limesurvey-map"])
def test_the_example_renders(target: str) -> None:
    """Every built-in renderer writes it (LimeSurvey unrolls both rosters), nothing
    refused."""
    output = render(COMPILED, target)
    text = output.decode("utf-8") if isinstance(output, bytes) else output
    assert "household" in text.lower() or "members" in text
