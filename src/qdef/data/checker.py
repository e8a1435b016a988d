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

import math
import re
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qdef.data.codes import DataCode, Finding
from qdef.data.records import Record
from qdef.expr.printer import to_source
from qdef.model import (
    DateRangeQuestion,
    DualMatrixQuestion,
    GridQuestion,
    MatrixQuestion,
    MultipleChoice,
    NumberListQuestion,
    RankingQuestion,
    SingleChoice,
    TextListQuestion,
)
from qdef.routing import problems, walk
from qdef.routing.answers import normalize, real_date, value_problem
from qdef.routing.evaluate import holds
from qdef.routing.interpreter import RuleFailure
from qdef.routing.plan import Plan, Step, VarInfo

#: Where an answer sits: (roster iteration or None, variable).
Slot = tuple[int | None, str]

_QUOTED = re.compile(r"'([^']+)'")


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
            self.add(*_cross(problem))
        walked = walk(self.plan, self.cleaned, check=False)
        for failure in walked.errors:
            self.add(*_rule(self.plan, failure))
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
        self.add(_label(self.plan, k, name), value_code(info, value), problem)
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
                    self.add(_label(plan, k, name, roster), DataCode.D101, reason)
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
                        where = _label(plan, k, name, roster_id)
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
        label = _label(self.plan, k, name, info.roster)
        if name in kept:
            if info.kind in ("choices", "ranking") and isinstance(value, list):
                dropped = [code for code in value if code not in kept[name]]
                if dropped:
                    reason = f"{', '.join(dropped)} not offered to this respondent"
                    self.add(label, DataCode.D304, reason)
            return
        if normalize(info, value) is None:
            return  # an unticked box: no answer
        question = info.question
        if (info.position, k) not in shown:
            reaching = self.checker.reaching
            condition = reaching(question) if reaching is not None else None
            why = f"; it is asked only if {condition}" if condition else ""
            reason = f"question {question!r} is not on this respondent's path{why}"
            self.add(label, DataCode.D301, reason)
            self._count_off(question)
        elif info.option is not None and not self._chosen(k, info):
            reason = f"its option {info.option!r} of {question!r} is not chosen"
            self.add(label, DataCode.D303, reason)
        else:
            self.add(label, DataCode.D304, f"not offered to this respondent in {question!r}")

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
            elif not _same(given, walked):
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
        for name, reason in _missing(plan, step, scope, lambda n: self._answered(k, scope, n)):
            self.add(_label(plan, k, name, step.roster), DataCode.D302, reason)

    def _answered(self, k: int | None, scope: Mapping[str, Any], name: str) -> bool:
        return name in scope or (k, name) in self.invalid


def _missing(
    plan: Plan, step: Step, scope: Mapping[str, Any], answered: Any
) -> Iterator[tuple[str, str]]:
    """The variables (or the question) a respondent shown ``step`` left unanswered
    although ``required`` asks for them, with why."""
    question = step.question
    qid = question.id

    def offered(code: str) -> bool:
        return step.offered(code, lambda condition: holds(condition, scope, plan.parts))

    if getattr(question, "required", False):
        if isinstance(question, MatrixQuestion | DualMatrixQuestion):
            scales = (
                [f".{s.code}" for s in question.scales]
                if isinstance(question, DualMatrixQuestion)
                else [""]
            )
            for row in question.rows:
                names = [f"{qid}.{row.code}{scale}" for scale in scales]
                if offered(row.code) and not all(answered(n) for n in names):
                    yield f"{qid}.{row.code}", f"the row {row.code!r} of a required question"
        elif isinstance(question, GridQuestion):
            for row in question.rows:
                cells = [f"{qid}.{row.code}.{c.code}" for c in question.columns]
                if offered(row.code) and not any(answered(c) for c in cells):
                    yield f"{qid}.{row.code}", f"the row {row.code!r} of a required grid is empty"
        elif isinstance(question, TextListQuestion | NumberListQuestion):
            if not any(answered(name) for name in plan.parts(qid)):
                yield qid, "a required question: at least one field must be answered"
        elif isinstance(question, DateRangeQuestion):
            for end in ("from", "to"):
                if not answered(f"{qid}.{end}"):
                    yield f"{qid}.{end}", "a required date range needs both ends"
        elif isinstance(question, RankingQuestion):
            ranked = scope.get(qid)
            items = [o.code for o in question.options if offered(o.code)]
            need = min(question.top or len(items), len(items))
            count = len(ranked) if isinstance(ranked, list) else 0
            invalid = count == 0 and answered(qid)  # given, but not a ranking: reported
            if count < need and not invalid:
                yield qid, f"a required ranking: {need} items must be ranked, {count} are"
        elif not answered(qid):
            yield qid, "a required question on this respondent's path is not answered"
    if isinstance(question, SingleChoice | MultipleChoice):
        chosen = scope.get(qid)
        for option in question.options:
            picked = chosen == option.code or (isinstance(chosen, list) and option.code in chosen)
            for followup in option.specify or ():
                if picked and followup.required and not answered(followup.id):
                    yield followup.id, f"a required follow-up of the chosen {option.code!r}"


