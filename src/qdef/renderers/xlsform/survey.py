"""An instrument lowered to the rows of an XLSForm (``survey``, ``choices``, ``settings``).

Each section is a group (a roster a repeat), each question the rows of its
type (docs/xlsform.md has the table), and every question's ``relevant`` is its
reaching condition from qdef's routing analysis (``compiled.reaching``), compiled
to XPath by :mod:`~qdef.renderers.xlsform.xpath`: a goto becomes the relevance
of what it jumps over, because reaching conditions are written on the answers
alone, and an answer of a question not shown is absent — empty in the XForm,
where a question that is not relevant counts as empty.

What XLSForm cannot say as qdef means it is refused with an
:class:`XlsformError` that names the place and the feature, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from qdef.model import (
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
    HiddenDate,
    HiddenNumber,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    NumberQuestion,
    Question,
    RankingQuestion,
    Section,
    SingleChoice,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.xlsform.base import _ORDERED, Sheets
from qdef.renderers.xlsform.parts import PartLowering
from qdef.renderers.xlsform.texts import DOLLAR, Row, XlsformError, language_name, odk_regex
from qdef.renderers.xlsform.xpath import full_date, number, string
from qdef.rendering import Catalog, Compiled

__all__ = ["Sheets", "XlsformError", "iter_rows", "lower", "odk_regex"]


class Lowering(PartLowering):
    """The rows of one compiled instrument (:func:`lower`)."""

    def lower(self) -> Sheets:
        self.hidden()
        if self.instrument.intro is not None:
            self.rows.append(
                {"type": "note", "name": self.claim("_intro", "the intro")}
                | self.texts("label", self.instrument.intro, pipe="the intro")
            )
        steps = {step.question.id: step for step in self.plan.steps}
        for s, section in enumerate(self.instrument.sections):
            self.section(s, section, steps)
        # escape() writes a literal "${" of any text (a label, a choice, qdef's
        # wording) as "${_dollar}{": the node holding "$" exists where one is used
        cells = [value for row in (*self.rows, *self.choices) for value in row.values()]
        if any(DOLLAR in value for value in cells):
            self.claim("_dollar", "the node that holds $")
            self.rows.insert(0, {"type": "calculate", "name": "_dollar", "calculation": "'$'"})
        return self.sheets()

    def hidden(self) -> None:
        for h, hidden in enumerate(self.instrument.hidden or ()):
            self.claim(hidden.id, f"the hidden variable {hidden.id!r}")
            row: Row = {"type": "hidden", "name": hidden.id}
            if hidden.default is not None:
                default = hidden.default
                if isinstance(hidden, HiddenDate):
                    row["default"] = full_date(str(default))
                elif isinstance(hidden, HiddenNumber):
                    row["default"] = number(default)  # type: ignore[arg-type]
                else:
                    row["default"] = self.default_text(
                        str(default), f"hidden variable {hidden.id!r}", ("hidden", h)
                    )
            self.rows.append(row)

    def section(self, s: int, section: Section, steps: Mapping[str, Any]) -> None:
        where = f"section {section.id!r}"
        path: tuple[str | int, ...] = ("sections", s)
        if section.order == "random" and not self.written_order:
            raise XlsformError(
                where,
                (*path, "order"),
                "random order of a section's questions",
                "XLSForm cannot shuffle questions; render with -O order=written to keep the "
                "written order, or remove order: random",
            )
        relevant = self.compile(self.compiled.condition((*path, "when")), where, (*path, "when"))
        self.claim(section.id, where)
        repeat = section.repeat
        row: Row = {"type": "begin_repeat" if repeat else "begin_group", "name": section.id}
        if repeat is not None:
            # the title may pipe the item: its calculations stand in the repeat
            roster = self.plan.rosters[section.id]
            row["repeat_count"] = str(len(roster.slots))
            self.rows.append(row)
            self.roster = section.id
            self.item(roster)
            row.update(self.texts("label", section.title, pipe=where))
        else:
            row.update(self.texts("label", section.title, pipe=where))
            self.rows.append(row)
        if relevant:
            row["relevant"] = relevant
        if section.intro is not None:
            self.rows.append(
                {"type": "note", "name": self.claim(f"_{section.id}_intro", where)}
                | self.texts("label", section.intro, pipe=where)
            )
        for q, question in enumerate(section.questions):
            self.question(question, steps[question.id], (*path, "questions", q))
        self.rows.append({"type": "end_repeat" if repeat else "end_group", "name": section.id})
        self.roster = None

    def item(self, roster: Any) -> None:
        """The roster's item, computed in each iteration from its position: the chosen
        code, the answered field's text, or the number; empty where there is none."""
        here = "position(..)"
        result = "''"
        for k, slot in reversed(list(enumerate(roster.slots, 1))):
            if roster.kind == "choices":
                source = self.nodes[roster.source].names[0]
                value = f"if(selected(${{{source}}}, {string(str(slot))}), {string(str(slot))}, '')"
            elif roster.kind == "textlist":
                value = "${" + self.nodes[str(slot)].names[0] + "}"
            else:
                count = self.nodes[roster.source].names[0]
                value = f"if({k} <= number(${{{count}}}), {k}, '')"
            result = f"if({here} = {k}, {value}, {result})"
        self.claim(roster.item, f"the item of roster {roster.id!r}")
        self.rows.append({"type": "calculate", "name": roster.item, "calculation": result})

    def question(
        self, question: Question | Display | Computed, step: Any, path: tuple[str | int, ...]
    ) -> None:
        where = f"question {question.id!r}"
        relevant = self.reaching(question.id, where, (*path, "when"))
        if isinstance(question, Computed):
            self.computed(question, relevant, where, path)
            return
        if isinstance(question, Display):
            row: Row = {
                "type": "note",
                "name": self.claim(question.id, where),
                "relevant": relevant,
            }
            row.update(self.texts("label", question.text, pipe=where))
            row.update(self.texts("hint", question.help, pipe=where))
            self.rows.append(row)
            return
        if isinstance(question, _ORDERED) and question.order == "random":
            self.random(question, where, path)
        lowered = {
            SingleChoice: self.single,
            MultipleChoice: self.multiple,
            TextQuestion: self.text,
            NumberQuestion: self.number,
            DateQuestion: self.date,
            DateRangeQuestion: self.daterange,
            TextListQuestion: self.textlist,
            NumberListQuestion: self.numbers,
            MatrixQuestion: self.matrix,
            DualMatrixQuestion: self.dualmatrix,
            GridQuestion: self.grid,
            RankingQuestion: self.ranking,
        }[type(question)]
        start = len(self.rows)
        lowered(question, step, relevant, where, path)  # type: ignore[operator]
        self.checks(question, step, start, where, path)

    def sheets(self) -> Sheets:
        lang = language_name(self.instrument.language)
        title = self.one(self.instrument.title, self.instrument.language)
        if "${" in title:
            raise XlsformError(
                "the title",
                ("title",),
                "a title with '${'",
                "pyxform reads it as a reference in form_title; write the title without it",
            )
        settings = {
            "form_id": self.instrument.id,
            "form_title": title,
            "version": self.instrument.version or "1",
            "default_language": lang,
            # pyxform would otherwise collapse runs of spaces (in string literals
            # too) and turn typographic quotes (“ ” ‘ ’) into straight ones
            "clean_text_values": "no",
        }
        for row in self.rows:
            for column, value in row.items():
                if len(value) > CELL_LIMIT:
                    raise XlsformError(
                        f"the row {row.get('name', '')!r}",
                        (),
                        f"a {column} of {len(value):,} characters",
                        f"a cell of a spreadsheet holds at most {CELL_LIMIT:,}; make the "
                        "routing to it simpler (a section's when instead of many gotos)",
                    )
        for row in self.rows:
            key = row.pop("_required", "web_required")
            if row.get("required"):
                row.update(self.required_message(key))
        columns: list[str] = []
        for row in self.rows:
            for key in row:
                if key not in columns and not key.startswith("_"):
                    columns.append(key)
        order = ["type", "name"]
        texts = [c for c in columns if "::" in c]
        rest = [c for c in _SURVEY_ORDER if c in columns]
        other = [c for c in columns if c not in order and c not in texts and c not in rest]
        text_order = sorted(
            texts, key=lambda c: (_TEXT_ORDER.index(c.split("::")[0]), self.lang_index(c))
        )
        survey_columns = (
            order
            + [c for c in text_order if c.split("::")[0] in ("label", "hint", "guidance_hint")]
            + rest
            + [c for c in text_order if c.split("::")[0] not in ("label", "hint", "guidance_hint")]
            + other
        )
        choice_columns = ["list_name", "name"] + [
            f"label::{language_name(lang_)}" for lang_ in self.languages
        ]
        return Sheets(
            [{k: v for k, v in row.items() if v} for row in self.rows],
            self.choices,
            settings,
            survey_columns,
            choice_columns,
        )

    def lang_index(self, column: str) -> int:
        name = column.split("::", 1)[1]
        for i, lang in enumerate(self.languages):
            if language_name(lang) == name:
                return i
        return len(self.languages)


