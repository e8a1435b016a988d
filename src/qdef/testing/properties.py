"""The standard routing properties, runnable on any instrument (part of :mod:`qdef.testing`).

:func:`check_routing` analyses the instrument (findings, path count) and then
tries generated answer sets and respondents against these properties, each
with a fixed seed and a bounded number of examples:

- **sequence order**: a walk shows questions in sequence order, each at most once;
- **conditions hold**: every shown question's ``when`` (and its section's)
  holds on the answers given before it;
- **only shown answers**: the response holds answers of shown questions only,
  and follow-ups only of chosen options;
- **reaching condition**: a question is shown exactly when its reaching
  condition (:meth:`qdef.routing.Analysis.reaching`) holds on the response;
- **computed values**: a computed value is in the response exactly when its reaching
  condition holds and its expression has a value on the response, and then it is
  that value;
- **stable response**: walking the response again gives the same walk;
- **valid respondents** (for :func:`respondents`): every response fits the
  instrument and answers every shown required question.

A roster's steps are judged per iteration: the walk's order is by roster, iteration
and step; conditions, reaching conditions (stated for one iteration), shown answers,
computed values and required questions are checked on the iteration's record over
the response.

A failing property comes with the smallest counterexample hypothesis finds.
"""

from __future__ import annotations

import itertools
import json
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from qdef.expr.nodes import Expr
from qdef.model import Instrument
from qdef.pipeline.compiled import Compiled
from qdef.routing import Analysis, Finding, PathCount, analyse, count_paths, problems, walk
from qdef.routing.evaluate import holds, value
from qdef.routing.interpreter import Walk
from qdef.routing.plan import Plan, Step
from qdef.testing.answer_gen import WHOLE, answers, plan_of, respondents


@dataclass(frozen=True, slots=True)
class PropertyFailure:
    """A routing property that does not hold, with a minimal counterexample."""

    name: str
    """Which property, e.g. ``reaching condition``."""
    message: str
    """What went wrong, in one sentence."""
    answers: dict[str, Any]
    """The smallest answer set found that shows it (JSON-compatible)."""
    question: str | None = None
    """The question concerned, if any."""


@dataclass(frozen=True, slots=True)
class RoutingReport:
    """What :func:`check_routing` found."""

    findings: tuple[Finding, ...]
    failures: tuple[PropertyFailure, ...]
    examples: int
    """How many answer sets and respondents were tried."""
    paths: PathCount
    analysis: Analysis

    @property
    def ok(self) -> bool:
        """No property fails and every question is shown on some walk."""
        return not self.failures and not any(f.kind == "unreachable" for f in self.findings)

    def __str__(self) -> str:
        lines = [
            f"{_plural(len(self.failures), 'failing routing property', 'properties')}, "
            f"{_plural(len(self.findings), 'finding')}, {self.paths} "
            f"{'path' if self.paths.count == 1 and self.paths.exact else 'paths'}, "
            f"{_plural(self.examples, 'example')}"
        ]
        lines += [f"  {f.code} {f.kind} at '{f.question}': {f.message}" for f in self.findings]
        for failure in self.failures:
            where = f" at '{failure.question}'" if failure.question else ""
            example = json.dumps(failure.answers, ensure_ascii=False, sort_keys=True)
            lines.append(f"  property '{failure.name}'{where}: {failure.message}")
            lines.append(f"    counterexample: {example}")
        return "\n".join(lines)


def _plural(count: int, singular: str, plural_end: str = "") -> str:
    if count == 1:
        return f"1 {singular}"
    if plural_end:
        return f"{count} {singular.rsplit(' ', 1)[0]} {plural_end}"
    return f"{count} {singular}s"


class _Violation(Exception):  # noqa: N818 - internal signal
    def __init__(self, name: str, message: str, question: str | None) -> None:
        super().__init__(message)
        self.name, self.message, self.question = name, message, question


