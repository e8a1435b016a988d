"""Lowering the elements of qdef's values to LimeSurvey (the state and helpers the
whole survey's lowering, :mod:`~qdef.renderers.limesurvey.lowering`, uses):
hidden variables (hidden short-text questions filled from the URL), computed
values (hidden equation questions), defaults (LimeSurvey's default values), and
the refusals, at their place, of what ExpressionScript cannot compute exactly
(QD801, QD804) or reads differently (QD805), or cannot express (QD803).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError
from qdef.expr import FORMATS, Call, Expr, In, Literal, Piece, Ref, parse, resolved, to_pcre
from qdef.model import (
    Computed,
    DateQuestion,
    DualMatrixQuestion,
    HiddenChoice,
    HiddenDate,
    HiddenNumber,
    HiddenText,
    Instrument,
    MatrixQuestion,
    MultipleChoice,
    NumberQuestion,
    Question,
    RankingQuestion,
    SingleChoice,
)
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.expressions import number, string
from qdef.renderers.limesurvey.piping import Piping
from qdef.renderers.limesurvey.questions import full_date
from qdef.renderers.limesurvey.rosters import RosterLowering
from qdef.renderers.limesurvey.survey import Attribute, CatalogFor, LsQuestion, Text, join
from qdef.renderers.limesurvey.values import ComputedValue, Unsupported, ValueCompiler
from qdef.rendering import Compiled

#: The forms a hidden number or date given from outside must have (as qdef reads it).
_FORMS = {
    "integer": "/^-?[0-9]+(?![\\s\\S])/",
    "decimal": "/^-?[0-9]+(?:\\.[0-9]+)?(?![\\s\\S])/",
    "day": "/^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\\s\\S])/",
    "month": "/^[0-9]{4}-(?:0[1-9]|1[0-2])(?![\\s\\S])/",
    "year": "/^[0-9]{4}(?![\\s\\S])/",
}


def _in_domain(hidden: HiddenNumber | HiddenDate, variable: str) -> str:
    """When what was given for a hidden number or date is one of its domain: its form
    (a real calendar day), then its bounds."""
    form = _FORMS[hidden.kind if isinstance(hidden, HiddenNumber) else hidden.precision]
    parts = [f"regexMatch({string(form)}, {variable})"]
    if isinstance(hidden, HiddenDate) and hidden.precision == "day":
        parts.append(
            f"checkdate(intval(substr({variable}, 5, 2)), intval(substr({variable}, 8, 2)), "
            f"intval(substr({variable}, 0, 4)))"
        )
    for bound, op in ((hidden.min, ">="), (hidden.max, "<=")):
        if bound is not None:
            written = number(bound) if isinstance(bound, int | float) else string(str(bound))
            parts.append(f"{variable} {op} {written}")
    return "(" + " and ".join(parts) + ")"


def ascii_pattern(regex: str, *, runs: bool = False) -> str | None:
    """``regex`` as an expression LimeSurvey's server (PCRE, no flag) and browser
    (JavaScript, no flag) read alike, or None: only for a pattern of ASCII characters
    and classes without ``^`` (no ``.``), which match no other character in either
    reading, so that both agree with qdef on every answer. The whole answer must
    match: ``^(?:…)(?![\\s\\S])`` (``$`` of PCRE would allow a final line break).

    ``runs``: classes with ``^`` allowed too — only for the fixed :data:`FORMATS`,
    whose every such class excludes ASCII characters only, is repeated (``+``, ``*``)
    and lies between elements that match ASCII characters only (or the ends): such a
    run then ends where a character ends, and takes all of a character other than
    ASCII or none of it, whether read as UTF-8 bytes (PCRE) or UTF-16 units
    (JavaScript) — which the tests check on answers with such characters."""
    body = to_pcre(regex).removeprefix("/^(?:").removesuffix(")\\z/u")

    def escape(match: re.Match[str]) -> str:
        code = int(match.group(1), 16)
        return f"\\x{code:02x}" if code < 0x80 else "\\u0000"  # not ASCII: refused below

    body = re.sub(r"\\x\{([0-9a-fA-F]+)\}", escape, body)
    if ("[^" in body and not runs) or "\\u0000" in body or not body.isascii():
        return None
    return f"/^(?:{body})(?![\\s\\S])/"


class FeatureLowering(RosterLowering):
    """The hidden variables, computed values and defaults of a lowering."""

    compiled: Compiled

    def __init__(
        self, instrument: Instrument, *, wording: bool = True, catalogs: CatalogFor = None
    ) -> None:
        super().__init__(instrument, wording=wording, catalogs=catalogs)
        self.paths: dict[str, tuple[str | int, ...]] = {}
        """Each question's key path in the document."""
        self.raw: dict[str, Slot] = {}
        """What was given from outside for each hidden variable (``#id``), as given."""
        self.hidden: dict[str, ComputedValue] = {}
        """Each hidden variable's value: what was given if in its domain, else its default."""

    def hidden_questions(self) -> list[LsQuestion]:
        """Each hidden variable as a hidden short-text question at the start of the
        survey, its default as its default value, set from the survey's URL by its
        code (LimeSurvey fills a question from a URL parameter of its code). What was
        given is kept as given; every equation reads it through :attr:`raw` and takes
        a value outside the domain as not given (its default), as the walk does: a
        number or date only in its form (``regexMatch``, a real calendar day) and
        bounds."""
        items: list[LsQuestion] = []
        for hidden in self.instrument.hidden or ():
            code = self.codes.make(hidden.id)
            item = LsQuestion(code, "S", hidden.label or hidden.id, hidden.id, role="hidden")
            item.attributes.append(Attribute("hidden", "1"))
            raw = Ref("#" + hidden.id)
            self.raw[raw.name] = Slot(code, "text")
            default = None if hidden.default is None else Literal(hidden.default)
            if isinstance(hidden, HiddenChoice):
                codes = tuple(Literal(o.code) for o in hidden.options)
                given = In(raw, codes, negated=False)
                values = {o.code: o.code for o in hidden.options}
                self.slots[hidden.id] = Slot(code, "choice", values=values)
                self.hidden[hidden.id] = (
                    ComputedValue(raw, given)
                    if default is None
                    else ComputedValue(Call("if", (given, raw, default)), Literal(True))
                )
            elif isinstance(hidden, HiddenText):
                self.slots[hidden.id] = Slot(code, "text")
                self.hidden[hidden.id] = ComputedValue(
                    raw if default is None else Call("coalesce", (raw, default)), Literal(True)
                )
            else:  # a number or date: present only in its form and bounds
                kind = "number" if isinstance(hidden, HiddenNumber) else "date"
                precision = None if isinstance(hidden, HiddenNumber) else hidden.precision
                self.raw[raw.name] = Slot(
                    code, kind, precision=precision, guard=_in_domain(hidden, f"{code}.NAOK")
                )
                self.slots[hidden.id] = Slot(code, "number" if kind == "number" else "text")
                self.hidden[hidden.id] = ComputedValue(
                    raw if default is None else Call("coalesce", (raw, default)), Literal(True)
                )
            if hidden.default is not None:
                item.defaults.append((None, str(hidden.default)))
            items.append(item)
        return items

    def expression(self, question: Computed) -> Expr:
        """A computed value's expression, as validation parsed it."""
        path = (*self.paths[question.id], "value")
        found = self.compiled.condition(path)
        symbols = self.compiled.plan.symbols
        return resolved(parse(question.value) if found is None else found, symbols)

    def computed_kinds(self, computed: dict[str, ComputedValue]) -> None:
        """The slot of every computed value: its equation question, of its value's kind."""
        known = dict(computed)
        for _, question in self.instrument.questions():
            if not isinstance(question, Computed):
                continue
            if question.id not in known:  # codes only: where the walk reaches it does not matter
                known[question.id] = ComputedValue(self.expression(question), Literal(True))
            try:
                slots = self.slots | self.raw
                copies = self.copies(ValueCompiler(slots, self.hidden | known))
                compiler = ValueCompiler(slots, self.hidden | known, copies)
                kind = compiler.value(Ref(question.id)).kind
            except Unsupported:
                kind = "number"  # refused with its place by check_values when rendering
            self.slots[question.id] = Slot(self.question_codes[question.id], kind)

    def equation(self, compiler: ValueCompiler, question: Computed) -> str:
        """The equation that stores a computed value: its value where it is present,
        else nothing (a truth value as 1 or 0)."""
        found = compiler.value(self.expression(question))
        if found.kind == "truth":
            return "{if(" + found.present + ", if(" + found.value + ', 1, 0), "")}'
        return "{if(" + found.present + ", " + found.value + ', "")}'

    def check_values(self, compiler: ValueCompiler) -> None:
        """Refuse, at its place, what ExpressionScript cannot compute exactly as qdef
        does (QD801): every expression of the instrument compiled on its own."""
        for path, source, where in self.expression_places():
            tree = self.compiled.condition(path)
            tree = resolved(parse(source) if tree is None else tree, self.compiled.plan.symbols)
            at = self.compiler_at(compiler, int(path[1]))
            try:
                if path[-1] == "value":
                    at.value(tree)
                else:
                    at.compile(tree)
            except Unsupported as refused:
                raise LocatedRenderError(
                    Code.QD801,
                    f"{refused.feature} cannot be compiled for LimeSurvey: {refused.why}; "
                    "write the expression without it, or leave it out of the instrument you "
                    "render for LimeSurvey",
                    where,
                    path,
                    offset=refused.node.start,
                    excerpt=source,
                ) from None

    def expression_places(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        """Every expression of the instrument: (key path, source, what it is, in words)."""
        found: list[tuple[tuple[str | int, ...], str, str]] = []
        for s, section in enumerate(self.instrument.sections):
            if section.when is not None:
                where = f"the condition of section {section.id!r}"
                found.append((("sections", s, "when"), section.when, where))
            for q, question in enumerate(section.questions):
                path: tuple[str | int, ...] = ("sections", s, "questions", q)
                if question.when is not None:
                    where = f"the condition of {question.id!r}"
                    found.append(((*path, "when"), question.when, where))
                if isinstance(question, Computed):
                    where = f"the value of {question.id!r}"
                    found.append(((*path, "value"), question.value, where))
                    continue
                for key in ("options", "rows"):
                    for i, item in enumerate(getattr(question, key, None) or ()):
                        if getattr(item, "when", None) is not None:
                            where = f"the condition of {question.id!r}'s {key[:-1]} {item.code!r}"
                            found.append(((*path, key, i, "when"), item.when, where))
                for k, rule in enumerate(getattr(question, "rules", None) or ()):
                    where = f"rule {k + 1} of {question.id!r}"
                    found.append(((*path, "rules", k, "check"), rule.check, where))
        return found

    def labels(self) -> dict[str, Mapping[str, Text]]:
        """The labels of every choice variable's codes (a piped choice shows its label;
        so does the item of a roster for each option chosen)."""
        found: dict[str, Mapping[str, Text]] = {}
        for roster in self.rosters.values():
            if roster.kind == "choices":
                source = self.compiled.plan.variables[roster.source].node
                found[roster.item] = {o.code: o.label for o in source.options}
        for hidden in self.instrument.hidden or ():
            if isinstance(hidden, HiddenChoice):
                found[hidden.id] = {o.code: o.label for o in hidden.options}
        for _, question in self.instrument.questions():
            if isinstance(question, SingleChoice | MultipleChoice | RankingQuestion):
                found[question.id] = {o.code: o.label for o in question.options}
            elif isinstance(question, DualMatrixQuestion):
                for dual in question.scales:
                    labelled: Mapping[str, Text] = {c.code: c.label for c in dual.columns}
                    for row in question.rows:
                        found[f"{question.id}.{row.code}.{dual.code}"] = labelled
            elif isinstance(question, MatrixQuestion):
                scale: Mapping[str, Text] = {c.code: c.label for c in question.scale}
                found |= {f"{question.id}.{row.code}": scale for row in question.rows}
        return found

    def check_pieces(self, piping: Piping) -> None:
        """Every piece of every piped text compiled once in each language, refused at
        its place where LimeSurvey cannot show it as qdef does (QD804)."""
        for path, template in self.compiled.texts_with_pieces():
            languages = [path[-1]] if path[-1] in self.languages else self.languages
            for part in template.pieces:
                if not isinstance(part, Piece):
                    continue
                at = piping
                if path[:1] == ("sections",) and isinstance(path[1], int):
                    compiler = self.compiler_at(piping.compiler, path[1])
                    at = Piping(compiler, piping.labels, piping.resolve)
                for lang in languages:
                    try:
                        at.piece(part, str(lang))
                    except Unsupported as refused:
                        raise LocatedRenderError(
                            Code.QD804,
                            f"{refused.feature} cannot be shown in a LimeSurvey text: "
                            f"{refused.why}; insert another value, or none, for LimeSurvey",
                            "a piped text",
                            path,
                            offset=part.source_start + refused.node.start,
                        ) from None

    def refuse_unwritten(self) -> None:
        """Refuse, at its place, a pattern LimeSurvey's two checks would read
        differently (QD805). Never left out silently."""
        for path, node in _nodes_with(self.instrument, "pattern"):
            if ascii_pattern(node.pattern.regex) is None:  # type: ignore[attr-defined]
                raise LocatedRenderError(
                    Code.QD805,
                    "LimeSurvey checks a regular expression on the server (PCRE) and again "
                    "in the browser, whose check (LEMregexMatch) fails every expression "
                    "with the Unicode flag; without it the two read characters other than "
                    "ASCII differently, and this pattern reads some (a '.', a class with "
                    "'^', or a character other than ASCII): write it with ASCII characters "
                    "and classes only, or leave it out of the instrument you render for "
                    "LimeSurvey",
                    f"the pattern of {getattr(node, 'id', None) or getattr(node, 'code', '')!r}",
                    (*path, "pattern"),
                )

    def patterns(self) -> None:
        """Each text format (its :data:`~qdef.expr.patterns.FORMATS` expression) and
        pattern as a validation equation of the LimeSurvey question holding its
        variables, ``regexMatch`` with an expression PCRE and the browser read alike
        (:func:`ascii_pattern`), and as the tip the message the web form shows: the
        pattern's (or qdef's), the format's of qdef's wording; each message once."""
        items = [item for group in self.groups for item in group.questions]
        checks: list[tuple[tuple[str | int, ...], object, str | None, Text | None, str]] = [
            (path, node, ascii_pattern(FORMATS[node.format], runs=True), None, "format")  # type: ignore[attr-defined]
            for path, node in _nodes_with(self.instrument, "format")
        ]
        for path, node in _nodes_with(self.instrument, "pattern"):
            pattern = node.pattern  # type: ignore[attr-defined]
            checks.append((path, node, ascii_pattern(pattern.regex), pattern.message, "pattern"))
        tips: dict[str, list[Text]] = {}  # each LimeSurvey question's messages so far
        for path, node, regex, own, what in checks:
            assert regex is not None  # formats are written (tests pin it), patterns refused
            section, position = int(path[1]), int(path[3])
            question = self.instrument.sections[section].questions[position]
            if path[4:5] == ("fields",):
                names = [f"{question.id}.{node.code}"]  # type: ignore[attr-defined]
            elif path[4:5] == ("columns",):
                code = node.code  # type: ignore[attr-defined]
                rows = getattr(question, "rows", None) or ()
                names = [f"{question.id}.{row.code}.{code}" for row in rows]
            else:  # a text question or a text follow-up
                names = [node.id]  # type: ignore[attr-defined]
            self.place = path[:4]  # the question that needs the wording
            message = own or self.chrome(
                "web_pattern" if what == "pattern" else f"web_format_{node.format}",  # type: ignore[attr-defined]
                f"the message of the {what} of {names[0]!r}",
                "give the pattern a message (message: …)"
                if what == "pattern"
                else "leave the format out of the instrument you render for LimeSurvey",
            )
            found = [s for n in names for s in ([self.slots[n]] if n in self.slots else [])]
            for slot in found or [s for n in names for s in self.copy_slots(n)]:
                item = max(
                    (i for i in items if slot.name == i.code or slot.name.startswith(i.code + "_")),
                    key=lambda i: len(i.code),
                )
                variable = f"{slot.name}.NAOK"
                rule = f"(is_empty({variable}) or regexMatch({string(regex)}, {variable}))"
                existing = next((a for a in item.attributes if a.name == "em_validation_q"), None)
                if existing is None:
                    item.attributes.append(Attribute("em_validation_q", rule))
                    item.attributes.append(Attribute("em_validation_q_tip", message, i18n=True))
                    tips[item.code] = [message]
                    continue
                assert isinstance(existing.value, str)
                existing.value = f"{existing.value} and {rule}"
                tip = next(a for a in item.attributes if a.name == "em_validation_q_tip")
                if message not in tips.setdefault(item.code, []):  # each message once
                    tip.value = join(tip.value, message)
                    tips[item.code].append(message)

    def default(self, question: Question, item: LsQuestion, default: object) -> None:
        """A question's default as LimeSurvey's default value (shown pre-filled, saved
        if left): an answer code, each chosen option's box ``Y``, a number, a text, or
        a date (its first day)."""
        if isinstance(question, SingleChoice):
            item.defaults.append((None, self.slots[question.id].values[str(default)]))
        elif isinstance(question, MultipleChoice):
            assert isinstance(default, list)
            subs = {sub.source: sub.code for sub in item.subquestions}
            item.defaults.extend((subs[code], "Y") for code in default)
        elif isinstance(question, NumberQuestion):
            assert isinstance(default, int | float)
            item.defaults.append((None, number(default)))
        elif isinstance(question, DateQuestion):
            item.defaults.append((None, full_date(str(default))))
        else:
            item.defaults.append((None, str(default)))


def _nodes_with(
    node: object, key: str, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], object]]:
    """Every model node under ``node`` whose ``key`` is set, with its key path."""
    from pydantic import BaseModel  # noqa: PLC0415

    found: list[tuple[tuple[str | int, ...], object]] = []
    if isinstance(node, BaseModel):
        if getattr(node, key, None) is not None:
            found.append((path, node))
        for name in type(node).model_fields:
            found += _nodes_with(getattr(node, name), key, (*path, name))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += _nodes_with(item, key, (*path, i))
    return found
