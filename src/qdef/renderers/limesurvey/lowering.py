"""Lowering an instrument to LimeSurvey's model (the ``limesurvey`` renderer).

qdef's questions become LimeSurvey groups, questions, subquestions and
answers (docs/limesurvey.md has the table;
:mod:`~qdef.renderers.limesurvey.questions` and
:mod:`~qdef.renderers.limesurvey.arrays` lower them); every qdef variable gets
the ExpressionScript variable that holds it there
(:class:`~qdef.renderers.limesurvey.codes.Slot`, codes as
:mod:`~qdef.renderers.limesurvey.codes` makes them), and every question a
``relevance`` compiled from its reaching condition in :mod:`qdef.routing`
(:mod:`~qdef.renderers.limesurvey.expressions`). The mapping is part of the
output (:func:`mapping`), so nothing is guessed.
"""

from __future__ import annotations

from typing import Any

from qdef.diagnostics import Code
from qdef.errors import LocatedRenderError, RenderError
from qdef.expr import Answered, Expr, Literal, Ref, parse
from qdef.expr import walk as nodes
from qdef.model import (
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberQuestion,
    Question,
    SingleChoice,
    TextListQuestion,
    TextQuestion,
)
from qdef.renderers.limesurvey.arrays import ArrayLowering
from qdef.renderers.limesurvey.codes import Slot
from qdef.renderers.limesurvey.expressions import unwritable
from qdef.renderers.limesurvey.questions import carrier
from qdef.renderers.limesurvey.survey import Attribute, LsGroup, LsQuestion, Survey, join
from qdef.renderers.limesurvey.values import ComputedValue, Unsupported, ValueCompiler
from qdef.rendering import Compiled
from qdef.routing import Budget


