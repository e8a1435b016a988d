"""The LimeSurvey corpus through qdef and back (issue 20, deliverable 6, LimeSurvey).

For each ``*.lss`` of the corpus (default ``../shared/corpus/limesurvey``):

- **import**: :func:`qdef.importing.limesurvey.read`; its questions faithful,
  approximated and left out (``ImportResult.counts()``), its losses, and whether the
  document validates;
- **round trip**: the imported instrument rendered back to ``.lss`` with qdef's
  ``limesurvey`` renderer and read again; compared with the original: the question
  codes kept (share of the imported questions whose code is in the rendered
  survey), the answer codes (share of the kept questions with the same answer codes),
  the languages (equal or not);
- **relevance**: respondents generated for the imported instrument
  (:func:`qdef.testing.respondents`, seeded); for each, the original's group and
  question relevance equations evaluated with tests/lsexpr.py's ExpressionScript
  semantics on the answers the respondent gave (as LimeSurvey names them), and
  compared with what qdef's walk shows. A question *agrees* when both decide the
  same on every respondent; equations lsexpr cannot evaluate (functions it lacks)
  count as not agreeing. LimeSurvey's "NA" of a bare (no ``.NAOK``) reference to a
  hidden question is not modelled: hidden answers are empty, as with ``.NAOK``.

``python benchmarks/corpus_limesurvey.py [CORPUS_DIR] [--respondents N]`` prints the
table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "limesurvey"


def _imported(path: Path) -> tuple[Any, Any, dict[str, Any]]:
    """The import's result, the survey's records and the symbols (LimeSurvey name ->
    qdef variable) the importer used."""
    from qdef.importing.limesurvey.archive import parse_xml, read_survey  # noqa: PLC0415
    from qdef.importing.limesurvey.kinds import Builder  # noqa: PLC0415
    from qdef.importing.limesurvey.repair import make_valid  # noqa: PLC0415
    from qdef.importing.report import ImportResult  # noqa: PLC0415

    survey = read_survey(parse_xml(path))
    result = ImportResult(source=str(path), kind="limesurvey", document={})
    builder = Builder(survey, result)
    result.document = builder.document()
    where_of = {o.at: (o.where, o.code) for o in result.origins if o.at is not None}
    left = make_valid(result, where_of)
    result.notes[("_left",)] = left
    return result, survey, builder.symbols


def _to_lsexpr(
    node: Any, wholes: dict[str, tuple[str, ...]] | None = None, names: dict[str, str] | None = None
) -> Any:
    """An importer's ExpressionScript tree as tests/lsexpr.py's node; ``that.Q`` in a
    call's arguments is Q's parts (``wholes``: question code -> its variables)."""
    from qdef.importing.limesurvey import script  # noqa: PLC0415
    from tests import lsexpr  # noqa: PLC0415

    if isinstance(node, script.Num):
        return lsexpr.Node("lit", (Decimal(node.text),))
    if isinstance(node, script.Str):
        return lsexpr.Node("lit", (node.value,))
    if isinstance(node, script.Var):
        parts = node.name.split(".")
        if len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("NAOK", "value")):
            raise lsexpr.ExpressionError(f"cannot evaluate {node.name}")
        return lsexpr.Node("var", ((names or {}).get(parts[0], parts[0]),))
    if isinstance(node, script.Call):
        if node.function not in lsexpr.FUNCTIONS:
            raise lsexpr.ExpressionError(f"no function {node.function}")
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, script.Var) and arg.name.startswith("that."):
                name = arg.name.split(".")[1]
                members = (wholes or {}).get(name)
                if members is None:
                    raise lsexpr.ExpressionError(f"cannot evaluate {arg.name}")
                args.extend(lsexpr.Node("var", (m,)) for m in members)
            else:
                args.append(_to_lsexpr(arg, wholes, names))
        return lsexpr.Node("call", (node.function, tuple(args)))
    if isinstance(node, script.Unary):
        inner = _to_lsexpr(node.operand, wholes, names)
        if node.op == "!":
            return lsexpr.Node("not", (inner,))
        return inner if node.op == "+" else lsexpr.Node("neg", (inner,))
    left, right = _to_lsexpr(node.left, wholes, names), _to_lsexpr(node.right, wholes, names)
    if node.op in ("and", "or"):
        return lsexpr.Node(node.op, (left, right))
    if node.op in ("+", "-", "*", "/"):
        return lsexpr.Node("arith", (node.op, left, right))
    return lsexpr.Node("cmp", (node.op, left, right))


def _ls_values(response: dict[str, Any], symbols: dict[str, Any]) -> dict[str, str]:
    """A qdef response as LimeSurvey's variables (only those the importer named)."""
    values: dict[str, str] = {}
    for name, symbol in symbols.items():
        if ":" in name:
            continue
        found = _lookup(response, symbol.path)
        if found is None:
            continue
        if symbol.kind == "check":
            values[name] = "Y" if symbol.code in (found or []) else ""
        elif symbol.kind == "choice":
            back = {q: c for c, q in symbol.codes.items()}
            values[name] = back.get(str(found), str(found))
        elif symbol.kind == "rank":
            back = {q: c for c, q in symbol.codes.items()}
            ranked = list(found)
            values[name] = (
                back.get(ranked[symbol.rank - 1], "") if symbol.rank <= len(ranked) else ""
            )
        elif isinstance(found, bool):
            values[name] = "1" if found else ""
        elif isinstance(found, float) and found.is_integer():
            values[name] = str(int(found))
        else:
            values[name] = str(found)
    return values