def value_code(info: VarInfo, value: Any) -> DataCode:
    """The code of a value :func:`value_problem` refuses, from the value's shape only
    (the reason is the walk's own words)."""
    kind = info.kind
    if kind == "choice":
        return DataCode.D201 if isinstance(value, str) else DataCode.D202
    if kind in ("choices", "ranking"):
        if not isinstance(value, list | tuple) or not value:
            return DataCode.D202
        if not all(isinstance(code, str) for code in value):
            return DataCode.D202
        if any(code not in info.codes for code in value):
            return DataCode.D201
        if len(set(value)) != len(value):
            return DataCode.D202
        question = info.node
        exclusive = isinstance(question, MultipleChoice) and len(value) > 1
        if exclusive and any(o.exclusive and o.code in value for o in question.options):
            return DataCode.D204
        return DataCode.D203
    if kind == "text":
        if not isinstance(value, str) or not value:
            return DataCode.D202
        limit = getattr(info.node, "max_length", None)
        return DataCode.D203 if limit is not None and len(value) > limit else DataCode.D202
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return DataCode.D202
        if isinstance(value, float) and not math.isfinite(value):
            return DataCode.D202
        if getattr(info.node, "kind", "decimal") == "integer" and not isinstance(value, int):
            return DataCode.D202
        return DataCode.D203
    if kind == "date":
        precision = getattr(info.node, "precision", "day")
        if not isinstance(value, str) or not real_date(value, precision):
            return DataCode.D202
        return DataCode.D203
    return DataCode.D202


def _label(plan: Plan, k: int | None, name: str, roster: str | None = None) -> str:
    """How a finding names a variable: ``name``, inside a roster ``roster.k.name``."""
    if k is None:
        return name
    roster = roster or plan.variables[name].roster
    return f"{roster}.{k + 1}.{name}"


def _cross(problem: str) -> tuple[str, DataCode, str]:
    """A problem between answers (``problems`` on values that are each valid) as a
    finding: the variable it names first (inside a roster ``roster.k.name``)."""
    record = re.match(r"'([^']+)'\[([0-9]+)\]: '([^']+)'(: )?", problem)
    if record:
        variable = f"{record[1]}.{int(record[2]) + 1}.{record[3]}"
        reason = problem[record.end() :] if record[4] else problem
        return variable, DataCode.D204, reason
    quoted = _QUOTED.match(problem) or _QUOTED.search(problem)
    if quoted is None:
        return "", DataCode.D204, problem
    named = f"'{quoted[1]}': "
    reason = problem[len(named) :] if problem.startswith(named) else problem
    return quoted[1], DataCode.D204, reason


def _rule(plan: Plan, failure: RuleFailure) -> tuple[str, DataCode, str]:
    step = plan.steps[plan.position_of(failure.question)]
    label = failure.question
    if failure.iteration is not None and step.roster is not None:
        label = f"{step.roster}.{failure.iteration + 1}.{failure.question}"
    if failure.index < 0:
        assert step.total is not None
        return label, DataCode.D204, f"the total fails: {to_source(step.total)}"
    rule = (getattr(step.question, "rules", None) or ())[failure.index]
    return label, DataCode.D204, f"rule {failure.index + 1} fails: {rule.check}"


def _same(given: Any, walked: Any) -> bool:
    """Whether a computed value read from the data is the one the walk computes (numbers
    compared as numbers: a CSV writes 2.5 as it likes)."""
    numbers = (int, float)
    if isinstance(given, bool) or isinstance(walked, bool):
        return given is walked
    if isinstance(given, numbers) and isinstance(walked, numbers):
        return math.isclose(given, walked, rel_tol=1e-9, abs_tol=1e-12)
    return bool(given == walked) or str(given) == str(walked)


__all__ = ["Checker", "QuestionCounts", "Summary", "new_summary", "value_code"]
