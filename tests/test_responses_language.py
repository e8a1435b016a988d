"""The language a web form of several languages saves with its answers, ``_language``
(docs/responses.md, "The language of the page"): no answer, one of the
instrument's languages, read without a finding and allowed by the response schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import qdef
from qdef.data import Checker, read
from qdef.routing import AnswerError, walk
from qdef.routing.answers import problems
from qdef.routing.responses_schema import response_schema

TRANSLATED = Path(__file__).parent / "cases" / "render" / "translated.yaml"
INVESTITIONSPAKT = Path(__file__).resolve().parent.parent / "instruments" / "investitionspakt.yaml"

SAVED = {"_language": "en", "eingesetzt": "ja", "phasen": ["vor"]}


@pytest.fixture(scope="module")
def compiled() -> qdef.Compiled:
    return qdef.compile(TRANSLATED)


def test_the_language_is_no_answer(compiled: qdef.Compiled) -> None:
    walked = walk(compiled.plan, SAVED)
    assert "_language" not in walked.response
    assert walked.response == walk(compiled.plan, {"eingesetzt": "ja", "phasen": ["vor"]}).response


def test_the_language_must_be_one_of_the_instrument(compiled: qdef.Compiled) -> None:
    assert problems(compiled.plan, SAVED) == []
    assert problems(compiled.plan, {"_language": "fr"}) == [
        "'_language': 'fr' is not a language of the instrument (de, en)"
    ]
    with pytest.raises(AnswerError):
        walk(compiled.plan, {"_language": 7})


def test_a_saved_file_with_its_language_has_no_finding(
    compiled: qdef.Compiled, tmp_path: Path
) -> None:
    path = tmp_path / "translated-answers.json"
    path.write_text(json.dumps(SAVED, indent=2), encoding="utf-8")
    (record,) = read(path, compiled.plan)
    assert record.answers == {"eingesetzt": "ja", "phasen": ["vor"]}
    assert Checker(compiled.plan).check(record) == []


def test_the_schema_allows_the_languages_of_a_translated_instrument(
    compiled: qdef.Compiled,
) -> None:
    schema = response_schema(compiled.plan)
    jsonschema.validate(SAVED, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**SAVED, "_language": "fr"}, schema)
    one = response_schema(qdef.compile(INVESTITIONSPAKT).plan)  # no translations
    assert "_language" not in one["properties"]
