"""``qdef data check`` with the reference walk (issue 21, part 1): generated respondents
of every instrument under instruments/, saved as the web form saves them, have no
findings; each kind of mutation — an answer off the path, a required answer missing,
a code the question does not have, a number out of range, a follow-up without its
option — is found with its code (docs/data.md, "Findings"), on every instrument.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qdef
from qdef.data import Checker, DataCode, Finding, read
from qdef.pipeline.compiled import Compiled
from qdef.routing import walk
from qdef.routing.answers import normalize
from qdef.testing import answers, attempts, respondents

ROOT = Path(__file__).parents[1]
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
COMPILED = {path.stem: qdef.compile(path) for path in INSTRUMENTS}
NAMES = sorted(COMPILED)


def saved(response: dict[str, Any], folder: Path) -> Path:
    """The response as the web form saves it (docs/webform.md: json.dumps with an indent
    of 2, not ASCII-escaped, a final newline)."""
    path = folder / "response.json"
    path.write_text(json.dumps(response, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def checked(compiled: Compiled, path: Path) -> list[Finding]:
    checker = Checker(compiled.plan)
    return [f for record in read(path, compiled.plan) for f in checker.check(record)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("responses")


@pytest.mark.parametrize("name", NAMES)
def test_respondents_saved_by_the_web_form_have_no_findings(name: str, folder: Path) -> None:
    compiled = COMPILED[name]
    lines: list[str] = []

    @settings(max_examples=40)
    @given(response=respondents(compiled))
    def run(response: dict[str, Any]) -> None:
        findings = checked(compiled, saved(response, folder))
        assert findings == [], response
        lines.append(json.dumps(response, ensure_ascii=False))

    run()
    # the same respondents as JSON Lines, one checker for all: no findings, and the
    # counts per question add up
    jsonl = folder / "all.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checker = Checker(compiled.plan)
    assert [f for r in read(jsonl, compiled.plan) for f in checker.check(r)] == []
    summary = checker.summary
    assert summary.responses == len(lines)
    for counts in summary.questions.values():
        assert counts.answered + counts.missing == counts.on_path
        assert counts.off_path == 0


Mutation = Callable[[Compiled, dict[str, Any], st.DataObject], tuple[dict[str, Any], str] | None]


def _shown(compiled: Compiled, response: dict[str, Any]) -> set[int]:
    walked = walk(compiled.plan, response)
    iterations = walked.iterations or (None,) * len(walked.positions)
    return {p for p, k in zip(walked.positions, iterations, strict=True) if k is None}


def _pick(data: st.DataObject, names: list[str], label: str) -> str | None:
    return data.draw(st.sampled_from(sorted(names)), label=label) if names else None


def off_path(compiled: Compiled, response: dict[str, Any], data: st.DataObject) -> Any:
    """An answer (of the right type) to a question the walk does not show."""
    plan, shown = compiled.plan, _shown(compiled, response)
    extra = data.draw(answers(compiled), label="other answers")
    names = [
        name
        for name, value in extra.items()
        if (info := plan.variables.get(name)) is not None
        and info.roster is None
        and info.option is None
        and info.position not in shown
        and value is not False
    ]
    name = _pick(data, names, "off the path")
    return None if name is None else ({**response, name: extra[name]}, name)


def missing_required(compiled: Compiled, response: dict[str, Any], data: st.DataObject) -> Any:
    """A required question on the path with its answer taken away."""
    plan, shown = compiled.plan, _shown(compiled, response)
    names = [
        step.question.id
        for step in plan.steps
        if step.position in shown
        and getattr(step.question, "required", False)
        and step.question.id in plan.variables
        and step.question.id in response
    ]
    name = _pick(data, names, "required")
    if name is None:
        return None
    return {k: v for k, v in response.items() if k != name}, name


def bad_code(compiled: Compiled, response: dict[str, Any], data: st.DataObject) -> Any:
    """A choice's answer replaced by a code the question does not have."""
    plan = compiled.plan
    names = [
        name
        for name in response
        if (info := plan.variables.get(name)) is not None and info.kind == "choice"
    ]
    name = _pick(data, names, "choice")
    return None if name is None else ({**response, name: "zz_no_such_code"}, name)


def out_of_range(compiled: Compiled, response: dict[str, Any], data: st.DataObject) -> Any:
    """A number answered beyond its ``max`` (or below its ``min``)."""
    plan = compiled.plan
    names = [
        name
        for name in response
        if (info := plan.variables.get(name)) is not None
        and info.kind == "number"
        and (info.node.max is not None or info.node.min is not None)
    ]
    name = _pick(data, names, "number")
    if name is None:
        return None
    node = plan.variables[name].node
    value = node.max + 1 if node.max is not None else node.min - 1
    return {**response, name: value}, name


def orphan_follow_up(compiled: Compiled, response: dict[str, Any], data: st.DataObject) -> Any:
    """A follow-up answered while its (shown) question does not have its option."""
    plan, shown = compiled.plan, _shown(compiled, response)
    extra = data.draw(answers(compiled), label="other answers")

    def chosen(info: Any) -> bool:
        answer = response.get(info.question)
        return answer == info.option or (isinstance(answer, list) and info.option in answer)

    names = [
        name
        for name in extra
        if (info := plan.variables.get(name)) is not None
        and info.option is not None
        and info.roster is None
        and info.position in shown
        and not chosen(info)
    ]
    name = _pick(data, names, "follow-up")
    return None if name is None else ({**response, name: extra[name]}, name)


