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
conditions — always type-correct and referring to earlier variables only — and
those of issue 19 (:data:`FEATURES19`): rankings, number lists, dual-scale
matrices, sliders and steps, buttons, random order and rosters with aggregates
after them, within the scope rules of rosters and random sections.

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

FEATURES19: frozenset[str] = frozenset(
    {"ranking", "numbers", "dualmatrix", "slider", "buttons", "random", "roster"}
)
"""What ``instruments(features=...)`` may add of issue 19 (any subset, also together with
:data:`FEATURES`; ``ALL_FEATURES`` is both):

- ``ranking``: ranking questions (2–5 items, sometimes ``top``, items with ``when``, a
  ``filter``), used in conditions (``has``, ``rank(…)``, ``selected_count``) and piped;
- ``numbers``: number lists (integer and decimal fields with bounds, sometimes a
  ``total`` ``equals`` / ``at_most`` that the bounds can reach), their fields used later
  like numbers;
- ``dualmatrix``: dual-scale matrices (two scales, rows as in a matrix: ``specify``,
  ``when`` with ``row_when``, ``filter`` with ``filter``);
- ``slider``: number questions with ``widget: slider`` and a ``step`` (whole for
  integers, 0.5 or 0.25 for decimals), and ``step`` on plain number inputs too;
  defaults on the step;
- ``buttons``: single choices with ``widget: buttons``;
- ``random``: ``order: random`` on single and multiple choices, rankings, matrices,
  grids and dual-scale matrices (options and rows with ``anchor`` true, false or
  unset), and random sections (questions with ``anchor: true``; nothing in them refers
  to the section's own variables, no goto within or into them but to their first entry);
- ``roster``: roster sections (``repeat``) of all three kinds — ``for_each`` an earlier
  multiple choice or text list, ``times`` an earlier integer number (with ``max``) — with
  the item piped in the title and texts, conditions, rules and gotos inside the
  iteration, and aggregates (``sum``, ``count``, ``min``, ``max``, ``any``, ``all``) over
  the roster in later conditions, computed values and piped texts.
"""

ALL_FEATURES: frozenset[str] = FEATURES | FEATURES19
"""Every feature :func:`instruments` knows."""

_ORDERED = ("single", "multiple", "ranking", "matrix", "grid", "dualmatrix")
"""The question types with ``order``."""

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
    unknown = set(features) - ALL_FEATURES
    if unknown:
        raise ValueError(f"unknown features {sorted(unknown)}; known: {sorted(ALL_FEATURES)}")
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
    kinds_drawn: tuple[str, ...] = _TYPES
    if "computed" in wanted:
        kinds_drawn = (*kinds_drawn, "computed")
    kinds_drawn += tuple(k for k in ("ranking", "numbers", "dualmatrix") if k in wanted)
    layout = _layout(draw, sizes, kinds_drawn, wanted)
    builder = _Builder(draw, text, maybe_text, layout.ids, layout.kinds, features=wanted)
    builder.layout = layout
    hidden = builder.hidden() if "hidden" in wanted else []

    sections: list[dict[str, Any]] = []
    position = 0
    for s, size in enumerate(layout.sizes):
        section: dict[str, Any] = {"id": f"s{s + 1}", "questions": []}
        mode = layout.modes[s]
        if s > 0 and draw(st.integers(0, 4)) == 0:
            condition = builder.condition(position)  # a roster's: outside the roster
            if condition:
                section["when"] = condition
        builder.enter(s, position)
        if mode == "roster":
            section["repeat"] = builder.repeat(s, position)
            section["title"] = _append(text(), "{" + section["repeat"]["item"] + "}")
        elif draw(st.booleans()):
            section["title"] = builder.piped(text(), position)
        if mode == "random":
            section["order"] = "random"
        for _ in range(size):
            section["questions"].append(builder.question(position))
            position += 1
        builder.leave(section["id"])
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
    builder.done.clear()  # the intro comes before every roster: no aggregates
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


def _append(text: Any, piece: str) -> Any:
    """``text`` (a text or translations) with ``piece`` appended (in every language)."""
    if isinstance(text, dict):
        return {lang: f"{value} {piece}" for lang, value in text.items()}
    return f"{text} {piece}"


