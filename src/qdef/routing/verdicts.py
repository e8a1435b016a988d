"""The verdicts of the routing analysis (its findings): questions shown on no walk,
conditions that always hold, gotos that change nothing, and questions whose
reachability cannot be decided (QD601–QD604, QD606); questions whose options
(rows) are never offered (QD611), rules no answer can meet (QD612), and
questions whose showing depends on values qdef cannot enumerate (QD607).

Every finding is decided on the precise diagrams of :mod:`qdef.routing.analysis`
(answers of questions not shown are absent, required questions answered,
answers obey their question's rules), so "never" and "always" are proofs.
Messages quote what the routing knows about the answers a condition uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, Protocol

from qdef.diagnostics import Code
from qdef.expr.printer import to_source
from qdef.model import GridQuestion, MatrixQuestion, SingleChoice
from qdef.routing.dd import DD, FALSE, TRUE, Budget
from qdef.routing.interpreter import walk_until
from qdef.routing.logic import Logic, Piped, step_available, step_option_when, step_rules
from qdef.routing.plan import Plan, Step
from qdef.routing.printing import Printer
from qdef.source.positions import KeyPath

FindingKind = Literal[
    "unreachable",
    "always-true",
    "dead-goto",
    "unknown",
    "not-analysed",
    "undecided",
    "unoffered",
    "unmeetable",
    "piped-absent",
]

#: Diagnostic codes of the findings.
CODES: dict[FindingKind, Code] = {
    "unreachable": Code.QD601,
    "always-true": Code.QD602,
    "dead-goto": Code.QD603,
    "unknown": Code.QD604,
    "not-analysed": Code.QD606,
    "undecided": Code.QD607,
    "unoffered": Code.QD611,
    "unmeetable": Code.QD612,
    "piped-absent": Code.QD613,
}

#: The findings that say a question is shown on no walk.
NEVER_SHOWN: frozenset[FindingKind] = frozenset({"unreachable", "unoffered"})
#: The findings that say qdef cannot decide whether a question is shown.
UNDECIDED: frozenset[FindingKind] = frozenset({"unknown", "undecided"})


@dataclass(frozen=True, slots=True)
class Finding:
    """A routing problem, where it is, and the evidence for it."""

    kind: FindingKind
    question: str
    """The question concerned (for a section's condition: its first question)."""
    path: KeyPath
    """Where in the document: the ``when``, the ``goto`` or the question's ``id``."""
    message: str
    """What is wrong and what to do, with the conditions that prove it."""
    example: Callable[[], dict[str, Any] | None] | None = field(
        default=None, repr=False, compare=False
    )
    """What finds the :attr:`witness` (a search that walks the questionnaire), called
    when the witness is first read: the findings of a long questionnaire with many
    of them do not each walk it (None: no witness)."""
    questions: tuple[str, ...] = field(default=())
    """Every question the finding concerns (a section's condition may hide several)."""
    _found: list[dict[str, Any] | None] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    @property
    def code(self) -> Code:
        return CODES[self.kind]

    @property
    def witness(self) -> dict[str, Any] | None:
        """For a condition that always holds (QD602) and a goto that changes nothing
        (QD603): a response that reaches the place concerned, checked by walking it
        (found when first read, then kept). None for the others: no respondent can
        illustrate a question nobody sees; None too when the search outgrows the
        analysis's memory bound."""
        if self.example is None:
            return None
        if not self._found:
            try:
                found = self.example()
            except (Budget, RecursionError):
                found = None
            self._found.append(found)
        return self._found[0]


_MAX_SHOWN = 240  # characters of a condition quoted in a message


def _quote(source: str) -> str:
    return source if len(source) <= _MAX_SHOWN else source[: _MAX_SHOWN - 1] + "…"


def walk_ids(plan: Plan, response: dict[str, Any], position: int) -> list[str]:
    """The questions the walk of ``response`` shows, up to the one at ``position``."""
    shown, _ = walk_until(plan, response, position + 1)
    return [plan.steps[p].question.id for p in shown]


class Analysed(Protocol):
    """What the findings are decided on: the parts of an :class:`~qdef.routing.Analysis`
    they read (a protocol, so that this module need not import the analysis, which
    imports it for :meth:`~qdef.routing.Analysis.findings`)."""

    plan: Plan
    logic: Logic
    dd: DD
    printer: Printer
    skipped: frozenset[int]
    when: list[int]
    members: list[list[Step]]
    jumps: list[tuple[int, str | None, int]]
    candidate: list[int]
    arrive: list[int]
    reach: list[int]
    computing: frozenset[int]
    must: list[int]

    def example(
        self,
        position: int,
        chosen: str | None = None,
        tries: int = 64,
        *,
        where: int = TRUE,
        accept: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any] | None: ...


def find(analysis: Analysed) -> list[Finding]:
    """Every finding of ``analysis``, in question order within each kind."""
    finder = _Finder(analysis)
    found: list[Finding] = list(finder.not_analysed())
    found.extend(finder.reachability())
    found.extend(finder.unmeetable_rules())
    found.extend(finder.piped_absent())
    found.extend(finder.redundant_conditions())
    found.extend(finder.dead_gotos())
    return found


class _Finder:
    def __init__(self, analysis: Analysed) -> None:
        self.analysis = analysis
        self.numbers = analysis.plan.numbers
        self.plan, self.logic, self.dd = analysis.plan, analysis.logic, analysis.dd
        self.printer = analysis.printer
        self.when, self.members, self.jumps = analysis.when, analysis.members, analysis.jumps
        self.candidate = analysis.candidate
        """Raw arrival diagrams (those of the reaching conditions)."""
        self.arrive, self.reach = analysis.arrive, analysis.reach
        """Precise arrival and showing diagrams: what decisions are made on."""

    def number(self, position: int) -> str:
        """How messages name the question at ``position``: ``question 7 'umsetzungsphase'``."""
        question = self.plan.steps[position].question
        number = self.numbers.get(question.id)
        if number:
            return f"question {number} '{question.id}'"
        if position in self.analysis.computing:
            return f"computed value '{question.id}'"
        return f"display '{question.id}'"

    def context(self, arriving: int, condition: int) -> int:
        """What ``arriving`` says about the answers ``condition`` looks at (and nothing
        else): the part of the routing that matters to a message about the condition."""
        looked_at = self.dd.support(condition)
        return self.dd.exists(arriving, lambda var: var not in looked_at)

    def arrival(self, context: int, raw: int, condition: int, text: str) -> str:
        """Why ``condition`` never holds: the routing before it (``context``, what it says
        about the answers the condition uses), or — when the routing alone (``raw``, the
        reaching condition, which ignores the rules of answers) would allow it — the
        rules of the answers it combines."""
        if self.dd.and_(self.context(raw, condition), condition) != FALSE:
            return (
                f"{text} can never hold for answers that obey the instrument's rules "
                "(exclusive options, min_choices and max_choices, required questions)"
            )
        if context == TRUE:
            return f"{text} can never hold"
        reached = _quote(to_source(self.printer.expr(context)))
        return f"{text} never holds when the walk arrives here (only when {reached})"

    def always(self, context: int, condition: str, where: str) -> str:
        """ "<condition> always holds when the walk arrives <where> (only when …)"."""
        if context == TRUE:
            return f"{condition} always holds, whatever the answers"
        reached = _quote(to_source(self.printer.expr(context)))
        return f"{condition} always holds when the walk arrives {where} (only when {reached})"

    def reachability(self) -> Iterator[Finding]:
        plan = self.plan
        sections_reported: set[int] = set()
        undecided: set[str] = set()  # questions whose showing qdef could not decide
        for step in plan.steps:
            i = step.position
            if self.reach[i] != FALSE:
                # Undecided too: a question that looks at the answers of one of those
                # (its answers exist only if it is shown, which the diagrams cannot tell).
                relies = self._answers_of(self.reach[i], undecided)
                unknown = self.logic.uncertain(self.reach[i])
                if i in self.analysis.skipped:  # reported as not analysed (QD606)
                    undecided.add(step.question.id)
                elif (unknown or relies) and self._no_example(i):
                    undecided.add(step.question.id)
                    yield self._unknown(step, relies)
                continue
            if self.arrive[i] == FALSE:
                yield self._never_arrives(step)
                continue
            if self._answerless(i) != FALSE:
                continue  # shown, but no answer meets its rules: see unmeetable_rules
            section = step.entry.section_index
            arriving = self.arrive[i]
            section_when = self.logic.condition(step.section_when)
            if self.dd.and_(arriving, section_when) == FALSE:
                if section in sections_reported:
                    continue
                sections_reported.add(section)
                yield self._section_never(step)
                continue
            own = self.logic.condition(step.own_when)
            available = self.logic.condition(step_available(step))
            allowed = self.dd.and_(self.dd.and_(arriving, section_when), own)
            if allowed != FALSE and self.dd.and_(allowed, available) == FALSE:
                yield self._unoffered(step, self.dd.and_(arriving, section_when), own, available)
                continue
            known = self.context(self.dd.and_(arriving, section_when), own)
            raw = self.dd.and_(self.candidate[i], section_when)
            yield Finding(
                "unreachable",
                step.question.id,
                (*step.entry.path, "when"),
                f"{self.number(i)} is {self._shown(i)} on no walk: "
                f"{self.arrival(known, raw, own, 'its condition')}; correct the "
                "condition or the routing before it",
                questions=(step.question.id,),
            )

    def _shown(self, position: int) -> str:
        return "computed" if position in self.analysis.computing else "shown"

    def _no_example(self, position: int) -> bool:
        """Whether no example respondent is found for the question at ``position`` (for a
        computed value: for the question after it)."""
        if position in self.analysis.computing:
            return self.reach[position] == FALSE
        return self.analysis.example(position) is None

    def _answerless(self, position: int) -> int:
        """Respondents shown the question at ``position`` as far as its condition and
        requiredness go, whatever its rules with messages say (FALSE: none)."""
        dd, logic = self.dd, self.logic
        if position in self.analysis.computing or not logic.checks[position]:
            return FALSE
        step = self.plan.steps[position]
        shown = dd.and_(self.arrive[position], self.when[position])
        required = TRUE if position in self.analysis.skipped else logic.required(step)
        return dd.and_(shown, dd.and_(required, logic.base[position]))

    def _unoffered(self, step: Step, arriving: int, own: int, available: int) -> Finding:
        """A question whose condition may hold but none of whose options (rows) is ever
        offered when it does."""
        i = step.position
        question = step.question
        items = "rows" if isinstance(question, MatrixQuestion | GridQuestion) else "options"
        known = self.context(self.dd.and_(arriving, own), available)
        why = (
            ""
            if known == TRUE
            else f" (the walk arrives here only when {_quote(to_source(self.printer.expr(known)))})"
        )
        return Finding(
            "unoffered",
            step.question.id,
            (*step.entry.path, "id"),
            f"{self.number(i)} is shown on no walk: none of its {items} is ever offered "
            f"when the walk arrives here{why}, and a question without {items} to offer is "
            f"not shown; correct its filter or the conditions of its {items}",
            questions=(step.question.id,),
        )

    def unmeetable_rules(self) -> Iterator[Finding]:
        """Rules (``rules:``) that no answer of a respondent shown the question can meet."""
        dd, logic = self.dd, self.logic
        for step in self.plan.steps:
            i = step.position
            checks = logic.checks[i]
            if not checks:
                continue
            shown = self._answerless(i)
            if shown == FALSE:
                continue
            given = dd.any_(logic.answered(n) for n in step.variables if logic.vars_of(n))
            answering = dd.and_(shown, given)
            if answering == FALSE:
                continue
            for k, check in enumerate(checks):
                if dd.and_(answering, check) != FALSE:
                    continue
                required = getattr(step.question, "required", False)
                stuck = (
                    "; the question is required, so respondents shown it cannot go on"
                    if required
                    else "; respondents shown it can only leave it unanswered"
                )
                if k == len(step_rules(step)):  # the number list's total
                    yield Finding(
                        "unmeetable",
                        step.question.id,
                        (*step.entry.path, "total"),
                        f"the total of {self.number(i)} fails for every answer a "
                        f"respondent shown it can give{stuck}; correct the total or the "
                        "fields' bounds",
                        questions=(step.question.id,),
                    )
                    continue
                yield Finding(
                    "unmeetable",
                    step.question.id,
                    (*step.entry.path, "rules", k, "check"),
                    f"rule {k + 1} of {self.number(i)} fails for every answer a "
                    f"respondent shown it can give{stuck}; correct the rule's check",
                    questions=(step.question.id,),
                )

    def _text_shown(self, piped: Piped) -> tuple[int, int]:
        """Respondents shown the text of ``piped`` (precise), and the question whose
        showing an example respondent is checked against."""
        dd, logic = self.dd, self.logic
        kind = piped.place[:1]
        if kind == ("intro",):
            return self.arrive[0], -1
        if kind == ("section",):
            members = self.members[piped.place[1]]
            seen = [(s.position, self.reach[s.position]) for s in members]
            seen = [(p, r) for p, r in seen if r != FALSE]
            return dd.any_(r for _, r in seen), seen[0][0] if seen else -1
        i = piped.position
        step = self.plan.steps[i]
        if kind == ("rule",):  # its message: shown when an answer breaks the rule
            k = piped.place[1]
            rule = step_rules(step)[k]
            given = dd.any_(logic.answered(n) for n in step.variables if logic.vars_of(n))
            base = dd.and_(dd.and_(self.arrive[i], self.when[i]), logic.base[i])
            return dd.and_(dd.and_(base, given), dd.not_(logic.condition(rule))), i
        shown = self.reach[i]
        if kind in (("option",), ("row",)):
            offered = step_option_when(step).get(piped.place[1])
            shown = dd.and_(shown, logic.condition(offered))
        return shown, i

    def piped_absent(self) -> Iterator[Finding]:
        """Pieces without fallback (``{q}``) whose value may be absent where the text is
        shown: proved on the precise diagrams, illustrated by a respondent whose walk
        shows the text without the value (when qdef finds one; where the answer depends
        on what qdef cannot decide, only a respondent found proves it)."""
        dd, logic = self.dd, self.logic
        for piped in logic.piped:
            shown, question = self._text_shown(piped)
            if shown == FALSE:
                continue
            for name in piped.names:
                missing = dd.and_(shown, dd.not_(logic.answered(name)))
                if missing == FALSE:
                    continue
                undecided = (
                    logic.undecided(missing)
                    or logic.unenumerated(missing)
                    or logic.unanalysed_in(missing)
                )
                example = None
                if question >= 0:
                    example = self.analysis.example(
                        question,
                        where=dd.not_(logic.answered(name)),
                        accept=lambda response, name=name: name not in response,  # type: ignore[misc]
                    )
                if example is None and undecided:  # not proved, and no respondent found
                    yield self._piped_undecided(piped, name, question, missing)
                    continue
                yield self._piped_finding(piped, name, question, example)

    def _piped_undecided(self, piped: Piped, name: str, question: int, missing: int) -> Finding:
        logic = self.logic
        reasons = [
            *(f"comparing answers with each other ({r})" for r in logic.undecided(missing)),
            *logic.unenumerated(missing),
            *(
                f"the condition of '{q}', which qdef did not analyse"
                for q in logic.unanalysed_in(missing)
            ),
        ]
        qid = self.plan.steps[question].question.id if question >= 0 else ""
        return Finding(
            "undecided",
            qid,
            piped.path,
            f"qdef cannot decide whether '{name}', which the text at "
            f"{'.'.join(str(p) for p in piped.path)} inserts without a fallback, is there "
            f"wherever the text is shown: that depends on {'; '.join(reasons)}, and no "
            f"respondent without it was found; write a fallback, {{{piped.source}|…}}, or "
            "check this by hand",
        )

    def _piped_finding(
        self, piped: Piped, name: str, question: int, example: dict[str, Any] | None
    ) -> Finding:
        where = "the instrument's intro"
        if question >= 0:
            where = self.number(question)
        who = ""
        if example is not None:
            numbers = self.numbers
            shown = ", ".join(numbers.get(q, q) for q in walk_ids(self.plan, example, question))
            answers = ", ".join(f"{k}={v!r}" for k, v in sorted(example.items()))
            who = (
                f" (for example a respondent who answers {answers or 'nothing'} and is shown "
                f"{shown})"
            )
        qid = self.plan.steps[question].question.id if question >= 0 else ""
        return Finding(
            "piped-absent",
            qid,
            piped.path,
            f"the text at {'.'.join(str(p) for p in piped.path)} in {where} inserts "
            f"{{{piped.source}}} without a fallback, but '{name}' may be absent where the "
            f"text is shown{who}; write a fallback, {{{piped.source}|…}}, or make sure "
            f"'{name}' is answered on every path to it",
            questions=(qid,) if qid else (),
        )

    def not_analysed(self) -> Iterator[Finding]:
        """The questions left out of the analysis because it outgrew its memory bound."""
        for i in sorted(self.analysis.skipped):
            step = self.plan.steps[i]
            where = "when" if step.own_when is not None else "id"
            yield Finding(
                "not-analysed",
                step.question.id,
                (*step.entry.path, where),
                f"qdef did not analyse the routing at {self.number(i)}: it is too entangled "
                "to analyse within qdef's memory bounds, so whether its condition holds is "
                "taken as unknown and the rules of its answers as unchecked; the rest of the "
                "routing was analysed. Simplify conditions that combine many earlier "
                "answers, or check this question's routing by hand",
                questions=(step.question.id,),
            )

    def _never_arrives(self, step: Step) -> Finding:
        i = step.position
        over: dict[int, list[str]] = {}
        for source, code, target in self.jumps:
            if source < i < target:
                over.setdefault(source, []).append(self._jump(code, target))
        if over:  # the nearest jumps first: they are the likeliest cause
            nearest = sorted(over.items(), reverse=True)
            sources = [f"{self.number(s)} ({', '.join(j)})" for s, j in nearest[:3]]
            more = f", and {len(over) - 3} more" if len(over) > 3 else ""
            why = (
                f"respondents jump past it at {', '.join(sources)}{more}, and no walk "
                "passes through or jumps here"
            )
        else:
            why = "no walk arrives here: the question before it is shown on no walk either"
        return Finding(
            "unreachable",
            step.question.id,
            (*step.entry.path, "id"),
            f"{self.number(i)} is {self._shown(i)} on no walk: {why}; point a goto at it, "
            "change a jump, or remove the question",
            questions=(step.question.id,),
        )

    def _jump(self, code: str | None, target: int) -> str:
        end = target == self.plan.end
        where = "the end" if end else f"'{self.plan.steps[target].question.id}'"
        return f"option '{code}' to {where}" if code is not None else f"goto {where}"

    def _section_never(self, step: Step) -> Finding:
        section = step.entry.section_index
        members = self.members[section]
        # the questions this condition hides; those no walk even arrives at have their own finding
        hidden = tuple(
            s.question.id
            for s in members
            if self.reach[s.position] == FALSE and self.arrive[s.position] != FALSE
        )
        condition = self.logic.condition(step.section_when)
        arriving = self.dd.any_(self.arrive[s.position] for s in members)
        reached = self.context(arriving, condition)
        raw = self.dd.any_(self.candidate[s.position] for s in members)
        sid = self.plan.instrument.sections[section].id
        why = self.arrival(reached, raw, condition, f"the condition of section {sid!r}")
        return Finding(
            "unreachable",
            step.question.id,
            ("sections", section, "when"),
            f"{why}, so "
            f"{', '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} shown on no walk; "
            "correct the condition or the routing before the section",
            questions=hidden,
        )

    def _answers_of(self, node: int, questions: set[str]) -> list[str]:
        """The questions of ``questions`` whose answers ``node`` looks at, in order."""
        if not questions:
            return []
        found = {
            info.question
            for var in self.dd.support(node)
            if (info := self.logic.domains[var].info) is not None and info.question in questions
        }
        return [s.question.id for s in self.plan.steps if s.question.id in found]

    def _unknown(self, step: Step, relies: list[str]) -> Finding:
        what = self.logic.undecided(self.reach[step.position])
        skipped = self.logic.unanalysed_in(self.reach[step.position])
        enumerated = self.logic.unenumerated(self.reach[step.position])
        reasons = []
        if what:
            reasons.append(f"comparing answers with each other ({', '.join(what)})")
        if enumerated:
            reasons.append(f"values qdef cannot enumerate: {'; '.join(enumerated)}")
        if skipped:
            named = ", ".join(self.number(self.plan.position_of(q)) for q in skipped)
            reasons.append(f"whether the condition of {named} holds, which qdef did not analyse")
        if relies:
            named = ", ".join(self.number(self.plan.position_of(q)) for q in relies)
            reasons.append(f"the answers to {named}, which qdef cannot decide either")
        shown = "computed" if step.position in self.analysis.computing else "shown"
        return Finding(
            "undecided" if enumerated else "unknown",
            step.question.id,
            (*step.entry.path, "id"),
            f"qdef cannot decide whether {self.number(step.position)} is ever {shown}: that "
            f"depends on {' and on '.join(reasons)}, and no example respondent was found; "
            "check this routing by hand or add a test",
            questions=(step.question.id,),
        )

    def redundant_conditions(self) -> Iterator[Finding]:
        dd, logic = self.dd, self.logic
        skipped = self.analysis.skipped
        for step in self.plan.steps:
            i = step.position
            if step.own_when is None or i in skipped:
                continue
            arriving = dd.and_(self.arrive[i], logic.condition(step.section_when))
            own = logic.condition(step.own_when)
            if arriving == FALSE or dd.and_(arriving, own) == FALSE:
                continue  # reported as unreachable
            if dd.and_(arriving, dd.not_(own)) == FALSE:
                known = self.context(arriving, own)
                yield Finding(
                    "always-true",
                    step.question.id,
                    (*step.entry.path, "when"),
                    f"{self.always(known, 'this condition', f'at {self.number(i)}')}; "
                    "remove it, or correct it if it should exclude someone",
                    example=partial(self.analysis.example, i),
                    questions=(step.question.id,),
                )
        for s, section in enumerate(self.plan.instrument.sections):
            if section.when is None:
                continue
            members = self.members[s]
            if any(p.position in skipped for p in members):
                continue
            arriving = dd.any_(self.arrive[p.position] for p in members)
            cond = logic.condition(members[0].section_when)
            if dd.and_(arriving, cond) == FALSE:
                continue
            if dd.and_(arriving, dd.not_(cond)) == FALSE:
                known = self.context(arriving, cond)
                what = f"the condition of section '{section.id}'"
                yield Finding(
                    "always-true",
                    members[0].question.id,
                    ("sections", s, "when"),
                    f"{self.always(known, what, 'in it')}; remove it, or "
                    "correct it if it should exclude someone",
                    example=partial(self.analysis.example, members[0].position),
                    questions=tuple(p.question.id for p in members),
                )

    def dead_gotos(self) -> Iterator[Finding]:
        dd, logic = self.dd, self.logic
        for step in self.plan.steps:
            i = step.position
            shown = self.reach[i]
            if shown == FALSE:
                continue
            routed = FALSE
            options = step.question.options if isinstance(step.question, SingleChoice) else []
            for index, option in enumerate(options):
                target = step.option_gotos.get(option.code)
                if target is None:
                    continue
                chosen = dd.and_(shown, logic.is_value(step.question.id, option.code))
                routed = dd.or_(routed, logic.is_value(step.question.id, option.code))
                if chosen == FALSE:
                    continue
                if not self._changes(chosen, target, step.next_default):
                    yield self._dead(
                        step,
                        path=(*step.entry.path, "options", index, "goto"),
                        what=f"the goto of option '{option.code}'",
                        target=target,
                        default=step.next_default,
                        example=partial(self.analysis.example, i, option.code),
                    )
            if step.goto is None:
                continue
            rest = dd.and_(shown, dd.not_(routed))
            if rest != FALSE and not self._changes(rest, step.goto, i + 1):
                yield self._dead(
                    step,
                    path=(*step.entry.path, "goto"),
                    what="this goto",
                    target=step.goto,
                    default=i + 1,
                    example=partial(self.analysis.example, i, ""),
                )

    def _changes(self, arriving: int, target: int, default: int) -> bool:
        """Whether going to ``target`` instead of ``default`` changes some walk that
        arrives with ``arriving``: some question between them would be shown."""
        dd, logic = self.dd, self.logic
        low, high = min(target, default), max(target, default)
        absent: dict[int, int] = {}
        for j in range(low, high):
            step = self.plan.steps[j]
            if dd.and_(dd.restrict(arriving, absent), dd.restrict(self.when[j], absent)) != FALSE:
                return True
            for name in step.variables:
                for var in logic.vars_of(name):
                    absent[var] = 0
        return False

    def _dead(
        self,
        step: Step,
        *,
        path: KeyPath,
        what: str,
        target: int,
        default: int,
        example: Callable[[], dict[str, Any] | None],
    ) -> Finding:
        def name(position: int) -> str:
            return "the end" if position == self.plan.end else self.number(position)

        if target == default:
            why = f"the walk continues at {name(default)} anyway"
        else:
            low, high = sorted((target, default))
            why = (
                f"no question between {name(low)} and {name(high)} is ever shown to "
                "respondents who get here, so the walk is the same with or without it"
            )
        return Finding(
            "dead-goto",
            step.question.id,
            path,
            f"{what} in {self.number(step.position)} changes nothing: {why}; remove it, "
            "or point it where it was meant to go",
            example=example,
            questions=(step.question.id,),
        )