class _Reaching:
    """The reaching condition of every question as a syntax tree, printed once per check
    (not once per example)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._trees: dict[str, Expr] = {}

    def __call__(self, question: str) -> Expr:
        tree = self._trees.get(question)
        if tree is None:
            tree = self._trees[question] = self.analysis.reaching(question)
        return tree


def _walk_properties(
    plan: Plan,
    analysis: Analysis,
    answer_set: Mapping[str, Any],
    reaching: _Reaching | None = None,
    walked: Walk | None = None,
) -> None:
    """Raise :class:`_Violation` for the first property ``answer_set`` breaks (``walked``:
    its walk, where the caller has it)."""
    reaching = _Reaching(analysis) if reaching is None else reaching
    steps = plan.steps
    result = walk(plan, answer_set, check=False) if walked is None else walked
    positions = result.positions
    # a roster's steps repeat once per iteration: in order by (roster, iteration, step)
    iteration_of = result.iterations or (None,) * len(positions)
    order = [_sequence_key(plan, p, k) for p, k in zip(positions, iteration_of, strict=True)]
    if any(b <= a for a, b in itertools.pairwise(order)):
        raise _Violation("sequence order", f"the walk shows {positions}", None)
    shown = set(positions)
    shown_in = set(zip(positions, iteration_of, strict=True))
    response = result.response
    # where each value of the response comes from: hidden variables before everything
    # (grown as the positions rise: one pass over the response, not one per question)
    origins = sorted((_origin(plan, name), name) for name in response)
    before: dict[str, Any] = {}
    taken = 0
    for position, k in zip(positions, iteration_of, strict=True):
        step = steps[position]
        while taken < len(origins) and origins[taken][0] < position:
            name = origins[taken][1]
            before[name] = response[name]
            taken += 1
        scope: Mapping[str, Any] = before
        if step.roster is not None and k is not None:
            scope = ChainMap(response[step.roster][k], before)  # the iteration's record
        if step.when is not None and not holds(step.when, scope, plan.parts):
            raise _Violation(
                "conditions hold",
                "the question is shown although its condition is false",
                step.question.id,
            )
    for name in response:
        info = plan.variables.get(name)
        if info is not None and info.position not in shown:
            raise _Violation(
                "only shown answers",
                f"the response keeps '{name}' of a question not shown",
                info.question,
            )
    _roster_answers_shown(plan, response, shown_in)
    for step in steps:
        if step.roster is not None:
            _iteration_properties(
                plan, analysis, step, response, shown_in=shown_in, reaching=reaching
            )
            continue
        expected = holds(reaching(step.question.id), response, plan.parts)
        if step.computed is not None:
            _computed_property(plan, step, response, reached=expected)
            continue
        if expected != (step.position in shown):
            state = "shown" if step.position in shown else "not shown"
            raise _Violation(
                "reaching condition",
                f"the question is {state}, but its reaching condition "
                f"{analysis.reaching_source(step.question.id)!r} says otherwise",
                step.question.id,
            )
    again = walk(plan, result.response, check=False)
    if again.positions != positions or again.response != result.response:
        raise _Violation("stable response", "walking the response gives another walk", None)


def _origin(plan: Plan, name: str) -> int:
    """The position of the question (or computed value) that gives ``name`` its value in a
    response; -1 for a hidden variable; a roster's records: its last step (usable after
    it)."""
    roster = plan.rosters.get(name)
    if roster is not None:
        return roster.stop - 1
    info = plan.variables.get(name)
    if info is not None:
        return info.position
    return plan.symbols.positions.get(name, -1)


def _sequence_key(plan: Plan, position: int, iteration: int | None) -> tuple[int, int, int]:
    """Where a shown step comes in the walk's order: a roster's steps at the roster's
    start, by iteration, then by position."""
    roster = plan.steps[position].roster
    if roster is None or iteration is None:
        return (position, -1, position)
    return (plan.rosters[roster].start, iteration, position)


def _roster_answers_shown(
    plan: Plan, response: Mapping[str, Any], shown_in: set[tuple[int, int | None]]
) -> None:
    """Each record of a roster holds its item and the answers of questions shown in that
    iteration (and computed values of steps of the roster)."""
    for roster in plan.rosters.values():
        for k, record in enumerate(response.get(roster.id) or ()):
            for name in record:
                if name == roster.item:
                    continue
                info = plan.variables.get(name)
                if info is not None and (info.position, k) not in shown_in:
                    raise _Violation(
                        "only shown answers",
                        f"iteration {k + 1} of '{roster.id}' keeps '{name}' of a question "
                        "not shown in it",
                        info.question,
                    )


def _iteration_properties(
    plan: Plan,
    analysis: Analysis,
    step: Step,
    response: Mapping[str, Any],
    *,
    shown_in: set[tuple[int, int | None]],
    reaching: _Reaching,
) -> None:
    """A roster's step: in each iteration, shown (computed) exactly when its reaching
    condition — for one iteration — holds on the iteration's record over the response."""
    assert step.roster is not None
    for k, record in enumerate(response.get(step.roster) or ()):
        scope = ChainMap(record, dict(response))
        expected = holds(reaching(step.question.id), scope, plan.parts)
        if step.computed is not None:
            _computed_property(plan, step, scope, reached=expected)
            continue
        if expected != ((step.position, k) in shown_in):
            state = "shown" if (step.position, k) in shown_in else "not shown"
            raise _Violation(
                "reaching condition",
                f"in iteration {k + 1} of '{step.roster}' the question is {state}, but its "
                f"reaching condition {analysis.reaching_source(step.question.id)!r} says "
                "otherwise",
                step.question.id,
            )