class _Lowering(ArrayLowering):
    """A whole instrument lowered: each section a group, each question the LimeSurvey
    questions it becomes, then, once every slot exists, relevance."""

    def __init__(self, compiled: Compiled, *, wording: bool = True) -> None:
        super().__init__(compiled.instrument, wording=wording)
        self.compiled = compiled
        self.plan = compiled.plan
        self.paths: dict[str, tuple[str | int, ...]] = {}
        """Each question's key path in the document."""
        # each section's own condition, as the plan parsed it (its first question's)
        self.section_whens: list[Expr | None] = []
        first = 0
        for section in compiled.instrument.sections:
            self.section_whens.append(self.plan.steps[first].section_when)
            first += len(section.questions)

    def survey(self) -> Survey:
        if not self.wording:  # codes only (the mapping): no texts, no relevance
            self.lower_questions()
            self.computed_kinds({})
            return Survey(self.groups, self.slots)
        self.check_strings()
        self.refuse_unwritten()
        try:
            analysis = self.compiled.analysis
            reaching = {s.question.id: analysis.reaching(s.question.id) for s in self.plan.steps}
            # a section's own condition, through the same analysis as the questions'
            # (a group's relevance and a question's are compiled from one normal form)
            sections = [
                None if when is None else analysis.printer.expr(analysis.logic.condition(when))
                for when in self.section_whens
            ]
        except (Budget, RecursionError) as error:
            raise RenderError(
                "the routing of this instrument is too entangled to compile into "
                "LimeSurvey relevance equations (qdef's analysis exceeded its bounds); "
                "simplify its conditions, or split it"
            ) from error
        lowered = self.lower_questions()
        if self.missing:
            self.refuse()
        # relevance needs every variable's slot: compile once all are lowered
        computed = {
            question.id: ComputedValue(self.expression(question), reaching[question.id])
            for _, question, _ in lowered
            if isinstance(question, Computed)
        }
        compiler = ValueCompiler(self.slots, computed)
        self.computed_kinds(computed)
        self.check_values(compiler)
        for group, when in zip(self.groups, sections, strict=True):
            if when is not None:
                group.relevance = compiler.compile(when)
        steps = {step.question.id: step for step in self.plan.steps}
        for _, question, items in lowered:
            relevance = compiler.compile(reaching[question.id])
            for item in items:
                if item.shown_with is None or item.shown_with[1] is None:
                    item.relevance = relevance
                else:
                    item.relevance = compiler.chosen(*item.shown_with)
            if isinstance(question, Computed):
                (item,) = items
                item.attributes.insert(0, Attribute("equation", self.equation(compiler, question)))
            step = steps[question.id]
            if step.option_when:
                self.offered(compiler, question, items, step.option_when)
            if step.rules:
                self.rules(compiler, question, items, step.rules)
        return Survey(self.groups, self.slots)

    def offered(
        self,
        compiler: ValueCompiler,
        question: Question,
        items: list[LsQuestion],
        option_when: dict[str, Expr],
    ) -> None:
        """The conditions of options and rows (their ``when``, the question's ``filter``)
        as their subquestions' relevance: LimeSurvey hides a subquestion whose relevance
        fails, and keeps no answer for it, as the walk does. A single choice's options
        are answers, which have no relevance in LimeSurvey: refused (QD803)."""
        if isinstance(question, SingleChoice):
            code = next(iter(option_when))
            index = next(i for i, o in enumerate(question.options) if o.code in option_when)
            own = question.options[index].when is not None
            raise LocatedRenderError(
                Code.QD803,
                "LimeSurvey's answer options cannot have conditions (only subquestions "
                f"can), so the option {code!r} of the single choice {question.id!r} cannot "
                "be offered only sometimes; ask a multiple choice with max_choices: 1, or "
                "one single choice per case (each with its when), for LimeSurvey",
                f"the {'condition' if own else 'filter'} of {question.id!r}",
                (*self.paths[question.id], *(("options", index, "when") if own else ("filter",))),
            )
        for item in items:
            if item.role == "followup":
                continue
            for sub in item.subquestions:
                if sub.scale == 0 and sub.source in option_when:
                    sub.relevance = compiler.compile(option_when[sub.source])

    def rules(
        self,
        compiler: ValueCompiler,
        question: Question,
        items: list[LsQuestion],
        checks: tuple[Expr, ...],
    ) -> None:
        """A question's rules as its validation equation (``em_validation_q``) with their
        messages as its tip, in every language: checked where the question is answered
        (any of its variables), on the last of its LimeSurvey questions, where all of
        its variables exist."""
        rules = getattr(question, "rules", None) or []
        answered = compiler.compile(Answered(Ref(question.id)))
        equation = " and ".join(f"({compiler.compile(check)})" for check in checks)
        rule = f"(!{answered} or ({equation}))"
        last = [i for i in items if i.role != "followup"][-1]
        messages = [r.message for r in rules]
        existing = next((a for a in last.attributes if a.name == "em_validation_q"), None)
        if existing is None:
            last.attributes.append(Attribute("em_validation_q", rule))
            last.attributes.append(Attribute("em_validation_q_tip", join(*messages), i18n=True))
            return
        assert isinstance(existing.value, str)
        existing.value = f"{existing.value} and {rule}"
        tip = next(a for a in last.attributes if a.name == "em_validation_q_tip")
        tip.value = join(tip.value, *messages)

    # -------------------------------------------------------------- values

    def expression(self, question: Computed) -> Expr:
        """A computed value's expression, as validation parsed it."""
        path = (*self.paths[question.id], "value")
        found = self.compiled.condition(path)
        return parse(question.value) if found is None else found

    def computed_kinds(self, computed: dict[str, ComputedValue]) -> None:
        """The slot of every computed value: its equation question, of its value's kind."""
        known = dict(computed)
        for _, question in self.instrument.questions():
            if not isinstance(question, Computed):
                continue
            if question.id not in known:  # codes only: where the walk reaches it does not matter
                known[question.id] = ComputedValue(self.expression(question), Literal(True))
            try:
                kind = ValueCompiler(self.slots, known).value(Ref(question.id)).kind
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
            tree = parse(source) if tree is None else tree
            try:
                if path[-1] == "value":
                    compiler.value(tree)
                else:
                    compiler.compile(tree)
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

    def refuse_unwritten(self) -> None:
        """Refuse, at its place, what this renderer does not write yet: piped texts
        (QD804) and patterns (QD805). Never left out silently."""
        for path, _ in self.compiled.texts_with_pieces():
            raise LocatedRenderError(
                Code.QD804,
                "qdef's limesurvey renderer does not write piped texts yet ({…} inserting "
                "an answer); write the text without the piece, or render this instrument "
                "for the web form or on paper",
                "a piped text",
                path,
            )
        for path, node in _nodes_with(self.instrument, "pattern"):
            raise LocatedRenderError(
                Code.QD805,
                "qdef's limesurvey renderer does not write patterns yet (LimeSurvey's "
                "regular-expression validation); leave the pattern out of the instrument "
                "you render for LimeSurvey",
                f"the pattern of {getattr(node, 'id', None) or getattr(node, 'code', '')!r}",
                (*path, "pattern"),
            )

    def lower_questions(self) -> list[tuple[LsGroup, Question, list[LsQuestion]]]:
        """Every section as a group (in ``self.groups``) and its questions; each question
        with the LimeSurvey questions it became."""
        lowered: list[tuple[LsGroup, Question, list[LsQuestion]]] = []
        for index, section in enumerate(self.instrument.sections):
            self.place = ("sections", index)
            # LimeSurvey needs a group name; an untitled section is "Teil 2"
            title = section.title or self.chrome(
                "lss_section",
                f"the name of section {index + 1} ({section.id!r}), which has no title,",
                f"give the section a title ({self.example('title')})",
                number=index + 1,
            )
            group = LsGroup(title, section.intro, "1")
            self.groups.append(group)
            for number, question in enumerate(section.questions):
                self.place = ("sections", index, "questions", number)
                items = self.question(question)
                group.questions.extend(items)
                lowered.append((group, question, items))
        return lowered

    def check_strings(self) -> None:
        """Refuse, at its place, a string in a condition that ExpressionScript cannot
        write (:func:`~qdef.renderers.limesurvey.expressions.unwritable`): a line
        break."""
        steps = iter(self.plan.steps)
        for s, section in enumerate(self.instrument.sections):
            places: list[tuple[tuple[str | int, ...], str | None, Expr | None, str]] = [
                (
                    ("sections", s, "when"),
                    section.when,
                    self.section_whens[s],
                    f"the condition of section {section.id!r}",
                )
            ]
            for q, question in enumerate(section.questions):
                where = f"the condition of {question.id!r}"
                tree = next(steps).own_when  # as the plan parsed it
                places.append((("sections", s, "questions", q, "when"), question.when, tree, where))
            for path, source, tree, where in places:
                if source is None or tree is None:
                    continue
                for node in nodes(tree):
                    if not isinstance(node, Literal) or not isinstance(node.value, str):
                        continue
                    problem = unwritable(node.value)
                    if problem is not None:
                        why = (
                            "LimeSurvey reads a string only up to the end of its line"
                            if problem == "a line break"
                            else "an .lss file is XML, which cannot carry it"
                        )
                        raise LocatedRenderError(
                            Code.QD520,
                            f"the string {node.text or repr(node.value)} holds {problem}, "
                            f"which LimeSurvey's ExpressionScript cannot write in a string "
                            f"({why}); compare with a text without it, or leave this "
                            "condition out of the instrument you render for LimeSurvey",
                            where,
                            path,
                            offset=node.start,
                            excerpt=source,
                        )

    # -------------------------------------------------------------- questions

    def question(self, question: Question) -> list[LsQuestion]:
        code = self.question_codes[question.id]
        self.paths[question.id] = self.place
        if isinstance(question, Computed):  # an equation, never shown; its value is saved
            item = LsQuestion(code, "*", question.label or question.id, question.id)
            item.attributes.append(Attribute("hidden", "1"))
            return [item]
        if isinstance(question, Display):
            return [LsQuestion(code, "X", question.text, question.id, help=question.help)]
        text = question.text if question.hint is None else join(question.text, question.hint)
        if isinstance(question, SingleChoice):
            return self.single(question, code, text)
        if isinstance(question, MultipleChoice):
            return self.multiple(question, code, text)
        if isinstance(question, TextQuestion | NumberQuestion | DateQuestion):
            item = carrier(question, code, "S", text)
            self.field(item, question, question.id)
            return [item]
        if isinstance(question, DateRangeQuestion):
            return self.date_range(question, code, text)
        if isinstance(question, TextListQuestion):
            return self.text_list(question, code, text)
        if isinstance(question, MatrixQuestion):
            return self.matrix(question, code, text)
        assert isinstance(question, GridQuestion)
        return self.grid(question, code, text)


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


def lower(compiled: Compiled, *, wording: bool = True) -> Survey:
    """The compiled instrument as LimeSurvey groups and questions, with the slot of
    every variable and compiled relevance. Without ``wording`` (for the mapping, which
    holds codes only), qdef's own wording is left empty and needs no catalogue, and
    relevance is not compiled (it stays ``1``)."""
    return _Lowering(compiled, wording=wording).survey()


def mapping(survey: Survey) -> dict[str, Any]:
    """qdef ids and codes -> LimeSurvey codes and variables, as JSON data."""
    questions: dict[str, Any] = {}
    for group in survey.groups:
        for item in group.questions:
            carriers = questions.setdefault(item.source, {"questions": []})
            carriers["questions"].append({"code": item.code, "type": item.type, "role": item.role})
    variables: dict[str, Any] = {}
    for name, slot in survey.slots.items():
        entry: dict[str, Any] = {"variable": slot.name, "kind": slot.kind}
        if slot.values:
            entry["answers"] = dict(slot.values)
        if slot.options:
            entry["options"] = dict(slot.options)
        variables[name] = entry
    return {"questions": questions, "variables": variables}
