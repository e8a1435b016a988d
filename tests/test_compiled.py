"""The compiled instrument (qdef.pipeline.compiled): built once by validation, each
condition parsed once per run, and no cache keyed by an object's identity."""

from __future__ import annotations

import ast
import collections
import functools
import io
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import qdef
from qdef.expr import parser, to_source
from qdef.model import Instrument
from qdef.pipeline import compiled as compiled_module
from qdef.pipeline import validate_file, validate_text
from qdef.pipeline.compiled import Compiled, compile_instrument
from qdef.routing import count_paths, reaching_conditions, walk

ROOT = Path(__file__).parents[1]
SOURCES = ROOT / "src" / "qdef"
INVESTITIONSPAKT = ROOT / "instruments" / "investitionspakt.yaml"

#: Item conditions, section conditions (one on a section of several questions), an
#: option goto, a question goto, and two conditions spelt alike (parsed once each: they
#: are two conditions).
ROUTED = textwrap.dedent(
    """\
    qdef: 1
    id: routed
    title: Routed
    language: de
    sections:
      - id: a
        title: Anfang
        questions:
          - id: q1
            type: single
            required: true
            text: Frage eins
            options:
              - {code: ja, label: Ja}
              - {code: nein, label: Nein, goto: q5}
          - {id: q2, type: number, kind: integer, text: Zahl, when: 'q1 == "ja"'}
          - {id: q3, type: text, text: Text, when: 'q2 > 3', goto: q5}
      - id: b
        title: Mitte
        when: 'q1 == "ja" and answered(q2)'
        questions:
          - {id: q4, type: text, text: Mehr}
          - {id: q4b, type: text, text: Noch mehr, when: 'q2 > 3'}
      - id: c
        title: Ende
        questions:
          - id: q5
            type: multiple
            text: "Welche?"
            options:
              - {code: x, label: X}
              - {code: y, label: Y}
          - {id: q6, type: text, text: "Warum", when: 'q5 has "x" or not answered(q2)'}
    """
)
CONDITIONS = {
    ("sections", 0, "questions", 1, "when"): 'q1 == "ja"',
    ("sections", 0, "questions", 2, "when"): "q2 > 3",
    ("sections", 1, "when"): 'q1 == "ja" and answered(q2)',
    ("sections", 1, "questions", 1, "when"): "q2 > 3",
    ("sections", 2, "questions", 1, "when"): 'q5 has "x" or not answered(q2)',
}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every condition text parsed from now on, however the caller reached the parser
    (every ``parse`` makes one :class:`qdef.expr.parser.Parser`)."""
    seen: list[str] = []
    make = parser.Parser.__init__

    def counting(self: parser.Parser, source: str, *args: Any, **kwargs: Any) -> None:
        seen.append(source)
        make(self, source, *args, **kwargs)

    monkeypatch.setattr(parser.Parser, "__init__", counting)
    return seen


def _each_once(seen: list[str]) -> None:
    """Each condition of ROUTED was parsed exactly once (``q2 > 3`` is written twice)."""
    expected = collections.Counter(CONDITIONS.values())
    assert collections.Counter(seen) == expected


def _use_everything(compiled: Compiled) -> None:
    """What the stages after validation read: plan, analysis, reaching conditions,
    findings, path counts."""
    plan = compiled.plan
    for step in plan.steps:
        compiled.reaching(step.question.id)
        compiled.reaching_text(step.question.id)
    compiled.analysis.findings()
    count_paths(compiled.analysis)
    reaching_conditions(compiled.analysis)


# --------------------------------------------------------------------------- (a) parsed once


def test_validation_analysis_and_plan_parse_each_condition_once(parsed: list[str]) -> None:
    result = validate_text(ROUTED)
    assert result.ok, result.diagnostics
    assert result.compiled is not None
    _use_everything(result.compiled)
    _each_once(parsed)
    # the plan's trees are the checks' trees, not parsed again
    conditions = result.compiled.conditions
    assert {path: to_source(e) for path, e in conditions.items()} == CONDITIONS
    steps = result.compiled.plan.steps
    assert steps[1].own_when is conditions[("sections", 0, "questions", 1, "when")]
    assert steps[3].section_when is conditions[("sections", 1, "when")]
    assert steps[4].section_when is steps[3].section_when
    # spans: offsets into the condition's own text
    section = conditions[("sections", 1, "when")]
    assert (section.start, section.end) == (0, len(CONDITIONS[("sections", 1, "when")]))


def test_an_instrument_built_in_code_is_compiled_parsing_each_condition_once(
    parsed: list[str],
) -> None:
    instrument = validate_text(ROUTED).instrument
    assert instrument is not None
    parsed.clear()
    for make in (compile_instrument, qdef.compile):
        _use_everything(make(instrument))
        _each_once(parsed)
        parsed.clear()


def test_validation_without_routing_still_parses_each_condition_once(
    parsed: list[str],
) -> None:
    """``qdef check`` and ``qdef paths`` validate without findings, then analyse."""
    from qdef.pipeline import validate_document  # noqa: PLC0415
    from qdef.source.loader import parse  # noqa: PLC0415

    document, _ = parse(ROUTED, Path("routed.yaml"))
    assert document is not None
    result = validate_document(document, routing=False)
    assert result.compiled is not None
    _use_everything(result.compiled)
    _each_once(parsed)


# --------------------------------------------------------------------------- (b) a whole run


def test_a_whole_render_run_parses_each_condition_once(parsed: list[str], tmp_path: Path) -> None:
    """Validation, the four built-in renderers and the codebook plugin (an outside
    plugin, installed by ``dev.sh``) in one ``qdef render``: the renderers read the
    conditions and reaching conditions of the Compiled that validation made, they
    parse nothing."""
    from qdef.cli import main  # noqa: PLC0415

    source = tmp_path / "routed.yaml"
    source.write_text(ROUTED, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["render", str(source), "-o", str(tmp_path / "out")]
    for name in ("markdown", "html", "limesurvey", "limesurvey-map", "codebook"):
        argv += ["--to", name]
    assert main(argv, out, err) == 0, err.getvalue()
    assert len(list((tmp_path / "out").iterdir())) == 5
    _each_once(parsed)


# --------------------------------------------------------------------------- (d) built once


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How many Compiled objects, plans and analyses are made from now on."""
    from qdef.routing import analysis, plan  # noqa: PLC0415

    counts: collections.Counter[str] = collections.Counter()
    post_init = Compiled.__post_init__
    compile_plan, analyse_plan = plan.compile_plan, analysis.analyse_plan

    def compiled(self: Compiled) -> None:
        counts["compiled"] += 1
        post_init(self)

    def planned(*args: Any, **kwargs: Any) -> Any:
        counts["plan"] += 1
        return compile_plan(*args, **kwargs)

    def analysed(*args: Any, **kwargs: Any) -> Any:
        counts["analysis"] += 1
        return analyse_plan(*args, **kwargs)

    monkeypatch.setattr(Compiled, "__post_init__", compiled)
    monkeypatch.setattr(plan, "compile_plan", planned)
    monkeypatch.setattr(analysis, "analyse_plan", analysed)
    return counts


