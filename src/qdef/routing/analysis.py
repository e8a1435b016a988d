"""Whole-instrument routing analysis: reaching conditions, the precise pass that
findings (:mod:`.verdicts`) and path counting (:mod:`.pathsets`) decide on, and
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
questions are answered, that answers obey their question's rules (and its
``rules:``, and were offered), and what computed values are; without
this, answers a respondent can never give together would look possible. It
keeps only the
variables that later routing still looks at (the others are quantified
away), which keeps its diagrams small; so does the path counting built on it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from qdef.expr.nodes import Answered, Arith, Call, Compare, Expr, Literal, Neg, Not, Or, Over, Ref
from qdef.expr.nodes import walk as nodes
from qdef.expr.printer import to_source
from qdef.expr.template import Template
from qdef.routing import evaluate
from qdef.routing.answers import problems
from qdef.routing.dd import FALSE, MAX_NODES, TRUE, Budget, working_on
from qdef.routing.evaluate import holds
from qdef.routing.interpreter import walk_until
from qdef.routing.logic import (
    Logic,
    aggregates,
    from_ordinal,
    step_checks,
    step_option_when,
    to_ordinal,
)
from qdef.routing.plan import Plan, Step
from qdef.routing.printing import Printer
from qdef.routing.verdicts import Finding, find
from qdef.source.positions import KeyPath


class Analysis:
    """The routing of one instrument, analysed once."""

    #: Diagram nodes one search for an example respondent may add (see :meth:`example`).
    EXAMPLE_NODES = 50_000
    #: Candidate answer sets (and values tried for their compared answers) one search
    #: for an example respondent may look at, over all the diagram paths it reads: a
    #: bound on its time, whatever the conditions (aggregates over rosters, opaque
    #: comparisons) make of the search; a question without an example found within it
    #: stays undecided (QD607), never wrongly judged.
    EXAMPLE_CANDIDATES = 4096
    #: Candidates all those searches together may look at: this many, and as many again
    #: per question of the instrument (so the bound grows with the instrument, linearly).
    EXAMPLE_CANDIDATES_PER_QUESTION = 256
    #: The share of the diagram budget all those searches together may add: the
    #: diagram keeps what they built, so without it a dozen failed searches would
    #: leave nothing for the findings still to come.
    EXAMPLE_SHARE = 0.2

    def __init__(
        self,
        plan: Plan,
        max_nodes: int = MAX_NODES,
        skipped: frozenset[int] = frozenset(),
        templates: Mapping[KeyPath, Template] | None = None,
    ) -> None:
        self.plan = plan
        self._example_allowance = int(max_nodes * self.EXAMPLE_SHARE)
        self._candidates = self.EXAMPLE_CANDIDATES_PER_QUESTION * (len(plan.steps) + 16)
        """Candidates the searches for example respondents may still look at."""
        self.skipped = skipped
        """Questions whose conditions and rules were not analysed (see :func:`analyse`)."""
        self.logic = Logic(plan, max_nodes, skipped, templates)
        self.dd = self.logic.dd
        self.computing = frozenset(
            step.position for step in plan.steps if step.question.id in self.logic.computed
        )
        """The positions of computed values (never shown; the walk computes them)."""
        self.printer = Printer(self.logic)
        steps = plan.steps
        self.when: list[int] = []
        self.must: list[int] = []
        for step in steps:
            with working_on(step.position):
                when = self.logic.condition(step.when)
                entered = self.logic.entered.get(step.position)
                if entered is not None:  # a roster's step: only in an iteration
                    when = self.dd.and_(when, self.logic.condition(entered))
                self.when.append(when)
                required = TRUE if step.position in skipped else self.logic.required(step)
                self.must.append(self.dd.and_(required, self.logic.constraints[step.position]))
        """What a respondent shown each question answers: required questions, and answers
        that obey the question's rules (exclusive options, min/max choices …)."""
        self.guards = {
            position: self.logic.condition(guard) for position, guard in self.logic.guard.items()
        }
        """Position of a roster's first step -> what arriving there implies (the item of
        the iteration analysed is one of the source's, where there is one)."""
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
        end = self.plan.end
        candidate = [FALSE] * (end + 1)
        shown = [FALSE] * end
        candidate[0] = TRUE
        for step in self.plan.steps:
            with working_on(step.position):
                self._propagate_step(step, candidate, shown)
        return candidate, shown

    def _propagate_step(self, step: Step, candidate: list[int], shown: list[int]) -> None:
        dd = self.dd
        i = step.position
        here = candidate[i]
        if here == FALSE:
            return
        when = self.when[i]
        shown[i] = dd.and_(here, when)
        if when != TRUE:
            candidate[i + 1] = dd.or_(candidate[i + 1], dd.and_(here, dd.not_(when)))
        if shown[i] != FALSE:
            for _, target, flow in self.routes_out(step, shown[i]):
                if flow != FALSE:
                    candidate[target] = dd.or_(candidate[target], flow)

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
            i = step.position
            own = {v for name in step.variables for v in logic.vars_of(name)}
            if step.question.id in logic.computed:
                own.update(logic.vars_of(step.question.id))
            # what its condition reads, and the earlier answers its rules, the offering of
            # its options and (for a computed value) its definition read
            looked_at = self.dd.support(self.when[i])
            if step_checks(step) or step_option_when(step) or i in self.computing:
                looked_at |= self.dd.support(self.must[i]) - own  # (other musts: own answers)
            for var in looked_at:
                self.when_last[var] = max(self.when_last[var], i)
            if step.option_gotos:
                for var in logic.vars_of(step.question.id):
                    self.goto_last[var] = i
            if i in self.guards:  # arriving at a roster: its source ties its item
                for var in self.dd.support(self.guards[i]):
                    self.when_last[var] = max(self.when_last[var], i)
            self.vars_at.append(sorted(own))
        last: dict[int, int] = {}
        for step in self.plan.steps:
            last[step.entry.section_index] = step.position
        for piped in logic.piped:  # a piped value must be known where its text is shown
            until = last[piped.place[1]] if piped.place[:1] == ("section",) else piped.position
            for name in piped.names:
                for var in logic.vars_of(name):
                    self.when_last[var] = max(self.when_last[var], until)

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
        arriving = self.enter(position, arriving)
        when = self.when[position]
        shown = dd.and_(dd.and_(arriving, when), self.must[position])
        passed = FALSE
        if when != TRUE:
            passed = dd.and_(arriving, dd.not_(when))
            if passed != FALSE:
                passed = self.into(passed, position, position + 1)
        if position in self.computing and shown != FALSE:
            # a computed value is never shown: the walk computes it and goes on
            kept = dd.exists(shown, lambda var: not self.needed_on_arrival(var, position + 1))
            return FALSE, dd.or_(passed, kept)
        return shown, passed

    def enter(self, position: int, arriving: int) -> int:
        """``arriving`` at ``position``, with what arriving at a roster implies."""
        guard = self.guards.get(position)
        return arriving if guard is None else self.dd.and_(arriving, guard)

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

    def start(self) -> int:
        """What the walk starts with: a hidden variable with a default always has a value
        (the one given from outside, or the default)."""
        logic = self.logic
        return self.dd.all_(
            logic.answered(info.name)
            for info in logic.hidden.values()
            if info.node.default is not None and logic.vars_of(info.name)
        )

    def _precise(self) -> tuple[list[int], list[int]]:
        dd = self.dd
        end = self.plan.end
        arrive = [FALSE] * (end + 1)
        reach = [FALSE] * end
        arrive[0] = self.start()
        for step in self.plan.steps:
            i = step.position
            if arrive[i] == FALSE:
                continue
            with working_on(i):
                arrive[i] = self.enter(i, arrive[i])
                if i in self.computing:  # computed where its condition holds
                    reach[i] = dd.and_(dd.and_(arrive[i], self.when[i]), self.must[i])
                    _, passed = self.pass_by(i, arrive[i])
                    arrive[i + 1] = dd.or_(arrive[i + 1], passed)
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
        self,
        position: int,
        chosen: str | None = None,
        tries: int = 64,
        *,
        where: int = TRUE,
        accept: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any] | None:
        """Answers whose walk shows the question at ``position`` (having chosen the
        option ``chosen``, or "" for an option that does not route), checked by walking;
        with ``where`` on the way (a diagram of the answers) and, when given, a response
        that ``accept`` accepts."""
        dd, logic = self.dd, self.logic
        step = self.plan.steps[position]
        node = dd.and_(self.shown[position], where)
        node = dd.and_(node, logic.rules_for(node))
        if where != TRUE:  # the questions it looks at answered as they must be, if shown
            positions = {
                info.position
                for var in dd.support(node)
                if (info := logic.domains[var].info) is not None and 0 <= info.position < position
            }
            for p in sorted(positions):
                node = dd.and_(node, dd.or_(dd.not_(self.shown[p]), self.must[p]))
        if chosen:
            node = dd.and_(node, logic.is_value(step.question.id, chosen))
        elif chosen == "":
            for code in step.option_gotos:
                node = dd.and_(node, dd.not_(logic.is_value(step.question.id, code)))
        found = self._example(node, position, chosen, tries, accept)
        if found is None and self.logic.rosters:
            hinted = self._iterations(node)
            if hinted not in (node, FALSE):
                found = self._example(hinted, position, chosen, tries, accept)
        if found is None:
            # the answers on a path may exist only for respondents shown questions the
            # path says nothing about (``b >= a`` where b has a condition); the search
            # for them gets a share of the diagram budget of its own, so that running
            # out of it costs this example, not the findings still to come
            allowance = min(self.EXAMPLE_NODES, self._example_allowance)
            if allowance <= 0:
                return None
            bound, before = dd.max_nodes, dd.node_count()
            dd.max_nodes = min(bound, before + allowance)
            try:
                found = self._example(self.responses(node), position, chosen, tries, accept)
            except Budget:
                return None
            finally:
                dd.max_nodes = bound
                self._example_allowance -= dd.node_count() - before
        return found

    def _iterations(self, node: int) -> int:
        """``node`` with, for each aggregate over a roster it depends on, an iteration in
        which the aggregate's body holds (``any(age >= 18)``: an iteration shown the
        question with ``age >= 18``): the answers an example respondent's records need,
        which the diagrams after the roster no longer hold. (Only a hint for the search:
        every example is checked by walking.)"""
        dd, logic = self.dd, self.logic
        result = node
        for var in dd.support(node):
            domain = logic.domains[var]
            if domain.opaque is None or domain.reason is None:
                continue
            for over in aggregates(domain.opaque):
                body = over.body
                condition = Answered(body) if isinstance(body, Ref) else body
                if isinstance(condition, Arith | Neg | Call | Over | Literal):
                    continue
                names = [n.name for n in nodes(body) if isinstance(n, Ref)]
                infos = [i for n in names if (i := logic.info(n)) is not None and i.roster]
                if not infos:
                    continue
                try:
                    inside = dd.and_(logic.condition(condition), self.reach[infos[-1].position])
                except (Budget, KeyError, AssertionError):
                    continue
                if inside != FALSE and dd.and_(result, inside) != FALSE:
                    result = dd.and_(result, inside)
        return result

    def responses(self, node: int) -> int:
        """``node`` restricted to answer sets a walk can keep: an answer exists only if
        its question is shown (and a follow-up's option chosen), for the answers ``node``
        looks at, and in turn for those the conditions of their questions look at."""
        dd, logic, plan = self.dd, self.logic, self.plan
        done: set[int] = set()
        while True:
            positions = {
                info.position
                for var in dd.support(node)
                if (info := logic.domains[var].info) is not None
                and info.position not in done
                and info.position >= 0
            }
            if not positions:
                return node
            for p in sorted(positions, reverse=True):
                done.add(p)
                step = plan.steps[p]
                for name in step.variables:
                    if not logic.vars_of(name):
                        continue
                    allowed = self.shown[p]
                    option = plan.variables[name].option
                    if option is not None and step.question.id in logic.var_of:
                        allowed = dd.and_(allowed, logic.is_value(step.question.id, option))
                    elif option is not None and (step.question.id, option) in logic.bits:
                        chosen = dd.literal(logic.bits[(step.question.id, option)], [1])
                        allowed = dd.and_(allowed, chosen)
                    node = dd.and_(node, dd.or_(dd.not_(logic.answered(name)), allowed))

    def _example(
        self,
        node: int,
        position: int,
        chosen: str | None,
        tries: int,
        accept: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any] | None:
        step = self.plan.steps[position]
        allowed = min(self.EXAMPLE_CANDIDATES, self._candidates)
        work = [allowed]  # shared by every path's candidates
        try:
            return self._search(node, position, chosen, tries, accept=accept, step=step, work=work)
        finally:
            self._candidates -= allowed - max(work[0], 0)

    def _search(
        self,
        node: int,
        position: int,
        chosen: str | None,
        tries: int,
        *,
        accept: Callable[[dict[str, Any]], bool] | None,
        step: Step,
        work: list[int],
    ) -> dict[str, Any] | None:
        for path in itertools.islice(self.dd.paths(node), tries):
            if work[0] <= 0:
                return None
            for answers in self._concretes(path, work):
                work[0] -= 1
                if problems(self.plan, answers):
                    continue
                # walked only as far as the answers go: the rest of the walk keeps none
                info = self.logic.info
                stop = max(
                    (found.position for name in answers if (found := info(name)) is not None),
                    default=0,
                )
                shown, response = walk_until(self.plan, answers, max(stop, position) + 1)
                if position not in shown:
                    continue
                if accept is not None and not accept(response):
                    continue
                if chosen is None or any(
                    picked == chosen or (chosen == "" and picked not in step.option_gotos)
                    for picked in _picked(step, response)
                ):
                    return response
        return None

    def _concretes(
        self, path: dict[int, int], work: list[int], limit: int = 512
    ) -> Iterator[dict[str, Any]]:
        """The answers a diagram path stands for; where opaque comparisons are on the
        path, values of the answers they compare, near the representatives of the
        compared answers, that make each comparison come out as the path says. Each
        value tried takes one from ``work`` (shared with the caller, which takes one for
        each answer set it checks); none is tried when it is used up."""
        logic = self.logic
        base = self._with_options(logic.answers_for(path))
        shapes = self._shapes()
        yield from (shape(base) for shape in shapes)
        wanted: list[tuple[Callable[[dict[str, Any]], bool], list[str]]] = []
        for var, value in path.items():
            domain = logic.domains[var]
            if domain.opaque is not None and domain.skipped is None:
                wanted.append(
                    (partial(_comes_out, domain.opaque, value == 1), self._base(domain.opaque))
                )
            elif domain.reason is not None and domain.info is not None:  # a computed value
                name = domain.info.name
                expr = logic.computed[name]
                wanted.append((partial(self._computes_to, name, value), self._base(expr)))
        for question, start, end in logic.ranges:  # a date range's ends are in order
            if start in path and end in path:
                first, last = Ref(f"{question}.from"), Ref(f"{question}.to")
                ordered = Or(
                    (Not(Answered(first)), Not(Answered(last)), Compare("<=", first, last))
                )
                wanted.append((partial(_comes_out, ordered, True), [first.name, last.name]))
        names = sorted({n for _, used in wanted for n in used if n in logic.var_of})
        if not names:
            return
        computing = self._written_numbers(path)
        choices = []
        for name in names:
            var = logic.var_of[name]
            region = path.get(var)  # the path keeps the answer in its region of the domain
            choices.append(
                [
                    v
                    for v in self._nearby(name, names, computing)
                    if region is None or logic.index_of(name, v) == region
                ]
            )
        assigned: dict[str, Any] = {}
        budget = [limit * 2]  # assignments tried, a bound on the search

        def fits(name: str) -> bool:
            """The comparisons all of whose answers are assigned, ``name`` among them,
            come out as the path says."""
            for check, used in wanted:
                if name in used and all(n in assigned or n not in names for n in used):
                    present = {n: v for n, v in base.items() if n not in assigned}
                    present.update((n, v) for n, v in assigned.items() if v is not None)
                    if not any(check(self._computed_values(shape(present))) for shape in shapes):
                        return False
            return True

        def search(k: int) -> Iterator[dict[str, Any]]:
            if k == len(names):
                answers = dict(base)
                for name, value in assigned.items():
                    if value is None:
                        answers.pop(name, None)
                    else:
                        answers[name] = value
                yield from (shape(answers) for shape in shapes)
                return
            for value in choices[k]:
                if budget[0] <= 0 or work[0] <= 0:
                    return
                budget[0] -= 1
                work[0] -= 1
                assigned[names[k]] = value
                if fits(names[k]):
                    yield from search(k + 1)
                del assigned[names[k]]

        yield from itertools.islice(search(0), limit)

    def _shapes(self) -> list[Callable[[dict[str, Any]], dict[str, Any]]]:
        """The ways to give the answers of a diagram path as an answer set: as they are,
        or, with rosters, in one iteration's record, or in every iteration's."""
        if not self.logic.rosters:
            return [_same]
        return [self._records, partial(self._records, every=True)]

    def _records(self, answers: dict[str, Any], every: bool = False) -> dict[str, Any]:
        """``answers`` of the one iteration the diagrams look at as an answer set: the
        answers of each roster's variables moved into the record of the iteration whose
        item the path chose (earlier iterations with no answers), the source made to
        have that item; with ``every``, the source has every item it can, and each
        iteration the same answers (what an aggregate such as ``count(age) >= 2``
        needs)."""
        logic = self.logic
        result = dict(answers)
        for roster in logic.rosters.values():
            names = [
                name
                for name in answers
                if (info := logic.info(name)) is not None and info.roster == roster.id
            ]
            if not names:
                continue
            record = {n: result.pop(n) for n in names if n != roster.item}
            item = result.pop(roster.item, None)
            index, size = 0, len(roster.slots)
            if roster.kind == "choices":
                chosen = list(result.get(roster.source) or ())
                if item is None:
                    item = chosen[0] if chosen else str(roster.slots[0])
                if item not in chosen:
                    chosen.append(item)
                codes = [str(c) for c in roster.slots]
                chosen = [c for c in codes if c in chosen]
                if every:
                    chosen = codes
                result[roster.source] = chosen
                index = chosen.index(item)
            elif roster.kind == "times":
                # an item (and a count) past the declared maximum is no iteration: the
                # search tries numbers orders of magnitude apart, records are made of it
                number = min(max(int(item), 1), roster.max) if isinstance(item, int | float) else 1
                given = result.get(roster.source)
                if every:
                    most = getattr(logic.info(roster.source), "node", None)
                    given = min(roster.max, getattr(most, "max", None) or roster.max)
                    result[roster.source] = given
                if not isinstance(given, int | float) or given < number:
                    result[roster.source] = given = number
                index, size = number - 1, min(int(given), roster.max)
            else:  # a text list: the item is the first answered field's text
                fields = [str(f) for f in roster.slots]
                answered = [f for f in fields if result.get(f)]
                if not answered:
                    result[fields[0]] = item if isinstance(item, str) and item else "…"
                elif isinstance(item, str) and item:
                    result[answered[0]] = item
                if every:
                    for field in fields:
                        result.setdefault(field, result.get(answered[0]) if answered else "…")
            records: list[dict[str, Any]] = [*({} for _ in range(index)), record]
            if every:
                records = [dict(record) for _ in range(size)]
            result[roster.id] = records
        return result

    def _written_numbers(self, path: dict[int, int]) -> list[Any]:
        """The numbers the atoms that compute on ``path`` are written with (answers near
        them are tried for the answers they read)."""
        logic = self.logic
        written: list[Expr] = []
        for var in path:
            domain = logic.domains[var]
            if domain.opaque is not None:
                written.append(domain.opaque)
            elif domain.info is not None and domain.info.name in logic.computed:
                written.append(logic.computed[domain.info.name])
        return sorted(
            {
                node.value
                for expr in written
                for node in nodes(expr)
                if isinstance(node, Literal)
                and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)
            }
        )

    def _base(self, expr: Expr) -> list[str]:
        """The answers ``expr`` reads, through the computed values it reads."""
        logic = self.logic
        found: dict[str, None] = {}
        stack = [expr]
        while stack:
            now = stack.pop()
            inside = [  # an aggregate reads its roster's answers (of every iteration)
                n.name for over in aggregates(now) for n in nodes(over.body) if isinstance(n, Ref)
            ]
            for name in [*logic.reads(now), *inside]:
                if name in logic.computed:
                    stack.append(logic.computed[name])
                else:
                    found.setdefault(name, None)
        return list(found)

    def _computed_values(self, answers: dict[str, Any]) -> dict[str, Any]:
        """``answers`` with the computed values computed on them (in sequence order)."""
        logic = self.logic
        if not logic.computed:
            return answers
        response = dict(answers)
        parts = self.plan.parts
        for name, expr in logic.computed.items():
            found = evaluate.value(expr, response, parts=parts)
            if found is not None:
                response[name] = found
        return response

    def _computes_to(self, name: str, value: int, response: dict[str, Any]) -> bool:
        """Whether the computed value ``name`` falls in its domain's value ``value``."""
        return self.logic.index_of(name, response.get(name)) == value

    def _with_options(self, answers: dict[str, Any]) -> dict[str, Any]:
        """``answers`` with the option of each follow-up answered chosen, where the
        diagrams leave the question free (a follow-up counts only with its option)."""
        variables = self.plan.variables
        for name in list(answers):
            info = variables.get(name)  # (a hidden variable is none of the plan's answers)
            if info is None or info.option is None:
                continue
            kind = variables[info.question].kind
            chosen = answers.get(info.question)
            if chosen is None:
                answers[info.question] = info.option if kind == "choice" else [info.option]
            elif (
                kind == "choices"
                and (info.question, info.option) not in self.logic.bits
                and info.option not in chosen  # two follow-ups of one option
            ):
                answers[info.question] = [*chosen, info.option]
        return answers

    def _nearby(self, name: str, compared: list[str], computing: list[Any]) -> list[Any]:
        """Values to try for ``name``: absent, its representatives, those of the answers
        of the same kind it is ``compared`` with, and values next to them; for a number
        that atoms compute with, also values around the numbers they are written with
        (``computing``) and a few orders of magnitude."""
        logic = self.logic
        domain = logic.domains_of(name)
        kind = domain.info.kind if domain.info else ""
        values: list[Any] = list(domain.values)
        for other in compared:
            info = logic.domains_of(other).info
            if other != name and info is not None and info.kind == kind:
                values += logic.domains_of(other).values[1:]
        present = values[1:]
        if kind == "number":
            values += [v + d for v in present for d in (-1, 1, 0.5)]
            if computing:
                spread = {c * f for c in computing for f in (1, 0.5, 2)} | {
                    sign * 10**k for k in range(7) for sign in (1, -1)
                }
                values += sorted(v for c in spread for v in (c, c + 1, c - 1))
        elif kind == "date" and domain.info is not None:
            precision = domain.precision or "day"
            for value in present:
                for d in (-1, 1):
                    near = from_ordinal(to_ordinal(value, precision) + d, precision)
                    if near is not None:
                        values.append(near)
        elif kind == "text":
            values += ["a", "b"]
        return list(dict.fromkeys(values))

    # ------------------------------------------------------------------ findings

    def findings(self) -> list[Finding]:
        """Unreachable questions (also because no option is ever offered), conditions
        that always hold, gotos that change nothing, rules no answer can meet, piped
        values that may be absent, and questions whose reachability cannot be decided."""
        return find(self)