def _computed_property(
    plan: Plan, step: Step, response: Mapping[str, Any], *, reached: bool
) -> None:
    """A computed value is in the response exactly when the walk reaches it and its
    expression has a value there, and then it is that value."""
    assert step.computed is not None
    name = step.question.id
    expected = value(step.computed, response, plan.parts) if reached else None
    if response.get(name) != expected:
        raise _Violation(
            "computed values",
            f"the response holds {response.get(name)!r} for the computed value, not {expected!r}",
            name,
        )


def _respondent_properties(
    plan: Plan, analysis: Analysis, response: Mapping[str, Any], reaching: _Reaching | None = None
) -> None:
    computed = {step.question.id for step in plan.steps if step.computed is not None}
    given = {
        name: [{n: v for n, v in r.items() if n not in computed} for r in answer]
        if name in plan.rosters and isinstance(answer, list)
        else answer
        for name, answer in response.items()
        if name not in computed
    }
    found = problems(plan, given)
    if found:
        raise _Violation("valid respondents", found[0], None)
    result = walk(plan, response, check=False)
    if result.response != dict(response):
        raise _Violation(
            "valid respondents", "the response holds answers its walk does not keep", None
        )
    iteration_of = result.iterations or (None,) * len(result.positions)
    for position, k in zip(result.positions, iteration_of, strict=True):
        step = plan.steps[position]
        question = step.question
        scope: Mapping[str, Any] = response
        if step.roster is not None and k is not None:
            scope = response[step.roster][k]
        if getattr(question, "required", False) and not _answered(plan, question.id, scope):
            raise _Violation("valid respondents", "a required question is unanswered", question.id)
    _walk_properties(plan, analysis, response, reaching, result)


def _answered(plan: Plan, question: str, response: Mapping[str, Any]) -> bool:
    return question in response or any(p in response for p in plan.parts(question))


def _search(
    strategy: st.SearchStrategy[dict[str, Any]],
    test: Callable[[dict[str, Any]], None],
    max_examples: int,
    random_seed: int,
    reduce: Callable[[str], bool] | None = None,
) -> PropertyFailure | None:
    """The first property ``test`` finds broken on examples of ``strategy``, with the
    smallest counterexample hypothesis shrinks to — and, with ``reduce`` (examples
    partly filled in by a seeded generator, which hypothesis cannot shrink), with the
    answers the failure does not need left out, but for those ``reduce`` keeps
    (:func:`_reduce`)."""
    last: list[tuple[_Violation, dict[str, Any]]] = []

    @seed(random_seed)
    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
        report_multiple_bugs=False,  # one failure, not an ExceptionGroup of several
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(example: dict[str, Any]) -> None:
        try:
            test(example)
        except _Violation as violation:
            last.append((violation, example))
            raise

    try:
        run()
    except _Violation:
        violation, example = last[-1]
        if reduce is not None:
            example = _reduce(example, test, violation, reduce)
        return PropertyFailure(violation.name, violation.message, example, violation.question)
    except HypothesisException as error:  # e.g. no example could be generated, or flakiness
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return PropertyFailure("hypothesis", f"the check could not run: {first_line}", {}, None)
    return None


