"""The coverage of qdef's importers on the shared corpus, as docs/import.md shows it.

Runs both corpus measurements — ``benchmarks/corpus_limesurvey.py`` (every
``.lss``: import, render back to ``.lss``, compare) and
``benchmarks/corpus_xlsform.py`` (every XLSForm: import, render back with the
``xlsform`` renderer, compare) — and prints one Markdown section: a table per
format, the totals over all corpus questions (faithful / approximated / left out),
and the largest remaining losses (the kinds of report line that touch the most
questions). With ``--write`` it replaces the section of docs/import.md between
``<!-- corpus:start -->`` and ``<!-- corpus:end -->``.

    python benchmarks/corpus.py [--write] [--corpus DIR]

Needs ``../shared/corpus`` (not part of the project: others' surveys); about 30 s.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the checkout's src/, tests/, benchmarks/
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))

CORPUS = ROOT.parent / "shared" / "corpus"
DOC = ROOT / "docs" / "import.md"
START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"
#: How many kinds of loss the section names.
LARGEST = 5


def _fraction(text: Any) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", str(text))
    return (int(match[1]), int(match[2])) if match else (0, 0)


def _sum(pairs: Iterable[tuple[int, int]]) -> str:
    pairs = list(pairs)
    return f"{sum(a for a, _ in pairs)}/{sum(b for _, b in pairs)}"


def limesurvey_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| archive | questions | faithful | approximated | left out | valid | codes kept "
        "| answer codes kept | languages | relevance agrees |",
        "|---|--:|--:|--:|--:|---|--:|--:|---|--:|",
    ]
    for row in rows:
        total = row["faithful"] + row["approximated"] + row["left out"]
        lines.append(
            f"| `{row['file']}` | {total} | {row['faithful']} | {row['approximated']} "
            f"| {row['left out']} | {'yes' if row['validates'] else 'no'} "
            f"| {row['codes']:.0%} | {row['answers']:.0%} "
            f"| {'same' if row['languages'] else 'differ'} | {row['relevance']} |"
        )
    return lines


def xlsform_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| form | questions | faithful | approximated | left out | valid | names kept "
        "| choice codes kept | languages | relevance agrees | rendered form's relevance agrees |",
        "|---|--:|--:|--:|--:|---|--:|--:|---|--:|--:|",
    ]
    for row in rows:
        if "refused" in row:
            lines.append(f"| `{row['file']}` | refused: {row['refused']} |||||||||")
            continue
        total = row["faithful"] + row["approximated"] + row["left out"]
        lines.append(
            f"| `{row['file']}` | {total} | {row['faithful']} | {row['approximated']} "
            f"| {row['left out']} | {'yes' if row['valid'] else 'no'} "
            f"| {row.get('names kept', '-')} | {row.get('codes kept', '-')} "
            f"| {row.get('languages', '-')} | {row.get('relevance', '-')} "
            f"| {row.get('rendered relevance', '-')} |"
        )
    return lines


def largest_losses(paths: Iterable[Path]) -> list[tuple[int, int, str]]:
    """(questions touched, report lines, kind) of the kinds of loss, largest first: a
    kind is a report line's kind and *what* with its quoted names left out
    (``left out: the attribute '…'``)."""
    from qdef.importing import read  # noqa: PLC0415

    questions: dict[str, set[tuple[str, str]]] = defaultdict(set)
    lines: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in paths:
        for loss in read(path).losses:
            what = re.sub(r"'[^']*'|`[^`]*`|\{[^}]*\}", "…", loss.what)
            what = re.sub(r"\s*\([^)]*\)", "", what)
            kind = f"{loss.kind}: {what}"
            lines[kind].add((path.name, loss.line()))  # as the report prints it: once
            questions[kind].add((path.name, loss.question or ""))
    ranked = sorted(questions, key=lambda k: (-len(questions[k]), -len(lines[k]), k))
    return [(len(questions[k]), len(lines[k]), k) for k in ranked]


def settings_only(paths: Iterable[Path]) -> int:
    """Questions approximated only because of settings qdef has no key for (a report
    line ``the attribute '…'``: layout such as ``display_columns``, assessment values)."""
    from qdef.importing import read  # noqa: PLC0415

    found = 0
    for path in paths:
        result = read(path)
        by_question: dict[str, list[str]] = defaultdict(list)
        for loss in result.losses:
            if loss.question is not None:
                by_question[loss.question].append(loss.what)
        found += sum(
            1
            for origin in result.origins
            if result.status(origin) == "approximated"
            and all(what.startswith("the attribute ") for what in by_question[origin.code])
        )
    return found


def section(corpus: Path) -> str:
    from benchmarks import corpus_limesurvey, corpus_xlsform  # noqa: PLC0415

    lss = corpus_limesurvey.rows(corpus / "limesurvey")
    xls = corpus_xlsform.rows(corpus / "xlsform")
    counted = [*lss, *(r for r in xls if "refused" not in r)]
    totals = {k: sum(r[k] for r in counted) for k in ("faithful", "approximated", "left out")}
    every = sum(totals.values())
    files = sorted((corpus / "limesurvey").glob("*.lss")) + sorted(
        (corpus / "xlsform").glob("*.xls*")
    )
    largest = largest_losses(files)[:LARGEST]
    settings = settings_only(files)
    out = [
        START,
        "",
        f"**All {len(lss) + len(xls)} corpus files, {every} questions:** "
        f"{totals['faithful']} faithful ({totals['faithful'] / every:.0%}), "
        f"{totals['approximated']} approximated ({totals['approximated'] / every:.0%}), "
        f"{totals['left out']} left out ({totals['left out'] / every:.0%}); "
        f"{settings} of the approximated questions only for settings qdef has no key "
        "for (a question's layout, assessment values). "
        f"Every file imports and the instrument validates: "
        f"{sum(1 for r in lss if r['validates']) + sum(1 for r in xls if r.get('valid'))} "
        f"of {len(lss) + len(xls)}.",
        "",
        f"**LimeSurvey** ({len(lss)} archives): relevance agrees on every generated "
        f"respondent for {_sum(_fraction(r['relevance']) for r in lss)} questions.",
        "",
        *limesurvey_table(lss),
        "",
        f"**XLSForm** ({len(xls)} forms): relevance agrees for "
        f"{_sum(_fraction(r.get('relevance')) for r in xls)} questions; the form rendered "
        f"back agrees with the original for "
        f"{_sum(_fraction(r.get('rendered relevance')) for r in xls)}.",
        "",
        *xlsform_table(xls),
        "",
        "**The largest remaining losses** (questions touched, report lines, kind):",
        "",
        *(
            f"{n}. {touched} questions, {count} lines — {kind}"
            for n, (touched, count, kind) in enumerate(largest, 1)
        ),
        "",
        END,
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--write", action="store_true", help="update docs/import.md")
    options = parser.parse_args(argv)
    if not options.corpus.is_dir():
        print(f"no corpus at {options.corpus}", file=sys.stderr)
        return 2
    text = section(options.corpus)
    if not options.write:
        print(text, end="")
        return 0
    doc = DOC.read_text(encoding="utf-8")
    head, rest = doc.split(START, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(head + text.rstrip("\n") + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
