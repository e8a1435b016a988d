"""A LimeSurvey survey in every language of the instrument (docs/limesurvey.md,
"Dates and languages"): each language's rows hold that language's texts — the
instrument's and qdef's own wording — and no other language's; every text that
LimeSurvey keeps per language (the i18n attributes) is there once per language."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import qdef
from qdef.rendering import find_catalog, render
from tests.test_limesurvey import I18N, Lss, read

CASES = Path(__file__).parent / "cases"
TRANSLATED = [CASES / "render" / "translated.yaml", CASES / "html" / "languages.yaml"]


def translations(node: Any, languages: set[str]) -> list[dict[str, str]]:
    """Every translated text of an instrument's YAML (a mapping of its languages)."""
    if isinstance(node, dict):
        if set(node) == languages and all(isinstance(v, str) for v in node.values()):
            return [dict(node)]
        return [t for value in node.values() for t in translations(value, languages)]
    if isinstance(node, list):
        return [t for value in node for t in translations(value, languages)]
    return []


def words(lss: Lss, lang: str) -> str:
    """Everything the survey shows in ``lang``, as plain text (HTML undone, one space
    for each line break)."""
    tables = lss.tables
    texts = [
        *(
            r[c]
            for r in tables["surveys_languagesettings"]
            if r["surveyls_language"] == lang
            for c in ("surveyls_title", "surveyls_welcometext")
        ),
        *(r.get("group_name", "") for r in tables["group_l10ns"] if r["language"] == lang),
        *(r.get("description", "") for r in tables["group_l10ns"] if r["language"] == lang),
        *(r.get("question", "") for r in tables["question_l10ns"] if r["language"] == lang),
        *(r.get("help", "") for r in tables["question_l10ns"] if r["language"] == lang),
        *(r["answer"] for r in tables["answer_l10ns"] if r["language"] == lang),
        *(r["value"] for r in tables["question_attributes"] if r.get("language") == lang),
    ]
    plain = (html.unescape(re.sub(r"<br>\s*", " ", text)) for text in texts)
    return "\n".join(" ".join(text.split()) for text in plain)


@pytest.fixture(scope="module", params=TRANSLATED, ids=lambda p: p.stem)
def survey(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = request.param
    source = path.read_text(encoding="utf-8")
    # LimeSurvey shuffles all options or none (QD807): the test form's anchored option
    source = source.replace("order: random", "order: written")
    copy = tmp_path_factory.mktemp("lss") / path.name
    copy.write_text(source, encoding="utf-8")
    instrument = qdef.load(copy)
    text = render(instrument, "limesurvey")
    assert isinstance(text, str)
    return instrument, YAML(typ="safe").load(source), read(text)


def test_each_language_holds_its_own_texts(survey: Any) -> None:
    instrument, data, lss = survey
    languages = [instrument.language, *instrument.translations]
    assert lss.languages == languages
    shown = {lang: words(lss, lang) for lang in languages}
    checked = 0
    for text in translations(data, set(languages)):
        if any("{" in t for t in text.values()):
            continue  # piped: written as LimeSurvey's {expressions}
        for lang in languages:
            mine = " ".join(text[lang].split())
            assert mine in shown[lang], (lang, mine)
            for other in languages:
                theirs = " ".join(text[other].split())
                if other != lang and theirs not in mine and mine not in theirs:
                    assert theirs not in shown[lang], (lang, theirs)
            checked += 1
    assert checked >= 20


def test_qdef_wording_is_in_each_language() -> None:
    """translated.yaml's date range has no labels of its own: its end is labelled
    with qdef's "bis"/"to", and its check's message is qdef's, each in its language's
    rows."""
    text = render(qdef.load(TRANSLATED[0]), "limesurvey")
    assert isinstance(text, str)
    lss = read(text)
    for lang in ("de", "en"):
        catalog = find_catalog(lang)
        assert catalog is not None
        for key in ("date_to", "web_date_order"):
            assert catalog(key) in words(lss, lang).split("\n")


def test_every_text_kept_per_language_is_there_in_each_language(survey: Any) -> None:
    instrument, _, lss = survey
    languages = [instrument.language, *instrument.translations]
    rows = [r for r in lss.tables["question_attributes"] if r["attribute"] in I18N]
    assert rows
    counts = Counter((r["qid"], r["attribute"]) for r in rows)
    for (qid, attribute), count in counts.items():
        found = [r["language"] for r in rows if (r["qid"], r["attribute"]) == (qid, attribute)]
        assert found == languages and count == len(languages), (qid, attribute)
    settings = lss.tables["surveys_languagesettings"]
    assert [s["surveyls_language"] for s in settings] == languages
    (row,) = lss.tables["surveys"]
    assert row["additional_languages"] == " ".join(instrument.translations)
    # each language writes numbers as its catalogue does: German 1,5 and English 1.5
    formats = {s["surveyls_language"]: s["surveyls_numberformat"] for s in settings}
    assert formats == {"de": "1", "en": "0"}