def test_validation_builds_one_compiled_whose_plan_and_analysis_are_made_once(
    made: collections.Counter[str],
) -> None:
    from qdef.diff import compare  # noqa: PLC0415
    from qdef.testing import check_routing  # noqa: PLC0415

    result = validate_file(INVESTITIONSPAKT)
    assert made == {"compiled": 1, "plan": 1, "analysis": 1}  # the findings need both
    compiled = result.compiled
    assert compiled is not None and compiled.document is result.document
    assert result.instrument is compiled.instrument
    _use_everything(compiled)
    assert compare(result, result) == []
    assert check_routing(compiled, max_examples=5).ok
    assert made == {"compiled": 1, "plan": 1, "analysis": 1}


def test_the_plan_is_made_only_when_asked_for(made: collections.Counter[str]) -> None:
    from qdef.pipeline import validate_document  # noqa: PLC0415
    from qdef.source.loader import load_file  # noqa: PLC0415

    document, _ = load_file(INVESTITIONSPAKT)
    assert document is not None
    compiled = validate_document(document, routing=False).compiled
    assert compiled is not None
    assert made == {"compiled": 1}
    assert compiled.numbers["umsetzungsphase"] == compiled.instrument.numbers()["umsetzungsphase"]
    assert compiled.plan is compiled.plan
    assert made == {"compiled": 1, "plan": 1}
    assert compiled.plan.numbers is compiled.numbers  # counted once, shared
    assert compiled.analysis is compiled.analysis
    assert made == {"compiled": 1, "plan": 1, "analysis": 1}


