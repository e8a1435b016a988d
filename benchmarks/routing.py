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

    python benchmarks/routing.py [--quick] [--roster [--aggregates]] [--cpu-time]
                                 [--pause-gc] [--output PATH] [N ...]

Default: N = 1000 5000 10000, 5 repetitions, written to benchmarks/ROUTING.md.
``--quick``: 3 repetitions, N = 1000 5000, and nothing written unless ``--output``
is given. ``--roster``: the roster case instead (:func:`roster_synthetic`: N questions
in units of a text list and a multiple choice, a roster of :data:`ROSTER_SIZE`
questions with routing inside — conditions on the item and on the iteration's
answers, a goto — and questions after it; with ``--aggregates`` two of those on
aggregates over the roster); its results replace its own section of
benchmarks/ROUTING.md ("Roster case", "Roster case with aggregates"), the rest of the
file is kept (a run without ``--roster`` keeps those sections). ``--pause-gc``: the
collector off while timing (by default it runs, as in real use; its full collections
then land in whichever step reaches the threshold, the same one in every repetition,
so compare the total). ``--cpu-time``: the process's CPU time instead of the wall
clock (on a machine shared with other work).
Timings are reported, never asserted.
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
#: The questions of each roster of the roster case.
ROSTER_SIZE = 8
ROSTER_SECTION = "## Roster case"
AGGREGATES_SECTION = "## Roster case with aggregates"
SECTIONS = (ROSTER_SECTION, AGGREGATES_SECTION)
AGGREGATES_NOTE = (
    " Two questions after each roster depend on aggregates over it, which the diagrams"
    " do not decide: each is proved reachable by an example respondent, found by search"
    " and checked by walking the instrument from its first question, so the findings"
    " grow with the questions times the questions on aggregates (quadratically here,"
    " where every roster has two)."
)
QUICK_SIZES = (1000, 5000)
HERE = Path(__file__).resolve().parent


