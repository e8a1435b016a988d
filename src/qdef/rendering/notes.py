"""Routing notes for paper: where each option and question sends the respondent, and
when a section or question is to be answered at all.

A paper respondent reads in order and follows printed instructions, so the
notes restate qdef's routing (docs/routing.md) in those terms:

- **option notes** — in a question whose options route (any option has a
  ``goto``), every option says where to continue: ``(weiter mit Frage 7)``;
- **continue notes** — after a question, ``Weiter mit Frage 22`` where its
  respondents do not simply go on with the next question: the question has a
  ``goto``, or every respondent who leaves it normally is sent past the
  questions that follow (their conditions cannot hold for them);
- **only-if notes** — a question's own ``when`` (``Nur beantworten, wenn …``),
  and a section's ``when`` at its heading, with where to go otherwise.

Where notes name a destination, it is the first question a respondent taking
that route is shown next, as the routing analysis finds it: the one question
they are all shown next, or where different respondents on the route are shown
different questions, the first of these. Those not shown it are sent on by its
own only-if note, or by its section's where it opens the section; where it
stands inside a conditional section, past the heading whose note would send
them on, nothing on paper does (a known gap: the note would have to name each
destination with its condition). Only where the analysis cannot run within its bounds is it
the destination written in the instrument (the goto target, or the question
after a section). A destination without a number (a display text) is named by
the next numbered question; past the last one, the note says the survey ends.
Inside a roster, a destination past the roster ends the iteration: paper prints
it as the next entry, after the last one that question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qdef.expr.nodes import Expr
from qdef.model import Computed, SingleChoice
from qdef.routing.analysis import Analysis
from qdef.routing.dd import FALSE, Budget
from qdef.routing.plan import Plan, Step

if TYPE_CHECKING:
    from qdef.pipeline.compiled import Compiled


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a respondent continues: a question's display number, or the end (None)."""

    number: str | None


@dataclass(frozen=True, slots=True)
class QuestionNotes:
    options: dict[str, Destination] = field(default_factory=dict)
    """Option code -> destination, for questions whose options route (else empty)."""
    after: Destination | None = None
    """A note after the question: continue there."""
    only_if: Expr | None = None
    """The question's own condition."""


@dataclass(frozen=True, slots=True)
class SectionNotes:
    only_if: Expr | None = None
    """The section's condition."""
    otherwise: Destination | None = None
    """Where respondents for whom it does not hold continue."""


@dataclass(frozen=True, slots=True)
class Notes:
    questions: dict[str, QuestionNotes]
    sections: list[SectionNotes]