#: At most this many runs of a property go into reducing one counterexample.
REDUCE_RUNS = 100


def _reduce(
    example: dict[str, Any],
    test: Callable[[dict[str, Any]], None],
    violation: _Violation,
    kept: Callable[[str], bool] = lambda name: False,
) -> dict[str, Any]:
    """``example`` without the answers the failure does not need: groups of answers
    left out, halving the group size, while ``test`` still fails the same way (the
    same property, message and question), within :data:`REDUCE_RUNS` runs. Answers
    ``kept`` stay (a respondent's answers to required questions)."""
    fixed = {n: v for n, v in example.items() if kept(n)}
    same = (violation.name, violation.message, violation.question)
    runs = 0

    def fails(candidate: dict[str, Any]) -> bool:
        nonlocal runs
        runs += 1
        try:
            test(candidate)
        except _Violation as found:
            return (found.name, found.message, found.question) == same
        return False

    names = [n for n in example if not kept(n)]
    if names and fails(fixed):
        return fixed
    size = max(len(names) // 2, 1)
    while names and runs < REDUCE_RUNS:
        start, removed = 0, False
        while start < len(names) and runs < REDUCE_RUNS:
            rest = names[:start] + names[start + size :]
            if fails({**fixed, **{n: example[n] for n in rest}}):
                names, removed = rest, True
            else:
                start += size
        if not removed:
            if size == 1:
                break
            size //= 2
        size = max(min(size, len(names) // 2), 1)
    needed = set(names)
    return {n: v for n, v in example.items() if n in fixed or n in needed}


def check_routing(
    instrument: Instrument | Plan | Compiled, *, max_examples: int = 200, seed: int = 0
) -> RoutingReport:
    """Analyse ``instrument``'s routing (a Compiled's analysis is its own) and test the
    standard properties on ``max_examples`` generated answer sets and as many respondents."""
    plan = plan_of(instrument)
    analysis = instrument.analysis if isinstance(instrument, Compiled) else analyse(plan)
    failures = []
    reaching = _Reaching(analysis)
    scaled = len(plan.variables) > WHOLE

    def required(name: str) -> bool:  # what a respondent must answer stays in a counterexample
        info = plan.variables.get(name)
        return info is not None and bool(
            getattr(plan.steps[info.position].question, "required", False)
        )

    for strategy, test, kept in (
        (answers(plan), _walk_properties, lambda name: False),
        (respondents(plan), _respondent_properties, required),
    ):
        failure = _search(
            strategy,
            lambda example, test=test: test(plan, analysis, example, reaching),  # type: ignore[misc]
            max_examples,
            seed,
            reduce=kept if scaled else None,
        )
        if failure is not None:
            failures.append(failure)
    return RoutingReport(
        tuple(analysis.findings()),
        tuple(failures),
        2 * max_examples,
        count_paths(analysis),
        analysis,
    )


def assert_routing(
    instrument: Instrument | Compiled | str | Path, *, max_examples: int = 200, seed: int = 0
) -> RoutingReport:
    """:func:`check_routing` for a test: raises ``AssertionError`` with the report when a
    property fails or a question is shown on no walk. Accepts a path to the instrument."""
    if isinstance(instrument, str | Path):
        from qdef.pipeline import compile  # noqa: PLC0415

        instrument = compile(instrument)
    report = check_routing(instrument, max_examples=max_examples, seed=seed)
    if not report.ok:
        raise AssertionError(str(report))
    return report