MUTATIONS: dict[str, tuple[Mutation, DataCode]] = {
    "off path": (off_path, DataCode.D301),
    "missing required": (missing_required, DataCode.D302),
    "bad code": (bad_code, DataCode.D201),
    "out of range": (out_of_range, DataCode.D203),
    "orphan follow-up": (orphan_follow_up, DataCode.D303),
}


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
@pytest.mark.parametrize("name", NAMES)
def test_each_mutation_is_found_with_its_code(name: str, kind: str, folder: Path) -> None:
    compiled = COMPILED[name]
    mutate, code = MUTATIONS[kind]
    applied: list[str] = []

    @settings(max_examples=20)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        response = data.draw(respondents(compiled), label="response")
        mutated = mutate(compiled, response, data)
        if mutated is None:
            return
        answers_given, variable = mutated
        findings = checked(compiled, saved(answers_given, folder))
        assert (variable, code) in {(f.variable, f.code) for f in findings}, findings
        applied.append(variable)

    run()
    assert applied, f"no respondent of {name} could be given the mutation {kind!r}"


@pytest.mark.parametrize("name", NAMES)
def test_what_the_walk_drops_or_fails_is_reported(name: str, folder: Path) -> None:
    """Respondents who also answer options and rows not offered, give hidden values
    outside their domain and break rules (``qdef.testing.attempts``): every answer the
    walk does not keep as given is a finding, every failed rule is D204, and nothing
    else is reported."""
    compiled = COMPILED[name]
    plan = compiled.plan
    dropped_seen: list[str] = []
    codes_seen: set[DataCode] = set()

    @settings(max_examples=40)
    @given(attempt=attempts(compiled))
    def run(attempt: Any) -> None:
        found = checked(compiled, saved(attempt.given, folder))
        codes_seen.update(f.code for f in found)
        variables = {f.variable for f in found}
        for variable, value in attempt.given.items():
            info = plan.variables.get(variable)
            if info is None or info.roster is not None:
                continue
            kept = attempt.response.get(variable)
            wanted = normalize(info, value)
            same = kept == wanted or (
                isinstance(kept, list) and isinstance(wanted, list) and set(kept) == set(wanted)
            )
            if wanted is not None and not same:
                assert variable in variables, (variable, found)
                dropped_seen.append(variable)
        top_level = {q for q, _ in attempt.errors if plan.steps[plan.position_of(q)].roster is None}
        assert top_level <= {f.variable for f in found if f.code == DataCode.D204}
        for finding in found:
            hidden = plan.hidden_info(finding.variable) is not None
            allowed = {DataCode.D204, DataCode.D302, DataCode.D304}
            if hidden:
                allowed |= {DataCode.D201, DataCode.D202, DataCode.D203}
            if finding.variable == "_order":  # given, but not an order of the codes
                allowed.add(DataCode.D202)
            assert finding.code in allowed, finding

    run()
    if name == "household-energy":  # filters and option conditions: some not offered
        assert dropped_seen
        assert DataCode.D304 in codes_seen


#: A response that gives each code (D304, an option not offered, comes from the
#: respondents of test_what_the_walk_drops_or_fails_is_reported).
CASES: dict[DataCode, tuple[str, str]] = {
    DataCode.D101: ("investitionspakt", '{"im_eingesetzt": "nein", "kontakt_fax": "0"}'),
    DataCode.D201: ("investitionspakt", '{"im_eingesetzt": "vielleicht"}'),
    DataCode.D202: ("investitionspakt", '{"im_eingesetzt": "ja", "wochenstunden": "20"}'),
    DataCode.D203: ("investitionspakt", '{"im_eingesetzt": "ja", "wochenstunden": 200}'),
    DataCode.D204: ("household-energy", '{"members": 2, "adults": 3}'),
    DataCode.D205: ("household-energy", '{"members": 3, "adults": 2, "children": 5}'),
    DataCode.D301: ("investitionspakt", '{"im_eingesetzt": "ja", "rueckblick": "gut"}'),
    DataCode.D302: ("investitionspakt", '{"im_eingesetzt": "ja"}'),
    DataCode.D303: (
        "investitionspakt",
        '{"im_eingesetzt": "ja", "eigene_raeume": "nein", "eigene_raeume_qm": 5}',
    ),
    DataCode.D401: ("investitionspakt", '{"im_eingesetzt": '),
}


@pytest.mark.parametrize("code", [c for c in DataCode if c != DataCode.D304])
def test_every_code_has_a_case(code: DataCode, folder: Path) -> None:
    name, text = CASES[code]
    path = folder / "case.json"
    path.write_text(text, encoding="utf-8")
    assert code in {f.code for f in checked(COMPILED[name], path)}


def test_the_codes_page_lists_every_code() -> None:
    page = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(D[0-9]{3})` \| ([^|]+) \|", page, re.M)
    assert [(code, summary.strip()) for code, summary in listed] == [
        (str(code), code.summary) for code in DataCode
    ]