class _Finder:
    def __init__(self, plan: Plan, analysis: Analysis | None, numbers: Mapping[str, str]) -> None:
        self.plan = plan
        self.analysis = analysis
        # The first numbered question at or after each position (None: the end).
        self.numbered: list[str | None] = [None] * (plan.end + 1)
        # The first position at or after each that is shown (a computed value is never
        # shown: a respondent goes on past it without noticing).
        self.stop: list[int] = list(range(plan.end + 1))
        for step in reversed(plan.steps):
            here = numbers.get(step.question.id)
            self.numbered[step.position] = here or self.numbered[step.position + 1]
            if isinstance(step.question, Computed):
                self.stop[step.position] = self.stop[step.position + 1]

    def destination(self, position: int) -> Destination:
        return Destination(self.numbered[position])

    def shown_next(self, step: Step, code: str | None, exclude: frozenset[str]) -> set[int] | None:
        """Where respondents leaving ``step`` by the route of option ``code`` (None: the
        default route, options in ``exclude`` aside) are shown next; None if unknown."""
        analysis = self.analysis
        if analysis is None:
            return None
        dd, logic = analysis.dd, analysis.logic
        shown = analysis.reach[step.position]
        if shown == FALSE:
            return None
        qid = step.question.id
        if code is not None:
            shown = dd.and_(shown, logic.is_value(qid, code))
        else:
            for other in exclude:
                shown = dd.and_(shown, dd.not_(logic.is_value(qid, other)))
        found: set[int] = set()
        for _, target, arriving in analysis.leave(step, shown):
            found.update(at for at, _ in analysis.shown_next({target: arriving}))
        return found or None

    def skipped_next(self, first: int, after: int, when: Expr) -> set[int] | None:
        """Where respondents who reach a section (its first question at ``first``) but for
        whom its condition ``when`` does not hold are shown next; None if unknown."""
        analysis = self.analysis
        if analysis is None:
            return None
        dd = analysis.dd
        skipping = dd.and_(analysis.arrive[first], dd.not_(analysis.logic.condition(when)))
        if skipping == FALSE:
            return None
        arriving = analysis.into(skipping, first, after)
        if arriving == FALSE:
            return None
        return {at for at, _ in analysis.shown_next({after: arriving})} or None

    def first_of(self, found: set[int] | None, static: int) -> Destination:
        """The first question shown next (``found``), else the ``static`` destination."""
        return self.destination(min(found) if found else static)

    def route(
        self, step: Step, code: str | None, static: int, exclude: frozenset[str]
    ) -> Destination:
        found = self.shown_next(step, code, exclude)
        return self.first_of(self.leaving(step, found), static)

    def leaving(self, step: Step, found: set[int] | None) -> set[int] | None:
        """Inside a roster, where the respondents are shown next within this iteration:
        a position past the roster (or back at or before ``step``: a later iteration)
        means the iteration ends there. If it ends for all of them, the first question
        after the roster stands for "the next entry, after the last one Frage N"."""
        if found is None or step.roster is None:
            return found
        roster = self.plan.rosters.get(step.roster)
        if roster is None:
            return found
        inside = {at for at in found if step.position < at < roster.stop}
        if inside:
            return inside
        return {min((at for at in found if at >= roster.stop), default=roster.stop)}

    def section(self, first: int, after: int, when: Expr) -> SectionNotes:
        return SectionNotes(when, self.first_of(self.skipped_next(first, after, when), after))

    def question(self, step: Step) -> QuestionNotes:
        question = step.question
        options: dict[str, Destination] = {}
        routed = frozenset(step.option_gotos)
        if isinstance(question, SingleChoice) and routed:
            for option in question.options:
                static = step.option_gotos.get(option.code, step.next_default)
                options[option.code] = self.route(step, option.code, static, frozenset())
        after: Destination | None = None
        if step.goto is not None:
            after = self.route(step, None, step.goto, routed)
        else:
            found = self.leaving(step, self.shown_next(step, None, routed))
            if found is not None and len(found) == 1:
                (at,) = found
                if at != self.stop[step.position + 1]:
                    after = self.destination(at)
        return QuestionNotes(options, after, step.own_when)


def routing_notes(compiled: Compiled) -> Notes:
    """The routing notes of a compiled instrument: computed once per
    :class:`~qdef.pipeline.compiled.Compiled` and kept with it
    (:meth:`~qdef.pipeline.compiled.Compiled.derived`), so that every renderer of one
    run shares them: treat them as read-only."""
    return compiled.derived(_compute)


def _compute(compiled: Compiled) -> Notes:
    plan, numbers = compiled.plan, compiled.numbers
    try:
        return _notes_of(compiled, _Finder(plan, compiled.analysis, numbers))
    except (Budget, RecursionError):  # too entangled: the routes as written
        return _notes_of(compiled, _Finder(plan, None, numbers))


def _notes_of(compiled: Compiled, finder: _Finder) -> Notes:
    plan = finder.plan
    questions = {step.question.id: finder.question(step) for step in plan.steps}
    sections: list[SectionNotes] = []
    first = 0
    for section in compiled.instrument.sections:
        after = first + len(section.questions)
        when = plan.steps[first].section_when if section.questions else None
        sections.append(SectionNotes() if when is None else finder.section(first, after, when))
        first = after
    return Notes(questions, sections)