def roster_synthetic(n: int, seed: int = 0, aggregates: bool = False) -> str:
    """An instrument of about ``n`` questions in units of ``ROSTER_SIZE + 6``: a text list
    of names and a multiple choice of vehicles, a roster for each name of ``ROSTER_SIZE``
    questions (an age; a choice asked by age, with a goto; questions on the item, on
    the vehicles chosen before the roster and on the iteration's answers), and after
    it four questions on the answers before it — two of them, with ``aggregates``, on
    aggregates over the roster instead (``any(age >= 18)``, ``count(work == "y") >= 2``).
    ``seed`` varies the constants."""
    sections: list[str] = []
    units = max(1, n // (ROSTER_SIZE + 6))
    for u in range(units):
        limit = 14 + (u * 7 + seed) % 10
        inner = [
            f"      - {{id: age{u}, type: number, kind: integer, min: 0, max: 99,"
            f' text: "Age of {{who{u}}}?"}}',
            f"      - id: work{u}",
            "        type: single",
            f"        when: age{u} >= {limit}",
            '        text: "Works?"',
            '        options: [{code: "y", label: "Yes"},'
            f' {{code: "n", label: "No", goto: r{u}_{ROSTER_SIZE - 1}}}]',
            f'      - {{id: r{u}_2, type: text, text: "Job?", when: work{u} == "y"}}',
            f'      - {{id: r{u}_3, type: text, text: "Car?", when: v{u} has "car"'
            f" and age{u} >= 18}}",
        ]
        for k in range(4, ROSTER_SIZE):
            when = (
                f'who{u} == "Anna"'
                if k % 3 == 0
                else f"age{u} < {limit - 4}"
                if k % 3 == 1
                else f'work{u} == "y"'
            )
            inner.append(f'      - {{id: r{u}_{k}, type: text, text: "?", when: {when}}}')
        sections.append(
            f"  - id: pre{u}\n    questions:\n"
            f"      - id: names{u}\n        type: textlist\n        text: Who?\n"
            '        fields: [{code: a, label: "1."}, {code: b, label: "2."},'
            ' {code: c, label: "3."}]\n'
            f"      - id: v{u}\n        type: multiple\n        text: Vehicles?\n"
            "        options: [{code: car, label: Car}, {code: bike, label: Bike}]\n"
            f"  - id: people{u}\n    repeat: {{for_each: names{u}, item: who{u}}}\n"
            "    questions:\n" + "\n".join(inner) + "\n"
            f"  - id: post{u}\n    questions:\n"
            + (
                f'      - {{id: adults{u}, type: text, text: "?", when: any(age{u} >= 18)}}\n'
                f'      - {{id: workers{u}, type: text, text: "?",'
                f' when: count(work{u} == "y") >= 2}}\n'
                if aggregates
                else f'      - {{id: adults{u}, type: text, text: "?",'
                f" when: answered(names{u}.b)}}\n"
                f'      - {{id: workers{u}, type: text, text: "?",'
                f' when: names{u}.a == "Anna"}}\n'
            )
            + f'      - {{id: carq{u}, type: text, text: "?", when: v{u} has "car"}}\n'
            f'      - {{id: bikeq{u}, type: text, text: "?", when: v{u} has "bike"}}\n'
        )
    head = f"qdef: 1\nid: rosters{n}\ntitle: Rosters\nlanguage: en\nsections:\n"
    return head + "".join(sections)


def _once(
    instrument: qdef.Instrument, cpu_time: bool = False
) -> tuple[dict[str, float], Analysis, list[Any], PathCount]:
    """One repetition: the time of each step (wall clock, or the process's CPU time),
    the analysis, its findings and path count."""
    clock = time.process_time if cpu_time else time.perf_counter
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


def measure(
    n: int,
    repetitions: int = 5,
    seed: int = 0,
    pause_gc: bool = False,
    *,
    roster: bool = False,
    aggregates: bool = False,
    cpu_time: bool = False,
) -> dict[str, Any]:
    """Time the routing analysis of a synthetic instrument of ``n`` questions.

    Returns ``n``, ``repetitions``, ``times`` (column -> median seconds), ``findings``
    (their number), ``kinds`` (finding kind -> number), ``paths`` (a PathCount),
    ``nodes`` (diagram nodes at the end of a repetition) and ``conditions``
    (questions with a ``when`` of their own or of their section). With ``pause_gc``
    the garbage collector is off while a repetition runs; with ``roster`` the instrument
    is :func:`roster_synthetic`'s, with ``aggregates`` or not (``rosters``: their
    number; ``n``: its questions).
    """
    if repetitions < 1:
        raise ValueError("at least one repetition")
    text = roster_synthetic(n, seed, aggregates) if roster else synthetic(n, seed)
    instrument = qdef.loads(text)
    samples: dict[str, list[float]] = {c: [] for c in COLUMNS}
    for _ in range(repetitions):
        gc.collect()
        if pause_gc:
            gc.disable()
        try:
            times, analysis, found, paths = _once(instrument, cpu_time)
        finally:
            gc.enable()
        for column, seconds in times.items():
            samples[column].append(seconds)
    steps = analysis.plan.steps
    return {
        "n": len(analysis.plan.steps) if roster else n,
        "rosters": len(analysis.plan.rosters),
        "repetitions": repetitions,
        "pause_gc": pause_gc,
        "cpu_time": cpu_time,
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
    unit = "seconds of CPU time" if results[0].get("cpu_time") else "seconds"
    lines = [f"{medians}, in {unit}:", "", head, rule]
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
        reason = paths.reason if len(paths.reason) <= 120 else paths.reason[:119] + "…"
        count = scientific(paths.count) + ("" if paths.exact else f", at most: {reason}")
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


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """A report cut into its main part and its roster sections (title -> text)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line in SECTIONS]
    if not starts:
        return text, {}
    found: dict[str, str] = {}
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        found[lines[start]] = "\n".join(lines[start:stop])
    return "\n".join(lines[: starts[0]]), found


def roster_report(results: list[dict[str, Any]], command: str, title: str) -> str:
    return (
        f"{title}\n\n"
        f"Instruments from `roster_synthetic` in `benchmarks/routing.py` (rosters of "
        f"{ROSTER_SIZE} questions with routing inside, each analysed for one iteration, "
        "symbolically: nothing is unrolled)."
        + (AGGREGATES_NOTE if title == AGGREGATES_SECTION else "")
        + " Repeat with:\n\n"
        f"```console\n$ {command}\n```\n\n"
        "| questions | rosters |\n|---:|---:|\n"
        + "".join(f"| {r['n']} | {r['rosters']} |\n" for r in results)
        + f"\n{tables(results)}\n"
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
    parser.add_argument(
        "--roster", action="store_true", help="the roster case (section 'Roster case')"
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with the process's CPU time (a machine shared with other work)",
    )
    parser.add_argument(
        "--aggregates",
        action="store_true",
        help="with --roster: questions on aggregates after each roster (their own section)",
    )
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    repetitions = args.repetitions or (3 if args.quick else 5)
    output = args.output or (None if args.quick else HERE / "ROUTING.md")
    results = []
    for n in sizes:
        print(f"measuring N = {n} ...", file=sys.stderr, flush=True)
        results.append(
            measure(
                n,
                repetitions,
                pause_gc=args.pause_gc,
                roster=args.roster,
                aggregates=args.roster and args.aggregates,
                cpu_time=args.cpu_time,
            )
        )
    text = tables(results)
    print(text)
    if output is not None:
        given = sys.argv[1:] if argv is None else argv
        command = " ".join(["python benchmarks/routing.py", *given])
        kept = output.read_text(encoding="utf-8") if output.exists() else ""
        main_part, sections = _sections(kept)
        if args.roster:
            title = AGGREGATES_SECTION if args.aggregates else ROSTER_SECTION
            sections[title] = roster_report(results, command, title)
        else:
            main_part = report(results, command)
        parts = [
            main_part.rstrip("\n"),
            *(sections[t].rstrip("\n") for t in SECTIONS if t in sections),
        ]
        output.write_text("\n\n".join(p for p in parts if p) + "\n", encoding="utf-8")
        print(f"\nwritten to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