def _lookup(response: dict[str, Any], path: str) -> Any:
    if path in response:
        return response[path]
    return None


def _generated(instrument: Any, count: int) -> list[dict[str, Any]]:
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415

    from qdef.testing import respondents  # noqa: PLC0415

    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(respondents(instrument))
    def collect(response: dict[str, Any]) -> None:
        found.append(response)

    collect()
    return found


def _relevance(
    result: Any, survey: Any, symbols: dict[str, Any], instrument: Any, count: int
) -> tuple[int, int, int, list[str]]:
    """(questions compared, agreeing on every respondent, with an equation, the codes
    of those that disagree)."""
    from qdef.importing.limesurvey import script  # noqa: PLC0415
    from qdef.routing.interpreter import walk  # noqa: PLC0415
    from tests import lsexpr  # noqa: PLC0415

    kept = {o.code: o.at for o in result.origins if o.at is not None and o.at[0] == "sections"}
    ids: dict[str, str] = {}
    for code, at in kept.items():
        node: Any = result.document
        for key in at:
            node = node[key]
        ids[code] = node["id"]
    wholes = {
        name.split(":", 1)[1]: symbol.members
        for name, symbol in symbols.items()
        if name.startswith("whole:")
    }
    names = _sgqa_names(survey, symbols)
    equations: dict[str, tuple[Any, Any]] = {}
    offered: dict[str, Any] = {}
    for group in survey.groups:
        for question in group.questions:
            if question.title not in kept or question.type == "*":
                continue  # a computed value is never shown
            offered[question.title] = _availability(question, wholes, names, symbols)
            trees = []
            for written in (group.relevance, question.relevance):
                text = _decoded(written).strip()
                if text in ("", "1"):
                    trees.append(None)
                    continue
                try:
                    trees.append(_to_lsexpr(script.parse(text), wholes, names))
                except (script.ScriptError, lsexpr.ExpressionError):
                    trees.append("unreadable")
            equations[question.title] = (trees[0], trees[1])
    agree = dict.fromkeys(equations, True)
    for response in _generated(instrument, count):
        shown = {q.id for q in walk(instrument, response, check=False).questions}
        values = _ls_values(response, symbols)
        for code, (group_tree, own_tree) in equations.items():
            if not agree[code]:
                continue
            try:
                ls_shown = all(
                    tree is None or lsexpr.truthy(lsexpr.evaluate(tree, values))
                    for tree in (group_tree, own_tree)
                    if tree != "unreadable"
                ) and "unreadable" not in (group_tree, own_tree)
                ls_shown = ls_shown and offered[code](values)
            except (
                lsexpr.ExpressionError,
                TypeError,
                ValueError,
                IndexError,
                KeyError,
                ArithmeticError,
            ):
                ls_shown = not shown  # cannot evaluate: never agrees
            if ls_shown != (ids[code] in shown):
                agree[code] = False
    with_equation = sum(1 for g, q in equations.values() if g is not None or q is not None)
    differ = [code for code, same in agree.items() if not same]
    return len(equations), sum(agree.values()), with_equation, differ


