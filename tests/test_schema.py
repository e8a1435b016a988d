"""The published JSON Schema: current, valid, and in exact agreement with the model.

Design rule (DESIGN.md, "Validation layers"): the model is the fast path and
must accept exactly what the schema accepts, so that validating with the model
*is* validating against the schema.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import jsonschema
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from qdef.model import Instrument
from qdef.model.dumper import to_data
from qdef.model.schema import SCHEMA_ID, dumps, generate, published, published_text, validator
from qdef.testing import instruments
from tests.schema_strategy import from_schema

VALIDATOR = validator()


def model_accepts(document: Any) -> bool:
    try:
        Instrument.model_validate(document)
    except ValidationError:
        return False
    return True


def test_committed_schema_is_not_stale() -> None:
    """Regenerate in memory and compare byte for byte (never shell out)."""
    assert published_text() == dumps(generate()), (
        "the committed schema is stale: run "
        "`python -m qdef schema` after `python -c 'from qdef.model.schema import *; "
        'open("src/qdef/model/schema/qdef-1.schema.json","w").write(dumps(generate()))\'`'
    )


def test_schema_is_a_valid_draft_2020_12_schema_with_an_id() -> None:
    schema = published()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def test_language_mappings_are_closed_in_the_schema() -> None:
    """A mapping key that is not a language tag is rejected by both."""
    document = {
        "qdef": 1,
        "id": "x",
        "title": {"de": "T", "d e": "U"},
        "language": "de",
        "sections": [{"id": "s", "questions": [{"id": "q", "type": "display", "text": "t"}]}],
    }
    assert not VALIDATOR.is_valid(document)
    assert not model_accepts(document)


def test_dollar_anchors_at_the_very_end_as_in_ecma_262() -> None:
    document = {
        "qdef": 1,
        "id": "x",
        "title": "T",
        "language": "de",
        "sections": [{"id": "s\n", "questions": [{"id": "q", "type": "display", "text": "t"}]}],
    }
    assert not VALIDATOR.is_valid(document)
    assert not model_accepts(document)


_KEYWORDS = {
    # JSON Schema 2020-12 core, applicator, validation and meta-data vocabularies
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "required",
    "type",
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "minItems",
    "maxItems",
    "minProperties",
    "title",
    "description",
    "default",
    # OpenAPI's discriminator, which validators ignore and editors use
    "discriminator",
}


def test_schema_uses_only_standard_keywords() -> None:
    """Catches constraints pydantic could not translate (e.g. a raw 'ge')."""
    unknown: set[str] = set()

    def visit(node: Any, in_map: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_map and key not in _KEYWORDS:
                    unknown.add(key)
                named = key in ("properties", "patternProperties", "$defs", "mapping")
                if key not in {"discriminator", "default"}:
                    visit(value, in_map=named)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(published())
    assert unknown == set()


@given(instruments())
def test_every_generated_instrument_is_valid_for_the_schema(instrument: Instrument) -> None:
    for document in (to_data(instrument), instrument.model_dump(mode="json")):
        errors = [e.message for e in VALIDATOR.iter_errors(document)]
        assert errors == []


def _schema_for_drawing() -> dict[str, Any]:
    schema = copy.deepcopy(published())
    schema.pop("$id")
    return schema


#: Whole documents drawn from the schema are slow to draw (about 0.3 s each): 20 in the
#: quick profile, the profile's own number in the deep one.
DOCUMENTS = 20 if os.environ.get("QDEF_HYPOTHESIS_PROFILE", "ci") == "ci" else None


@settings(max_examples=DOCUMENTS) if DOCUMENTS else (lambda test: test)
@given(from_schema(_schema_for_drawing()))
def test_documents_valid_for_the_schema_are_accepted_by_the_model(document: Any) -> None:
    assume(VALIDATOR.is_valid(document))
    event("valid for the schema")
    assert model_accepts(document), json.dumps(document, ensure_ascii=False)[:2000]


# --------------------------------------------------------------------------- mutations

_ODD_VALUES: list[Any] = [
    None,
    0,
    1,
    -1,
    1.0,
    2.5,
    True,
    False,
    "",
    "x",
    "no",
    "1",
    "Q1",
    "end",
    "2020-01",
    "s\n",
    [],
    ["x"],
    {},
    {"de": "x"},
    {"de": ""},
    {"en": 1},
    [{"code": "a"}],
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid instrument's data with one to three small changes: usually invalid now."""
    document = copy.deepcopy(to_data(draw(instruments(max_sections=2, max_questions=3))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)[1:]))
        parent, key = _get(document, path[:-1]), path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add", "retag"]))
        if action == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(_ODD_VALUES)))
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "lable", "type", "goto", "min"]))] = (
                copy.deepcopy(draw(st.sampled_from(_ODD_VALUES)))
            )
        elif action == "retag" and isinstance(parent, dict) and "type" in parent:
            parent["type"] = draw(
                st.sampled_from(
                    ["single", "multiple", "text", "number", "matrix", "grid", "bogus", "date"]
                )
            )
    return document


@given(mutated())
def test_schema_and_model_agree_on_mutated_documents(document: Any) -> None:
    schema_says = VALIDATOR.is_valid(document)
    model_says = model_accepts(document)
    assert schema_says == model_says, (
        f"schema {'accepts' if schema_says else 'rejects'}, model "
        f"{'accepts' if model_says else 'rejects'}: "
        + json.dumps(document, ensure_ascii=False)[:3000]
    )


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(3, True), (3.0, True), (3.5, False), (True, False), ("3", False), (0, False)],
)
def test_integer_fields_agree_on_edge_values(value: Any, accepted: bool) -> None:
    document = {
        "qdef": 1,
        "id": "x",
        "title": "T",
        "language": "de",
        "sections": [
            {"id": "s", "questions": [{"id": "q", "type": "text", "text": "t", "lines": value}]}
        ],
    }
    assert VALIDATOR.is_valid(document) is accepted
    assert model_accepts(document) is accepted
