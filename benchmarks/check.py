"""How do `qdef check` and the routing findings grow with the instrument? (run on demand)

For each size N, a synthetic instrument of N questions (benchmarks/synthetic.py) is
written to a temporary file once. Then, interleaved (size after size, repetition
after repetition, so that a load on the machine hits every size alike), each in a
fresh child process:

- check: the whole command ``qdef check FILE --examples E -q`` (load, validate,
  analyse, findings, the routing properties on E answer sets and E respondents),
  with hypothesis' caches in one directory warmed up before (see :func:`measure`);
- findings: in a child that has compiled the instrument (untimed), the CPU time of
  ``Analysis.findings()`` alone.

CPU time (user + system) comes from the child's own resource usage (``os.wait4``),
peak RSS from the child itself (``VmHWM``, where ``/proc`` has it: a child's
``ru_maxrss`` starts at its parent's, see :data:`_PEAK`); the figure per size is the
median of the repetitions, and the growth exponent between consecutive sizes is
``log(t2 / t1) / log(n2 / n1)`` (1 is linear, 2 quadratic). Timings are reported,
never asserted.

    python benchmarks/check.py [--reps R] [--examples E] [N ...]

Default: N = 1000 5000 10000 20000, 3 repetitions, 20 examples. From Python,
``measure(sizes, reps)`` returns the figures as a dict (benchmarks/run.py calls it).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

try:
    from benchmarks.synthetic import synthetic
except ModuleNotFoundError:  # run as a script: python benchmarks/check.py
    from synthetic import synthetic  # type: ignore[no-redef]

DEFAULT_SIZES = (1000, 5000, 10000, 20000)
DEFAULT_EXAMPLES = 20

#: Defines ``_peak()``, which prints the process's own peak RSS (``peak-kib N``, from
#: ``VmHWM`` in ``/proc/self/status``: Linux). A child's ``ru_maxrss`` is at least its
#: parent's at the fork (Linux copies the high-water mark), so measured from
#: ``benchmarks/run.py`` (a large parent) it gave the parent's peak, not the child's.
_PEAK = """\
def _peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    print("peak-kib", line.split()[1], flush=True)
    except OSError:
        pass
"""

#: ``qdef check ARGS``, as ``python -m qdef`` runs it, then its own peak RSS.
_CHECK = (
    _PEAK
    + """\
import atexit, runpy
atexit.register(_peak)
runpy.run_module("qdef", run_name="__main__", alter_sys=True)
"""
)

_FINDINGS = (
    _PEAK
    + """\
import sys, time
from qdef.pipeline import compile
compiled = compile(sys.argv[1])
analysis = compiled.analysis
start = time.process_time()
found = analysis.findings()
print(time.process_time() - start, len(found))
_peak()
"""
)


def _child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``argv``; its CPU seconds (user + system), peak RSS in MiB, and output."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped by wait4
    own = [line.split()[1] for line in output.splitlines() if line.startswith("peak-kib ")]
    if own:  # the child's own figure (see _PEAK)
        peak = int(own[-1]) / 1024
    else:  # no /proc: at least the parent's peak on Linux, the child's elsewhere
        peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return usage.ru_utime + usage.ru_stime, peak, output


def _growth(sizes: list[int], values: list[float]) -> list[float | None]:
    """The growth exponent from each size to the next."""
    return [
        math.log(t2 / t1) / math.log(n2 / n1) if t1 > 0 and t2 > 0 else None
        for (n1, t1), (n2, t2) in zip(
            zip(sizes, values, strict=True), zip(sizes[1:], values[1:], strict=True), strict=False
        )
    ]


def measure(
    sizes: tuple[int, ...] | list[int] = DEFAULT_SIZES,
    reps: int = 3,
    examples: int = DEFAULT_EXAMPLES,
) -> dict[str, Any]:
    """The medians per size of ``qdef check`` (whole process: CPU seconds and peak RSS in
    MiB) and of ``findings()`` (CPU seconds in process), with the growth exponents
    between consecutive sizes."""
    sizes = sorted(sizes)
    python = sys.executable
    runs: dict[int, dict[str, list[float]]] = {
        n: {"check_cpu": [], "check_rss": [], "findings_cpu": [], "findings_rss": []} for n in sizes
    }
    with tempfile.TemporaryDirectory(prefix="qdef-bench-check-") as directory:
        files = {}
        for n in sizes:
            files[n] = Path(directory) / f"synthetic_{n}.yaml"
            files[n].write_text(synthetic(n), encoding="utf-8")
        check = [python, "-c", _CHECK, "check", "--examples", str(examples), "-q"]
        # hypothesis builds its Unicode tables once per storage directory (about 1 s and
        # 200 MiB, whatever the instrument); a temporary one per run, qdef check's
        # default, would add that to every size: one directory, warmed up untimed
        env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(Path(directory) / "hyp")}
        _child([*check, str(files[sizes[0]])], env)
        for _ in range(reps):
            for n in sizes:
                cpu, rss, _ = _child([*check, str(files[n])], env)
                runs[n]["check_cpu"].append(cpu)
                runs[n]["check_rss"].append(rss)
                _, rss, output = _child([python, "-c", _FINDINGS, str(files[n])])
                runs[n]["findings_cpu"].append(float(output.split()[0]))
                runs[n]["findings_rss"].append(rss)
    medians = {
        key: [statistics.median(runs[n][key]) for n in sizes]
        for key in ("check_cpu", "check_rss", "findings_cpu", "findings_rss")
    }
    return {
        "sizes": sizes,
        "reps": reps,
        "examples": examples,
        **medians,
        "check_growth": _growth(sizes, medians["check_cpu"]),
        "findings_growth": _growth(sizes, medians["findings_cpu"]),
    }


def _table(result: dict[str, Any]) -> str:
    lines = [
        f"qdef check (--examples {result['examples']}) and findings, medians of {result['reps']}",
        "",
        "| questions | check CPU s | check peak MiB | growth | findings CPU s | growth |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    growth_check = [None, *result["check_growth"]]
    growth_findings = [None, *result["findings_growth"]]
    for i, n in enumerate(result["sizes"]):

        def show(value: float | None) -> str:
            return "" if value is None else f"{value:.2f}"

        lines.append(
            f"| {n:,} | {result['check_cpu'][i]:.2f} | {result['check_rss'][i]:.0f} "
            f"| {show(growth_check[i])} | {result['findings_cpu'][i]:.3f} "
            f"| {show(growth_findings[i])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES)
    args = parser.parse_args()
    print(_table(measure(args.sizes, args.reps, args.examples)))


if __name__ == "__main__":
    main()
