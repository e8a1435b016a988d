"""qdef.routing.order: the shuffle shared by the walk and the web form (SPEC of issue 19).

The known answers below were computed with the JavaScript of the specification in
Node (``Math.imul``, ``>>> 0``); tests/cases/shuffle_vectors.json is read by the web
form's tests too, so that Python and the browser give the same order for a seed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from qdef.model import Instrument, MultipleChoice, Section
from qdef.routing.order import (
    Mulberry32,
    anchored,
    codes,
    is_permutation,
    mix,
    shown_order,
    shuffled,
)

VECTORS = json.loads(
    (Path(__file__).parent / "cases" / "shuffle_vectors.json").read_text(encoding="utf-8")
)


def test_mix_is_fnv1a_over_utf8_from_the_seeded_basis() -> None:
    assert mix(0, "") == 2166136261
    assert mix(0, "a") == 3826002220
    assert mix(42, "vehicles") == 2731693234
    assert mix(7, "ü") == 2475704829  # two UTF-8 bytes, not one code point
    assert mix(2**32 + 7, "ü") == mix(7, "ü")  # only the seed's low 32 bits count


def test_mulberry32_gives_javascripts_numbers() -> None:
    rng = Mulberry32(1)
    assert [rng.next() for _ in range(3)] == [
        0.6270739405881613,
        0.002735721180215478,
        0.5274470399599522,
    ]
    rng = Mulberry32(mix(42, "vehicles"))
    assert [rng.next(), rng.next()] == [0.23802139284089208, 0.8995616766624153]


def test_twenty_known_vectors() -> None:
    assert len(VECTORS) == 20
    for vector in VECTORS:
        items = list(range(vector["n"]))
        got = shuffled(items, vector["anchored"], vector["seed"], vector["key"])
        assert got == vector["permutation"], vector


@given(st.integers(0, 2**32 - 1), st.text(max_size=8), st.lists(st.booleans(), max_size=12))
def test_a_shuffle_is_a_permutation_with_anchors_in_place(
    seed: int, key: str, flags: list[bool]
) -> None:
    items = list(range(len(flags)))
    got = shuffled(items, flags, seed, key)
    assert sorted(got) == items
    assert all(got[i] == i for i, fixed in enumerate(flags) if fixed)
    assert got == shuffled(items, flags, seed, key)  # deterministic


def test_one_flag_per_item() -> None:
    with pytest.raises(ValueError, match="one anchored flag"):
        shuffled([1, 2], [False], 0, "q")


def test_every_order_is_drawn() -> None:
    drawn = {tuple(shuffled([0, 1, 2], [False] * 3, seed, "q")) for seed in range(200)}
    assert len(drawn) == 6


SECTION = """\
qdef: 1
id: t
title: T
language: en
sections:
  - id: s
    order: random
    questions:
      - id: q
        type: multiple
        order: random
        text: Q?
        options:
          - {code: a, label: A}
          - {code: b, label: B, anchor: true}
          - {code: c, label: C, exclusive: true}
          - {code: d, label: D, exclusive: true, anchor: false}
          - {code: e, label: E, specify: [{id: e_text, type: text}]}
          - {code: f, label: F}
      - {id: t1, type: display, text: Hello, anchor: true}
      - {id: v, type: computed, value: "1 + 1"}
      - {id: n, type: number, text: "N?"}
"""


def _instrument() -> Instrument:
    data: dict[str, Any] = yaml.safe_load(SECTION)
    return Instrument.model_validate(data)


def test_the_anchoring_rule() -> None:
    inst = _instrument()
    section: Section = inst.sections[0]
    question = section.questions[0]
    assert isinstance(question, MultipleChoice)
    flags = [anchored(o, question) for o in question.options]
    assert flags == [False, True, True, False, True, False]
    assert [anchored(q, section) for q in section.questions] == [False, True, True, False]


def test_shown_order_keeps_anchors_and_leaves_computed_values_out() -> None:
    inst = _instrument()
    section = inst.sections[0]
    question = section.questions[0]
    for seed in range(20):
        order = shown_order(question, seed)
        assert is_permutation(order, codes(question))
        assert (order[1], order[2], order[4]) == ("b", "c", "e")
        ids = shown_order(section, seed)
        assert ids[1] == "t1" and "v" not in ids and sorted(ids) == ["n", "q", "t1"]


def test_is_permutation() -> None:
    assert is_permutation(["b", "a"], ["a", "b"])
    assert not is_permutation(["a", "a"], ["a", "b"])
    assert not is_permutation(["a"], ["a", "b"])
    assert not is_permutation(("a", "b"), ["a", "b"])  # a list, as JSON has it
    assert not is_permutation("ab", ["a", "b"])