def test_an_analysis_that_fails_is_not_tried_again(
    made: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too entangled to analyse: validation reports QD605, and what asks for the
    analysis afterwards (a renderer, qdef paths) gets the same refusal at once."""
    from qdef.routing import Budget, analysis  # noqa: PLC0415

    small = functools.partial(analysis.Analysis, max_nodes=4)
    monkeypatch.setattr(
        analysis, "Analysis", lambda plan, _, skipped, **kw: small(plan, skipped=skipped, **kw)
    )
    result = validate_file(INVESTITIONSPAKT)
    assert [d.code for d in result.diagnostics] == ["QD605"]
    assert result.compiled is not None
    for _ in range(2):
        with pytest.raises(Budget):
            result.compiled.reaching("umsetzungsphase")
    assert made == {"compiled": 1, "plan": 1, "analysis": 1}


def test_qdef_compile_and_load() -> None:
    compiled = qdef.compile(INVESTITIONSPAKT)
    assert isinstance(compiled, qdef.Compiled)
    assert compiled.document is not None and compiled.document.path == INVESTITIONSPAKT
    assert isinstance(qdef.load(INVESTITIONSPAKT), Instrument)
    assert compiled.instrument == qdef.load(INVESTITIONSPAKT)
    with pytest.raises(qdef.QdefError):
        qdef.compile(ROOT / "tests" / "nowhere.yaml")
    built = qdef.compile(compiled.instrument)
    assert built.document is None
    assert built.reaching_text("umsetzungsphase") == compiled.reaching_text("umsetzungsphase")


def test_an_invalid_instrument_has_no_compiled() -> None:
    result = validate_text(ROUTED.replace("q2 > 3", "q9 > 3"))
    assert result.compiled is None and result.instrument is None and not result.ok


# --------------------------------------------------------------------------- (c) no identity


#: Tables keyed by ``id()`` that belong to one parsed document and are keyed by its
#: own containers (positions recorded while parsing): not results shared between
#: stages, and dropped with the document.
DOCUMENT_TABLES = frozenset({"source/yamldata.py", "source/positions.py"})
#: The same for the importers: tables over the plain data of the instrument an import
#: is building (where each loss and note is anchored until the document is final),
#: made and dropped within one import, each keyed by objects that stay alive while it
#: is used (the document's nodes, the sheet's rows, or objects the table keeps). The
#: import's own state (its open groups) is not keyed so: a group's frame, freed when
#: the group ended, gave its id() to the next group's (two sections one id).
IMPORTING = "importing/"
WEAK = frozenset({"WeakKeyDictionary", "WeakValueDictionary", "WeakSet", "PerInstrument"})
#: Types whose objects a cache must not be keyed by (what the pipeline hands on).
STAGE_TYPES = frozenset({"Instrument", "Plan", "Analysis", "Compiled", "Symbols", "Document"})


def identity_caches(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for each identity-keyed cache in the Python ``source``: ``id(...)``
    as a key (subscript, dict key, membership, ``get``/``setdefault``/``pop``/``add``),
    a weak-keyed mapping or ``PerInstrument``, and a ``functools`` cache on a function
    taking an instrument or what is derived from one."""
    tree = ast.parse(source)
    keyed: set[int] = set()  # id() calls in a key position
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            keyed.add(id(node.slice))
        elif isinstance(node, ast.Dict):
            keyed.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.DictComp):
            keyed.add(id(node.key))
        elif isinstance(node, ast.Compare) and any(
            isinstance(op, ast.In | ast.NotIn) for op in node.ops
        ):
            keyed.add(id(node.left))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "setdefault", "pop", "add", "__contains__")
            and node.args
        ):
            keyed.add(id(node.args[0]))
    # names bound to an identity (``key = id(instrument)``) count as the id() itself
    identities = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_id_call(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if id(node) in keyed and (
            _is_id_call(node) or (isinstance(node, ast.Name) and node.id in identities)
        ):
            yield node.lineno, "id() as a key"
        name = (
            node.id
            if isinstance(node, ast.Name)
            else node.attr
            if isinstance(node, ast.Attribute)
            else None
        )
        if name in WEAK:
            yield node.lineno, name
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            cached = any(
                "cache" in ast.unparse(d).split("(")[0].rsplit(".", 1)[-1]
                for d in node.decorator_list
            )
            annotations = " ".join(
                ast.unparse(a.annotation)
                for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                if a.annotation is not None
            )
            if cached and STAGE_TYPES.intersection(re.findall(r"\w+", annotations)):
                yield node.lineno, f"a cache on {node.name}({annotations})"


def _is_id_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "id"


def test_no_identity_keyed_cache_remains() -> None:
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        name = path.relative_to(SOURCES).as_posix()
        for line, what in sorted(set(identity_caches(path.read_text(encoding="utf-8")))):
            if what == "id() as a key" and (name in DOCUMENT_TABLES or name.startswith(IMPORTING)):
                continue
            found.append(f"src/qdef/{name}:{line}: {what}")
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "cache = {}\ndef f(x):\n    return cache[id(x)]\n",
        "def f(x, seen):\n    return id(x) in seen\n",
        "def f(x, seen):\n    seen.add(id(x))\n",
        "def f(x, d):\n    return d.get(id(x))\n",
        "def f(x):\n    return {id(x): x}\n",
        "def f(x, d):\n    key = id(x)\n    return d.get(key)\n",
        "import weakref\nCACHE = weakref.WeakKeyDictionary()\n",
        "from qdef.memo import PerInstrument\nplans = PerInstrument(len)\n",
        "import functools\n@functools.cache\ndef f(instrument: Instrument) -> int:\n    return 1\n",
        "from functools import lru_cache\n@lru_cache(8)\ndef f(p: 'qdef.routing.Plan'):\n    ...\n",
    ],
)
def test_the_scan_finds_an_identity_cache(source: str) -> None:
    assert list(identity_caches(source))


