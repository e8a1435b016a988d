"""How fast is the routing analysis (`qdef.routing`) on large instruments? (run on demand)

For each size N, a synthetic instrument of N questions (see benchmarks/synthetic.py:
a realistic mix of types, every 10th question filtered on an earlier choice, some
section conditions and option gotos) is loaded once, untimed. Then, as medians of
several repetitions in one process (garbage collected before each repetition, the
collector left on while timing), one repetition doing in order:

- analyse: ``Analysis(compile_plan(instrument))`` — compiling the plan and computing
  the reaching conditions of every question;
- print: ``reaching_source`` of every question (the reaching conditions as text);
- findings: ``Analysis.findings()``;
- paths: ``count_paths(analysis)``;
- total: the whole repetition.

It prints, and writes to benchmarks/ROUTING.md, the medians, the time per question
and the growth exponent between the smallest and the largest N
(``log(t2 / t1) / log(n2 / n1)``: 1 is linear, 2 quadratic).

    python benchmarks/routing.py [--quick] [--output PATH] [N ...]

Default: N = 1000 5000 10000, 5 repetitions, written to benchmarks/ROUTING.md.
``--quick``: 3 repetitions, N = 1000 5000, and nothing written unless ``--output``
is given. ``--pause-gc``: the collector off while timing (by default it runs, as in
real use; its full collections then land in whichever step reaches the threshold,
the same one in every repetition, so compare the total). Timings are reported,
never asserted.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import qdef
from qdef.routing.analysis import Analysis
from qdef.routing.pathsets import PathCount, count_paths
from qdef.routing.plan import compile_plan

try:
    from benchmarks.synthetic import synthetic
except ModuleNotFoundError:  # run as a script: python benchmarks/routing.py
    from synthetic import synthetic  # type: ignore[no-redef]

COLUMNS = ("analyse", "print", "findings", "paths", "total")
HEADINGS = {
    "analyse": "analyse (plan + reaching)",
    "print": "print all reaching",
    "findings": "findings",
    "paths": "count paths",
    "total": "total",
}
DEFAULT_SIZES = (1000, 5000, 10000)
QUICK_SIZES = (1000, 5000)
HERE = Path(__file__).resolve().parent


def _once(instrument: qdef.Instrument) -> tuple[dict[str, float], Analysis, list[Any], PathCount]:
    """One repetition: the time of each step, the analysis, its findings and path count."""
    clock = time.perf_counter
    start = clock()  # compile_plan computes afresh: nothing is remembered per instrument
    analysis = Analysis(compile_plan(instrument))
    analysed = clock()
    sources = [analysis.reaching_source(s.question.id) for s in analysis.plan.steps]
    printed = clock()
    found = analysis.findings()
    checked = clock()
    paths = count_paths(analysis)
    counted = clock()
    assert len(sources) == len(analysis.plan.steps)
    times = {
        "analyse": analysed - start,
        "print": printed - analysed,
        "findings": checked - printed,
        "paths": counted - checked,
        "total": counted - start,
    }
    return times, analysis, found, paths


def measure(n: int, repetitions: int = 5, seed: int = 0, pause_gc: bool = False) -> dict[str, Any]:
    """Time the routing analysis of a synthetic instrument of ``n`` questions.

    Returns ``n``, ``repetitions``, ``times`` (column -> median seconds), ``findings``
    (their number), ``kinds`` (finding kind -> number), ``paths`` (a PathCount),
    ``nodes`` (diagram nodes at the end of a repetition) and ``conditions``
    (questions with a ``when`` of their own or of their section). With ``pause_gc``
    the garbage collector is off while a repetition runs.
    """
    if repetitions < 1:
        raise ValueError("at least one repetition")
    instrument = qdef.loads(synthetic(n, seed))
    samples: dict[str, list[float]] = {c: [] for c in COLUMNS}
    for _ in range(repetitions):
        gc.collect()
        if pause_gc:
            gc.disable()
        try:
            times, analysis, found, paths = _once(instrument)
        finally:
            gc.enable()
        for column, seconds in times.items():
            samples[column].append(seconds)
    steps = analysis.plan.steps
    return {
        "n": n,
        "repetitions": repetitions,
        "pause_gc": pause_gc,
        "times": {c: statistics.median(s) for c, s in samples.items()},
        "findings": len(found),
        "kinds": dict(sorted(Counter(f.kind for f in found).items())),
        "paths": paths,
        "nodes": analysis.dd.node_count(),
        "conditions": sum(1 for s in steps if s.own_when or s.section_when),
    }


def scientific(count: int) -> str:
    """A path count, exact up to 15 digits, else as ``d.dd e+k (k+1 digits)``."""
    if count < 10**15:
        return f"{count:,}"
    # math.log10 takes huge ints; str() would refuse beyond 4300 digits
    exponent = math.floor(math.log10(count))
    mantissa = 10 ** (math.log10(count) - exponent)
    return f"{mantissa:.2f}e+{exponent} ({exponent + 1} digits)"


def growth(results: list[dict[str, Any]], column: str) -> float | None:
    """The exponent k in t ~ n^k from the smallest to the largest size."""
    first, last = results[0], results[-1]
    t1, t2 = first["times"][column], last["times"][column]
    if first["n"] == last["n"] or t1 <= 0 or t2 <= 0:
        return None
    return math.log(t2 / t1) / math.log(last["n"] / first["n"])


def tables(results: list[dict[str, Any]]) -> str:
    """The results as Markdown tables."""
    head = "| questions | " + " | ".join(HEADINGS[c] for c in COLUMNS) + " |"
    rule = "|---:|" + "---:|" * len(COLUMNS)
    collector = "paused" if results[0]["pause_gc"] else "on"
    medians = f"Medians of {results[0]['repetitions']} repetitions (garbage collector {collector})"
    lines = [f"{medians}, in seconds:", "", head, rule]
    for r in results:
        lines.append(f"| {r['n']} | " + " | ".join(f"{r['times'][c]:.3f}" for c in COLUMNS) + " |")
    exponents = [growth(results, c) for c in COLUMNS]
    if len(results) > 1:
        shown = ["—" if e is None else f"{e:.2f}" for e in exponents]
        label = f"growth exponent {results[0]['n']}→{results[-1]['n']}"
        lines.append(f"| {label} | " + " | ".join(shown) + " |")
    lines += ["", "Time per question, in µs:", "", head, rule]
    for r in results:
        per = [r["times"][c] / r["n"] * 1e6 for c in COLUMNS]
        lines.append(f"| {r['n']} | " + " | ".join(f"{p:.1f}" for p in per) + " |")
    lines += [
        "",
        "| questions | conditional questions | paths | findings | diagram nodes |",
        "|---:|---:|---:|---|---:|",
    ]
    for r in results:
        paths: PathCount = r["paths"]
        count = scientific(paths.count) + ("" if paths.exact else f", at most: {paths.reason}")
        kinds = ", ".join(f"{k} {v}" for k, v in r["kinds"].items())
        found = f"{r['findings']}" + (f" ({kinds})" if kinds else "")
        lines.append(f"| {r['n']} | {r['conditions']} | {count} | {found} | {r['nodes']:,} |")
    return "\n".join(lines)


def cpu() -> str:
    """The processor's model name (Linux), else what :mod:`platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    return (
        f"- platform: {platform.platform()}\n"
        f"- CPU: {cpu()}, {os.cpu_count()} logical CPUs\n"
        f"- Python: {platform.python_implementation()} {platform.python_version()}\n"
        f"- qdef: {qdef.__version__}"
    )