def _picked(step: Step, response: dict[str, Any]) -> list[Any]:
    """The answers to ``step`` in ``response``: one, or one per iteration of its roster."""
    roster = getattr(step, "roster", None)
    if roster is None:
        return [response.get(step.question.id)]
    records = response.get(roster) or []
    return [record.get(step.question.id) for record in records if isinstance(record, dict)]


def _same(answers: dict[str, Any]) -> dict[str, Any]:
    return answers


def _comes_out(expr: Expr, truth: bool, response: dict[str, Any]) -> bool:
    """Whether ``expr`` comes out as ``truth`` on ``response``."""
    return holds(expr, response) == truth


#: How many questions the analysis may leave unanalysed before it gives up.
MAX_SKIPPED = 3


def analyse_plan(
    plan: Plan,
    max_nodes: int = MAX_NODES,
    templates: Mapping[KeyPath, Template] | None = None,
) -> Analysis:
    """The analysis of ``plan``. Where the diagrams outgrow ``max_nodes`` while working
    on one question, that question's condition becomes an unknown yes/no and its
    answers' rules go unchecked, and the analysis starts again: so one entangled
    question does not cost the findings about all the others. Raises :class:`Budget`
    when that is not enough (after :data:`MAX_SKIPPED` questions, or when the bound is
    reached elsewhere). ``templates``: the instrument's piped texts by key path (a
    compiled instrument has them; found afresh when not given)."""
    skipped: frozenset[int] = frozenset()
    while True:
        try:
            return Analysis(plan, max_nodes, skipped, templates=templates)
        except Budget as budget:
            where = budget.position
            if where is None or where in skipped or len(skipped) >= MAX_SKIPPED:
                raise
            skipped |= {where}


__all__ = ["MAX_SKIPPED", "Analysis", "Budget", "analyse_plan"]
