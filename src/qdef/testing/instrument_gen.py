"""Random valid instruments (part of :mod:`qdef.testing`).

``instruments()`` draws random *valid* instruments: every question type,
options with follow-ups, matrices and grids, forward gotos, conditions on
earlier answers, optional translations, and texts full of characters that
YAML, HTML and Markdown treat specially. Every instrument it draws passes
``qdef validate`` without an error; random routing often leaves questions
unreachable or gotos without effect, which ``qdef validate`` reports as
routing warnings (QD6xx).

With ``features`` it also draws the elements of issue 18 (any subset of
:data:`FEATURES`): hidden variables, computed values, piped answers, filters,
cascading options, row conditions, rules, patterns, defaults and arithmetic in
conditions — always type-correct and referring to earlier variables only.

    from hypothesis import given
    from qdef.testing import FEATURES, instruments

    @given(instruments())
    def test_my_renderer_never_fails(instrument):
        my_render(instrument)

    @given(instruments(features=FEATURES))
    def test_my_renderer_knows_issue_18(instrument):
        my_render(instrument)
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, NamedTuple

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


def literal(text: str) -> str:
    """``text`` as a qdef text that shows it as it is: ``{`` and ``}`` doubled (a single
    brace would start or end a piped value)."""
    return text.replace("{", "{{").replace("}", "}}")


#: Text as people write it, plus every character with a meaning in YAML, HTML or Markdown
#: (braces doubled, so that they are shown as braces and pipe nothing).
plain_text = (
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            st.sampled_from(_SPECIAL),
            st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn")),
        ),
        min_size=1,
        max_size=24,
    )
    .filter(lambda text: text.strip(" \t\n\r"))
    .map(literal)
)

codes = st.from_regex(r"[A-Za-z0-9_]{1,8}", fullmatch=True)
"""Answer codes, including YAML 1.1 booleans (``no``, ``on``) and digit strings."""

Draw = Callable[[st.SearchStrategy[Any]], Any]

FEATURES: frozenset[str] = frozenset(
    {
        "hidden",
        "computed",
        "piping",
        "filter",
        "cascading",
        "row_when",
        "rules",
        "pattern",
        "default",
        "arithmetic",
    }
)
"""What ``instruments(features=...)`` may add to the format of before issue 18:

- ``hidden``: hidden variables (choice, number, text, date; with and without default),
  used by conditions, computed values and piping like answers;
- ``computed``: computed values (arithmetic, ``sum``/``min``/``max``/``count``,
  ``if``, ``coalesce``, ``selected_count``, ``len``, ``concat``, ``months_between``
  …, of number, text and truth type), used later like answers;
- ``piping``: ``{x}`` and ``{x|fallback}`` in question texts, hints, option and row
  labels, section titles, the intro, displays, rule and pattern messages;
