"""Whole-instrument routing analysis: reaching conditions and findings.

The walk is replayed symbolically. ``candidate[i]`` is the diagram of the
answers under which the walk *arrives* at question ``i``; ``shown[i]`` adds
the question's (and its section's) ``when``. Because jumps only go forward,
one pass in sequence order computes both for every question:

- a shown question sends ``shown ∧ q == code`` to each option's target, and
  the rest to its own ``goto`` or the next question;
- a question that is not shown sends ``candidate ∧ ¬when`` to the next one.

``shown[i]`` is the question's *reaching condition*. It is exact on
responses (answers of questions not shown are absent, as in the walk), and
it is what is printed and what renderers compile.

For decisions (is a question ever shown? does a condition always hold?) a
second, *precise* pass also records that the answers of questions a walk
passes without showing, or jumps over, are absent; without this, answers a
respondent can never give together would look possible. It keeps only the
variables that later routing still looks at (the others are quantified
away), which keeps its diagrams small; so does the path counting built on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from qdef.expr.nodes import Expr
from qdef.expr.printer import to_source
from qdef.model import SingleChoice
from qdef.routing.answers import problems
from qdef.routing.dd import FALSE, TRUE, Budget
from qdef.routing.logic import Logic
from qdef.routing.plan import Plan, Step
from qdef.routing.printing import Printer
from qdef.routing.walk import walk
from qdef.sourcemap import KeyPath

FindingKind = Literal["unreachable", "always-true", "dead-goto", "unknown"]

#: Diagnostic codes of the findings.
CODES: dict[FindingKind, str] = {
    "unreachable": "QD601",
    "always-true": "QD602",
    "dead-goto": "QD603",
    "unknown": "QD604",
}


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
    witness: dict[str, Any] | None = None
    """For ``unknown``: nothing; otherwise, where a respondent illustrates the
    finding (e.g. the answers that reach a question whose condition always holds)."""
    questions: tuple[str, ...] = field(default=())
    """Every question the finding concerns (a section's condition may hide several)."""

    @property
    def code(self) -> str:
        return CODES[self.kind]


_MAX_SHOWN = 240  # characters of a condition quoted in a message


def _quote(source: str) -> str:
    return source if len(source) <= _MAX_SHOWN else source[: _MAX_SHOWN - 1] + "…"


class Analysis:
    """The routing of one instrument, analysed once."""

    def __init__(self, plan: Plan, max_nodes: int = 2_000_000) -> None:
        self.plan = plan
        self.logic = Logic(plan, max_nodes)
        self.dd = self.logic.dd
        self.printer = Printer(self.logic)
        steps = plan.steps
        self.when = [self.logic.condition(step.when) for step in steps]
        self.must = [
            self.dd.and_(self.logic.required(step), self.logic.constraints[step.position])
            for step in steps
        ]
        """What a respondent shown each question answers: required questions, and answers
        that obey the question's rules (exclusive options, min/max choices …)."""
        self.candidate, self.shown = self._propagate()
        self._numbers = plan.instrument.numbers()
        self.members: list[list[Step]] = [[] for _ in plan.instrument.sections]
        """The questions of each section."""
        for step in steps:
            self.members[step.entry.section_index].append(step)
        self._liveness()
        self.jumps: list[tuple[int, str | None, int]] = []
        """The jumps some respondent takes: (from, option code or None, to)."""
        self.arrive, self.reach = self._precise()

    # ------------------------------------------------------------------ propagation

    def routes_out(self, step: Step, shown: int) -> Iterator[tuple[str | None, int, int]]:
        """Where the walk goes after ``step`` is shown under ``shown``: for each option
        with a goto (its code), then for the rest (None), the target and the diagram."""
        dd, logic = self.dd, self.logic
        rest = shown
        for code, target in step.option_gotos.items():
            chosen = logic.is_value(step.question.id, code)
            yield code, target, dd.and_(shown, chosen)
            rest = dd.and_(rest, dd.not_(chosen))
        yield None, step.next_default, rest

    def _propagate(self) -> tuple[list[int], list[int]]:
        dd = self.dd
        end = self.plan.end
        candidate = [FALSE] * (end + 1)
        shown = [FALSE] * end
        candidate[0] = TRUE
        for step in self.plan.steps:
            i = step.position
            here = candidate[i]
            if here == FALSE:
                continue
            when = self.when[i]
            shown[i] = dd.and_(here, when)
            if when != TRUE:
                candidate[i + 1] = dd.or_(candidate[i + 1], dd.and_(here, dd.not_(when)))
            if shown[i] != FALSE:
                for _, target, flow in self.routes_out(step, shown[i]):
                    if flow != FALSE:
                        candidate[target] = dd.or_(candidate[target], flow)
        return candidate, shown

    # ------------------------------------------------------------------ the precise pass

    def _liveness(self) -> None:
        """When each diagram variable is last needed: by a ``when`` (``when_last``) or by
        the option gotos of its own question (``goto_last``)."""
        logic = self.logic
        size = len(logic.domains)
        self.when_last = [-1] * size
        self.goto_last = [-1] * size
        self.vars_at: list[list[int]] = []
        for step in self.plan.steps:
            for var in self.dd.support(self.when[step.position]):
                self.when_last[var] = max(self.when_last[var], step.position)
            if step.option_gotos:
                for var in logic.vars_of(step.question.id):
                    self.goto_last[var] = step.position
            self.vars_at.append([v for name in step.variables for v in logic.vars_of(name)])

    def needed_on_arrival(self, var: int, position: int) -> bool:
        """Whether ``var`` matters to a walk arriving at ``position`` (as candidate)."""
        return self.when_last[var] >= position or self.goto_last[var] >= position

    def needed_after_showing(self, var: int, position: int) -> bool:
        """Whether ``var`` matters once the question at ``position`` has been shown."""
        return self.when_last[var] > position or self.goto_last[var] >= position

    def absent(self, low: int, high: int, target: int) -> int:
        """The answers of the questions ``low`` … ``high - 1`` are absent (as far as
        anything from ``target`` on looks at them)."""
        dd = self.dd
        result = TRUE
        for position in range(low, min(high, self.plan.end)):
            for var in self.vars_at[position]:
                if self.needed_on_arrival(var, target):
                    result = dd.and_(result, dd.literal(var, [0]))
        return result

    def into(self, flow: int, low: int, target: int) -> int:
        """``flow`` arriving at ``target``, the questions ``low`` … ``target - 1`` passed
        unshown: their answers absent, variables no longer needed dropped."""
        dd = self.dd
        flow = dd.and_(flow, self.absent(low, target, target))
        return dd.exists(flow, lambda var: not self.needed_on_arrival(var, target))

    def leave(self, step: Step, shown: int) -> Iterator[tuple[str | None, int, int]]:
        """Precise flows out of a shown question: (option code or None, target, diagram
        on arrival at the target); impossible flows are left out."""
        for code, target, flow in self.routes_out(step, shown):
            if flow != FALSE:
                arriving = self.into(flow, step.position + 1, target)
                if arriving != FALSE:
                    yield code, target, arriving

    def pass_by(self, position: int, arriving: int) -> tuple[int, int]:
        """The precise diagrams of showing the candidate at ``position``, and of passing it."""
        dd = self.dd
        when = self.when[position]
        shown = dd.and_(dd.and_(arriving, when), self.must[position])
        passed = FALSE
        if when != TRUE:
            passed = dd.and_(arriving, dd.not_(when))
            if passed != FALSE:
                passed = self.into(passed, position, position + 1)
        return shown, passed

    def _precise(self) -> tuple[list[int], list[int]]:
        dd = self.dd
        end = self.plan.end
        arrive = [FALSE] * (end + 1)
        reach = [FALSE] * end
        arrive[0] = TRUE
        for step in self.plan.steps:
            i = step.position
            if arrive[i] == FALSE:
                continue
            reach[i], passed = self.pass_by(i, arrive[i])
            if passed != FALSE:
                arrive[i + 1] = dd.or_(arrive[i + 1], passed)
            if reach[i] != FALSE:
                for code, target, flow in self.leave(step, reach[i]):
                    arrive[target] = dd.or_(arrive[target], flow)
                    if target > i + 1:
                        self.jumps.append((i, code, target))
        return arrive, reach

    # ------------------------------------------------------------------ reading

    def reaching(self, question: str) -> Expr:
        """The condition under which ``question`` is shown, as a syntax tree."""
        return self.printer.expr(self.shown[self.plan.position_of(question)])

    def reaching_source(self, question: str) -> str:
        return to_source(self.reaching(question))

    def number(self, position: int) -> str:
        """How messages name the question at ``position``: ``question 7 'umsetzungsphase'``."""
        question = self.plan.steps[position].question
        number = self._numbers.get(question.id)
        return f"question {number} '{question.id}'" if number else f"display '{question.id}'"

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

    def witness(self, question: str) -> dict[str, Any] | None:
        """A response whose walk shows ``question``, checked by walking; None when the
        question is shown on no walk, or no example was found (see :meth:`findings`)."""
        return self._witness(self.plan.position_of(question))

    def _witness(
        self, position: int, chosen: str | None = None, tries: int = 64
    ) -> dict[str, Any] | None:
        """Answers whose walk shows the question at ``position`` (having chosen the
        option ``chosen``, or "" for an option that does not route), checked by walking."""
        dd, logic = self.dd, self.logic
        step = self.plan.steps[position]
        node = dd.and_(self.shown[position], logic.rules_for(self.shown[position]))
        if chosen:
            node = dd.and_(node, logic.is_value(step.question.id, chosen))
        elif chosen == "":
            for code in step.option_gotos:
                node = dd.and_(node, dd.not_(logic.is_value(step.question.id, code)))
        for path in itertools.islice(dd.paths(node), tries):
            for answers in self._concretes(path):
                if problems(self.plan, answers):
                    continue
                result = walk(self.plan, answers, check=False)
                if position not in result.positions:
                    continue
                picked = result.response.get(step.question.id)
                if (
                    chosen is None
                    or picked == chosen
                    or (chosen == "" and picked not in step.option_gotos)
                ):
                    return result.response
        return None

    def _concretes(self, path: dict[int, int], limit: int = 512) -> Iterator[dict[str, Any]]:
        """The answers a diagram path stands for; where opaque comparisons are on the
        path, also nearby values of the variables they compare."""
        base = self.logic.answers_for(path)
        yield base
        opaque = [self.logic.domains[v].opaque for v in path if self.logic.domains[v].opaque]
        names = sorted({n for e in opaque if e is not None for n in _names(e)})
        if not names:
            return
        choices = [self._nearby(name) for name in names]
        for values in itertools.islice(itertools.product(*choices), limit):
            answers = dict(base)
            for name, value in zip(names, values, strict=True):
                if value is None:
                    answers.pop(name, None)
                else:
                    answers[name] = value
            yield answers

    def _nearby(self, name: str) -> list[Any]:
        domain = self.logic.domains_of(name)
        values: list[Any] = list(domain.values)
        kind = domain.info.kind if domain.info else ""
        if kind == "number":
            values += [v + d for v in domain.values[1:] for d in (-1, 1, 0.5)]
        elif kind == "text":
            values += ["a", "b"]
        return list(dict.fromkeys(values))

    # ------------------------------------------------------------------ findings

    def findings(self) -> list[Finding]:
        """Unreachable questions, conditions that always hold, gotos that change nothing,
        and questions whose reachability cannot be decided."""
        found: list[Finding] = []
        found.extend(self._reachability())
        found.extend(self._redundant_conditions())
        found.extend(self._dead_gotos())
        return found

    def _reachability(self) -> Iterator[Finding]:
        plan = self.plan
        sections_reported: set[int] = set()
        for step in plan.steps:
            i = step.position
            if self.reach[i] != FALSE:
                undecided = self.logic.opaque_in(self.reach[i]) or self.logic.inexact
                if undecided and self._witness(i) is None:
                    yield self._unknown(step)
                continue
            if self.arrive[i] == FALSE:
                yield self._never_arrives(step)
                continue
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
            known = self.context(self.dd.and_(arriving, section_when), own)
            raw = self.dd.and_(self.candidate[i], section_when)
            yield Finding(
                "unreachable",
                step.question.id,
                (*step.entry.path, "when"),
                f"{self.number(i)} is shown on no walk: "
                f"{self.arrival(known, raw, own, 'its condition')}; correct the "
                "condition or the routing before it",
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
            f"{self.number(i)} is shown on no walk: {why}; point a goto at it, "
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

    def _unknown(self, step: Step) -> Finding:
        compared = self.logic.opaque_in(self.reach[step.position])
        what = ", ".join(to_source(e) for e in compared) or "the order of date-range ends"
        return Finding(
            "unknown",
            step.question.id,
            (*step.entry.path, "id"),
            f"qdef cannot decide whether {self.number(step.position)} is ever shown: that "
            f"depends on comparing answers with each other ({what}), and no example "
            "respondent was found; check this routing by hand or add a test",
            questions=(step.question.id,),
        )

    def _redundant_conditions(self) -> Iterator[Finding]:
        dd, logic = self.dd, self.logic
        for step in self.plan.steps:
            i = step.position
            if step.own_when is None:
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
                    witness=self._witness(i),
                    questions=(step.question.id,),
                )
        for s, section in enumerate(self.plan.instrument.sections):
            if section.when is None:
                continue
            members = self.members[s]
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
                    witness=self._witness(members[0].position),
                    questions=tuple(p.question.id for p in members),
                )

    def _dead_gotos(self) -> Iterator[Finding]:
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
                        witness=self._witness(i, option.code),
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
                    witness=self._witness(i, ""),
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
        witness: dict[str, Any] | None,
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
            witness=witness,
            questions=(step.question.id,),
        )


def _names(expr: Expr) -> list[str]:
    from qdef.expr.nodes import Ref, walk  # noqa: PLC0415

    return [n.name for n in walk(expr) if isinstance(n, Ref)]


__all__ = ["CODES", "Analysis", "Budget", "Finding", "FindingKind"]
