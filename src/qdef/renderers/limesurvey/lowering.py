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
from qdef.expr import Answered, Expr, Literal, Ref, resolved
from qdef.expr import walk as nodes
from qdef.model import (
    Computed,
    DateQuestion,
    DateRangeQuestion,
    Display,
    DualMatrixQuestion,
    GridQuestion,
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
from qdef.renderers.limesurvey.expressions import unwritable
from qdef.renderers.limesurvey.features import FeatureLowering
from qdef.renderers.limesurvey.piping import Piping
from qdef.renderers.limesurvey.questions import carrier
from qdef.renderers.limesurvey.survey import (
    Attribute,
    CatalogFor,
    LsGroup,
    LsQuestion,
    Survey,
    join,
)
from qdef.renderers.limesurvey.values import ComputedValue, ValueCompiler
from qdef.rendering import Compiled
from qdef.routing import Budget


class _Lowering(FeatureLowering):
    """A whole instrument lowered: each section a group, each question the LimeSurvey
    questions it becomes, then, once every slot exists, relevance."""

    def __init__(
        self, compiled: Compiled, *, wording: bool = True, catalogs: CatalogFor = None
    ) -> None:
        super().__init__(compiled.instrument, wording=wording, catalogs=catalogs)
        self.compiled = compiled
        self.plan = compiled.plan
        self.rosters = compiled.plan.rosters
        self.unrolled = {}
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
            return Survey(self.groups, self.slots, None, self.roster_map())
        self.check_strings()
        self.refuse_unwritten()
        try:
            analysis = self.compiled.analysis
            symbols = self.plan.symbols  # the normal form prints aggregates as calls
            reaching = {
                s.question.id: resolved(analysis.reaching(s.question.id), symbols)
                for s in self.plan.steps
            }
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
        self.patterns()
        if self.missing:
            self.refuse()
        # relevance needs every variable's slot: compile once all are lowered
        computed = {
            question.id: ComputedValue(self.expression(question), reaching[question.id])
            for _, question, _ in lowered
            if isinstance(question, Computed)
        }
        compiler = ValueCompiler(self.slots | self.raw, self.hidden | computed)
        compiler = ValueCompiler(compiler.slots, compiler.computed, self.copies(compiler))
        self.computed_kinds(computed)
        self.check_values(compiler)
        resolve = None if not self.rosters else (lambda e: resolved(e, symbols))
        piping = Piping(compiler, self.labels(), resolve)
        self.check_pieces(piping)
        labels = self.labels()
        self.group_relevance(compiler, sections, labels, resolve)
        steps = {step.question.id: step for step in self.plan.steps}
        outer = compiler
        for _, question, items in lowered:
            compiler, exists = self.in_copy(outer, items, labels, resolve)
            relevance = compiler.compile(reaching[question.id])
            if exists is not None:  # a roster's copy: its iteration exists, on its answers
                relevance = f"({exists} and {relevance})"
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
                self.own_followups_unread(question, step.variables, step.rules)
                self.rules(compiler, question, items, step.rules)
        return Survey(self.groups, self.slots, piping.piece, self.roster_map())

    def own_followups_unread(
        self, question: Question, variables: tuple[str, ...], checks: tuple[Expr, ...]
    ) -> None:
        """Refuse a rule that reads a follow-up of its own question: LimeSurvey writes
        follow-ups as questions after it, and a question's validation may read only what
        is written before it (and a follow-up not shown is never validated)."""
        prefix = f"{question.id}."
        own = {v for v in variables if v != question.id and not v.startswith(prefix)}
        for index, check in enumerate(checks):
            read = [n.name for n in nodes(check) if isinstance(n, Ref) and n.name in own]
            if read:
                raise LocatedRenderError(
                    Code.QD805,
                    f"the rule reads {read[0]!r}, a follow-up of {question.id!r}; LimeSurvey "
                    "writes follow-ups as questions after the question, whose validation "
                    "cannot read them: put the rule on a later question, or leave it out "
                    "of the instrument you render for LimeSurvey",
                    f"rule {index + 1} of {question.id!r}",
                    (*self.paths[question.id], "rules", index, "check"),
                )

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
        are answers, which have no relevance in LimeSurvey: its ``filter`` becomes the
        list's ``array_filter`` (``array_filter_exclude``) on the source, whose
        subquestions have the list's answer codes; an option's own ``when`` is
        refused (QD803), and so is a filtered drop-down list."""
        if isinstance(question, RankingQuestion):  # its filter and refusals: kinds.py
            return
        if isinstance(question, SingleChoice):
            whens = [o.when for o in question.options]
            index = next((i for i, when in enumerate(whens) if when is not None), None)
            dropdown = question.widget == "dropdown"
            if index is not None or dropdown or question.filter is None:
                index = index or 0
                code = question.options[index].code
                own = whens[index] is not None
                why = (
                    "LimeSurvey's answer options cannot have conditions (only subquestions "
                    f"can), so the option {code!r} of the single choice {question.id!r} "
                    "cannot be offered only sometimes; ask a multiple choice with "
                    "max_choices: 1, or one single choice per case (each with its when), "
                    "for LimeSurvey"
                    if own
                    else "LimeSurvey filters the answer options of a radio list only "
                    f"(array_filter), not of a drop-down list: the single choice "
                    f"{question.id!r} with a filter cannot be a drop-down for LimeSurvey; "
                    "leave out its widget: dropdown"
                )
                raise LocatedRenderError(
                    Code.QD803,
                    why,
                    f"the {'condition' if own else 'filter'} of {question.id!r}",
                    (
                        *self.paths[question.id],
                        *(("options", index, "when") if own else ("filter",)),
                    ),
                )
            chosen, source = question.filter.chosen_in, question.filter.not_chosen_in
            name = "array_filter" if chosen is not None else "array_filter_exclude"
            (item,) = (i for i in items if i.role != "followup")
            item.attributes.append(Attribute(name, self.question_codes[chosen or source or ""]))
            return
        rows = {
            row.specify.id: row.code
            for row in getattr(question, "rows", None) or ()
            if row.specify is not None
        }
        for item in items:
            if item.role == "followup":  # a row's follow-up: only while its row is offered
                row = rows.get(item.source)
                if row is not None and row in option_when:
                    offered = compiler.compile(option_when[row])
                    item.relevance = f"({item.relevance} and {offered})"
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
        rule = f"(!({answered}) or ({equation}))"
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
            group = LsGroup(title, section.intro, "1", section=index)
            self.groups.append(group)
            if index == 0:
                group.questions.extend(self.hidden_questions())
            if section.repeat is not None:
                self.unroll(index, section, group, lowered)
                continue
            for position, question in enumerate(section.questions):
                self.place = ("sections", index, "questions", position)
                items = self.question(question)
                if section.order == "random":
                    self.shuffled_with(f"section{index + 1}", question, items)
                group.questions.extend(items)
                lowered.append((group, question, items))
        return lowered

    def shuffled_with(self, name: str, question: Question, items: list[LsQuestion]) -> None:
        """A question of a section in random order: in LimeSurvey's randomisation group
        ``name`` (``random_group``), whose questions swap places among themselves; an
        anchored question and a computed value keep theirs. A question LimeSurvey writes
        as several (its follow-ups, its parts) would be torn apart: refused (QD807)."""
        if isinstance(question, Computed) or question.anchor:
            return
        if len(items) > 1:
            raise LocatedRenderError(
                Code.QD807,
                f"LimeSurvey writes {question.id!r} as {len(items)} questions (its "
                "follow-ups or parts), which its random order of a group's questions "
                "would shuffle apart; anchor the question (anchor: true), or leave out "
                "the section's order: random, for LimeSurvey",
                f"the question {question.id!r} in a section in random order",
                self.place,
            )
        items[0].attributes.append(Attribute("random_group", name))

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
        items = self._question(question)
        self.random_order(question, items)
        default = getattr(question, "default", None)
        if default is not None:
            self.default(question, items[0], default)
        return items

    def _question(self, question: Question) -> list[LsQuestion]:
        code = self.question_codes[question.id]
        self.paths[question.id] = self.place
        if isinstance(question, Computed):  # an equation, never shown; its value is saved
            item = LsQuestion(
                code, "*", question.label or question.id, question.id, role="computed"
            )
            item.attributes.append(Attribute("hidden", "1"))
            return [item]
        if isinstance(question, Display):
            return [LsQuestion(code, "X", question.text, question.id, help=question.help)]
        text = question.text if question.hint is None else join(question.text, question.hint)
        if isinstance(question, SingleChoice):
            return self.single(question, code, text)
        if isinstance(question, MultipleChoice):
            return self.multiple(question, code, text)
        if isinstance(question, NumberQuestion) and question.widget == "slider":
            return self.slider(question, code, text)
        if isinstance(question, RankingQuestion):
            return self.ranking(question, code, text)
        if isinstance(question, NumberListQuestion):
            return self.number_list(question, code, text)
        if isinstance(question, DualMatrixQuestion):
            return self.dual_matrix(question, code, text)
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


def lower(compiled: Compiled, *, wording: bool = True, catalogs: CatalogFor = None) -> Survey:
    """The compiled instrument as LimeSurvey groups and questions, with the slot of
    every variable and compiled relevance. Without ``wording`` (for the mapping, which
    holds codes only), qdef's own wording is left empty and needs no catalogue, and
    relevance is not compiled (it stays ``1``). ``catalogs`` gives qdef's wording per
    language (``options.catalog_for``; by default qdef's and the plugins')."""
    return _Lowering(compiled, wording=wording, catalogs=catalogs).survey()


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
        if slot.options:  # a ranking's: each rank's variable (the item's code at it)
            entry["ranks" if slot.kind == "ranking" else "options"] = (
                list(slot.options.values()) if slot.kind == "ranking" else dict(slot.options)
            )
        variables[name] = entry
    if survey.rosters:  # each roster's copies, in slot order
        return {"questions": questions, "variables": variables, "rosters": survey.rosters}
    return {"questions": questions, "variables": variables}