CELL_LIMIT = 32767
"""The most characters a cell of an .xlsx holds (Excel's limit; longer is cut)."""

_TEXT_ORDER = ["label", "hint", "guidance_hint", "required_message", "constraint_message"]
_SURVEY_ORDER = [
    "required",
    "relevant",
    "constraint",
    "calculation",
    "default",
    "appearance",
    "choice_filter",
    "parameters",
    "repeat_count",
]


def lower(
    compiled: Compiled,
    *,
    written_order: bool = False,
    catalogs: Callable[[str], Catalog | None] | None = None,
) -> Sheets:
    """The sheets of ``compiled``'s XLSForm; ``catalogs`` gives qdef's wording in a
    language (``options.catalog_for``; by default qdef's and the plugins')."""
    return Lowering(compiled, written_order=written_order, catalogs=catalogs).lower()


def iter_rows(sheets: Sheets) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    """Each sheet's name, header and rows of cells, as written."""
    yield (
        "survey",
        sheets.survey_columns,
        [[r.get(c, "") for c in sheets.survey_columns] for r in sheets.survey],
    )
    yield (
        "choices",
        sheets.choices_columns,
        [[r.get(c, "") for c in sheets.choices_columns] for r in sheets.choices],
    )
    header = list(sheets.settings)
    yield "settings", header, [[sheets.settings[c] for c in header]]
