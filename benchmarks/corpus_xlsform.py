"""How much of the XLSForm corpus qdef imports, and does the import keep the
forms' meaning? (run on demand; needs ../shared/corpus)

For each XLSForm of ``../shared/corpus/xlsform``:

- the questions imported faithfully, approximated and left out
  (:meth:`ImportResult.counts`), and whether the instrument validates;
- relevance: respondents generated for the imported instrument
  (:func:`qdef.testing.respondents`) walk it (:func:`qdef.routing.walk`); the same
  answers fill the ORIGINAL form, converted by pyxform and evaluated as ODK does
  (tests/xlsform_relevance.py: elementpath with ODK's functions); a question agrees
  when qdef shows it exactly where the original's ``relevant`` (with its groups')
  holds, on every respondent and in every roster iteration;
- the round trip, where the ``xlsform`` renderer is installed: the imported
  instrument rendered back to an XLSForm, and its names, choice codes and languages
  compared with the original's: the names of the questions carried over found again,
  the original choice codes of each select all among the rendered ones (an
  ``or_other`` adds ``other``), and the languages as tags (``unnamed``: columns
  without a language); and the rendered form's relevance, evaluated as ODK does,
  against the original's on the same respondents.

    python benchmarks/corpus_xlsform.py [--respondents N] [CORPUS_DIR]

From Python, ``rows(corpus_dir)`` gives one dict per file.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the checkout's tests/ and src/
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))

from qdef.importing import ImportRefused, ImportResult  # noqa: E402
from qdef.importing.xlsform import read  # noqa: E402
from qdef.importing.xlsform.reading import read_sheets  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "xlsform"


def rows(corpus_dir: Path = CORPUS, respondents: int = 20) -> list[dict[str, Any]]:
    """One row per XLSForm of ``corpus_dir`` (see the module)."""
    found: list[dict[str, Any]] = []
    for path in sorted(corpus_dir.glob("*.xls*")):
        row: dict[str, Any] = {"file": path.name}
        try:
            result = read(path)
        except ImportRefused as refused:
            row["refused"] = str(refused)
            found.append(row)
            continue
        row.update(result.counts())
        row["losses"] = len(result.losses)
        compiled = _compiled(result)
        row["valid"] = compiled is not None
        if compiled is not None:
            row.update(_relevance(path, result, compiled, respondents))
            row.update(_round_trip(path, result, compiled, row.pop("_samples", [])))
        found.append(row)
    return found


def _compiled(result: ImportResult) -> Any:
    import qdef  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "imported.yaml"
        target.write_text(json.dumps(result.document, ensure_ascii=False), encoding="utf-8")
        try:
            return qdef.compile(target)
        except qdef.QdefError:
            return None


def _kept(result: ImportResult) -> dict[str, str]:
    """qdef id → XLSForm name of the questions carried over (no computed values)."""
    kept: dict[str, str] = {}
    for origin in result.origins:
        if origin.at is None or origin.at[0] != "sections":
            continue
        node: Any = result.document
        for key in origin.at:
            node = node[key]
        if node.get("type") != "computed":
            kept[node["id"]] = origin.code
    return kept


def _respondents(compiled: Any, count: int) -> list[dict[str, Any]]:
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415

    from qdef.testing import respondents  # noqa: PLC0415

    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(respondents(compiled))
    def collect(response: dict[str, Any]) -> None:
        drawn.append(response)

    collect()
    return drawn


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _relevance(path: Path, result: ImportResult, compiled: Any, count: int) -> dict[str, Any]:
    from qdef.routing import walk  # noqa: PLC0415
    from tests.xlsform_relevance import OriginalForm  # noqa: PLC0415

    try:
        original = OriginalForm(path)
    except Exception as error:
        return {"relevance": f"pyxform refuses the original: {type(error).__name__}"}
    kept = _kept(result)
    names = {qid: name for qid, name in kept.items()}
    rosters = {s["id"] for s in result.document["sections"] if "repeat" in s}
    agree = dict.fromkeys(kept, True)
    samples: list[tuple[dict[str, Any], dict[str, int], dict[tuple[str, int], bool]]] = []
    for response in _respondents(compiled, count):
        shown_walk = walk(compiled.instrument, response, check=False)
        iterations = shown_walk.iterations or (None,) * len(shown_walk.questions)
        shown = {
            (q.id, 1 if k is None else k + 1)
            for q, k in zip(shown_walk.questions, iterations, strict=True)
        }
        values, repeats = _values(shown_walk.response, rosters, names)
        try:
            relevant = original.shown(values, repeats)
        except Exception:
            return {"relevance": "the harness cannot evaluate the original"}
        samples.append((_values(shown_walk.response, rosters, {})[0], repeats, relevant))
        for qid, name in kept.items():
            instances = [key for key in relevant if key[0] == name]
            for key in instances:
                if relevant[key] != ((qid, key[1]) in shown):
                    agree[qid] = False
    total = len(agree)
    return {
        "_samples": samples,
        "relevance": f"{sum(agree.values())}/{total}",
        "disagree": sorted(kept[q] for q, ok in agree.items() if not ok),
    }


def _values(
    response: dict[str, Any], rosters: set[str], names: dict[str, str]
) -> tuple[dict[str, Any], dict[str, int]]:
    """A response as the values of a form's nodes (named by ``names``, else by id)
    and the number of instances of each repeat."""
    values: dict[str, Any] = {}
    repeats: dict[str, int] = {}
    for key, value in response.items():
        if key in rosters and isinstance(value, list):
            repeats[key] = len(value)
            for index, record in enumerate(value):
                for inner, answer in record.items():
                    slot = values.setdefault(names.get(inner, inner), [""] * len(value))
                    if isinstance(slot, list):
                        slot[index] = _text(answer)
        elif not key.startswith("_"):
            values[names.get(key, key)] = _text(value)
    return values, repeats


def _rendered_relevance(target: Path, result: ImportResult, samples: list[Any]) -> str:
    """The rendered form's relevance (as ODK evaluates it) against the original's, on
    the same respondents: the questions that agree everywhere."""
    from tests.xlsform_relevance import OriginalForm  # noqa: PLC0415

    try:
        rendered = OriginalForm(target)
    except Exception as error:
        return f"pyxform refuses the rendering: {type(error).__name__}"
    kept = _kept(result)
    agree = dict.fromkeys(kept, True)
    for values, repeats, original in samples:
        try:
            relevant = rendered.shown(values, repeats)
        except Exception:
            return "the harness cannot evaluate the rendering"
        for qid, name in kept.items():
            for (node, index), shown in original.items():
                if node == name and (qid, index) in relevant and relevant[qid, index] != shown:
                    agree[qid] = False
    return f"{sum(agree.values())}/{len(agree)}"


def _round_trip(
    path: Path, result: ImportResult, compiled: Any, samples: list[Any]
) -> dict[str, Any]:
    try:
        rendered = _rendered(compiled)
    except Exception as error:
        return {"rendered": f"no ({type(error).__name__}: {str(error)[:60]})"}
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "rendered.xlsx"
        target.write_bytes(rendered if isinstance(rendered, bytes) else rendered.encode())
        back = _names_codes_languages(target)
        rendered_relevance = _rendered_relevance(target, result, samples)
    before = _names_codes_languages(path)
    ids = {name: qid for qid, name in _kept(result).items()}
    kept_names = set(ids)
    names_kept = len(kept_names & back["names"])
    codes = {n: c for n, c in before["codes"].items() if n in kept_names}
    codes_same = sum(  # a renamed question's codes looked up under its new name
        1 for n, c in codes.items() if set(c) <= set(back["codes"].get(ids[n], ()))
    )
    return {
        "rendered": "yes",
        "rendered relevance": rendered_relevance,
        "names kept": f"{names_kept}/{len(kept_names)}",
        "codes kept": f"{codes_same}/{len(codes)}",
        "languages": " ".join(sorted(before["languages"]))
        + (
            " (same)"
            if before["languages"] == back["languages"]
            else f" → {' '.join(sorted(back['languages']))}"
        ),
    }


def _rendered(compiled: Any) -> str | bytes:
    """The instrument rendered by the ``xlsform`` renderer: registered, or (in a
    checkout whose installed metadata predates it) its class loaded directly."""
    from importlib import import_module  # noqa: PLC0415

    from qdef.rendering import UnknownRendererError, options_for, render  # noqa: PLC0415

    try:
        return render(compiled, "xlsform", order="written")
    except UnknownRendererError:
        module = import_module("qdef.renderers.xlsform")
        renderer = module.XlsformRenderer()
        options = options_for(renderer, compiled.instrument, None, {"order": "written"})
        result: str | bytes = renderer.render(compiled, options)
        return result


def _names_codes_languages(path: Path) -> dict[str, Any]:
    from qdef.importing.xlsform.columns import language_tag, question_type  # noqa: PLC0415
    from qdef.importing.xlsform.sheets import table  # noqa: PLC0415

    sheets = read_sheets(path)
    survey, columns = table(sheets["survey"])
    by_key = {col.key: index for index, col in columns.items() if col.language is None}
    languages = {col.language for col in columns.values() if col.key == "label"}
    lists: dict[str, list[str]] = {}
    if "choices" in sheets:
        choices, choice_columns = table(sheets["choices"])
        keys = {col.key: index for index, col in choice_columns.items()}
        languages |= {col.language for col in choice_columns.values() if col.key == "label"}
        for _, cells in choices:
            get = lambda key: cells[keys[key]] if key in keys and keys[key] < len(cells) else ""  # noqa: E731, B023
            if get("list_name"):
                lists.setdefault(get("list_name"), []).append(get("name"))
    names: set[str] = set()
    codes: dict[str, tuple[str, ...]] = {}
    for _, cells in survey:

        def cell(key: str, cells: list[str] = cells) -> str:
            index = by_key.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        name = cell("name")
        if not name:
            continue
        names.add(name)
        qtype = question_type(cell("type"))
        if qtype.list_name:
            codes[name] = tuple(dict.fromkeys(lists.get(qtype.list_name, [])))
    tags = {(language_tag(lang) or lang) if lang else "unnamed" for lang in languages}
    return {"names": names, "codes": codes, "languages": tags}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--respondents", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    table = rows(args.corpus, args.respondents)
    columns = [
        "file",
        "faithful",
        "approximated",
        "left out",
        "valid",
        "relevance",
        "names kept",
        "codes kept",
        "rendered",
        "rendered relevance",
        "languages",
    ]
    out = io.StringIO()
    out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
    for row in table:
        out.write("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |\n")
    totals = {
        k: sum(int(r.get(k, 0)) for r in table) for k in ("faithful", "approximated", "left out")
    }
    out.write(
        f"\nquestions: {totals['faithful']} faithful, {totals['approximated']} approximated, "
        f"{totals['left out']} left out, in {len(table)} forms\n"
    )
    agree = [r["relevance"].split("/") for r in table if "/" in str(r.get("relevance", ""))]
    if agree:
        same, total = sum(int(a) for a, _ in agree), sum(int(b) for _, b in agree)
        out.write(
            f"relevance agrees on every respondent for {same} of {total} questions "
            f"({100 * same / max(total, 1):.0f} %)\n"
        )
    rendered = [str(r.get("rendered relevance", "")).split("/") for r in table]
    rendered = [pair for pair in rendered if len(pair) == 2]
    if rendered:
        same, total = sum(int(a) for a, _ in rendered), sum(int(b) for _, b in rendered)
        out.write(
            f"the rendered XLSForm's relevance agrees with the original's for {same} of "
            f"{total} questions\n"
        )
    for row in table:
        if row.get("disagree"):
            out.write(f"  {row['file']}: relevance differs for {', '.join(row['disagree'])}\n")
    print(out.getvalue(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
