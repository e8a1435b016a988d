"""The state of an instrument's lowering to XLSForm rows, and what every question
uses: names (unique, also without regard to case), each variable's node
(:class:`~qdef.renderers.xlsform.xpath.Node`), texts in every language with
piped values as calculations, choice lists, and conditions compiled to XPath."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qdef.errors import RenderError
from qdef.expr import Expr, Piece, Ref, parse_template, resolved
from qdef.model import (
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
    HiddenChoice,
    HiddenDate,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    NumberQuestion,
    Question,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.xlsform.texts import (
    Row,
    Text,
    XlsformError,
    escape,
    language_name,
)
from qdef.renderers.xlsform.xpath import Compiler, Node, UnsupportedError, string
from qdef.rendering import Catalog, Compiled, find_catalog
from qdef.routing import Budget

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


@dataclass
class Sheets:
    """The three sheets: survey rows (column -> cell), choices rows, settings."""

    survey: list[Row] = field(default_factory=list)
    choices: list[Row] = field(default_factory=list)
    settings: Row = field(default_factory=dict)
    survey_columns: list[str] = field(default_factory=list)
    choices_columns: list[str] = field(default_factory=list)


class LoweringBase:
    """What every part of the lowering shares (:class:`~qdef.renderers.xlsform.survey.Lowering`)."""

    def __init__(
        self,
        compiled: Compiled,
        *,
        written_order: bool,
        catalogs: Callable[[str], Catalog | None] | None = None,
    ) -> None:
        self.compiled = compiled
        self.catalog_for = catalogs or find_catalog
        """qdef's wording in a language (``options.catalog_for``: beside the
        instrument, in plugins, in qdef), or None."""
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
        self.declare()
        self.compiler = Compiler(self.nodes, self.repeats)

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

    def texts(self, column: str, value: Text | None, *, pipe: str | None = None) -> Row:
        """``column::Language (code)`` for every language, escaped, piped values as
        references to calculations made just before the row (``pipe``: where)."""
        if value is None:
            return {}
        row: Row = {}
        for lang in self.languages:
            text = self.one(value, lang)
            row[f"{column}::{language_name(lang)}"] = self.piped(text, lang, pipe)
        return row

    def piped(self, text: str, lang: str, pipe: str | None) -> str:
        template = parse_template(text)
        out: list[str] = []
        for part in template.pieces:
            if isinstance(part, str):
                out.append(escape(part))
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
        if isinstance(value, str):
            return value
        # a text not translated into lang: in the instrument's own language (QD410)
        return str(value.get(lang, value[self.languages[0]]))

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

    def default_text(self, text: str, where: str, path: tuple[str | int, ...]) -> str:
        if "${" in text or text.startswith("="):
            raise XlsformError(
                where,
                path,
                "a default text with '${' or a leading '='",
                "pyxform reads such a default as an expression; change the default",
            )
        return text
