"""The documentation stays true: its YAML examples validate as the text around them says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qdef.diagnostics import format_text
from qdef.pipeline import validate_text

DOCS = Path(__file__).parents[1] / "docs"
WRAP = (
    "qdef: 1\nid: wrap\ntitle: Wrap\nlanguage: de\nsections:\n"
    "  - id: wrap_section\n    questions:\n"
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _examples() -> list[tuple[str, str, str]]:
    """(where, instrument text, expected validate output) for every checkable YAML block.

    Whole instruments and lists of questions are checked; a block directly
    followed by a ``text`` block that starts with ``example.yaml:`` must give
    exactly that output, any other block must be valid without warnings.
    """
    cases: list[tuple[str, str, str]] = []
    for page in ("format.md", "index.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        blocks = [
            (m.group(1), m.group(2), text[: m.start()].count("\n") + 1)
            for m in FENCE.finditer(text)
        ]
        for i, (language, body, line) in enumerate(blocks):
            if language != "yaml":
                continue
            if body.startswith(("qdef:", "# yaml-language-server")):
                instrument = body
            elif body.startswith("- id:"):
                indented = "".join(
                    "      " + row if row.strip() else row for row in body.splitlines(True)
                )
                instrument = WRAP + indented
            else:
                continue
            expected = ""
            if i + 1 < len(blocks) and blocks[i + 1][0] == "text":
                following = blocks[i + 1][1]
                if following.startswith("example.yaml:"):
                    expected = following
            cases.append((f"{page}:{line}", instrument, expected))
    return cases


EXAMPLES = _examples()


def test_the_docs_have_examples_to_check() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize(
    ("where", "instrument", "expected"), EXAMPLES, ids=[case[0] for case in EXAMPLES]
)
def test_yaml_examples_in_the_docs_validate_as_documented(
    where: str, instrument: str, expected: str
) -> None:
    result = validate_text(instrument, Path("example.yaml"))
    assert format_text(list(result.diagnostics)) == expected, where
