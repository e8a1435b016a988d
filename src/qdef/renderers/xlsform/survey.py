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

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qdef.errors import RenderError
from qdef.expr import FORMATS, Expr, Piece, Ref, parse_template, resolved, to_javascript
from qdef.model import (
    CheckColumn,
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
    HiddenChoice,
    HiddenDate,
    HiddenNumber,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    MultipleOption,
    NumberListQuestion,
    NumberQuestion,
    Question,
    RankingQuestion,
    Section,
    SingleChoice,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.xlsform.xpath import Compiler, Node, UnsupportedError, full_date, number, string
from qdef.rendering import Compiled, find_catalog
from qdef.routing import Budget

Row = dict[str, str]
Text = Any  # a text of the instrument: a string or a mapping by language

#: Native names of common languages for the ``label::Name (code)`` columns.
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "tr": "Türkçe",
    "ar": "العربية",
    "ru": "Русский",
    "uk": "Українська",
}


def language_name(code: str) -> str:
    """``Deutsch (de)``: what ODK shows in its language menu, with the code it needs."""
    return f"{LANGUAGE_NAMES.get(code.split('-', maxsplit=1)[0].lower(), code)} ({code})"


class XlsformError(RenderError):
    """A feature of the instrument XLSForm cannot express as qdef means it, at a place
    (``where``, in words, and ``path``, the key path in the instrument)."""

    def __init__(self, where: str, path: tuple[str | int, ...], feature: str, fix: str) -> None:
        super().__init__(f"{where}: {feature} cannot be expressed in an XLSForm; {fix}")
        self.where = where
        self.path = path
        self.feature = feature