- ``filter``: ``filter: {chosen_in: …}`` / ``{not_chosen_in: …}`` on single and
  multiple choices, matrices and grids (their codes a subset of the earlier
  multiple choice's);
- ``cascading``: options offered under a ``when``; ``row_when``: rows of matrices and
  grids likewise;
- ``rules``: rules over the question's own and earlier answers, most of them
  satisfiable (bounds, sums, lengths, counts), each with a message;
- ``pattern``: patterns (of the portable subset) on text questions, text-list fields,
  text follow-ups and text grid columns;
- ``default``: defaults of single and multiple choices, text, number and date
  questions (within the question's bounds, codes and choice limits);
- ``arithmetic``: conditions comparing arithmetic and functions (``a + b > 3``,
  ``sum(a, b) <= 10``, ``selected_count(m) >= 2``).
"""

# a fallback is literal text up to the closing brace: anything but braces
_FALLBACK = st.text(alphabet=st.sampled_from("abc XYZ 019 <>&\"'äß€*_#"), min_size=0, max_size=8)

# the parts regexes are built from: each matches the same in Python, JavaScript and PCRE
_REGEX_ATOMS = (
    "a",
    "Z",
    "7",
    "ä",
    " ",
    "\\.",
    "\\-",
    "\\(",
    "\\{",
    "[a-z]",
    "[0-9]",
    "[A-Za-z]",
    "[^<>]",
    "[äöü]",
    "\\d",
    "\\w",
    "\\s",
    ".",
)
_REGEX_QUANTIFIERS = ("", "", "?", "*", "+", "{2}", "{1,3}", "{2,}")


@st.composite
def regexes(draw: Draw) -> str:
    """Patterns of the portable, backtracking-free subset (docs/format.md, "Patterns"):
    characters, classes, escapes, groups of alternatives that start differently, and
    quantifiers on single atoms and on groups without quantifiers inside."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 4)) == 0:
            firsts = draw(st.lists(st.sampled_from("abcxyz"), min_size=2, max_size=3, unique=True))
            alternatives = [first + draw(st.sampled_from(["", "1", "-", "q"])) for first in firsts]
            alternatives = [a.replace("-", "\\-") for a in alternatives]
            parts.append("(" + "|".join(alternatives) + ")" + draw(st.sampled_from(("", "?", "*"))))
        else:
            parts.append(
                draw(st.sampled_from(_REGEX_ATOMS)) + draw(st.sampled_from(_REGEX_QUANTIFIERS))
            )
    return "".join(parts)


@st.composite
def instruments(
    draw: Draw,
    *,
    max_sections: int = 3,
    max_questions: int = 5,
    translations: bool | None = None,
    features: Collection[str] = (),
) -> Instrument:
    """A valid instrument of up to ``max_sections`` × ``max_questions`` questions.

    ``translations``: True always adds English translations, False never,
    None sometimes. ``features``: the elements of issue 18 to use, a subset of
    :data:`FEATURES` (none by default: the instruments of before, drawn alike).
    """
    unknown = set(features) - FEATURES
    if unknown:
        raise ValueError(f"unknown features {sorted(unknown)}; known: {sorted(FEATURES)}")
    wanted = frozenset(features)
    translated = draw(st.booleans()) if translations is None else translations
    languages = ["de", "en"] if translated else ["de"]

    def text() -> Any:
        if translated:
            return {lang: draw(plain_text) for lang in languages}
        return draw(plain_text)

    def maybe_text() -> Any:
        return text() if draw(st.booleans()) else None

    sizes = draw(st.lists(st.integers(1, max_questions), min_size=1, max_size=max_sections))
    kinds_drawn = (*_TYPES, "computed") if "computed" in wanted else _TYPES
    kinds = [draw(st.sampled_from(kinds_drawn)) for _ in range(sum(sizes))]
    ids = [f"q{i + 1}" for i in range(len(kinds))]
    builder = _Builder(draw, text, maybe_text, ids, kinds, features=wanted)
    hidden = builder.hidden() if "hidden" in wanted else []

    sections: list[dict[str, Any]] = []
    position = 0
    for s, size in enumerate(sizes):
        section: dict[str, Any] = {"id": f"s{s + 1}", "questions": []}
        if draw(st.booleans()):
            section["title"] = builder.piped(text(), position)
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
    if hidden:
        data["hidden"] = hidden
    if translated:
        data["translations"] = ["en"]
    if draw(st.booleans()):
        data["intro"] = builder.piped(text(), 0)
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

_HIDDEN = -1
"""The position of hidden variables: before every question."""


class _Var(NamedTuple):
    """A variable later expressions may use: where it is, its type, what it holds."""

    name: str
    position: int
    kind: str
    """``choice``, ``choices``, ``number``, ``text``, ``date``, ``truth`` or ``check``."""
    codes: tuple[str, ...] = ()
    precision: str = ""
    certain: bool = False
    """Never absent where it can be used: a hidden variable with a default."""
    low: float | None = None
    high: float | None = None


class _Builder:
    """Draws one question at a time, knowing what came before (for conditions)."""

    def __init__(
        self,
        draw: Draw,
        text: Callable[[], Any],
        maybe_text: Callable[[], Any],
        ids: list[str],
        kinds: list[str],
        *,
        features: frozenset[str] = frozenset(),
    ) -> None:
        self.draw, self.text, self.maybe_text = draw, text, maybe_text
        self.ids, self.kinds = ids, kinds
        self.features = features
        self.choices: dict[str, tuple[str, list[str]]] = {}  # id -> (kind, codes)
        self.numbers: list[str] = []
        self.hidden_choices: list[str] = []
        self.positions: dict[str, int] = {}
        self.vars: list[_Var] = []
        """Every variable (with ``features``), in sequence order."""
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

    def _var(self, var: _Var) -> None:
        if self.features:
            self.vars.append(var)

    def _earlier(self, position: int, *kinds: str) -> list[_Var]:
        return [v for v in self.vars if v.position < position and v.kind in kinds]

    # ------------------------------------------------------------------ hidden

    def hidden(self) -> list[dict[str, Any]]:
        draw = self.draw
        result: list[dict[str, Any]] = []
        for i in range(draw(st.integers(1, 3))):
            hid = f"h{i + 1}"
            kind = draw(st.sampled_from(["choice", "number", "text", "date"]))
            entry: dict[str, Any] = {"id": hid, "type": kind, "label": self.maybe_text()}
            with_default = draw(st.booleans())
            if kind == "choice":
                values = self._codes(1, 4)
                entry["options"] = [{"code": code, "label": self.text()} for code in values]
                if with_default:
                    entry["default"] = draw(st.sampled_from(values))
                self.choices[hid] = ("single", values)
                self.hidden_choices.append(hid)
                self._var(_Var(hid, _HIDDEN, "choice", tuple(values), certain=with_default))
            elif kind == "number":
                low = draw(st.integers(-10, 10))
                high = low + draw(st.integers(0, 100))
                entry.update(kind=draw(st.sampled_from(["integer", "decimal"])), min=low, max=high)
                if with_default:
                    entry["default"] = draw(st.integers(low, high))
                self.numbers.append(hid)
                self._var(_Var(hid, _HIDDEN, "number", certain=with_default, low=low, high=high))
            elif kind == "text":
                if with_default:
                    entry["default"] = draw(
                        st.from_regex(r"[A-Za-z0-9 äß<&]{1,10}", fullmatch=True)
                    )
                    if not entry["default"].strip():
                        entry["default"] = "x"
                self._var(_Var(hid, _HIDDEN, "text", certain="default" in entry))
            else:
                precision, low_date, high_date = self._dates()
                entry.update(precision=precision, min=low_date, max=high_date)
                if with_default:
                    entry["default"] = low_date
                self._var(_Var(hid, _HIDDEN, "date", precision=precision, certain=with_default))
            self.positions[hid] = _HIDDEN
            result.append(entry)
        return result

    # ------------------------------------------------------------------ conditions

    def _position(self, name: str) -> int:
        found = self.positions.get(name)
        return self.ids.index(name) if found is None else found

    def _atom(self, position: int) -> str | None:
        draw = self.draw
        earlier = [
            *self.hidden_choices,
            *(q for q in self.ids[:position] if q in self.choices),
        ]
        numbers = [q for q in self.numbers if self._position(q) < position]
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
        if "arithmetic" in self.features:
            options.extend(self._arithmetic_atoms(position))
        if self.features:
            truths = self._earlier(position, "truth")
            if truths:
                truth = draw(st.sampled_from(truths)).name
                options.append(f"{truth} == {draw(st.sampled_from(['true', 'false']))}")
        return draw(st.sampled_from(options)) if options else None

    def _arithmetic_atoms(self, position: int) -> list[str]:
        draw = self.draw
        atoms: list[str] = []
        numbers = [v.name for v in self._earlier(position, "number")]
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        constant = draw(st.integers(-5, 50))
        if numbers:
            a, b = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
            atoms.append(f"{a} + {b} {op} {constant}")
            atoms.append(f"sum({a}, {b}) {op} {constant}")
            atoms.append(f"{a} * 2 - {b} {op} {constant}")
            if a != b:
                atoms.append(f"{a} {op} {b} / 2")
        multiples = [v.name for v in self._earlier(position, "choices")]
        if multiples:
            atoms.append(f"selected_count({draw(st.sampled_from(multiples))}) {op} {constant % 4}")
        texts = [v.name for v in self._earlier(position, "text")]
        if texts:
            atoms.append(f"len({draw(st.sampled_from(texts))}) {op} {constant % 12}")
        return atoms

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

    # ------------------------------------------------------------------ piping

    def piped(self, text: Any, position: int, own: tuple[_Var, ...] = ()) -> Any:
        """``text`` (None, or a text or translations), with a piped value appended now and
        then (with ``piping``): of a variable before ``position``, or one of ``own``."""
        if text is None or "piping" not in self.features or self.draw(st.integers(0, 2)):
            return text
        usable = [
            *self._earlier(position, "choice", "choices", "number", "text", "date"),
            *(v for v in own if v.kind in ("choice", "choices", "number", "text", "date")),
        ]
        if not usable:
            return text
        var = self.draw(st.sampled_from(usable))
        source = var.name
        if var.kind == "number" and "arithmetic" in self.features and self.draw(st.booleans()):
            source = self.draw(
                st.sampled_from([f"{var.name} * 2", f"-{var.name}", f"{var.name} / 4"])
            )
        if var.certain and self.draw(st.booleans()):
            piece = "{" + source + "}"
        else:
            piece = "{" + source + "|" + self.draw(_FALLBACK) + "}"
        if isinstance(text, dict):
            return {lang: f"{value} {piece}" for lang, value in text.items()}
        return f"{text} {piece}"

    # ------------------------------------------------------------------ questions

    def question(self, position: int) -> dict[str, Any]:
        draw = self.draw
        kind = self.kinds[position]
        qid = self.ids[position]
        if kind == "computed":
            return self._computed(qid, position)
        question: dict[str, Any] = {"id": qid, "type": kind, "text": self.text()}
        if draw(st.integers(0, 3)) == 0:
            condition = self.condition(position)
            if condition:
                question["when"] = condition
        later = [q for q, k in zip(self.ids, self.kinds, strict=True) if k != "computed"]
        later = later[later.index(qid) + 1 :]
        if draw(st.integers(0, 5)) == 0:
            question["goto"] = draw(st.sampled_from([*later, "end"]))
        if kind != "display":
            if draw(st.booleans()):
                question["hint"] = self.piped(self.text(), position)
            question["required"] = draw(st.booleans())
            question["personal"] = draw(st.integers(0, 5)) == 0
        question["text"] = self.piped(question["text"], position)
        before = len(self.vars)
        self.handlers[kind](question, later)
        if kind != "display" and "rules" in self.features and draw(st.integers(0, 2)) == 0:
            own = tuple(self.vars[before:])
            rules = [self._rule(question, position, own) for _ in range(draw(st.integers(1, 2)))]
            question["rules"] = [rule for rule in rules if rule is not None] or None
        return question

    def _codes(self, low: int, high: int) -> list[str]:
        result: list[str] = self.draw(st.lists(codes, min_size=low, max_size=high, unique=True))
        return result

    def _filtered(self, question: dict[str, Any], low: int, high: int, position: int) -> list[str]:
        """Codes for options or rows: with ``filter``, sometimes a subset of an earlier
        multiple choice's codes, and the question filtered by it."""
        if "filter" in self.features and self.draw(st.booleans()):
            multiples = [
                q for q in self.ids[:position] if self.choices.get(q, ("", []))[0] == "multiple"
            ]
            if multiples:
                source = self.draw(st.sampled_from(multiples))
                offered = self.choices[source][1]
                picked: list[str] = self.draw(
                    st.lists(st.sampled_from(offered), min_size=1, max_size=high, unique=True)
                )
                how = self.draw(st.sampled_from(["chosen_in", "not_chosen_in"]))
                question["filter"] = {how: source}
                return picked
        return self._codes(low, high)

    def _when(self, feature: str, position: int) -> str | None:
        if feature in self.features and self.draw(st.integers(0, 3)) == 0:
            return self.condition(position)
        return None

    def _text_pattern(self, position: int) -> dict[str, Any] | None:
        if "pattern" in self.features and self.draw(st.integers(0, 2)) == 0:
            message = self.piped(self.maybe_text(), position)
            return {"regex": self.draw(regexes()), "message": message}
        return None

    def _followups(self, prefix: str, position: int = 0) -> list[dict[str, Any]] | None:
        count = self.draw(st.integers(0, 2)) if self.draw(st.integers(0, 2)) == 0 else 0
        result: list[dict[str, Any]] = []
        for j in range(count):
            kind = self.draw(st.sampled_from(["text", "number", "date"]))
            followup: dict[str, Any] = {"id": f"{prefix}_{j + 1}", "label": self.maybe_text()}
            if kind == "number":
                followup.update(type="number", unit=self.maybe_text(), min=0)
                self._var(_Var(followup["id"], position, "number", low=0))
            elif kind == "date":
                followup.update(type="date", precision="month")
                self._var(_Var(followup["id"], position, "date", precision="month"))
            else:
                followup.update(long=self.draw(st.booleans()), suffix=self.maybe_text())
                followup["pattern"] = self._text_pattern(position)
                self._var(_Var(followup["id"], position, "text"))
            result.append(followup)
        return result or None

    def _single(self, question: dict[str, Any], later: list[str]) -> None:
        position = self._position(question["id"])
        values = self._filtered(question, 1, 5, position)
        options = []
        routes = False
        self._var(_Var(question["id"], position, "choice", tuple(values)))
        for i, code in enumerate(values):
            option: dict[str, Any] = {"code": code, "label": self.piped(self.text(), position)}
            option["specify"] = self._followups(f"{question['id']}_o{i + 1}", position)
            if self.draw(st.integers(0, 3)) == 0:
                option["goto"] = self.draw(st.sampled_from([*later, "end"]))
                routes = True
            option["when"] = self._when("cascading", position)
            options.append(option)
        question["options"] = options
        if routes:
            question["required"] = True
        if self.draw(st.integers(0, 4)) == 0:
            question["widget"] = "dropdown"
        if "default" in self.features and self.draw(st.integers(0, 2)) == 0:
            question["default"] = self.draw(st.sampled_from(values))
        self.choices[question["id"]] = ("single", values)

    def _multiple(self, question: dict[str, Any], _later: list[str]) -> None:
        position = self._position(question["id"])
        values = self._filtered(question, 1, 6, position)
        options = []
        self._var(_Var(question["id"], position, "choices", tuple(values)))
        for i, code in enumerate(values):
            option: dict[str, Any] = {"code": code, "label": self.piped(self.text(), position)}
            option["specify"] = self._followups(f"{question['id']}_o{i + 1}", position)
            if i == len(values) - 1 and self.draw(st.booleans()):
                option["exclusive"] = True
            option["when"] = self._when("cascading", position)
            options.append(option)
        question["options"] = options
        plain = [option["code"] for option in options if not option.get("exclusive")]
        if self.draw(st.booleans()):
            low = self.draw(st.integers(0, len(plain)))
            question["min_choices"] = low
            question["max_choices"] = self.draw(st.integers(max(low, 1), len(values)))
        if "default" in self.features and self.draw(st.integers(0, 2)) == 0:
            question["default"] = self._choices_default(question, options, plain)
        self.choices[question["id"]] = ("multiple", values)

    def _choices_default(
        self, question: dict[str, Any], options: list[dict[str, Any]], plain: list[str]
    ) -> list[str] | None:
        """A default the question accepts: an exclusive option alone, or plain options
        within ``min_choices`` and ``max_choices``."""
        low = max(question.get("min_choices") or 1, 1)
        high = min(question.get("max_choices") or len(plain), len(plain))
        alone = [[o["code"]] for o in options if o.get("exclusive")]
        if plain and low <= high and (not alone or self.draw(st.booleans())):
            chosen = set(
                self.draw(
                    st.lists(st.sampled_from(plain), min_size=low, max_size=high, unique=True)
                )
            )
            return [o["code"] for o in options if o["code"] in chosen]
        return list(self.draw(st.sampled_from(alone))) if alone else None

    def _text(self, question: dict[str, Any], _later: list[str]) -> None:
        question["long"] = self.draw(st.booleans())
        if self.draw(st.booleans()):
            question["format"] = self.draw(st.sampled_from(["email", "phone", "url"]))
        question["label"] = self.maybe_text()
        position = self._position(question["id"])
        if "format" not in question:
            question["pattern"] = self._text_pattern(position)
        plain = not question.get("format") and not question.get("pattern")
        if "default" in self.features and plain and self.draw(st.integers(0, 2)) == 0:
            question["default"] = self.draw(st.from_regex(r"[A-Za-z0-9äß<&]{1,10}", fullmatch=True))
        self._var(_Var(question["id"], position, "text"))

    def _number(self, question: dict[str, Any], _later: list[str]) -> None:
        kind = self.draw(st.sampled_from(["integer", "decimal"]))
        low = self.draw(st.integers(-100, 100))
        question.update(kind=kind, min=low, max=low + self.draw(st.integers(0, 1000)))
        if kind == "decimal" and self.draw(st.booleans()):
            question["max"] = question["max"] + 0.5
        question["unit"] = self.maybe_text()
        if "default" in self.features and self.draw(st.integers(0, 2)) == 0:
            question["default"] = self.draw(st.integers(low, int(question["max"])))
        self.numbers.append(question["id"])
        position = self._position(question["id"])
        self._var(_Var(question["id"], position, "number", low=low, high=question["max"]))

    def _dates(self) -> tuple[str, str, str]:
        precision = self.draw(st.sampled_from(["year", "month", "day"]))
        year = self.draw(st.integers(1990, 2030))
        low = _DATES[precision].format(y=year, m=self.draw(st.integers(1, 12)), d=28)
        high = _DATES[precision].format(y=year + self.draw(st.integers(1, 5)), m=1, d=1)
        return precision, low, high

    def _date(self, question: dict[str, Any], _later: list[str]) -> None:
        precision, low, high = self._dates()
        question.update(precision=precision, min=low, max=high)
        if "default" in self.features and self.draw(st.integers(0, 2)) == 0:
            question["default"] = self.draw(st.sampled_from([low, high]))
        position = self._position(question["id"])
        self._var(_Var(question["id"], position, "date", precision=precision))

    def _daterange(self, question: dict[str, Any], _later: list[str]) -> None:
        precision, low, high = self._dates()
        question.update(precision=precision, min=low, max=high)
        question.update(from_label=self.maybe_text(), to_label=self.maybe_text())
        position = self._position(question["id"])
        for end in ("from", "to"):
            self._var(_Var(f"{question['id']}.{end}", position, "date", precision=precision))

    def _textlist(self, question: dict[str, Any], _later: list[str]) -> None:
        position = self._position(question["id"])
        question["fields"] = [
            {"code": code, "label": self.maybe_text(), "pattern": self._text_pattern(position)}
            for code in self._codes(1, 4)
        ]
        for field in question["fields"]:
            self._var(_Var(f"{question['id']}.{field['code']}", position, "text"))

    def _rows(self, question: dict[str, Any]) -> list[dict[str, Any]]:
        position = self._position(question["id"])
        rows = []
        for i, code in enumerate(self._filtered(question, 1, 5, position)):
            row: dict[str, Any] = {"code": code, "label": self.piped(self.text(), position)}
            if self.draw(st.integers(0, 3)) == 0:
                row["specify"] = {"id": f"{question['id']}_r{i + 1}"}
                self._var(_Var(row["specify"]["id"], position, "text"))
            row["when"] = self._when("row_when", position)
            rows.append(row)
        return rows

    def _matrix(self, question: dict[str, Any], _later: list[str]) -> None:
        question["scale"] = [
            {"code": code, "label": self.text(), "description": self.maybe_text()}
            for code in self._codes(1, 5)
        ]
        question["rows"] = self._rows(question)
        position = self._position(question["id"])
        scale = tuple(column["code"] for column in question["scale"])
        for row in question["rows"]:
            self._var(_Var(f"{question['id']}.{row['code']}", position, "choice", scale))

    def _grid(self, question: dict[str, Any], _later: list[str]) -> None:
        columns = []
        position = self._position(question["id"])
        for code in self._codes(1, 3):
            column: dict[str, Any] = {
                "code": code,
                "label": self.text(),
                "input": self.draw(st.sampled_from(["text", "number", "check"])),
            }
            if column["input"] == "check":
                column["exclusive"] = self.draw(st.booleans())
            elif column["input"] == "text":
                column["pattern"] = self._text_pattern(position)
            columns.append(column)
        question["columns"] = columns
        question["rows"] = self._rows(question)
        for row in question["rows"]:
            for column in columns:
                kind = {"text": "text", "number": "number", "check": "check"}[column["input"]]
                self._var(_Var(f"{question['id']}.{row['code']}.{column['code']}", position, kind))

    def _display(self, question: dict[str, Any], _later: list[str]) -> None:
        del question  # a display text has nothing more

    # ------------------------------------------------------------------ computed values

    def _computed(self, qid: str, position: int) -> dict[str, Any]:
        """A computed value of a type-correct expression over earlier variables; a display
        where nothing earlier can be computed with."""
        draw = self.draw
        candidates = self._values(position)
        if not candidates:
            return {"id": qid, "type": "display", "text": self.text()}
        kind, value = draw(st.sampled_from(candidates))
        entry: dict[str, Any] = {"id": qid, "type": "computed", "value": value}
        entry["label"] = self.maybe_text()
        if draw(st.integers(0, 3)) == 0:
            entry["when"] = self.condition(position)
        if kind == "number":
            self.numbers.append(qid)
        self._var(_Var(qid, position, kind))
        return entry

    def _values(self, position: int) -> list[tuple[str, str]]:
        """(type, expression) of the computed values that can be drawn at ``position``."""
        draw = self.draw
        found: list[tuple[str, str]] = []
        numbers = [v.name for v in self._earlier(position, "number")]
        if numbers:
            a, b = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
            found += [
                ("number", f"{a} + {b}"),
                ("number", f"{a} - {b} * 2"),
                ("number", f"({a} + 1) / 4"),
                ("number", f"-{a}"),
                ("number", f"sum({a}, {b}, 1.5)"),
                ("number", f"min({a}, {b})"),
                ("number", f"max({a}, 0)"),
                ("number", f"coalesce({a}, {b}, 0)"),
                ("truth", f"{a} >= {b}"),
            ]
        anything = [v.name for v in self._earlier(position, *_VALUE_KINDS)]
        if anything:
            picked = draw(st.lists(st.sampled_from(anything), min_size=1, max_size=3))
            found.append(("number", f"count({', '.join(picked)})"))
        multiples = [v.name for v in self._earlier(position, "choices")]
        if multiples:
            found.append(("number", f"selected_count({draw(st.sampled_from(multiples))})"))
        texts = [v.name for v in self._earlier(position, "text")]
        if texts:
            t = draw(st.sampled_from(texts))
            found += [
                ("number", f"len({t})"),
                ("text", f'concat({t}, " & ", {draw(st.sampled_from(texts))})'),
                ("text", f'coalesce({t}, "<none>")'),
            ]
        for precision in ("month", "day"):
            dates = [v.name for v in self._earlier(position, "date") if v.precision == precision]
            if dates:
                a, b = draw(st.sampled_from(dates)), draw(st.sampled_from(dates))
                found.append(("number", f"months_between({a}, {b})"))
                found.append(("number", f"years_between({a}, {b})"))
                if precision == "day":
                    found.append(("number", f"days_between({a}, {b})"))
        condition = self.condition(position)
        if condition:
            found += [
                ("number", f"if({condition}, 1, 0)"),
                ("text", f'if({condition}, "yes", "no")'),
                ("truth", condition),
            ]
        return found

    # ------------------------------------------------------------------ rules

    def _rule(
        self, question: dict[str, Any], position: int, own: tuple[_Var, ...]
    ) -> dict[str, Any] | None:
        """A rule over the question's own variables (and earlier ones), most of them met by
        some answers: bounds, sums, lengths, counts, orders."""
        draw = self.draw
        checks: list[str] = []
        op = draw(st.sampled_from(["<=", ">=", "!=", "=="]))
        numbers = [v for v in own if v.kind == "number"]
        if numbers:
            names = [v.name for v in numbers]
            checks.append(f"sum({', '.join(names)}) {op} {draw(st.integers(0, 100))}")
            earlier = [v.name for v in self._earlier(position, "number")]
            if earlier:
                checks.append(f"{draw(st.sampled_from(names))} <= {draw(st.sampled_from(earlier))}")
            checks.append(f"{names[0]} * 2 >= {names[0]}")  # often true
        for var in own:
            if var.kind == "text":
                checks.append(f"len({var.name}) <= {draw(st.integers(1, 30))}")
            elif var.kind == "choices":
                checks.append(f"selected_count({var.name}) <= {draw(st.integers(1, 3))}")
            elif var.kind == "choice" and var.codes:
                checks.append(f'{var.name} != "{draw(st.sampled_from(var.codes))}"')
            elif var.kind == "date":
                same = [
                    v.name
                    for v in (*self._earlier(position, "date"), *own)
                    if v.precision == var.precision and v.name != var.name
                ]
                if same:
                    checks.append(f"{var.name} >= {draw(st.sampled_from(same))}")
            elif var.kind == "check":
                checks.append(f"not {var.name}")
        if not checks:
            return None
        check = draw(st.sampled_from(checks))
        extra = self.condition(position) if draw(st.integers(0, 3)) == 0 else None
        if extra:
            check = f"({check}) or ({extra})"
        message = self.piped(self.text(), position, own)
        return {"check": check, "message": message}


_VALUE_KINDS = ("choice", "choices", "number", "text", "date", "check", "truth")