class _Layout(NamedTuple):
    """Where everything goes, drawn before any question (gotos need to know what is a
    roster or a random section further on)."""

    sizes: list[int]
    ids: list[str]
    kinds: list[str]
    """Each entry's type; a roster's source is ``source:multiple``, ``source:textlist``
    or ``source:number``, the last entry of the section before the roster."""
    modes: list[str]
    """Each section's: ``plain``, ``random`` or ``roster``."""
    section_of: list[int]
    starts: list[int]
    """Each section's first position."""


def _layout(
    draw: Draw, sizes: list[int], kinds_drawn: tuple[str, ...], wanted: frozenset[str]
) -> _Layout:
    modes: list[str] = []
    for s in range(len(sizes)):
        choices = ["plain", "plain"]
        if "random" in wanted:
            choices.append("random")
        if "roster" in wanted and s > 0 and modes[s - 1] != "roster":
            choices = ["roster", "roster", *choices]  # first: what simple examples draw
        modes.append(draw(st.sampled_from(choices)) if len(choices) > 2 else "plain")
    per_section = [[draw(st.sampled_from(kinds_drawn)) for _ in range(size)] for size in sizes]
    for s, mode in enumerate(modes):
        if mode == "roster":
            source = draw(st.sampled_from(["multiple", "textlist", "number"]))
            per_section[s - 1].append(f"source:{source}")
    sizes = [len(entries) for entries in per_section]
    kinds = [kind for entries in per_section for kind in entries]
    section_of = [s for s, size in enumerate(sizes) for _ in range(size)]
    starts = [sum(sizes[:s]) for s in range(len(sizes))]
    ids = [f"q{i + 1}" for i in range(len(kinds))]
    return _Layout(sizes, ids, kinds, modes, section_of, starts)


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
    roster: str | None = None
    """The roster (section id) whose iterations hold it, None outside rosters."""
    item: bool = False
    """A roster's item (visible in the whole roster)."""


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
        self.layout: _Layout | None = None
        self.limit = len(ids)
        """Entries refer to variables before this position (a random section's start)."""
        self.roster: str | None = None
        """The roster being built (its section id)."""
        self.section = 0
        self.roster_of: dict[str, str] = {}
        """Every roster variable's roster (questions' own variables and items)."""
        self.rankings: dict[str, list[str]] = {}
        self.sources: dict[int, tuple[str, str, list[str], int]] = {}
        """A roster section's source: (kind, id, codes, max), by section index."""
        self.done: list[tuple[str, list[_Var]]] = []
        """The rosters built so far and their variables (for aggregates after them)."""
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
            "ranking": self._ranking,
            "numbers": self._numbers,
            "dualmatrix": self._dualmatrix,
            "source:multiple": self._multiple,
            "source:textlist": self._textlist,
            "source:number": self._source_number,
        }

    def _var(self, var: _Var) -> None:
        if self.roster is not None:
            var = var._replace(roster=self.roster)
            self.roster_of[var.name] = self.roster
        if self.features:
            self.vars.append(var)

    def _earlier(self, position: int, *kinds: str) -> list[_Var]:
        """The variables of ``kinds`` an entry at ``position`` may refer to: before it (and
        before a random section), outside rosters or in its own roster (its item too)."""
        cut = min(position, self.limit)
        return [
            v
            for v in self.vars
            if v.kind in kinds
            and (v.roster is None or v.roster == self.roster)
            and (v.position < cut or (v.item and v.roster == self.roster))
        ]

    def _visible(self, name: str, position: int) -> bool:
        """Whether an entry at ``position`` may refer to the question (or hidden variable)
        ``name``: as :meth:`_earlier`, for the lists kept without ``features`` too."""
        roster = self.roster_of.get(name)
        if roster is not None and roster != self.roster:
            return False
        return self._position(name) < min(position, self.limit) or name in self.items()

    def items(self) -> set[str]:
        return {v.name for v in self.vars if v.item and v.roster == self.roster}

    # ------------------------------------------------------------------ sections

    def enter(self, section: int, position: int) -> None:
        """Start building section ``section`` (at ``position``)."""
        assert self.layout is not None
        self.section = section
        mode = self.layout.modes[section]
        self.limit = position if mode == "random" else len(self.ids)
        self.roster = f"s{section + 1}" if mode == "roster" else None

    def leave(self, section_id: str) -> None:
        if self.roster is not None:
            own = [v for v in self.vars if v.roster == section_id]
            self.done.append((section_id, own))
        self.roster = None
        self.limit = len(self.ids)

    def repeat(self, section: int, position: int) -> dict[str, Any]:
        """The ``repeat`` of roster section ``section``, on its source (the entry before)."""
        kind, source, values, most = self.sources[section]
        item = f"it{section + 1}"
        repeat: dict[str, Any] = {"item": item}
        if kind == "number":
            repeat.update(times=source, max=most + self.draw(st.integers(0, 3)))
            self._var(_Var(item, position, "number", low=1, high=most, item=True, certain=True))
            self.numbers.append(item)
        elif kind == "multiple":
            repeat["for_each"] = source
            self._var(_Var(item, position, "choice", tuple(values), item=True, certain=True))
            self.choices[item] = ("single", values)
        else:
            repeat["for_each"] = source
            self._var(_Var(item, position, "text", item=True, certain=True))
        self.positions[item] = position
        return repeat

    def _source_number(self, question: dict[str, Any], _later: list[str]) -> None:
        """The integer number a ``times`` roster counts with (its ``max`` at most 6)."""
        question.update(kind="integer", min=0, max=self.draw(st.integers(1, 6)))
        self.numbers.append(question["id"])
        position = self._position(question["id"])
        self._var(_Var(question["id"], position, "number", low=0, high=question["max"]))

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
            *(q for q in self.ids[:position] if q in self.choices and self._visible(q, position)),
            *sorted(i for i in self.items() if i in self.choices),
        ]
        numbers = [q for q in self.numbers if self._visible(q, position)]
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
        rankings = self._earlier(position, "ranking")
        if rankings:
            ranking = draw(st.sampled_from(rankings))
            code = draw(st.sampled_from(ranking.codes))
            options.append(f'{ranking.name} has "{code}"')
            options.append(f'rank({ranking.name}, "{code}") <= {draw(st.integers(1, 3))}')
            options.append(f"selected_count({ranking.name}) >= {draw(st.integers(1, 3))}")
        if self.done and self.roster is None:
            options.extend(self._aggregates())
        return draw(st.sampled_from(options)) if options else None

    def _aggregates(self) -> list[str]:
        """Conditions over a roster built before: ``sum``, ``count``, ``min``, ``max``,
        ``any``, ``all`` of one of its variables (or its item)."""
        draw = self.draw
        _roster, own = draw(st.sampled_from(self.done))
        usable = [v for v in own if v.kind in ("number", "choice", "choices", "text")]
        if not usable:
            return []
        var = draw(st.sampled_from(usable))
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        constant = draw(st.integers(0, 20))
        found = [f"count({var.name}) {op} {constant % 4}"]
        if var.kind == "number":
            found += [
                f"sum({var.name}) {op} {constant}",
                f"any({var.name} {op} {constant})",
                f"all({var.name} {op} {constant})",
                f"{draw(st.sampled_from(['min', 'max']))}({var.name}) {op} {constant}",
            ]
        elif var.kind == "choice":
            code = draw(st.sampled_from(var.codes))
            found += [f'any({var.name} == "{code}")', f'all({var.name} != "{code}")']
        elif var.kind == "choices":
            found.append(f'any({var.name} has "{draw(st.sampled_from(var.codes))}")')
        return found

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
        piped_kinds = ("choice", "choices", "number", "text", "date", "ranking")
        usable = [
            *self._earlier(position, *piped_kinds),
            *(v for v in own if v.kind in piped_kinds),
        ]
        if self.done and self.roster is None and self.draw(st.integers(0, 2)) == 0:
            totals = [v for _r, vs in self.done for v in vs if v.kind == "number"]
            if totals:
                var = self.draw(st.sampled_from(totals))
                func = self.draw(st.sampled_from(["count", "sum"]))
                return _append(text, "{" + f"{func}({var.name})" + "}")
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
        return _append(text, piece)

    # ------------------------------------------------------------------ questions

    def question(self, position: int) -> dict[str, Any]:
        draw = self.draw
        kind = self.kinds[position]
        qid = self.ids[position]
        if kind == "computed":
            return self._computed(qid, position)
        question: dict[str, Any] = {"id": qid, "type": kind.split(":")[-1], "text": self.text()}
        if draw(st.integers(0, 3)) == 0:
            condition = self.condition(position)
            if condition:
                question["when"] = condition
        later = self._targets(position)
        if later and draw(st.integers(0, 5)) == 0:
            question["goto"] = draw(st.sampled_from(later))
        if self.limit < len(self.ids) and draw(st.integers(0, 3)) == 0:
            question["anchor"] = True  # in a random section: stays at its place
        if (
            "random" in self.features
            and kind in _ORDERED
            and self.roster is None
            and draw(st.integers(0, 2)) == 0
        ):
            question["order"] = "random"
        if kind != "display":
            if draw(st.booleans()):
                question["hint"] = self.piped(self.text(), position)
            question["required"] = draw(st.booleans())
            question["personal"] = draw(st.integers(0, 5)) == 0
        question["text"] = self.piped(question["text"], position)
        before = len(self.vars)
        self.handlers[kind](question, later)
        if kind.startswith("source:"):
            self._source(question, kind)
        random_section = self.limit < len(self.ids)
        if (
            kind != "display"
            and "rules" in self.features
            and not random_section
            and draw(st.integers(0, 2)) == 0
        ):
            own = tuple(self.vars[before:])
            rules = [self._rule(question, position, own) for _ in range(draw(st.integers(1, 2)))]
            question["rules"] = [rule for rule in rules if rule is not None] or None
        return question

    def _targets(self, position: int) -> list[str]:
        """Where a goto at ``position`` may go: a later entry (not a computed value); in a
        roster only within it (not ``end``); into a roster or a random section only its
        first entry; none from within a random section."""
        layout = self.layout
        later = [
            (p, q)
            for p, (q, k) in enumerate(zip(self.ids, self.kinds, strict=True))
            if p > position and k != "computed"
        ]
        if layout is None:
            return [q for _p, q in later] + ["end"]
        section = layout.section_of[position]
        mode = layout.modes[section]
        if mode == "random":
            return []
        if mode == "roster":
            return [q for p, q in later if layout.section_of[p] == section]
        return [
            q
            for p, q in later
            if layout.modes[layout.section_of[p]] == "plain"
            or p == layout.starts[layout.section_of[p]]
        ] + ["end"]

    def _source(self, question: dict[str, Any], kind: str) -> None:
        """Note the roster source just built for the roster section after it."""
        assert self.layout is not None
        section = self.layout.section_of[self._position(question["id"])] + 1
        entry: tuple[str, str, list[str], int]
        if kind == "source:number":
            entry = ("number", question["id"], [], int(question["max"]))
        elif kind == "source:multiple":
            values = [option["code"] for option in question["options"]]
            entry = ("multiple", question["id"], values, len(values))
        else:
            values = [field["code"] for field in question["fields"]]
            entry = ("textlist", question["id"], values, len(values))
        self.sources[section] = entry

    def _anchor(self, question: dict[str, Any]) -> bool | None:
        """An option's, row's or item's ``anchor`` in a random question: mostly unset."""
        if question.get("order") != "random":
            return None
        anchor: bool | None = self.draw(st.sampled_from([None, None, True, False]))
        return anchor

    # ------------------------------------------------------------------ issue 19 types

    def _ranking(self, question: dict[str, Any], _later: list[str]) -> None:
        position = self._position(question["id"])
        values = self._filtered(question, 2, 5, position)
        if len(values) < 2:
            question.pop("filter", None)
            values = self._codes(2, 5)
        question["options"] = [
            {
                "code": code,
                "label": self.piped(self.text(), position),
                "when": self.condition(position) if self.draw(st.integers(0, 3)) == 0 else None,
                "anchor": self._anchor(question),
            }
            for code in values
        ]
        if self.draw(st.booleans()):
            question["top"] = self.draw(st.integers(1, len(values)))
        self.rankings[question["id"]] = values
        self._var(_Var(question["id"], position, "ranking", tuple(values)))

    def _numbers(self, question: dict[str, Any], _later: list[str]) -> None:
        position = self._position(question["id"])
        fields = []
        for code in self._codes(1, 4):
            low = self.draw(st.integers(0, 10))
            field: dict[str, Any] = {
                "code": code,
                "label": self.text(),
                "kind": self.draw(st.sampled_from(["integer", "decimal"])),
                "min": low,
                "max": low + self.draw(st.integers(0, 100)),
                "unit": self.maybe_text(),
            }
            fields.append(field)
            name = f"{question['id']}.{code}"
            self._var(_Var(name, position, "number", low=low, high=field["max"]))
            self.numbers.append(name)
            self.positions[name] = position
        question["fields"] = fields
        if self.draw(st.booleans()):
            lows, highs = sum(f["min"] for f in fields), sum(f["max"] for f in fields)
            total: dict[str, Any] = {"label": self.maybe_text(), "message": self.maybe_text()}
            if self.draw(st.booleans()):
                total["equals"] = self.draw(st.integers(lows, highs))
            else:
                total["at_most"] = self.draw(st.integers(lows, highs + 10))
            question["total"] = total

    def _dualmatrix(self, question: dict[str, Any], _later: list[str]) -> None:
        position = self._position(question["id"])
        question["scales"] = [
            {
                "code": code,
                "label": self.text(),
                "columns": [{"code": c, "label": self.text()} for c in self._codes(1, 4)],
            }
            for code in self._codes(2, 2)
        ]
        question["rows"] = self._rows(question)
        for row in question["rows"]:
            for scale in question["scales"]:
                name = f"{question['id']}.{row['code']}.{scale['code']}"
                columns = tuple(column["code"] for column in scale["columns"])
                self._var(_Var(name, position, "choice", columns))

    def _codes(self, low: int, high: int) -> list[str]:
        result: list[str] = self.draw(st.lists(codes, min_size=low, max_size=high, unique=True))
        return result

    def _filtered(self, question: dict[str, Any], low: int, high: int, position: int) -> list[str]:
        """Codes for options or rows: with ``filter``, sometimes a subset of an earlier
        multiple choice's codes, and the question filtered by it."""
        if "filter" in self.features and self.draw(st.booleans()):
            multiples = [
                q
                for q in self.ids[:position]
                if self.choices.get(q, ("", []))[0] == "multiple"
                and self._visible(q, position)
                and q not in self.roster_of
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
            if self.draw(st.integers(0, 3)) == 0 and later:
                option["goto"] = self.draw(st.sampled_from(later))
                routes = True
            option["when"] = self._when("cascading", position)
            option["anchor"] = self._anchor(question)
            options.append(option)
        question["options"] = options
        if routes:
            question["required"] = True
        if "buttons" in self.features and self.draw(st.integers(0, 2)) == 0:
            question["widget"] = "buttons"
        elif self.draw(st.integers(0, 4)) == 0:
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
            option["anchor"] = self._anchor(question)
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
        step: float = 1
        if "slider" in self.features and self.draw(st.integers(0, 2)) == 0:
            whole = kind == "integer"
            step = self.draw(st.sampled_from([1, 2, 5] if whole else [0.5, 0.25]))
            if self.draw(st.booleans()):
                question["widget"] = "slider"
                if whole and self.draw(st.booleans()):
                    step = 1  # left out: an integer slider steps by 1
                else:
                    question["step"] = step
            else:
                question["step"] = step  # a data rule on a plain input too
        if "default" in self.features and self.draw(st.integers(0, 2)) == 0:
            steps = int((question["max"] - low) // step)
            question["default"] = low + self.draw(st.integers(0, steps)) * step
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
            row["anchor"] = self._anchor(question)
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
            if self.roster is not None and len(picked) == 1:
                picked *= 2  # one argument in a roster: an aggregate over its own roster
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
            summed = [*names, "0"] if self.roster is not None and len(names) == 1 else names
            checks.append(f"sum({', '.join(summed)}) {op} {draw(st.integers(0, 100))}")
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