@pytest.mark.parametrize(
    "source",
    [
        "def f(x):\n    return id(x)\n",  # identity shown, not a key
        "import functools\n@functools.cache\ndef f(language: str) -> int:\n    return 1\n",
        "def f(d, x):\n    return d[x.id]\n",
    ],
)
def test_the_scan_leaves_other_code_alone(source: str) -> None:
    assert list(identity_caches(source)) == []


def test_compiled_is_exported_where_documented() -> None:
    assert qdef.Compiled is compiled_module.Compiled
    assert "compile" in qdef.__all__ and "Compiled" in qdef.__all__


def test_what_a_stage_derives_is_computed_once_per_compiled_instrument() -> None:
    calls: list[Compiled] = []

    def count_questions(compiled: Compiled) -> int:
        calls.append(compiled)
        return len(compiled.symbols.entries)

    first = qdef.compile(INVESTITIONSPAKT)
    assert first.derived(count_questions) == first.derived(count_questions)
    assert calls == [first]
    second = qdef.compile(INVESTITIONSPAKT)  # another compiled instrument: its own value
    second.derived(count_questions)
    assert calls == [first, second]


ROSTER = """
qdef: 1
id: roster
title: Roster
language: en
sections:
  - id: s1
    questions:
      - {id: names, type: textlist, text: Names, fields: [{code: a, label: A}, {code: b, label: B}]}
  - id: people
    repeat: {for_each: names, item: person}
    questions:
      - {id: age, type: number, text: "Age of {person}?", min: 0, max: 120}
  - id: s3
    questions:
      - {id: note, type: display, text: Adults, when: any(age >= 18)}
"""


def test_an_instrument_built_in_code_gets_its_aggregates_resolved_as_a_validated_one() -> None:
    from qdef.expr.nodes import Over  # noqa: PLC0415

    validated = validate_text(ROSTER).compiled
    assert validated is not None
    built = compile_instrument(validated.instrument)
    path = ("sections", 2, "questions", 0, "when")
    assert isinstance(validated.condition(path), Over)
    assert built.condition(path) == validated.condition(path)
    assert walk(built.plan, {"names.a": "Ann", "people": [{"age": 30}]}).ids[-1] == "note"