def _sgqa_names(survey: Any, symbols: dict[str, Any]) -> dict[str, str]:
    """LimeSurvey's SGQA names (SIDXGIDXQID and the subquestion's code) -> its codes."""
    by_symbol = {id(s): n for n, s in symbols.items() if ":" not in n}
    gids = {q.qid: g.gid for g in survey.groups for q in g.questions}
    names: dict[str, str] = {}
    for name, symbol in symbols.items():
        if not name.startswith("qid:") or id(symbol) not in by_symbol:
            continue
        rest = name[4:]
        digits = len(rest) - len(rest.lstrip("0123456789"))
        gid = gids.get(int(rest[:digits] or 0))
        if gid is not None:
            names[f"{survey.sid}X{gid}X{rest}"] = by_symbol[id(symbol)]
    return names


def _availability(
    question: Any,
    wholes: dict[str, tuple[str, ...]],
    names: dict[str, str],
    symbols: dict[str, Any],
) -> Any:
    """LimeSurvey hides a question whose rows (options) are all filtered out: by an
    array filter (the source's option of the same code chosen, or not) or by their
    own relevance."""
    from qdef.importing.limesurvey import script  # noqa: PLC0415
    from tests import lsexpr  # noqa: PLC0415

    rows = [s for s in question.subquestions if s.scale == 0]
    tests: list[Any] = []
    for name, keep in (("array_filter", True), ("array_filter_exclude", False)):
        source = question.attribute(name).split(";")[0].strip()
        if source:
            tests.append((source, keep))
    relevances: dict[str, Any] = {}
    for row in rows:
        text = _decoded(row.relevance).strip()
        if text not in ("", "1"):
            try:
                relevances[row.title] = _to_lsexpr(script.parse(text), wholes, names)
            except (script.ScriptError, lsexpr.ExpressionError):
                relevances[row.title] = None
    if not rows or (not tests and not relevances):
        return lambda values: True

    def some_row(values: dict[str, str]) -> bool:
        for row in rows:
            ok = all(_chosen(source, row.title, values, symbols) == keep for source, keep in tests)
            tree = relevances.get(row.title, "always")
            if tree is None:
                return False  # cannot evaluate: never agrees
            if tree != "always":
                ok = ok and lsexpr.truthy(lsexpr.evaluate(tree, values))
            if ok:
                return True
        return False

    return some_row


def _chosen(source: str, code: str, values: dict[str, str], symbols: dict[str, Any]) -> bool:
    """The option ``code`` of the filter's source is chosen (ranked, for a ranking;
    answered, for an array: the importer's reading, itself approximated)."""
    first = symbols.get(f"{source}_1")
    if first is not None and first.kind == "rank":
        return any(values.get(f"{source}_{n}") == code for n in range(1, 100))
    whole = symbols.get(f"whole:{source}")
    if whole is not None and not whole.multiple:  # an array: the row answered there
        return values.get(f"{source}_{code}", "") != ""
    return values.get(f"{source}_{code}", "") == "Y"


def _decoded(text: str) -> str:
    import html  # noqa: PLC0415

    return html.unescape(text)


def _round_trip(survey: Any, instrument: Any) -> tuple[float, float, bool, str]:
    """(share of question codes kept, share of kept questions with the same answer
    codes, languages equal, problem)."""
    from qdef.importing.limesurvey.archive import parse_bytes, read_survey  # noqa: PLC0415
    from qdef.rendering import render  # noqa: PLC0415

    try:
        rendered = render(instrument, to="limesurvey")
    except Exception as error:  # reported in the table, never a traceback
        return 0.0, 0.0, False, f"render: {str(error).splitlines()[0][:60]}"
    data = rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
    back = read_survey(parse_bytes(data, Path("rendered.lss")))
    original = {q.title: q for g in survey.groups for q in g.questions}
    again = {q.title: q for g in back.groups for q in g.questions}
    codes = [t for t in original if t in again]
    same_answers = sum(1 for t in codes if _codes(original[t]) == _codes(again[t]))
    share = len(codes) / len(original) if original else 1.0
    answers = same_answers / len(codes) if codes else 1.0
    return share, answers, back.languages == survey.languages, ""


