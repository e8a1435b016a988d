"""Instruments with one very large question, for measuring how renderers grow with it.

``large(shape, n)`` is the qdef YAML text (JSON, which YAML reads) of an
instrument of three questions: a screening single choice, then the large
question (shown only if the screening answer is "ja"), then a text question.
The large question, by ``shape``:

- ``grid``: ``n`` rows of 8 columns (text, number with a unit, check, in turn;
  the last an exclusive check), every tenth row (the 6th, 16th, ...) with a follow-up ("Sonstiges");
- ``matrix``: ``n`` rows on a scale of 8 columns, each with a description
  ("3 bis unter 4 %");
- ``single``: ``n`` options, every tenth with a text follow-up;
- ``multiple``: ``n`` options, every tenth with a text follow-up, the last
  exclusive.

The question is required, so the web form checks every row or option when saving.
Used by the tests that pin linear growth (tests/test_render_growth.py,
tests/test_html_growth.py) and, run as a script, as a benchmark:

    python benchmarks/large.py [--quick] [--repetitions K] [N ...]

renders each shape at each size N (default 250, 1000, 4000; ``--quick``: 100,
400) with every renderer installed among markdown, html, limesurvey,
limesurvey-map, codebook and codebook-md, in this process, and prints the median
render time (the collector paused, as ``qdef render`` runs a renderer; after one
untimed render of the smallest size) and the growth
exponent between the two largest N (``log(t2/t1) / log(n2/n1)``: 1 is linear,
2 quadratic; below 1 where what does not depend on N still weighs). Timings
are reported, never asserted; results: benchmarks/LARGE.md. For the web form in
a browser with a large grid: ``python benchmarks/webform.py --grid N ...``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SHAPES = ("grid", "matrix", "single", "multiple")
COLUMNS = 8


def _grid(n: int) -> dict[str, Any]:
    columns: list[dict[str, Any]] = []
    for j in range(COLUMNS):
        kind = ("text", "number", "check")[j % 3]
        column: dict[str, Any] = {"code": f"c{j}", "input": kind, "label": f"Spalte {j}"}
        if kind == "number":
            column.update(min=0, max=100, unit="%")
        columns.append(column)
    columns[-1] = {"code": "keine", "input": "check", "label": "keine", "exclusive": True}
    rows: list[dict[str, Any]] = []
    for i in range(n):
        row: dict[str, Any] = {"code": f"r{i}", "label": f"Bereich {i}"}
        if i % 10 == 5:
            row["specify"] = {"id": f"big_r{i}_text"}
        rows.append(row)
    return {"type": "grid", "columns": columns, "rows": rows}


def _matrix(n: int) -> dict[str, Any]:
    scale = [
        {"code": str(j), "label": f"Stufe {j}", "description": f"{j} bis unter {j + 1} %"}
        for j in range(COLUMNS)
    ]
    rows = [{"code": f"r{i}", "label": f"Bereich {i}"} for i in range(n)]
    return {"type": "matrix", "scale": scale, "rows": rows}


def _options(n: int) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for i in range(n):
        option: dict[str, Any] = {"code": f"o{i}", "label": f"Angebot {i}"}
        if i % 10 == 5:
            option["specify"] = [{"id": f"big_o{i}_text", "type": "text"}]
        options.append(option)
    return options


def _question(shape: str, n: int) -> dict[str, Any]:
    if shape == "grid":
        return _grid(n)
    if shape == "matrix":
        return _matrix(n)
    if shape == "single":
        return {"type": "single", "options": _options(n)}
    if shape == "multiple":
        options = _options(n)
        options[-1] = {"code": "keines", "label": "keines davon", "exclusive": True}
        return {"type": "multiple", "options": options}
    raise ValueError(f"no such shape: {shape!r} (one of {', '.join(SHAPES)})")


def large(shape: str, n: int) -> str:
    """The YAML text of the instrument with one ``shape`` question of size ``n``."""
    question = {
        "id": "big",
        "text": f"Die große Frage ({shape}, {n})",
        "required": True,
        "when": 'vorab == "1"',
        **_question(shape, n),
    }
    screening = {
        "id": "vorab",
        "type": "single",
        "text": "Betrifft Sie das?",
        "options": [{"code": "1", "label": "ja"}, {"code": "2", "label": "nein"}],
    }
    after = {"id": "danach", "type": "text", "text": "Was noch?"}
    document = {
        "qdef": 1,
        "id": f"large_{shape}_{n}",
        "title": f"Large {shape} ({n})",
        "language": "de",
        "sections": [{"id": "s1", "questions": [screening, question, after]}],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------- the benchmark

RENDERERS = ("markdown", "html", "limesurvey", "limesurvey-map", "codebook", "codebook-md")
SIZES = (250, 1000, 4000)
QUICK_SIZES = (100, 400)


def render_time(shape: str, n: int, renderer: str, repetitions: int) -> float:
    """The median time of rendering a freshly loaded instrument (loading untimed)."""
    import qdef  # noqa: PLC0415
    from qdef.cli.gcpause import gc_paused  # noqa: PLC0415
    from qdef.rendering import render  # noqa: PLC0415

    text = large(shape, n)
    samples = []
    for _ in range(repetitions):
        instrument = qdef.loads(text, path=f"large-{shape}-{n}.yaml")
        gc.collect()
        start = time.perf_counter()
        with gc_paused():
            render(instrument, renderer)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="render time of one large question")
    parser.add_argument("sizes", nargs="*", type=int, metavar="N")
    parser.add_argument("--quick", action="store_true", help="N = 100 400")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes or (QUICK_SIZES if args.quick else SIZES)))
    from qdef.rendering.registry import names  # noqa: PLC0415

    installed = [r for r in RENDERERS if r in names()]
    heading = " | ".join(f"N = {n:,} (s)" for n in sizes)
    print(f"| question | renderer | {heading} | growth |")
    print("|---|---|" + "---:|" * (len(sizes) + 1))
    for shape in SHAPES:
        for renderer in installed:
            render_time(shape, sizes[0], renderer, 1)  # first-use work out of the way
            times = [render_time(shape, n, renderer, args.repetitions) for n in sizes]
            exponent = (
                math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])
                if len(sizes) > 1 and times[-2] > 0
                else float("nan")
            )
            cells = " | ".join(f"{t:.3f}" for t in times)
            print(f"| {shape} | {renderer} | {cells} | {exponent:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