_MARKDOWN = re.compile(r"([\\*_#])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def odk_regex(regex: str) -> str:
    """A pattern of qdef's subset for ODK's ``regex()``: Collect reads it as a Java
    regular expression, Enketo as a JavaScript one without flags. qdef's JavaScript
    form (anchored, classes written out) is read alike by both once its ``\\u{…}``
    escapes, which need JavaScript's ``u`` flag, are written ``\\xHH``/``\\uHHHH``."""

    def escape_one(found: re.Match[str]) -> str:
        code = int(found.group(1), 16)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return re.sub(r"\\u\{([0-9a-fA-F]{1,4})\}", escape_one, to_javascript(regex))


def escape(text: str) -> str:
    """A text of the instrument as ODK shows it literally. Collect and Enketo read
    labels and hints as Markdown (``*``, ``_``, ``#``; a backslash escapes them) with
    HTML (``<span>``, entities): the Markdown characters get a backslash, ``&``, ``<``
    and ``>`` become entities, and ``${`` (a reference, to pyxform) is broken by
    writing its ``$`` as a reference to the node ``_dollar``, which holds ``$``."""
    if not text.strip():
        # pyxform strips a cell (Python's strip: also a no-break space); a text of
        # such characters only is kept as character references, which ODK shows
        return "".join(f"&#{ord(char)};" for char in text)
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = re.sub("[&<>]", lambda found: _ENTITIES[found.group()], escaped)
    return escaped.replace("${", "${_dollar}{")


@dataclass
class Sheets:
    """The three sheets: survey rows (column -> cell), choices rows, settings."""

    survey: list[Row] = field(default_factory=list)
    choices: list[Row] = field(default_factory=list)
    settings: Row = field(default_factory=dict)
    survey_columns: list[str] = field(default_factory=list)
    choices_columns: list[str] = field(default_factory=list)


class Lowering:
    """The rows of one compiled instrument (:func:`lower`)."""

    def __init__(self, compiled: Compiled, *, written_order: bool) -> None:
        self.compiled = compiled
        self.instrument: Instrument = compiled.instrument
        self.plan = compiled.plan
        self.symbols = compiled.plan.symbols
        self.languages = [self.instrument.language, *self.instrument.translations]
        self.written_order = written_order
        self.rows: list[Row] = []
        self.choices: list[Row] = []
        self.lists: dict[tuple[tuple[str, str], ...], str] = {}
        self.nodes: dict[str, Node] = {}
        self.repeats: dict[str, tuple[str, dict[str, str]]] = {}
        self.names: dict[str, str] = {}  # XForm name -> what it is
        self.folded: dict[str, str] = {}  # the same, by name in lower case, for clashes
        self.roster: str | None = None
        self.roster_prefix: list[str] = []
        self.pipes = 0
        self.pipe_names: dict[tuple[str | None, str], str] = {}
        self.dollar = False
        self.declare()
        self.compiler = Compiler(self.nodes, self.repeats)

    # ------------------------------------------------------------------ naming

    def claim(self, name: str, what: str) -> str:
        """``name`` as the name of a node of the form; ODK (and pyxform) take names
        that differ only in case for the same."""
        folded = name.casefold()
        if folded in self.folded:
            raise XlsformError(
                what,
                (),
                f"the form name {name!r} (also {self.folded[folded]}, in another case)",
                "ODK takes names that differ only in case for one; rename one of them "
                "(a part of a question is named <question>.<code> in the form)",
            )
        self.names[name] = what
        self.folded[folded] = f"{name!r}, {what}"
        return name

    def declare(self) -> None:
        """Every variable's :class:`Node`, before any expression is compiled."""
        for hidden in self.instrument.hidden or ():
            kind = {"choice": "choice", "text": "text", "number": "number", "date": "date"}
            precision = hidden.precision if isinstance(hidden, HiddenDate) else None
            self.nodes[hidden.id] = Node(kind[hidden.type], (hidden.id,), None, precision)
        for name, variable in self.symbols.variables.items():
            if name in self.nodes:
                continue
            vtype = variable.type
            roster = variable.roster
            if vtype.kind == "ranking":
                question = self.question_by_id(variable.question)
                assert isinstance(question, RankingQuestion)
                top = question.top or len(question.options)
                slots = tuple(f"{name}.{k}" for k in range(1, top + 1))
                self.nodes[name] = Node("ranking", slots, roster)
            elif vtype.kind == "group":
                continue
            else:
                self.nodes[name] = Node(vtype.kind, (name,), roster, vtype.precision)
        for repeat in self.plan.rosters.values():
            # inside an aggregate, a variable of the roster is a child of its instance
            paths: dict[str, str] = {}
            for name, node in self.nodes.items():
                if node.roster != repeat.id:
                    continue
                owner = self.grouped_in(name)
                for slot in node.names:
                    paths[slot] = slot if owner is None else f"{owner}/{slot}"
            self.repeats[repeat.id] = (repeat.item, paths)

    def grouped_in(self, name: str) -> str | None:
        """The id of the question whose group holds the node of variable ``name``
        (a part of a matrix, grid, text list …), or None (a roster's item, a question
        or follow-up that stands on its own)."""
        variable = self.symbols.variables.get(name)
        if variable is None:
            return None
        if variable.question == variable.name and variable.type.kind != "ranking":
            return None  # a question of one node (a ranking's slots are in its group)
        try:
            owner = self.question_by_id(variable.question)
        except KeyError:  # a roster's item
            return None
        return owner.id if isinstance(owner, _GROUPED) else None

    def question_by_id(self, qid: str) -> Question | Display | Computed:
        for _, question in self.instrument.questions():
            if question.id == qid:
                return question
        raise KeyError(qid)

    # ------------------------------------------------------------------ texts

    def texts(self, column: str, value: Text | None, *, pipe: str | None = None) -> Row:
        """``column::Language (code)`` for every language, escaped, piped values as
        references to calculations made just before the row (``pipe``: where)."""
        if value is None:
            return {}
        row: Row = {}
        for lang in self.languages:
            text = value if isinstance(value, str) else value[lang]
            row[f"{column}::{language_name(lang)}"] = self.piped(text, lang, pipe)
        return row

    def piped(self, text: str, lang: str, pipe: str | None) -> str:
        template = parse_template(text)
        out: list[str] = []
        for part in template.pieces:
            if isinstance(part, str):
                out.append(escape(part))
                if "${" in part:
                    self.dollar = True
            else:
                out.append("${" + self.pipe(part, lang, pipe) + "}")
        return "".join(out)

    def pipe(self, piece: Piece, lang: str, where: str | None) -> str:
        """A calculation that holds a piped value (in ``lang``), as qdef shows it."""
        expr = resolved(piece.expr, self.symbols)
        try:
            shown = self.shown(expr, lang)
        except UnsupportedError as refused:
            raise XlsformError(
                where or "a text",
                (),
                f"the piped value {{{piece.source}}} ({refused.what})",
                "pipe a simpler value, or a computed value",
            ) from None
        if piece.fallback is not None:
            fallback = string(piece.fallback)
            shown = f"if({shown} != '', {shown}, {fallback})"
        key = (self.roster, shown)
        if key in self.pipe_names:  # the same value piped again (or in another language)
            return self.pipe_names[key]
        self.pipes += 1
        name = f"_pipe{self.pipes}"
        self.names[name] = "a piped value"
        self.pipe_names[key] = name
        self.rows.append({"type": "calculate", "name": name, "calculation": shown})
        return name

    def shown(self, expr: Expr, lang: str) -> str:
        """A value as qdef shows it in a text: a choice's label, a date at its precision."""
        if isinstance(expr, Ref):
            node = self.nodes[expr.name]
            choice = node.kind in ("choice", "choices", "ranking")
            labels = self.labels_of(expr.name, lang) if choice else []
            at = self.compiler.locate(node.names[0])
            if node.kind == "choice" and labels:
                result = "''"
                for code, label in reversed(labels):
                    result = f"if({at} = {string(code)}, {string(label)}, {result})"
                return result
            if node.kind in ("choices", "ranking") and labels:
                if node.kind == "choices":
                    parts = [
                        f"if(selected({at}, {string(c)}), {string(', ' + lab)}, '')"
                        for c, lab in labels
                    ]
                else:
                    parts = []
                    for slot in node.names:
                        s = self.compiler.locate(slot)
                        label = "''"
                        for code, lab in reversed(labels):
                            label = f"if({s} = {string(code)}, {string(', ' + lab)}, {label})"
                        parts.append(label)
                return f"substring(concat({', '.join(parts)}, ''), 3)"
            if node.kind == "date":
                length = {"year": 4, "month": 7}.get(node.precision or "day", 10)
                return f"substr({at}, 0, {length})"
        return self.compiler.shown(expr)

    def labels_of(self, name: str, lang: str) -> list[tuple[str, str]]:
        """The codes and labels a choice variable (or a choice roster's item) shows."""
        variable = self.symbols.variables.get(name)
        if variable is None:
            return []
        for roster in self.plan.rosters.values():
            if roster.item == name and roster.kind == "choices":
                return self.labels_of(roster.source, lang)
        question: Any = None
        for hidden in self.instrument.hidden or ():
            if hidden.id == name and isinstance(hidden, HiddenChoice):
                return [(o.code, self.one(o.label, lang)) for o in hidden.options]
        try:
            question = self.question_by_id(variable.question)
        except KeyError:
            return []
        if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
            return [(o.code, self.one(o.label, lang)) for o in question.options]
        if isinstance(question, MatrixQuestion):
            return [(c.code, self.one(c.label, lang)) for c in question.scale]
        if isinstance(question, DualMatrixQuestion):
            scale = name.rsplit(".", 1)[1]
            for s in question.scales:
                if s.code == scale:
                    return [(c.code, self.one(c.label, lang)) for c in s.columns]
        return []

    def one(self, value: Text, lang: str) -> str:
        return value if isinstance(value, str) else str(value[lang])

    def plain(self, column: str, value: Text | None) -> Row:
        """Texts that are not piped (units, a date range's labels): escaped only."""
        if value is None:
            return {}
        row: Row = {}
        for lang in self.languages:
            row[f"{column}::{language_name(lang)}"] = escape(self.one(value, lang))
        return row

    def message(self, column: str, texts: Sequence[Text], where: str) -> Row:
        """A constraint or required message: the messages of every check, joined."""
        row: Row = {}
        for lang in self.languages:
            parts = [self.piped(self.one(t, lang), lang, where) for t in texts]
            if parts:
                row[f"{column}::{language_name(lang)}"] = " ".join(parts)
        return row

    # ------------------------------------------------------------------ lists

    def choice_list(self, kind: str, owner: str, items: Sequence[tuple[str, Text]]) -> str:
        """One list per distinct set of codes and labels (an author reuses a scale)."""
        key = tuple(
            (code, "\x00".join(self.one(label, lang) for lang in self.languages))
            for code, label in items
        )
        name = self.lists.get(key)
        if name is None:
            name = f"{kind}_{owner}"
            self.lists[key] = name
            for code, label in items:
                row = {"list_name": name, "name": code}
                row.update(self.plain("label", label))
                self.choices.append(row)
        return name

    # ------------------------------------------------------------------ conditions

    def compile(self, expr: Expr | None, where: str, path: tuple[str | int, ...]) -> str:
        if expr is None:
            return ""
        try:
            text = self.compiler.condition(resolved(expr, self.symbols))
        except UnsupportedError as refused:
            raise XlsformError(where, path, refused.what, "write it without that") from None
        return "" if text == "true()" else text

    def reaching(self, qid: str, where: str, path: tuple[str | int, ...]) -> str:
        try:
            expr = resolved(self.compiled.reaching(qid), self.symbols)
        except (Budget, RecursionError):
            raise RenderError(
                "the routing of this instrument is too entangled to compile into XLSForm "
                "relevance (qdef's analysis exceeded its bounds); simplify its conditions"
            ) from None
        text = self.compile(expr, where, path)
        if self.roster is not None:
            item = self.repeats[self.roster][0]
            text = f"${{{item}}} != ''" + (f" and {text}" if text else "")
        return text

    # ------------------------------------------------------------------ the survey

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
        if self.dollar:
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

    def default_text(self, text: str, where: str, path: tuple[str | int, ...]) -> str:
        if "${" in text or text.startswith("="):
            raise XlsformError(
                where,
                path,
                "a default text with '${' or a leading '='",
                "pyxform reads such a default as an expression; change the default",
            )
        return text

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

    # ------------------------------------------------------------------ questions

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

    def label_of(self, question: Asked, where: str) -> Row:
        row = self.texts("label", question.text, pipe=where)
        number_ = self.compiled.numbers.get(question.id)
        if number_ is not None:
            row = {k: f"{escape(number_)}. {v}" for k, v in row.items()}
        hint = self.texts("hint", question.hint, pipe=where)
        row.update(hint)
        row.update(self.texts("guidance_hint", question.help, pipe=where))
        return row

    def base(self, type_: str, name: str, question: Asked, relevant: str, where: str) -> Row:
        row: Row = {"type": type_, "name": self.claim(name, where)}
        row.update(self.label_of(question, where))
        if relevant:
            row["relevant"] = relevant
        if question.required:
            row["required"] = "yes"
        return row

    def random(self, question: Any, where: str, path: tuple[str | int, ...]) -> None:
        """Random order XLSForm keeps: the choices of a list, all of them
        (``randomize=true``); rows, ranking items and anchors it cannot keep."""
        if self.written_order:
            return
        rows = isinstance(question, MatrixQuestion | DualMatrixQuestion | GridQuestion)
        if rows or isinstance(question, RankingQuestion) or _anchors(question):
            what = (
                "rows"
                if rows
                else "ranking items"
                if isinstance(question, RankingQuestion)
                else "options with an anchor"
            )
            raise XlsformError(
                where,
                (*path, "order"),
                f"random order of {what}",
                "XLSForm shuffles every choice of a list (randomize=true) and no rows; render "
                "with -O order=written to keep the written order, or remove order: random",
            )

    def randomize(self, question: SingleChoice | MultipleChoice, row: Row) -> None:
        if question.order == "random" and not _anchors(question):
            row["parameters"] = "randomize=true"

    def filtered(
        self, step: Any, codes: Sequence[str], where: str, path: tuple[str | int, ...]
    ) -> str:
        """The ``choice_filter`` of the options offered only under a condition."""
        parts = []
        for code in codes:
            condition = step.option_when.get(code)
            if condition is None:
                continue
            test = self.compile(condition, where, (*path, "filter"))
            parts.append(f"(name != {string(code)} or {test})" if test else "")
        return " and ".join(p for p in parts if p)

    def single(
        self, q: SingleChoice, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        name = self.choice_list("single", q.id, [(o.code, o.label) for o in q.options])
        row = self.base(f"select_one {name}", q.id, q, relevant, where)
        appearance = {"dropdown": "minimal", "buttons": "columns-pack"}.get(q.widget)
        if appearance:
            row["appearance"] = appearance
        choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
        if choice_filter:
            row["choice_filter"] = choice_filter
        if q.default is not None:
            row["default"] = q.default
        self.randomize(q, row)
        self.rows.append(row)
        self.followups(q, f"${{{q.id}}} = ", where, path)

    def multiple(
        self, q: MultipleChoice, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        name = self.choice_list("multiple", q.id, [(o.code, o.label) for o in q.options])
        row = self.base(f"select_multiple {name}", q.id, q, relevant, where)
        choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
        if choice_filter:
            row["choice_filter"] = choice_filter
        if q.default is not None:
            row["default"] = " ".join(q.default)
        constraints = []
        exclusive = [o.code for o in q.options if o.exclusive]
        for code in exclusive:
            constraints.append(f"not(selected(., {string(code)}) and count-selected(.) > 1)")
        alone = " or ".join(f"selected(., {string(c)})" for c in exclusive)
        if q.min_choices:
            test = f"count-selected(.) >= {q.min_choices}"
            constraints.append(f"({alone} or {test})" if alone else test)
        if q.max_choices:
            constraints.append(f"count-selected(.) <= {q.max_choices}")
        if constraints:
            row["_own"] = " and ".join(constraints)
        self.randomize(q, row)
        self.rows.append(row)
        self.followups(q, "selected(${" + q.id + "}, ", where, path)

    def followups(
        self, q: SingleChoice | MultipleChoice, test: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        for o, option in enumerate(q.options):
            for f, followup in enumerate(option.specify or ()):
                chosen = test + string(option.code) + (")" if test.startswith("selected") else "")
                row: Row = {"name": self.claim(followup.id, where), "relevant": chosen}
                if self.roster is not None:
                    row["relevant"] = f"${{{self.repeats[self.roster][0]}}} != '' and {chosen}"
                self.input_row(followup, row, where, (*path, "options", o, "specify", f))
                label = followup.label if followup.label is not None else option.label
                row.update(self.texts("label", label, pipe=where))
                row.update(self.affixes(followup, skip_label=True))
                if followup.required:
                    row["required"] = "yes"
                self.rows.append(row)

    def affixes(self, element: Any, *, skip_label: bool = False) -> Row:
        """An input's label, unit and suffix, as the hint (XLSForm has one label)."""
        parts = [] if skip_label else [getattr(element, "label", None)]
        parts += [getattr(element, "unit", None), getattr(element, "suffix", None)]
        parts = [p for p in parts if p is not None]
        if not parts:
            return {}
        row: Row = {}
        for lang in self.languages:
            texts = [self.piped(self.one(p, lang), lang, None) for p in parts]
            row[f"hint::{language_name(lang)}"] = " ".join(texts)
        return row

    def input_row(self, element: Any, row: Row, where: str, path: tuple[str | int, ...]) -> None:
        """Type, appearance and the checks of an input (text, number or date)."""
        kind = getattr(element, "type", None) or getattr(element, "input", None)
        if isinstance(element, TextQuestion) or kind == "text" or hasattr(element, "max_length"):
            row["type"] = "text"
            if getattr(element, "long", False):
                row["appearance"] = "multiline"
            checks = []
            if element.max_length is not None:
                checks.append(f"string-length(.) <= {element.max_length}")
            for regex in (
                FORMATS[element.format] if element.format else None,
                element.pattern.regex if element.pattern else None,
            ):
                if regex is not None:
                    written = odk_regex(regex)
                    if "\\u{" in written:
                        raise XlsformError(
                            where,
                            path,
                            "a pattern with a character beyond U+FFFF",
                            "ODK's regex() reads such a character as two; "
                            "leave it out of the pattern",
                        )
                    checks.append(f"regex(., {string(written)})")
            if checks:
                row["_own"] = " and ".join(checks)
            if element.pattern is not None and element.pattern.message is not None:
                row["_messages"] = element.pattern.message
        elif hasattr(element, "kind"):
            row["type"] = "integer" if element.kind == "integer" else "decimal"
            checks = []
            if element.min is not None:
                checks.append(f". >= {number(element.min)}")
            if element.max is not None:
                checks.append(f". <= {number(element.max)}")
            if checks:
                row["_own"] = " and ".join(checks)
        else:
            row["type"] = "date"
            appearance = {"month": "month-year", "year": "year"}.get(element.precision)
            if appearance:
                row["appearance"] = appearance
            checks = []
            if element.min is not None:
                checks.append(
                    f"decimal-date-time(.) >= decimal-date-time({string(full_date(element.min))})"
                )
            if element.max is not None:
                checks.append(
                    f"decimal-date-time(.) <= decimal-date-time({string(full_date(element.max))})"
                )
            if checks:
                row["_own"] = " and ".join(checks)

    def text(
        self, q: TextQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("text", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        row.update(self.affixes(q))
        if q.default is not None:
            row["default"] = self.default_text(q.default, where, (*path, "default"))
        self.rows.append(row)

    def number(
        self, q: NumberQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("integer", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        row.update(self.affixes(q))
        if q.step is not None:
            low = number(q.min) if q.min is not None else "0"
            ratio = f"((. - {low}) div {number(q.step)})"
            tolerance = "0.000000001"  # as qdef checks a step
            grid = (
                f"{ratio} - round({ratio}) <= {tolerance} and "
                f"round({ratio}) - {ratio} <= {tolerance}"
            )
            row["_own"] = f"{row['_own']} and {grid}" if row.get("_own") else grid
        if q.widget == "slider":
            assert q.min is not None and q.max is not None
            if (q.step or 1) > q.max - q.min:
                raise XlsformError(
                    where,
                    (*path, "step"),
                    "a slider whose step is larger than its range",
                    "ODK's range needs a step within max - min; make the step smaller",
                )
            row["type"] = "range"
            row["parameters"] = (
                f"start={number(q.min)} end={number(q.max)} step={number(q.step or 1)}"
            )
        if q.default is not None:
            row["default"] = number(q.default)
        self.rows.append(row)

    def date(
        self, q: DateQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        row = self.base("date", q.id, q, relevant, where)
        self.input_row(q, row, where, path)
        row.update(self.affixes(q))
        if q.default is not None:
            row["default"] = full_date(q.default)
        self.rows.append(row)

    def group(self, q: Asked, relevant: str, where: str, appearance: str = "field-list") -> None:
        row: Row = {
            "type": "begin_group",
            "name": self.claim(q.id, where),
            "appearance": appearance,
        }
        row.update(self.label_of(q, where))
        if relevant:
            row["relevant"] = relevant
        self.rows.append(row)

    def end(self, q: Asked) -> None:
        self.rows.append({"type": "end_group", "name": q.id})

    def part(
        self, type_: str, name: str, label: Text | None, where: str, *, required: bool = False
    ) -> Row:
        row: Row = {
            "type": type_,
            "name": self.claim(self.nodes[name].names[0] if name in self.nodes else name, where),
        }
        # ODK needs a label on every question: a field without one shows its code
        row.update(self.texts("label", name.rsplit(".", 1)[-1] if label is None else label))
        if required:
            row["required"] = "yes"
        return row

    def any_of(self, names: Sequence[str], own: str) -> str:
        """``required`` of one part of a question answered as a whole when any part is:
        required while none of the others is answered."""
        others = [f"${{{self.nodes[n].names[0]}}} = ''" for n in names if n != own]
        return " and ".join(others) if others else "yes"

    def daterange(
        self,
        q: DateRangeQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self.group(q, relevant, where)
        catalogs = {lang: find_catalog(lang) for lang in self.languages}
        names = [f"{q.id}.from", f"{q.id}.to"]
        for end, label, key in (("from", q.from_label, "date_from"), ("to", q.to_label, "date_to")):
            row = self.part("date", f"{q.id}.{end}", None, where, required=q.required)
            row.update(self.input_date(q))
            if label is not None:
                row.update(self.plain("label", label))
            else:
                row.update(self.wording(catalogs, key, where, (*path, f"{end}_label")))
            if end == "to":
                start = self.nodes[names[0]].names[0]
                row["_own"] = (row.get("_own", "") + " and " if row.get("_own") else "") + (
                    f"(${{{start}}} = '' or "
                    f"decimal-date-time(.) >= decimal-date-time(${{{start}}}))"
                )
            self.rows.append(row)
        self.end(q)

    def wording(
        self, catalogs: Mapping[str, Any], key: str, where: str, path: tuple[str | int, ...]
    ) -> Row:
        """qdef's own wording in every language of the form, or a refusal naming the
        key of the instrument that would hold the text instead."""
        row: Row = {}
        for lang, found in catalogs.items():
            if found is None or key not in found:
                raise XlsformError(
                    where,
                    path,
                    f"qdef's wording in {lang!r} (it has none for that language)",
                    f"give the text yourself: {path[-1]}",
                )
            row[f"label::{language_name(lang)}"] = escape(found(key))
        return row

    def input_date(self, q: Any) -> Row:
        row: Row = {}
        self.input_row(_DateLike(q.precision, q.min, q.max), row, "", ())
        row.pop("type", None)
        return row

    def textlist(
        self, q: TextListQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        names = [f"{q.id}.{f.code}" for f in q.fields]
        for name, field_ in zip(names, q.fields, strict=True):
            row = self.part("text", name, field_.label, where)
            self.input_row(field_, row, where, path)
            row.update(self.affixes(field_, skip_label=True))
            if q.required:
                row["required"] = self.any_of(names, name)
                row["_required"] = "web_required_field"
            self.rows.append(row)
        self.end(q)

    def numbers(
        self,
        q: NumberListQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self.group(q, relevant, where)
        names = [f"{q.id}.{f.code}" for f in q.fields]
        for name, field_ in zip(names, q.fields, strict=True):
            row = self.part("integer", name, field_.label, where)
            self.input_row(field_, row, where, path)
            row.update(self.affixes(field_, skip_label=True))
            if q.required:
                row["required"] = self.any_of(names, name)
                row["_required"] = "web_required_field"
            self.rows.append(row)
        self.end(q)

    def rows_offered(
        self, q: Any, step: Any, row_code: str, where: str, path: tuple[str | int, ...]
    ) -> str:
        condition = step.option_when.get(row_code)
        return self.compile(condition, where, (*path, "rows")) if condition is not None else ""

    def matrix(
        self, q: MatrixQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        items = [
            (
                c.code,
                c.label
                if c.description is None
                else _described(c.label, c.description, self.languages),
            )
            for c in q.scale
        ]
        name = self.choice_list("scale", q.id, items)
        for r in q.rows:
            row = self.part(
                f"select_one {name}", f"{q.id}.{r.code}", r.label, where, required=q.required
            )
            offered = self.rows_offered(q, step, r.code, where, path)
            if offered:
                row["relevant"] = offered
            self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def row_followup(self, q: Any, r: Any, offered: str, where: str) -> None:
        if r.specify is None:
            return
        row: Row = {"name": self.claim(r.specify.id, where)}
        if offered:
            row["relevant"] = offered
        self.input_row(r.specify, row, where, ())
        row.update(
            self.texts(
                "label", r.specify.label if r.specify.label is not None else r.label, pipe=where
            )
        )
        row.update(self.affixes(r.specify, skip_label=True))
        if r.specify.required:
            row["required"] = "yes"
        self.rows.append(row)

    def dualmatrix(
        self,
        q: DualMatrixQuestion,
        step: Any,
        relevant: str,
        where: str,
        path: tuple[str | int, ...],
    ) -> None:
        self.group(q, relevant, where)
        lists = [
            self.choice_list(
                f"scale_{s.code}",
                q.id,
                [
                    (
                        c.code,
                        c.label
                        if c.description is None
                        else _described(c.label, c.description, self.languages),
                    )
                    for c in s.columns
                ],
            )
            for s in q.scales
        ]
        for r in q.rows:
            offered = self.rows_offered(q, step, r.code, where, path)
            for s, name in zip(q.scales, lists, strict=True):
                label = {
                    lang: f"{self.one(r.label, lang)} – {self.one(s.label, lang)}"
                    for lang in self.languages
                }
                row = self.part(
                    f"select_one {name}",
                    f"{q.id}.{r.code}.{s.code}",
                    label,
                    where,
                    required=q.required,
                )
                if offered:
                    row["relevant"] = offered
                self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def grid(
        self, q: GridQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        for r in q.rows:
            offered = self.rows_offered(q, step, r.code, where, path)
            cells = [f"{q.id}.{r.code}.{c.code}" for c in q.columns]
            exclusive = [
                n
                for n, c in zip(cells, q.columns, strict=True)
                if isinstance(c, CheckColumn) and c.exclusive
            ]
            for name, column in zip(cells, q.columns, strict=True):
                label = {
                    lang: f"{self.one(r.label, lang)} – {self.one(column.label, lang)}"
                    for lang in self.languages
                }
                if isinstance(column, CheckColumn):
                    row = self.part("acknowledge", name, label, where)
                else:
                    row = self.part("text", name, label, where)
                    self.input_row(column, row, where, path)
                    row.update(self.affixes(column, skip_label=True))
                if q.required:
                    row["required"] = self.any_of(cells, name)
                    row["_required"] = "web_required_row"
                if offered:
                    row["relevant"] = offered
                others = [f"${{{self.nodes[n].names[0]}}} = ''" for n in cells if n != name]
                if name in exclusive and others:
                    own = " and ".join(others)
                    row["_own"] = f"{row['_own']} and {own}" if row.get("_own") else own
                elif exclusive and name not in exclusive:
                    own = " and ".join(f"${{{self.nodes[n].names[0]}}} != 'OK'" for n in exclusive)
                    row["_own"] = f"{row['_own']} and {own}" if row.get("_own") else own
                self.rows.append(row)
            self.row_followup(q, r, offered, where)
        self.end(q)

    def ranking(
        self, q: RankingQuestion, step: Any, relevant: str, where: str, path: tuple[str | int, ...]
    ) -> None:
        self.group(q, relevant, where)
        name = self.choice_list("ranking", q.id, [(o.code, o.label) for o in q.options])
        slots = self.nodes[q.id].names
        offered = [self.filtered_one(step, o.code, where, path) for o in q.options]
        count = " + ".join(f"if({t}, 1, 0)" if t else "1" for t in offered)
        for k, slot in enumerate(slots, 1):
            row: Row = {"type": f"select_one {name}", "name": self.claim(slot, where)}
            row.update({f"label::{language_name(lang)}": f"{k}." for lang in self.languages})
            conditions = []
            if k > 1:
                conditions.append(f"${{{slots[k - 2]}}} != ''")
            if any(offered):
                conditions.append(f"({count}) >= {k}")
            if conditions:
                row["relevant"] = " and ".join(conditions)
            if q.required:
                row["required"] = "yes"
            excluded = [f"name != ${{{s}}}" for s in slots[: k - 1]]
            choice_filter = self.filtered(step, [o.code for o in q.options], where, path)
            parts = [*excluded, *([choice_filter] if choice_filter else [])]
            if parts:
                row["choice_filter"] = " and ".join(parts)
            self.rows.append(row)
        self.end(q)

    def filtered_one(self, step: Any, code: str, where: str, path: tuple[str | int, ...]) -> str:
        condition = step.option_when.get(code)
        return self.compile(condition, where, path) if condition is not None else ""

    # ------------------------------------------------------------------ checks

    def checks(
        self, question: Asked, step: Any, start: int, where: str, path: tuple[str | int, ...]
    ) -> None:
        """The rules (and a number list's total) on every answer node of the question:
        ODK checks a constraint when its node is answered, qdef a rule when any of
        the question's variables is, so a failing rule stops each answered part."""
        rules = [
            (r, rule.message) for r, rule in zip(step.rules, question.rules or (), strict=False)
        ]
        if (
            step.total is not None
            and isinstance(question, NumberListQuestion)
            and question.total is not None
        ):
            total = question.total
            message = total.message
            if message is None:
                message = self.total_message(total)
            rules.append((step.total, message))
        checks = [self.compile(expr, where, (*path, "rules")) or "true()" for expr, _ in rules]
        messages = [m for _, m in rules if m is not None]
        own = {n for v in step.variables if v in self.nodes for n in self.nodes[v].names}
        for row in self.rows[start:]:
            constraint = [
                c for c in (row.pop("_own", ""), *(checks if row.get("name") in own else ())) if c
            ]
            pattern_message = row.pop("_messages", None)
            if not constraint:
                continue
            row["constraint"] = " and ".join(f"({c})" if " or " in c else c for c in constraint)
            texts: list[Text] = [pattern_message] if pattern_message is not None else []
            if row.get("name") in own:
                texts += messages
            if texts:
                row.update(self.message("constraint_message", texts, where))

    def required_message(self, key: str) -> Row:
        """qdef's message for an unanswered required question, in the languages qdef
        has wording for (ODK shows its own in the others)."""
        row: Row = {}
        for lang in self.languages:
            found = find_catalog(lang)
            if found is not None and key in found:
                row[f"required_message::{language_name(lang)}"] = escape(found(key))
        return row

    def total_message(self, total: Any) -> Text:
        result: dict[str, str] = {}
        for lang in self.languages:
            found = find_catalog(lang)
            key = "total_equals_message" if total.equals is not None else "total_at_most_message"
            value = total.equals if total.equals is not None else total.at_most
            result[lang] = (
                found(key, total=number(value)) if found is not None and key in found else ""
            )
        return result if all(result.values()) else None

    def computed(self, q: Computed, relevant: str, where: str, path: tuple[str | int, ...]) -> None:
        expr = self.compiled.condition((*path, "value"))
        if expr is None:
            from qdef.expr import parse  # noqa: PLC0415

            expr = parse(q.value)
        expr = resolved(expr, self.symbols)
        kind = self.nodes[q.id].kind
        try:
            if kind == "number":
                value = self.compiler.value(expr)
                calc = f"if({value} = {value}, {value}, '')"
            elif kind == "truth":
                calc = self.compiler.truth_text(expr)
            elif kind == "date":
                calc = self.compiler.date(expr)
            else:
                calc = self.compiler.text(expr)
        except UnsupportedError as refused:
            raise XlsformError(
                where, (*path, "value"), refused.what, "write it without that"
            ) from None
        row: Row = {"type": "calculate", "name": self.claim(q.id, where), "calculation": calc}
        if relevant:
            row["relevant"] = relevant
        self.rows.append(row)

    # ------------------------------------------------------------------ sheets

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


@dataclass
class _DateLike:
    precision: str
    min: str | None
    max: str | None


Asked = (
    SingleChoice
    | MultipleChoice
    | TextQuestion
    | NumberQuestion
    | DateQuestion
    | DateRangeQuestion
    | TextListQuestion
    | NumberListQuestion
    | MatrixQuestion
    | DualMatrixQuestion
    | GridQuestion
    | RankingQuestion
)
"""A question with an answer (not a display or a computed value)."""

_GROUPED = (
    DateRangeQuestion,
    TextListQuestion,
    NumberListQuestion,
    MatrixQuestion,
    DualMatrixQuestion,
    GridQuestion,
    RankingQuestion,
)
"""The questions written as a group of their parts (named by the question's id)."""

_ORDERED = (
    SingleChoice,
    MultipleChoice,
    RankingQuestion,
    MatrixQuestion,
    GridQuestion,
    DualMatrixQuestion,
)
"""The questions that have an ``order``."""


def _anchors(question: Any) -> bool:
    """Whether an option of a single or multiple choice stays at its place in random
    order: ``anchor: true``, or by default an exclusive option or one with ``specify``."""
    if not isinstance(question, SingleChoice | MultipleChoice):
        return False
    for option in question.options:
        exclusive = isinstance(option, MultipleOption) and option.exclusive
        if option.anchor or (option.anchor is None and (exclusive or option.specify)):
            return True
    return False


def _described(label: Text, description: Text, languages: Sequence[str]) -> dict[str, str]:
    def one(value: Text, lang: str) -> str:
        return value if isinstance(value, str) else str(value[lang])

    return {lang: f"{one(label, lang)} ({one(description, lang)})" for lang in languages}


def lower(compiled: Compiled, *, written_order: bool = False) -> Sheets:
    """The sheets of ``compiled``'s XLSForm."""
    return Lowering(compiled, written_order=written_order).lower()


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
