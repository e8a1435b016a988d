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
from qdef.routing.answers import problems
from qdef.routing.plan import Plan
from qdef.routing.walk import Walk, walk

Draw = Callable[[st.SearchStrategy[Any]], Any]

CODES = ["a", "b", "c"]


@st.composite
def routed_instruments(  # noqa: PLR0915 - one generator, read top to bottom
    draw: Draw, max_questions: int = 7
) -> Instrument:
    count = draw(st.integers(2, max_questions))
    kinds = draw(
        st.lists(
            st.sampled_from(
                ["single", "single", "single", "multiple", "number", "text", "display"]
            ),
            min_size=count,
            max_size=count,
        )
    )
    ids = [f"q{i + 1}" for i in range(count)]
    breaks = sorted(draw(st.sets(st.integers(1, count - 1), max_size=2)))
    questions: list[dict[str, Any]] = []
    earlier: list[tuple[str, str, list[str]]] = []  # (id, kind, codes)

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
        return draw(st.sampled_from([f'{qid} == "x"', f"answered({qid})"]))

    def condition() -> str | None:
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
        else:
            earlier_entry = None  # a display has no answer
        if draw(st.integers(0, 2)) == 0 and (when := condition()):
            question["when"] = when
        if draw(st.integers(0, 4)) == 0:
            question["goto"] = draw(st.sampled_from(later))
        questions.append(question)
        if earlier_entry is not None:
            earlier.append(earlier_entry)
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
                saved = list(earlier)
                earlier[:] = known
                when = condition()
                earlier[:] = saved
                if when:
                    section["when"] = when
        sections.append(section)
    data = {"qdef": 1, "id": "routed", "title": "Routed", "language": "de", "sections": sections}
    return Instrument.model_validate(data)


def candidate_values(plan: Plan) -> dict[str, list[Any]]:
    """For each variable the routing looks at, every value that could matter
    (``None``: unanswered)."""
    referenced: set[str] = set()
    constants: dict[str, set[Any]] = {}
    for step in plan.steps:
        routes = step.option_gotos or getattr(step.question, "required", False)
        if routes and step.question.id in plan.variables:
            referenced.add(step.question.id)
        for expr in (step.section_when, step.own_when):
            for node in nodes(expr) if expr is not None else ():
                if isinstance(node, Ref):
                    referenced.add(node.name)
                if isinstance(node, Compare) and isinstance(node.right, Literal):
                    assert isinstance(node.left, Ref)
                    constants.setdefault(node.left.name, set()).add(node.right.value)
                if isinstance(node, In):
                    assert isinstance(node.left, Ref)
                    constants.setdefault(node.left.name, set()).update(v.value for v in node.values)
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
        else:
            options += sorted({*(c for c in constants.get(name, ()) if c), "zz"})
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
            if all(
                not getattr(q, "required", False) or q.id in result.response
                for q in result.questions
            ):
                yield result

    return generate()
