"""Distinct walks: counted without enumerating them, and enumerated on request.

Two respondents take the same *path* when they are shown the same questions
in the same order. Paths are counted on a deterministic automaton whose
states are "question ``s`` was just shown, and the answers so far are one of
the set ``φ``" (``φ`` a diagram over the answers later routing still looks
at). From a state, every respondent in ``φ`` is next shown exactly one
question (or reaches the end), so grouping ``φ`` by that next question gives
the transitions, and distinct paths are exactly the paths of the automaton.
Equal states are merged, which is what makes counting cheap: the number of
states grows with the number of answers the routing must remember at once,
not with the number of paths.

If the automaton grows beyond a budget, the count falls back to the same
automaton with nothing remembered (correlations between distant conditions
ignored) and says it is an upper bound.

A roster is analysed for one iteration (see :mod:`.analysis`), so a path goes
through a roster's block once: the count is of paths with each roster's block
taken once, and :attr:`PathCount.rosters` says which blocks are repeated (each
repetition takes one of the block's paths, chosen independently as far as the
count is concerned).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qdef.routing.analysis import Analysis
from qdef.routing.dd import FALSE, Budget
from qdef.routing.pathtext import repeated_for

_START = -1

State = tuple[int, int]
"""(position of the question just shown, or -1 at the start; diagram of the answers)."""


@dataclass(frozen=True, slots=True)
class PathCount:
    """The number of distinct paths; ``exact`` is False when it is an upper bound."""

    count: int
    exact: bool
    reason: str = ""
    """Why the count is only an upper bound."""
    rosters: tuple[str, ...] = ()
    """The roster blocks some path goes through, each counted once (what it is repeated
    for: :func:`~qdef.routing.pathtext.repeated_for`)."""

    def __str__(self) -> str:
        return str(self.count) if self.exact else f"at most {self.count}"

    @property
    def note(self) -> str:
        """What the count takes once, for the reader: ``each path takes a roster's block
        once, and the block is repeated for each person of question 1 'names' (at most
        3)``; empty without rosters."""
        if not self.rosters:
            return ""
        return "each path takes a roster's block once, and the block is repeated for " + "; ".join(
            self.rosters
        )


class Automaton:
    def __init__(self, analysis: Analysis, *, remember: bool = True) -> None:
        self.analysis = analysis
        self.remember = remember
        self.dd = analysis.dd

    def start(self) -> State:
        return (_START, self.analysis.arrive[0])

    def _state(self, position: int, shown: int) -> State:
        if not self.remember:
            return (position, self.analysis.reach[position])
        analysis = self.analysis
        kept = self.dd.exists(shown, lambda var: not analysis.needed_after_showing(var, position))
        return (position, kept)

    def successors(self, state: State) -> tuple[bool, list[State]]:
        """Whether a walk can end after this state, and the states of each possible
        next shown question (in sequence order)."""
        analysis, dd = self.analysis, self.dd
        position, answers = state
        frontier: dict[int, int] = {}
        if position == _START:
            frontier[0] = answers
        else:
            for _, target, flow in analysis.leave(analysis.plan.steps[position], answers):
                frontier[target] = dd.or_(frontier.get(target, FALSE), flow)
        end = analysis.plan.end
        ends = False
        found: list[State] = []
        for at, shown in analysis.shown_next(frontier):
            if at == end:
                ends = True
            else:
                found.append(self._state(at, shown))
        return ends, found


def count_paths(analysis: Analysis, max_states: int = 200_000) -> PathCount:
    """The number of distinct paths through the instrument (each roster's block taken
    once: see :attr:`PathCount.rosters`)."""
    plan = analysis.plan
    rosters = tuple(
        repeated_for(plan, roster)
        for roster in getattr(plan, "rosters", {}).values()
        if any(analysis.reach[p] != FALSE for p in range(roster.start, roster.stop))
    )
    try:
        count = _count(Automaton(analysis), max_states)
    except Budget:
        count = _count(Automaton(analysis, remember=False), max_states=None)
        return PathCount(count, False, "the routing remembers too many answers at once", rosters)
    logic = analysis.logic
    undecided = {
        relation for node in analysis.reach if node != FALSE for relation in logic.undecided(node)
    }
    # The order of a date range's ends can separate paths even when no one question
    # looks at both ends (one shown when from >= x, a later one when to < x).
    support: set[int] = set()
    for node in analysis.reach:
        if node != FALSE:
            support |= set(analysis.dd.support(node))
    undecided.update(
        f"{question}.from <= {question}.to"
        for question, start, end in logic.ranges
        if start in support and end in support
    )
    skipped = sorted(
        {q for node in analysis.reach if node != FALSE for q in logic.unanalysed_in(node)}
    )
    reasons = []
    if undecided:
        reasons.append(
            f"conditions compare answers with each other: {', '.join(sorted(undecided))}"
        )
    if skipped:
        reasons.append(f"the routing at {', '.join(skipped)} was not analysed")
    enumerated = {
        reason for node in analysis.reach if node != FALSE for reason in logic.unenumerated(node)
    }
    if enumerated:
        reasons.append(f"values qdef cannot enumerate: {'; '.join(sorted(enumerated))}")
    if reasons:
        return PathCount(count, False, "; ".join(reasons), rosters)
    return PathCount(count, True, rosters=rosters)


def _count(automaton: Automaton, max_states: int | None) -> int:
    counts: dict[State, int] = {}
    pending: dict[State, tuple[bool, list[State]]] = {}
    stack: list[State] = [automaton.start()]
    while stack:
        state = stack[-1]
        if state in counts:
            stack.pop()
            continue
        expanded = pending.get(state)
        if expanded is None:
            expanded = automaton.successors(state)
            pending[state] = expanded
            if max_states is not None and len(pending) + len(counts) > max_states:
                raise Budget(f"more than {max_states} path states")
            stack.extend(s for s in expanded[1] if s not in counts)
            continue
        stack.pop()
        ends, following = pending.pop(state)
        counts[state] = int(ends) + sum(counts[s] for s in following)
    return counts[automaton.start()]


def iter_paths(analysis: Analysis, limit: int | None = None) -> Iterator[tuple[int, ...]]:
    """The distinct paths as sequences of positions, in lexicographic order (a path
    before its extensions), at most ``limit`` of them.

    A depth-first walk of the automaton with one shared path (entries remember the
    depth they extend), so a path of L questions costs O(L) once, when yielded.
    """
    automaton = Automaton(analysis)
    produced = 0
    memo: dict[State, tuple[bool, list[State]]] = {}
    path: list[int] = []
    stack: list[tuple[State, int]] = [(automaton.start(), 0)]
    while stack:
        state, depth = stack.pop()
        del path[depth:]
        if state[0] != _START:
            path.append(state[0])
        expanded = memo.get(state)
        if expanded is None:
            expanded = automaton.successors(state)
            if len(memo) < 100_000:
                memo[state] = expanded
        ends, following = expanded
        if ends:
            yield tuple(path)
            produced += 1
            if limit is not None and produced >= limit:
                return
        stack.extend((successor, len(path)) for successor in reversed(following))
