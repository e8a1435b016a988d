"""Small instruments dense with routing, and brute force over all their answers.

``routed_instruments()`` draws instruments of a few questions (single and
multiple choice, numbers, texts, displays) where most questions route:
option gotos, question gotos, ``goto: end``, conditions on questions and
sections that combine earlier answers. ``all_responses()`` enumerates every
answer set that could matter — every code, every subset of a multiple
choice, numbers and texts at and around every constant the conditions use —
and walks each: an oracle for path counts, reachability and reaching
conditions that shares nothing with qdef's symbolic analysis.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import strategies as st

from qdef.expr.nodes import Compare, In, Literal, Ref
from qdef.expr.nodes import walk as nodes
from qdef.model import Instrument
from qdef.model.dumper import dumps
from qdef.pipeline import validate_text
from qdef.routing.answers import problems
from qdef.routing.interpreter import Walk, walk
from qdef.routing.plan import Plan

Draw = Callable[[st.SearchStrategy[Any]], Any]

CODES = ["a", "b", "c"]
MONTHS = ["2020-01", "2020-06", "2021-01", "2021-06", "2021-12"]


@st.composite
def routed_instruments(  # noqa: PLR0915 - one generator, read top to bottom
    draw: Draw, max_questions: int = 7, compare_answers: bool = False
) -> Instrument:
    """With ``compare_answers``, mostly numbers, dates and texts, whose conditions often
    compare two answers with each other (``a < b``, ``not (a != b)``)."""
    count = draw(st.integers(2, max_questions))
    kinds = draw(
        st.lists(
            st.sampled_from(
                ["single", "number", "number", "number", "date", "date", "text", "display"]
                if compare_answers
                else [
                    "single",
                    "single",
                    "single",
                    "multiple",
                    "number",
                    "text",
                    "display",
                    "matrix",
                    "date",
                    "grid",
                    "daterange",
                ]
            ),
            min_size=count,
            max_size=count,
        )
    )
    ids = [f"q{i + 1}" for i in range(count)]
    breaks = sorted(draw(st.sets(st.integers(1, count - 1), max_size=2)))
    questions: list[dict[str, Any]] = []
    earlier: list[tuple[str, str, list[str]]] = []  # (id, kind, codes)
    singles: list[str] = []  # single choices so far

    def atom() -> str | None:
        if not earlier:
            return None
        qid, kind, codes = draw(st.sampled_from(earlier))
        if kind == "single":
            form = draw(st.integers(0, 3))
            code = draw(st.sampled_from(codes))
            if form == 0:
                return f'{qid} == "{code}"'
            if form == 1:
                return f'{qid} != "{code}"'
            if form == 2:
                return f"answered({qid})"
            listed = ", ".join(f'"{c}"' for c in draw(st.sets(st.sampled_from(codes), min_size=1)))
            return f"{qid} {draw(st.sampled_from(['in', 'not in']))} [{listed}]"
        if kind == "multiple":
            code = draw(st.sampled_from(codes))
            return draw(st.sampled_from([f'{qid} has "{code}"', f'not {qid} has "{code}"']))
        if kind == "number":
            op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
            return f"{qid} {op} {draw(st.integers(0, 4))}"
        if kind == "matrix":
            row = draw(st.sampled_from(["r1", "r2"]))
            return draw(
                st.sampled_from(
                    [
                        f'{qid}.{row} == "1"',
                        f'{qid}.{row} != "2"',
                        f"answered({qid})",
                        f"{qid}.r1 == {qid}.r2",
                        f'{qid}.{row} in ["1", "2"]',
                    ]
                )
            )
        if kind == "date":
            op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
            return f'{qid} {op} "{draw(st.sampled_from(MONTHS))}"'
        if kind == "grid":
            return draw(
                st.sampled_from(
                    [
                        f"{qid}.r.keine",
                        f"not {qid}.r.keine",
                        f'{qid}.r.wer == "x"',
                        f"answered({qid})",
                        f"{qid}.r.keine == false",
                    ]
                )
            )
        if kind == "daterange":
            end = draw(st.sampled_from(["from", "to"]))
            op = draw(st.sampled_from(["<", ">="]))
            return f'{qid}.{end} {op} "{draw(st.sampled_from(MONTHS))}"'
        if kind == "single" or not singles:
            return draw(st.sampled_from([f'{qid} == "x"', f"answered({qid})"]))
        return None

    def pair() -> str | None:
        """Two single choices compared with each other (both have the code "a")."""
        if len(singles) < 2:
            return None
        first, second = draw(st.sampled_from(singles)), draw(st.sampled_from(singles))
        return (
            f"{first} {draw(st.sampled_from(['==', '!=']))} {second}" if first != second else None
        )

    def answers_compared() -> str | None:
        """Two numbers, dates or texts compared with each other (answer to answer)."""
        comparable = [(q, k) for q, k, _ in earlier if k in ("number", "date", "text")]
        if len(comparable) < 2:
            return None
        (first, kind), (second, other) = draw(
            st.lists(st.sampled_from(comparable), min_size=2, max_size=2, unique=True)
        )
        if kind != other:
            return None
        ops = ["==", "!="] if kind == "text" else ["<", "<=", ">", ">=", "==", "!="]
        return f"{first} {draw(st.sampled_from(ops))} {second}"

    def condition() -> str | None:
        if draw(st.integers(0, 5)) == 0 and (compared := pair()):
            return compared
        if draw(st.integers(0, 0 if compare_answers else 3)) == 0 and (
            compared := answers_compared()
        ):
            shape = draw(st.integers(0, 3))
            other = atom()
            if shape == 1:  # negated: not (a != b) is a == b, absent answers included
                return f"not ({compared})"
            if shape == 2 and other:
                return f"not ({compared} or {other})"
            if shape == 3 and other:
                return f"{other} and {compared}"
            return compared
        first = atom()
        if first is None:
            return None
        shape = draw(st.integers(0, 4))
        second = atom()
        if shape == 1 and second:
            return f"{first} and {second}"
        if shape == 2 and second:
            return f"{first} or {second}"
        if shape == 3:
            return f"not ({first})"
        return first

    for i, (qid, kind) in enumerate(zip(ids, kinds, strict=True)):
        later = [*ids[i + 1 :], "end"]
        question: dict[str, Any] = {"id": qid, "type": kind, "text": f"Frage {qid}"}
        if kind == "single":
            codes = CODES[: draw(st.integers(2, 3))]
            options = []
            for code in codes:
                option: dict[str, Any] = {"code": code, "label": code}
                if draw(st.integers(0, 2)) == 0:
                    option["goto"] = draw(st.sampled_from(later))
                options.append(option)
            question["options"] = options
            question["required"] = draw(st.booleans())
            earlier_entry = (qid, kind, codes)
        elif kind == "multiple":
            codes = CODES[: draw(st.integers(2, 3))]
            question["options"] = [
                {"code": c, "label": c, "exclusive": j == len(codes) - 1 and draw(st.booleans())}
                for j, c in enumerate(codes)
            ]
            earlier_entry = (qid, kind, codes)
        elif kind == "number":
            question.update(min=0, max=5)
            earlier_entry = (qid, kind, [])
        elif kind == "text":
            earlier_entry = (qid, kind, [])
        elif kind == "matrix":
            question["scale"] = [{"code": "1", "label": "Eins"}, {"code": "2", "label": "Zwei"}]
            question["rows"] = [{"code": "r1", "label": "R1"}, {"code": "r2", "label": "R2"}]
            question["required"] = draw(st.booleans())
            earlier_entry = (qid, kind, [])
        elif kind in ("date", "daterange"):
            question.update(precision="month", min=MONTHS[0], max=MONTHS[-1])
            earlier_entry = (qid, kind, [])
        elif kind == "grid":
            question["columns"] = [
                {"code": "wer", "label": "Wer", "input": "text"},
                {"code": "keine", "label": "Keine", "input": "check", "exclusive": True},
            ]
            question["rows"] = [{"code": "r", "label": "R"}]
            earlier_entry = (qid, kind, [])
        else:
            earlier_entry = None  # a display has no answer
        if draw(st.integers(0, 1 if compare_answers else 2)) == 0 and (when := condition()):
            question["when"] = when
        if draw(st.integers(0, 4)) == 0:
            question["goto"] = draw(st.sampled_from(later))
        questions.append(question)
        if earlier_entry is not None:
            earlier.append(earlier_entry)
        if kind == "single":
            singles.append(qid)
    sections = []
    bounds = [0, *breaks, count]
    for s in range(len(bounds) - 1):
        section: dict[str, Any] = {
            "id": f"s{s + 1}",
            "questions": questions[bounds[s] : bounds[s + 1]],
        }
        if s > 0 and draw(st.integers(0, 2)) == 0:
            known = [e for e in earlier if ids.index(e[0]) < bounds[s]]
            if known:
                saved, saved_singles = list(earlier), list(singles)
                earlier[:] = known
                singles[:] = [q for q in singles if ids.index(q) < bounds[s]]
                when = condition()
                earlier[:], singles[:] = saved, saved_singles
                if when:
                    section["when"] = when
        sections.append(section)
    data = {"qdef": 1, "id": "routed", "title": "Routed", "language": "de", "sections": sections}
    instrument = Instrument.model_validate(data)
    errors = [d for d in validate_text(dumps(instrument)).diagnostics if d.is_error]
    assert errors == [], errors  # the strategy draws valid instruments only
    return instrument


def candidate_values(plan: Plan) -> dict[str, list[Any]]:
    """For each variable the routing looks at, every value that could matter
    (``None``: unanswered)."""
    referenced: set[str] = set()
    constants: dict[str, set[Any]] = {}
    pairs: list[tuple[str, str]] = []  # answers compared with each other
    for step in plan.steps:
        routes = step.option_gotos or getattr(step.question, "required", False)
        if routes:
            referenced.update(plan.groups.get(step.question.id, (step.question.id,)))
        for expr in (step.section_when, step.own_when):
            for node in nodes(expr) if expr is not None else ():
                if isinstance(node, Ref):
                    referenced.add(node.name)
                if isinstance(node, Compare) and isinstance(node.right, Literal):
                    assert isinstance(node.left, Ref)
                    constants.setdefault(node.left.name, set()).add(node.right.value)
                if isinstance(node, Compare) and isinstance(node.right, Ref):
                    assert isinstance(node.left, Ref)
                    pairs.append((node.left.name, node.right.name))
                if isinstance(node, In):
                    assert isinstance(node.left, Ref)
                    constants.setdefault(node.left.name, set()).update(v.value for v in node.values)
    for _ in pairs:  # answers compared with each other: each near the other's constants
        for a, b in pairs:
            shared = constants.get(a, set()) | constants.get(b, set())
            constants[a], constants[b] = set(shared), set(shared)
    for name in list(referenced):
        if name in plan.groups:  # answered(matrix): its parts
            referenced.discard(name)
            referenced.update(plan.groups[name])
    values: dict[str, list[Any]] = {}
    for name in sorted(referenced):
        info = plan.variables[name]
        options: list[Any] = [None]
        if info.kind == "choice":
            options += list(info.codes)
        elif info.kind == "choices":
            for size in range(1, len(info.codes) + 1):
                options += [list(c) for c in itertools.combinations(info.codes, size)]
        elif info.kind == "number":
            near = {v + d for v in constants.get(name, ()) for d in (-1, 0, 1)}
            low, high = info.node.min, info.node.max
            options += sorted({v for v in near | {low, high} if low <= v <= high})
        elif info.kind == "date":
            months = {_month(c, d) for c in constants.get(name, ()) for d in (-1, 0, 1)}
            low, high = info.node.min, info.node.max
            options += sorted(m for m in months | {low, high} if low <= m <= high)
        elif info.kind == "check":
            options.append(True)
        else:  # two texts compared with each other may also differ from each other
            other = {"zy"} if any(name in p for p in pairs) else set()
            options += sorted({*(c for c in constants.get(name, ()) if c), *other, "zz"})
        values[name] = options
    return values


def all_walks(plan: Plan, limit: int = 20_000) -> Iterator[Walk] | None:
    """Every walk of a respondent who answers within the instrument's rules and
    answers the required questions shown (None if there are too many answer sets)."""
    values = candidate_values(plan)
    names = list(values)
    total = 1
    for name in names:
        total *= len(values[name])
    if total > limit:
        return None

    def generate() -> Iterator[Walk]:
        for combo in itertools.product(*(values[n] for n in names)):
            answers = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
            if problems(plan, answers):
                continue
            result = walk(plan, answers, check=False)
            if all(_answered_if_required(plan, q, result.response) for q in result.questions):
                yield result

    return generate()


def _month(text: str, delta: int) -> str:
    year, month = (int(p) for p in text.split("-"))
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _answered_if_required(plan: Plan, question: Any, response: dict[str, Any]) -> bool:
    """docs/responses.md: a required matrix needs every row, other questions a value."""
    if not getattr(question, "required", False):
        return True
    parts = plan.groups.get(question.id)
    if parts is None:
        return question.id in response
    return all(part in response for part in parts)