#: The answers LimeSurvey's types with a fixed scale have without answer rows.
FIXED = {
    "5": "12345",
    "A": "12345",
    "B": [str(i) for i in range(1, 11)],
    "C": "YUN",
    "E": "ISD",
    "Y": "YN",
    "G": "FM",
}


def _codes(question: Any) -> tuple[set[str], set[str], bool]:
    """A question's answer codes (its fixed scale's, for 5, A, B, C, E, Y, G), its
    subquestion codes, and whether it has "other"."""
    answers = {a.code for a in question.answers} or set(FIXED.get(question.type, ()))
    # a ranking's items are its answers (LimeSurvey 2.05 archives may carry stray rows)
    rows = set() if question.type == "R" else {s.title for s in question.subquestions}
    return answers, rows, question.other == "Y"


def rows(corpus_dir: Path = CORPUS, respondents: int = 30) -> list[dict[str, Any]]:
    """One row per archive of ``corpus_dir``."""
    from qdef.pipeline import validate_text  # noqa: PLC0415

    found: list[dict[str, Any]] = []
    for path in sorted(corpus_dir.glob("*.lss")):
        result, survey, symbols = _imported(path)
        row: dict[str, Any] = {"file": path.name, **result.counts(), "losses": len(result.losses)}
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "imported.yaml"
            target.write_text(json.dumps(result.document, ensure_ascii=False), "utf-8")
            checked = validate_text(target.read_text("utf-8"), target)
        instrument = checked.instrument
        row["validates"] = instrument is not None and checked.ok
        if instrument is None:
            found.append(
                row
                | {
                    "codes": 0.0,
                    "answers": 0.0,
                    "languages": False,
                    "relevance": "-",
                    "problem": "does not validate",
                }
            )
            continue
        share, answers, languages, problem = _round_trip(survey, checked.compiled)
        compared, agreeing, with_equation, differ = _relevance(
            result, survey, symbols, instrument, respondents
        )
        row |= {
            "codes": share,
            "answers": answers,
            "languages": languages,
            "relevance": f"{agreeing}/{compared}",
            "with_equation": with_equation,
            "relevance_share": agreeing / compared if compared else 1.0,
            "problem": problem,
            "differ": differ,
        }
        found.append(row)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--respondents", type=int, default=30)
    options = parser.parse_args(argv)
    if not options.corpus.is_dir():
        print(f"no corpus at {options.corpus}")
        return 1
    table = rows(options.corpus, options.respondents)
    header = (
        f"{'file':52} {'faith':>5} {'appr':>5} {'left':>5} {'loss':>5} {'valid':>5} "
        f"{'codes':>6} {'answ':>6} {'lang':>5} {'relevance':>10}  problem"
    )
    print(header)
    for row in table:
        print(
            f"{row['file'][:52]:52} {row['faithful']:5} {row['approximated']:5} "
            f"{row['left out']:5} {row['losses']:5} {'yes' if row['validates'] else 'no':>5} "
            f"{row['codes']:6.0%} {row['answers']:6.0%} "
            f"{'same' if row['languages'] else 'diff':>5} {row['relevance']:>10}  "
            f"{row.get('problem', '')}"
        )
    totals = {
        k: sum(r[k] for r in table) for k in ("faithful", "approximated", "left out", "losses")
    }
    compared = [r["relevance"] for r in table if r["relevance"] != "-"]
    agreeing = sum(int(x.split("/")[0]) for x in compared)
    total = sum(int(x.split("/")[1]) for x in compared)
    print(
        f"{'total':52} {totals['faithful']:5} {totals['approximated']:5} "
        f"{totals['left out']:5} {totals['losses']:5}   relevance agrees: {agreeing}/{total}"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