def report(results: list[dict[str, Any]], command: str) -> str:
    return (
        "# Routing analysis: time against instrument size\n\n"
        "Written by `benchmarks/routing.py` (see its docstring for what is timed). "
        "Synthetic instruments from `benchmarks/synthetic.py`, seed 0. Repeat with:\n\n"
        f"```console\n$ {command}\n```\n\n"
        f"{machine()}\n\n{tables(results)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, metavar="N")
    parser.add_argument("--quick", action="store_true", help="3 repetitions, N = 1000 5000")
    parser.add_argument("--repetitions", type=int, help="default 5 (3 with --quick)")
    parser.add_argument("--output", type=Path, help="default benchmarks/ROUTING.md")
    parser.add_argument(
        "--pause-gc", action="store_true", help="garbage collector off while timing"
    )
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    repetitions = args.repetitions or (3 if args.quick else 5)
    output = args.output or (None if args.quick else HERE / "ROUTING.md")
    results = []
    for n in sizes:
        print(f"measuring N = {n} ...", file=sys.stderr, flush=True)
        results.append(measure(n, repetitions, pause_gc=args.pause_gc))
    text = tables(results)
    print(text)
    if output is not None:
        given = sys.argv[1:] if argv is None else argv
        command = " ".join(["python benchmarks/routing.py", *given])
        output.write_text(report(results, command), encoding="utf-8")
        print(f"\nwritten to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
