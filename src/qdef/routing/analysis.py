"""Whole-instrument routing analysis: reaching conditions, the precise pass that
findings (:mod:`.findings`) and path counting (:mod:`.paths`) decide on, and
example respondents.

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
passes without showing, or jumps over, are absent, that shown required
questions are answered and that answers obey their question's rules; without
this, answers a respondent can never give together would look possible. It
keeps only the
variables that later routing still looks at (the others are quantified
away), which keeps its diagrams small; so does the path counting built on it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from typing import Any

from qdef.expr.nodes import Expr, Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.printer import to_source
from qdef.memo import PerInstrument
from qdef.model import Instrument
from qdef.routing.answers import problems
from qdef.routing.dd import FALSE, MAX_NODES, TRUE, Budget
from qdef.routing.findings import Finding, find
from qdef.routing.logic import Logic
from qdef.routing.plan import Plan, Step, plan_for
from qdef.routing.printing import Printer
from qdef.routing.walk import walk


class Analysis:
    """The routing of one instrument, analysed once."""

    def __init__(self, plan: Plan, max_nodes: int = MAX_NODES) -> None:
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

    def shown_next(self, frontier: dict[int, int]) -> Iterator[tuple[int, int]]:
        """Follow precise flows arriving at the positions of ``frontier`` over the questions
        they may pass unshown: (position, diagram of showing it) for each question shown
        next, in sequence order, and (end, diagram) where the walk can end."""
        dd, end = self.dd, self.plan.end
        frontier = dict(frontier)
        heap = list(frontier)
        heapq.heapify(heap)
        while heap:
            at = heapq.heappop(heap)
            arriving = frontier.pop(at)
            if at == end:
                yield end, arriving
                continue
            shown, passed = self.pass_by(at, arriving)
            if shown != FALSE:
                yield at, shown
            if passed != FALSE:
                if at + 1 not in frontier:
                    heapq.heappush(heap, at + 1)
                frontier[at + 1] = dd.or_(frontier.get(at + 1, FALSE), passed)

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

    def witness(self, question: str) -> dict[str, Any] | None:
        """A response whose walk shows ``question``, checked by walking; None when the
        question is shown on no walk, or no example was found (see :meth:`findings`)."""
        return self.example(self.plan.position_of(question))

    def example(
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
        return find(self)


def _names(expr: Expr) -> list[str]:
    return [n.name for n in nodes(expr) if isinstance(n, Ref)]


_analyses: PerInstrument[Analysis] = PerInstrument(lambda i: Analysis(plan_for(i)), size=4)


def analysis_for(instrument: Instrument) -> Analysis:
    """The analysis of ``instrument``, remembered for the last few instruments (so that
    validating and rendering one instrument analyse it once). Raises :class:`Budget`."""
    return _analyses(instrument)


__all__ = ["Analysis", "Budget", "analysis_for"]
