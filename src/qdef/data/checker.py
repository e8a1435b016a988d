"""Checking one response against its instrument, with the reference walk deciding.

Every rule of docs/responses.md, per response and variable, with one semantics: the
value checks are :func:`qdef.routing.answers.value_problem` and
:func:`qdef.routing.problems` (the same that refuse an answer set), and what is on the
respondent's path is what :func:`qdef.routing.walk` shows and keeps. The checker
never decides routing itself; it compares what the data holds with what the walk
keeps of it:

1. keys that are no variable (D101), values that do not fit their variable
   (D201–D203; the value is then left out of the walk, and counts as answered, so it
   is not also reported missing), rules between answers (D204);
2. the walk of what is left: its failed rules (D204); each answer the walk did not
   keep is off the path (D301: its question is not shown), a follow-up without its
   option (D303), or an option or row not offered (D304);
3. each question the walk shows that is required and not answered as ``required``
   asks (D302; docs/responses.md, "Required questions"), with the required follow-ups
   of chosen options;
4. computed values given that differ from the walk's (D205).

The checker keeps counts per question (:class:`Summary`), not the responses: a
million responses are checked in constant memory.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qdef.data.classify import cross, label, rule, same, value_code
from qdef.data.codes import DataCode, Finding
from qdef.data.records import Record
from qdef.data.required import missing
from qdef.routing import problems, walk
from qdef.routing.answers import normalize, value_problem
from qdef.routing.plan import Plan, Step, VarInfo

#: Where an answer sits: (roster iteration or None, variable).
Slot = tuple[int | None, str]


@dataclass(slots=True)
class QuestionCounts:
    """How often a question was on the path, answered, missing and answered off it."""

    on_path: int = 0
    answered: int = 0
    missing: int = 0
    off_path: int = 0


@dataclass(slots=True)
class Summary:
    """What a run found, per question and per code (counts only)."""

    questions: dict[str, QuestionCounts]
    responses: int = 0
    with_findings: int = 0
    unreadable: int = 0
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def findings(self) -> int:
        return sum(self.codes.values())


def new_summary(plan: Plan) -> Summary:
    """An empty summary with a row for each question that has answers, in order."""
    return Summary({step.question.id: QuestionCounts() for step in plan.steps if step.variables})


class Checker:
    """Checks responses of one instrument, one at a time, counting as it goes."""

    def __init__(self, plan: Plan, reaching: Callable[[str], str | None] | None = None) -> None:
        """``reaching``: question id -> its reaching condition in the condition language
        (``Analysis.reaching_source``), to say why an answer is off the path; without
        it the finding names the question only."""
        self.plan = plan
        self.reaching = reaching
        self.summary = new_summary(plan)

    def check(self, record: Record) -> list[Finding]:
        """Every finding on ``record``, in the order of the checks above."""
        found = [
            Finding(record.response, record.where, variable, code, reason)
            for variable, code, reason in record.problems
        ]
        if record.readable:
            found.extend(_Response(self, record).findings())
            self.summary.responses += 1
        elif not record.header:
            self.summary.unreadable += 1
        if found and not record.header:
            self.summary.with_findings += 1
        for finding in found:
            self.summary.codes[finding.code] = self.summary.codes.get(finding.code, 0) + 1
        return found


class _Response:
    """The checks of one response."""

    def __init__(self, checker: Checker, record: Record) -> None:
        self.checker = checker
        self.plan = checker.plan
        self.record = record
        self.found: list[Finding] = []
        self.cleaned: dict[str, Any] = {}
        self.invalid: set[Slot] = set()
        self.computed: dict[str, Any] = {}

    def add(self, variable: str, code: DataCode, reason: str) -> None:
        record = self.record
        self.found.append(Finding(record.response, record.where, variable, code, reason))

    def findings(self) -> list[Finding]:
        self._values()
        for problem in problems(self.plan, self.cleaned):
            self.add(*cross(problem))
        walked = walk(self.plan, self.cleaned, check=False)
        for failure in walked.errors:
            self.add(*rule(self.plan, failure))
        iterations = walked.iterations or (None,) * len(walked.positions)
        shown = set(zip(walked.positions, iterations, strict=True))
        response = walked.response
        self._kept(response, shown)
        self._computed(response)
        for position, k in zip(walked.positions, iterations, strict=True):
            self._required(self.plan.steps[position], k, response)
        return self.found

    # 1. values

    def _values(self) -> None:
        plan = self.plan
        for name, value in self.record.answers.items():
            if name == "_order":
                order_problems = problems(plan, {"_order": value})
                for problem in order_problems:
                    self.add("_order", DataCode.D202, problem)
                if not order_problems:
                    self.cleaned[name] = value
                continue
            if name in plan.rosters:
                self._records(name, value)
                continue
            info = plan.variables.get(name)
            if info is None:
                self._other(name, value)
                continue
            if info.roster is not None:
                self.add(name, DataCode.D101, problems(plan, {name: value})[0])
                continue
            if self._valid(None, name, info, value):
                self.cleaned[name] = value

    def _valid(self, k: int | None, name: str, info: VarInfo, value: Any) -> bool:
        problem = value_problem(info, value)
        if problem is None:
            return True
        if value is None:  # JSON's null (pandas writes it for a blank)
            problem = "null is not an answer: for no answer, leave the key out"
        self.add(label(self.plan, k, name), value_code(info, value), problem)
        self.invalid.add((k, name))
        return False

    def _other(self, name: str, value: Any) -> None:
        """A key that is not a question's variable: a hidden variable, a computed value,
        or unknown."""
        plan = self.plan
        hidden = plan.hidden_info(name)
        if hidden is not None:
            problem = value_problem(hidden, value)
            if problem is None:
                self.cleaned[name] = value
            else:
                reason = f"{problem}; the walk uses its default instead"
                self.add(name, value_code(hidden, value), reason)
            return
        position = plan.symbols.positions.get(name)
        if position is not None and plan.steps[position].computed is not None:
            self.computed[name] = value
            return
        self.add(name, DataCode.D101, problems(plan, {name: value})[0])

    def _records(self, roster: str, value: Any) -> None:
        plan = self.plan
        if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
            self.add(roster, DataCode.D202, problems(plan, {roster: value})[0])
            return
        item = plan.rosters[roster].item
        records: list[dict[str, Any]] = []
        for k, record in enumerate(value):
            kept: dict[str, Any] = {}
            for name, answer in record.items():
                info = plan.variables.get(name)
                if name == item:
                    kept[name] = answer
                elif info is None or info.roster != roster:
                    position = plan.symbols.positions.get(name)
                    step = None if position is None else plan.steps[position]
                    if step is not None and step.computed is not None and step.roster == roster:
                        continue  # computed again by the walk
                    reason = f"{name!r} is not a variable of the roster {roster!r}"
                    self.add(label(plan, k, name, roster), DataCode.D101, reason)
                elif self._valid(k, name, info, answer):
                    kept[name] = answer
            records.append(kept)
        self.cleaned[roster] = records

    # 2. what the walk kept

    def _kept(self, response: Mapping[str, Any], shown: set[tuple[int, int | None]]) -> None:
        plan = self.plan
        for name, value in self.cleaned.items():
            info = plan.variables.get(name)
            if info is not None:
                self._compare(None, name, info, value, kept=response, shown=shown)
        for roster_id, roster in plan.rosters.items():
            given = self.cleaned.get(roster_id)
            if not isinstance(given, list):
                continue
            walked = response.get(roster_id)
            records = walked if isinstance(walked, list) else []
            for k, record in enumerate(given):
                scope: Mapping[str, Any] = records[k] if k < len(records) else {}
                for name, value in record.items():
                    if name == roster.item:
                        continue
                    info = plan.variables[name]
                    if k >= len(records):
                        where = label(plan, k, name, roster_id)
                        reason = (
                            f"record {k + 1} of {roster_id!r} has no iteration: the roster "
                            f"has {len(records)} on this respondent's path"
                        )
                        self.add(where, DataCode.D301, reason)
                        self._count_off(info.question)
                        continue
                    self._compare(k, name, info, value, kept=scope, shown=shown)

    def _compare(
        self,
        k: int | None,
        name: str,
        info: VarInfo,
        value: Any,
        *,
        kept: Mapping[str, Any],
        shown: set[tuple[int, int | None]],
    ) -> None:
        """Whether the walk kept the answer ``name`` (inside a roster: in record ``k``,
        ``kept``), and if not, why."""
        where = label(self.plan, k, name, info.roster)
        if name in kept:
            if info.kind in ("choices", "ranking") and isinstance(value, list):
                dropped = [code for code in value if code not in kept[name]]
                if dropped:
                    reason = f"{', '.join(dropped)} not offered to this respondent"
                    self.add(where, DataCode.D304, reason)
            return
        if normalize(info, value) is None:
            return  # an unticked box: no answer
        question = info.question
        if (info.position, k) not in shown:
            reaching = self.checker.reaching
            condition = reaching(question) if reaching is not None else None
            why = f"; it is asked only if {condition}" if condition else ""
            reason = f"question {question!r} is not on this respondent's path{why}"
            self.add(where, DataCode.D301, reason)
            self._count_off(question)
        elif info.option is not None and not self._chosen(k, info):
            reason = f"its option {info.option!r} of {question!r} is not chosen"
            self.add(where, DataCode.D303, reason)
        else:
            self.add(where, DataCode.D304, f"not offered to this respondent in {question!r}")

    def _chosen(self, k: int | None, info: VarInfo) -> bool:
        """Whether the data chose the follow-up ``info``'s option (which the walk then
        withdrew, as not offered)."""
        given: Any = self.cleaned
        if k is not None and info.roster is not None:
            records = self.cleaned.get(info.roster)
            given = records[k] if isinstance(records, list) and k < len(records) else {}
        answer = given.get(info.question)
        return answer == info.option or (isinstance(answer, list) and info.option in answer)

    def _count_off(self, question: str) -> None:
        counts = self.checker.summary.questions.get(question)
        if counts is not None:
            counts.off_path += 1

    def _computed(self, response: Mapping[str, Any]) -> None:
        for name, given in self.computed.items():
            walked = response.get(name)
            if walked is None:
                self.add(name, DataCode.D205, f"{given!r} given, the instrument computes none")
            elif not same(given, walked):
                self.add(
                    name, DataCode.D205, f"{given!r} given, the instrument computes {walked!r}"
                )

    # 3. required answers

    def _required(self, step: Step, k: int | None, response: dict[str, Any]) -> None:
        plan = self.plan
        if not step.variables:
            return
        scope: Mapping[str, Any] = response
        if k is not None and step.roster is not None:
            scope = ChainMap(response[step.roster][k], response)
        counts = self.checker.summary.questions.get(step.question.id)
        answered = any(self._answered(k, scope, name) for name in step.variables)
        if counts is not None:
            counts.on_path += 1
            if answered:
                counts.answered += 1
            else:
                counts.missing += 1
        for name, reason in missing(plan, step, scope, lambda n: self._answered(k, scope, n)):
            self.add(label(plan, k, name, step.roster), DataCode.D302, reason)

    def _answered(self, k: int | None, scope: Mapping[str, Any], name: str) -> bool:
        return name in scope or (k, name) in self.invalid


__all__ = ["Checker", "QuestionCounts", "Summary", "new_summary"]
