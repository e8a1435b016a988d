"""The paper questionnaire per language (``--lang``): each language's paper holds
that language's texts of the instrument and none of another language's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import qdef
from qdef.rendering import render
from tests.test_limesurvey_languages import TRANSLATED, translations


def plain(markdown: str) -> str:
    """The paper's words: Markdown's escapes and hard breaks undone, spaces collapsed."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown.replace("\\\n", " ")).split())


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: p.stem)
def test_each_language_is_printed_in_its_own_words(path: Path) -> None:
    instrument = qdef.load(path)
    languages = [instrument.language, *instrument.translations]
    texts = translations(YAML(typ="safe").load(path.read_text(encoding="utf-8")), set(languages))
    checked = 0
    for lang in languages:
        paper = render(instrument, "markdown", lang=lang)
        assert isinstance(paper, str)
        words = plain(paper)
        for text in texts:
            if any("{" in t for t in text.values()):
                continue  # piped: printed with a blank for the answer
            mine = " ".join(text[lang].split())
            assert mine in words, (lang, mine)
            for other, written in text.items():
                theirs = " ".join(written.split())
                if other != lang and theirs not in mine and mine not in theirs:
                    assert theirs not in words, (lang, theirs)
            checked += 1
    assert checked >= 30
