"""Random valid instruments (part of :mod:`qdef.testing`).

``instruments()`` draws random *valid* instruments: every question type,
options with follow-ups, matrices and grids, forward gotos, conditions on
earlier answers, optional translations, and texts full of characters that
YAML, HTML and Markdown treat specially. Every instrument it draws passes
``qdef validate`` without an error; random routing often leaves questions
unreachable or gotos without effect, which ``qdef validate`` reports as
routing warnings (QD6xx).

    from hypothesis import given
    from qdef.testing import instruments

    @given(instruments())
    def test_my_renderer_never_fails(instrument):
        my_render(instrument)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from qdef.model import Instrument

_TYPES = (
    "single",
    "multiple",
    "text",
    "number",
    "date",
    "daterange",
    "textlist",
    "matrix",
    "grid",
    "display",
)
_SPECIAL = ":#&*!|>'\"%@`{}[],-?<>\\/~\n\t \u00a0äöüßÄ€„“–…"

#: Text as people write it, plus every character with a meaning in YAML, HTML or Markdown.
plain_text = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(_SPECIAL),
        st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")),
    ),
    min_size=1,
    max_size=24,
).filter(lambda text: text.strip(" \t\n\r"))

codes = st.from_regex(r"[A-Za-z0-9_]{1,8}", fullmatch=True)
"""Answer codes, including YAML 1.1 booleans (``no``, ``on``) and digit strings."""

Draw = Callable[[st.SearchStrategy[Any]], Any]


@st.composite
def instruments(
    draw: Draw,
    *,
    max_sections: int = 3,
    max_questions: int = 5,
    translations: bool | None = None,
) -> Instrument:
    """A valid instrument of up to ``max_sections`` × ``max_questions`` questions.

    ``translations``: True always adds English translations, False never,
    None sometimes.
    """
    translated = draw(st.booleans()) if translations is None else translations
    languages = ["de", "en"] if translated else ["de"]

    def text() -> Any:
        if translated:
            return {lang: draw(plain_text) for lang in languages}
        return draw(plain_text)

    def maybe_text() -> Any:
        return text() if draw(st.booleans()) else None

    sizes = draw(st.lists(st.integers(1, max_questions), min_size=1, max_size=max_sections))
    kinds = [draw(st.sampled_from(_TYPES)) for _ in range(sum(sizes))]
    ids = [f"q{i + 1}" for i in range(len(kinds))]
    builder = _Builder(draw, text, maybe_text, ids, kinds)

    sections: list[dict[str, Any]] = []
    position = 0
    for s, size in enumerate(sizes):
        section: dict[str, Any] = {"id": f"s{s + 1}", "questions": []}
        if draw(st.booleans()):
            section["title"] = text()
        if s > 0 and draw(st.integers(0, 4)) == 0:
            condition = builder.condition(position)
            if condition:
                section["when"] = condition
        for _ in range(size):
            section["questions"].append(builder.question(position))
            position += 1
        sections.append(section)

    data: dict[str, Any] = {
        "qdef": 1,
        "id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,12}", fullmatch=True)),
        "title": text(),
        "language": "de",
        "sections": sections,
    }
    if translated:
        data["translations"] = ["en"]
    if draw(st.booleans()):
        data["intro"] = text()
    if draw(st.booleans()):
        data["version"] = draw(plain_text)
    return Instrument.model_validate(_drop_none(data))


def _drop_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(item) for item in node]
    return node


_DATES = {"year": "{y:04d}", "month": "{y:04d}-{m:02d}", "day": "{y:04d}-{m:02d}-{d:02d}"}


class _Builder:
    """Draws one question at a time, knowing what came before (for conditions)."""

    def __init__(
        self,
        draw: Draw,
        text: Callable[[], Any],
        maybe_text: Callable[[], Any],
        ids: list[str],
        kinds: list[str],
    ) -> None:
        self.draw, self.text, self.maybe_text = draw, text, maybe_text
        self.ids, self.kinds = ids, kinds
        self.choices: dict[str, tuple[str, list[str]]] = {}  # id -> (kind, codes)
        self.numbers: list[str] = []
        self.handlers: dict[str, Callable[[dict[str, Any], list[str]], None]] = {
            "single": self._single,
            "multiple": self._multiple,
            "text": self._text,
            "number": self._number,
            "date": self._date,
            "daterange": self._daterange,
            "textlist": self._textlist,
            "matrix": self._matrix,
            "grid": self._grid,
            "display": self._display,
        }

    # ------------------------------------------------------------------ conditions

    def _atom(self, position: int) -> str | None:
        draw = self.draw
        earlier = [q for q in self.ids[:position] if q in self.choices]
        numbers = [q for q in self.numbers if self.ids.index(q) < position]
        options: list[str] = []
        if earlier:
            qid = draw(st.sampled_from(earlier))
            kind, values = self.choices[qid]
            code = draw(st.sampled_from(values))
            if kind == "multiple":
                options.append(f'{qid} has "{code}"')
            else:
                options.append(f'{qid} {draw(st.sampled_from(["==", "!="]))} "{code}"')
                picked = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3))
                listed = ", ".join(f'"{c}"' for c in picked)
                options.append(f"{qid} {draw(st.sampled_from(['in', 'not in']))} [{listed}]")
            options.append(f"answered({qid})")
        if numbers:
            qid = draw(st.sampled_from(numbers))
            op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
            options.append(f"{qid} {op} {draw(st.integers(-5, 50))}")
        return draw(st.sampled_from(options)) if options else None

    def condition(self, position: int) -> str | None:
        first = self._atom(position)
        if first is None:
            return None
        shape = self.draw(st.integers(0, 3))
        second = self._atom(position)
        if shape == 1 and second:
            return f"{first} and {second}"
        if shape == 2 and second:
            return f"not ({first} or {second})"
        return first

    # ------------------------------------------------------------------ questions

    def question(self, position: int) -> dict[str, Any]:
        draw = self.draw
        kind = self.kinds[position]
        qid = self.ids[position]
        question: dict[str, Any] = {"id": qid, "type": kind, "text": self.text()}
        if draw(st.integers(0, 3)) == 0:
            condition = self.condition(position)
            if condition:
                question["when"] = condition
        later = self.ids[position + 1 :]
        if draw(st.integers(0, 5)) == 0:
            question["goto"] = draw(st.sampled_from([*later, "end"]))
        if kind != "display":
            if draw(st.booleans()):
                question["hint"] = self.text()
            question["required"] = draw(st.booleans())
            question["personal"] = draw(st.integers(0, 5)) == 0
        self.handlers[kind](question, later)
        return question

    def _codes(self, low: int, high: int) -> list[str]:
        result: list[str] = self.draw(st.lists(codes, min_size=low, max_size=high, unique=True))
        return result

    def _followups(self, prefix: str) -> list[dict[str, Any]] | None:
        count = self.draw(st.integers(0, 2)) if self.draw(st.integers(0, 2)) == 0 else 0
        result: list[dict[str, Any]] = []
        for j in range(count):
            kind = self.draw(st.sampled_from(["text", "number", "date"]))
            followup: dict[str, Any] = {"id": f"{prefix}_{j + 1}", "label": self.maybe_text()}
            if kind == "number":
                followup.update(type="number", unit=self.maybe_text(), min=0)
            elif kind == "date":
                followup.update(type="date", precision="month")
            else:
                followup.update(long=self.draw(st.booleans()), suffix=self.maybe_text())
            result.append(followup)
        return result or None

    def _single(self, question: dict[str, Any], later: list[str]) -> None:
        values = self._codes(1, 5)
        options = []
        routes = False
        for i, code in enumerate(values):
            option: dict[str, Any] = {"code": code, "label": self.text()}
            option["specify"] = self._followups(f"{question['id']}_o{i + 1}")
            if self.draw(st.integers(0, 3)) == 0:
                option["goto"] = self.draw(st.sampled_from([*later, "end"]))
                routes = True
            options.append(option)
        question["options"] = options
        if routes:
            question["required"] = True
        if self.draw(st.integers(0, 4)) == 0:
            question["widget"] = "dropdown"
        self.choices[question["id"]] = ("single", values)

    def _multiple(self, question: dict[str, Any], _later: list[str]) -> None:
        values = self._codes(1, 6)
        options = []
        for i, code in enumerate(values):
            option: dict[str, Any] = {"code": code, "label": self.text()}
            option["specify"] = self._followups(f"{question['id']}_o{i + 1}")
            if i == len(values) - 1 and self.draw(st.booleans()):
                option["exclusive"] = True
            options.append(option)
        question["options"] = options
        plain = sum(1 for option in options if not option.get("exclusive"))
        if self.draw(st.booleans()):
            low = self.draw(st.integers(0, plain))
            question["min_choices"] = low
            question["max_choices"] = self.draw(st.integers(max(low, 1), len(values)))
        self.choices[question["id"]] = ("multiple", values)

    def _text(self, question: dict[str, Any], _later: list[str]) -> None:
        question["long"] = self.draw(st.booleans())
        if self.draw(st.booleans()):
            question["format"] = self.draw(st.sampled_from(["email", "phone", "url"]))
        question["label"] = self.maybe_text()

    def _number(self, question: dict[str, Any], _later: list[str]) -> None:
        kind = self.draw(st.sampled_from(["integer", "decimal"]))
        low = self.draw(st.integers(-100, 100))
        question.update(kind=kind, min=low, max=low + self.draw(st.integers(0, 1000)))
        if kind == "decimal" and self.draw(st.booleans()):
            question["max"] = question["max"] + 0.5
        question["unit"] = self.maybe_text()
        self.numbers.append(question["id"])

    def _dates(self) -> tuple[str, str, str]:
        precision = self.draw(st.sampled_from(["year", "month", "day"]))
        year = self.draw(st.integers(1990, 2030))
        low = _DATES[precision].format(y=year, m=self.draw(st.integers(1, 12)), d=28)
        high = _DATES[precision].format(y=year + self.draw(st.integers(1, 5)), m=1, d=1)
        return precision, low, high

    def _date(self, question: dict[str, Any], _later: list[str]) -> None:
        precision, low, high = self._dates()
        question.update(precision=precision, min=low, max=high)

    def _daterange(self, question: dict[str, Any], _later: list[str]) -> None:
        precision, low, high = self._dates()
        question.update(precision=precision, min=low, max=high)
        question.update(from_label=self.maybe_text(), to_label=self.maybe_text())

    def _textlist(self, question: dict[str, Any], _later: list[str]) -> None:
        question["fields"] = [
            {"code": code, "label": self.maybe_text()} for code in self._codes(1, 4)
        ]

    def _rows(self, question: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for i, code in enumerate(self._codes(1, 5)):
            row: dict[str, Any] = {"code": code, "label": self.text()}
            if self.draw(st.integers(0, 3)) == 0:
                row["specify"] = {"id": f"{question['id']}_r{i + 1}"}
            rows.append(row)
        return rows

    def _matrix(self, question: dict[str, Any], _later: list[str]) -> None:
        question["scale"] = [
            {"code": code, "label": self.text(), "description": self.maybe_text()}
            for code in self._codes(1, 5)
        ]
        question["rows"] = self._rows(question)

    def _grid(self, question: dict[str, Any], _later: list[str]) -> None:
        columns = []
        for code in self._codes(1, 3):
            column: dict[str, Any] = {
                "code": code,
                "label": self.text(),
                "input": self.draw(st.sampled_from(["text", "number", "check"])),
            }
            if column["input"] == "check":
                column["exclusive"] = self.draw(st.booleans())
            columns.append(column)
        question["columns"] = columns
        question["rows"] = self._rows(question)

    def _display(self, question: dict[str, Any], _later: list[str]) -> None:
        del question  # a display text has nothing more
