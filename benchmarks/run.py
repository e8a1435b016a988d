"""qdef against pyxform and against the YAML floor, in one run (on demand, never in tests).

For each size N (default 100, 1 000, 5 000, 10 000 questions) the synthetic
instrument of ``benchmarks/synthetic.py`` (seed 0) is written twice into a
temporary folder: as qdef YAML, and as the same questionnaire in XLSForm
(``benchmarks/xlsform.py``) for pyxform. Then, as medians of at least 5
repetitions (the garbage collector collected before each, and otherwise left
as each tool leaves it: qdef's library calls are timed with it paused, as
``qdef``'s command line runs them, ``qdef.cli.gcpause``; the library itself
leaves it to its caller):

In one process (``time.perf_counter``; each part in a fresh interpreter, after
one untimed warm-up call):

- ``floor``: ruamel.yaml's C safe load of the YAML file (read included), the
  garbage collector paused — the least any YAML-based tool must do;
- ``load + validate``: ``qdef.pipeline.validate_file`` — read, parse, JSON
  Schema (as the model), semantic checks, routing findings (``qdef validate``);
- ``markdown`` / ``html`` / ``limesurvey``: ``qdef.rendering.render`` of an
  instrument validated (untimed) just before, in each repetition: as after
  validating in the same process, the routing analysis made for the findings
  is reused, and nothing a renderer computed in an earlier repetition is;
- ``qdef all``: load + validate + all three renders, from the file;
- ``routing``: the routing analysis of the instrument, made afresh —
  reaching conditions of every question (computed and printed), findings,
  path count (``benchmarks/routing.py``), the collector paused as when qdef
  runs it;
- ``pyxform``: ``pyxform.xls2xform.xls2xform_convert`` of the .xlsx to an
  XForm file, ODK Validate off.

As whole processes (wall time of ``subprocess.run``, interpreter start included):

- ``python``: a bare interpreter (``python -c pass``), for reference;
- ``qdef validate``; ``qdef render --to X`` for each built-in renderer alone;
- ``qdef render --to markdown --to html --to limesurvey``: validation (the
  same as ``qdef validate``) and all three renders in one process;
- ``xls2xform --skip_validate``: pyxform's own command.

And once: what ``import qdef`` costs over a bare interpreter
(``python -X importtime``) and which heavy modules it pulls in; and a hostile
input: ``qdef validate`` of a 1 MB file of 60,000 unknown keys on one line
against ``qdef validate`` of a valid synthetic instrument of the same size
(whole processes; target: under 3x). ``--hostile`` measures only that.

It prints the tables and writes them (default ``benchmarks/RESULTS.md``, with
the machine and package versions): medians, the ratios qdef/pyxform and
qdef/floor at each N, the growth exponent from 1 000 to 10 000 questions
(``log(t2/t1) / log(n2/n1)``: 1 is linear), and the targets of the
benchmark issue checked at 5 000 questions (10 000 for routing). Timings are
reported, never asserted.

    python benchmarks/run.py [--quick] [--hostile] [--repetitions K] [--output PATH] [N ...]

``--quick``: N = 100 and 1 000, 5 repetitions, nothing written unless ``--output``
is given (for a first look, and for CI-sized machines).
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.routing import _once as routing_once
from benchmarks.routing import cpu
from benchmarks.synthetic import generate, to_yaml
from benchmarks.xlsform import write_xlsform

HERE = Path(__file__).resolve().parent
SIZES = (100, 1000, 5000, 10000)
QUICK_SIZES = (100, 1000)
MIN_REPETITIONS = 5
RENDERERS = ("markdown", "html", "limesurvey")
#: The size the targets are checked at (routing: the largest).
TARGET_N = 5000
GROWTH_FROM, GROWTH_TO = 1000, 10000
#: The hostile input: this many unknown keys (about 1 MB), and the target ratio.
HOSTILE_KEYS = 60_000
HOSTILE_TARGET = 3.0
#: Modules ``import qdef`` must not import (they are loaded when used).
HEAVY = ("jinja2", "jsonschema", "pydantic", "ruamel", "qdef.rendering", "markupsafe")
PACKAGES = (
    "qdef",
    "pydantic",
    "pydantic-core",
    "ruamel.yaml",
    "ruamel.yaml.clib",
    "jsonschema",
    "Jinja2",
    "MarkupSafe",
    "pyxform",
    "openpyxl",
)

IN_PROCESS = (
    "floor",
    "load + validate",
    *RENDERERS,
    "qdef all",
    "routing",
    "pyxform",
)
WHOLE = (
    "python",
    "qdef validate",
    *(f"qdef render {name}" for name in RENDERERS),
    "qdef render all three",
    "xls2xform",
)


@dataclass
class Inputs:
    n: int
    yaml: Path
    xlsx: Path
    out: Path


@dataclass
class Measured:
    n: int
    inside: dict[str, float] = field(default_factory=dict)
    whole: dict[str, float] = field(default_factory=dict)


def prepare(n: int, folder: Path, seed: int = 0) -> Inputs:
    """The synthetic instrument of ``n`` questions as qdef YAML and as XLSForm."""
    questions = generate(n, seed)
    yaml = folder / f"synthetic-{n}.yaml"
    yaml.write_text(
        to_yaml(questions, f"synthetic_{n}_{seed}", f"Synthetic ({n} questions)"),
        encoding="utf-8",
    )
    xlsx = folder / f"synthetic-{n}.xlsx"
    write_xlsform(questions, xlsx, form_id=f"synthetic_{n}_{seed}")
    out = folder / f"out-{n}"
    out.mkdir()
    return Inputs(n, yaml, xlsx, out)


def median(
    run: Callable[[Any], Any], repetitions: int, setup: Callable[[], Any] = lambda: None
) -> float:
    """The median wall time of ``run(setup())`` over ``repetitions`` calls, ``setup``
    untimed, after one untimed call (imports and first-use work out of the way)."""
    run(setup())
    samples = []
    for _ in range(repetitions):
        prepared = setup()
        gc.collect()
        start = time.perf_counter()
        run(prepared)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


# ----------------------------------------------------------------------------- in process


def measure_in_process(inputs: Inputs, repetitions: int) -> dict[str, float]:
    """Each part of :data:`IN_PROCESS`, each in a fresh interpreter (this script with
    ``--part``): none runs on the heap, caches or imports another left behind. (A
    large live heap makes the collector's full collections rarer, so a tool measured
    after another looked faster than it is.)"""
    times = {}
    for part in IN_PROCESS:
        argv = [
            sys.executable, HERE / "run.py", "--part", part, "--repetitions", str(repetitions),
            "--inputs", str(inputs.n), inputs.yaml, inputs.xlsx, inputs.out,
        ]  # fmt: skip
        done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"measuring {part!r} failed:\n{done.stderr}")
        times[part] = float(done.stdout)
    return times


def measure_part(part: str, inputs: Inputs, repetitions: int) -> float:
    """The median time of one part of :data:`IN_PROCESS`, in this process."""
    from pyxform.xls2xform import xls2xform_convert  # noqa: PLC0415
    from ruamel.yaml import YAML  # noqa: PLC0415

    from qdef.cli.gcpause import gc_paused  # noqa: PLC0415
    from qdef.pipeline import validate_file  # noqa: PLC0415
    from qdef.rendering import render  # noqa: PLC0415

    def paused(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """``run`` with the collector paused, as the command line runs qdef."""

        def run_paused(prepared: Any) -> Any:
            with gc_paused():
                return run(prepared)

        return run_paused

    def floor() -> None:
        gc.disable()
        try:
            YAML(typ="safe", pure=False).load(inputs.yaml.read_text(encoding="utf-8"))
        finally:
            gc.enable()

    def validated() -> Any:
        with gc_paused():
            result = validate_file(inputs.yaml)
        if not result.ok:
            raise SystemExit(f"the synthetic instrument of {inputs.n} questions is invalid")
        return result.compiled  # what renderers receive: its analysis made for the findings

    def everything() -> None:
        compiled = validated()  # one for every renderer, as qdef render
        for name in RENDERERS:
            render(compiled, name)

    if part == "floor":
        return median(lambda _: floor(), repetitions)
    if part == "load + validate":
        return median(lambda _: validated(), repetitions)
    if part in RENDERERS:  # each time on a freshly validated instrument
        return median(paused(lambda compiled: render(compiled, part)), repetitions, validated)
    if part == "qdef all":
        return median(paused(lambda _: everything()), repetitions)
    if part == "routing":
        instrument = validated().instrument
        return median(paused(lambda _: routing_once(instrument)), repetitions)
    if part == "pyxform":
        xform = inputs.out / "inprocess.xml"
        return median(
            lambda _: xls2xform_convert(
                xlsform_path=inputs.xlsx, xform_path=xform, validate=False, pretty_print=False
            ),
            repetitions,
        )
    raise ValueError(f"no part {part!r}; the parts are {', '.join(IN_PROCESS)}")


# ---------------------------------------------------------------------------- whole process


def _run(argv: Sequence[str | Path], allowed: tuple[int, ...] = ()) -> None:
    done = subprocess.run([str(a) for a in argv], capture_output=True, check=False)
    if done.returncode != 0 and done.returncode not in allowed:
        raise SystemExit(
            f"{' '.join(map(str, argv))} failed ({done.returncode}):\n"
            + done.stderr.decode(errors="replace")
        )


def _xls2xform() -> list[str]:
    script = Path(sys.executable).parent / "xls2xform"
    if script.exists():
        return [str(script)]
    found = shutil.which("xls2xform")
    if found is None:
        raise SystemExit("pyxform's xls2xform is not installed: pip install -e '.[bench]'")
    return [found]


def measure_whole(inputs: Inputs, repetitions: int) -> dict[str, float]:
    qdef = [sys.executable, "-m", "qdef"]
    out = inputs.out
    commands: dict[str, list[str | Path]] = {
        "python": [sys.executable, "-c", "pass"],
        "qdef validate": [*qdef, "validate", "-q", inputs.yaml],
    }
    for name in RENDERERS:
        commands[f"qdef render {name}"] = [
            *qdef, "render", "-q", inputs.yaml, "--to", name, "-o", out / f"alone-{name}"
        ]  # fmt: skip
    commands["qdef render all three"] = [
        *qdef, "render", "-q", inputs.yaml,
        *(part for name in RENDERERS for part in ("--to", name)), "-o", out / "all",
    ]  # fmt: skip
    commands["xls2xform"] = [*_xls2xform(), "--skip_validate", inputs.xlsx, out / "cli.xml"]
    return {
        name: median(lambda _, argv=argv: _run(argv), repetitions)
        for name, argv in commands.items()
    }


# ----------------------------------------------------------------------------- hostile input


def hostile_inputs(folder: Path, keys: int = HOSTILE_KEYS) -> tuple[Path, Path]:
    """A file of ``keys`` unknown keys in one question, on one line, and a valid
    synthetic instrument of about the same size."""
    entries = ", ".join(f"unknown_{i:05d}: 1" for i in range(keys))
    text = (
        "qdef: 1\nid: hostile\ntitle: T\nlanguage: en\nsections:\n  - id: s\n"
        f"    questions:\n      - {{id: q1, type: text, text: T, {entries}}}\n"
    )
    hostile = folder / f"hostile-{keys}.yaml"
    hostile.write_text(text, encoding="utf-8")
    per_question = len(to_yaml(generate(200, 0))) / 200
    valid = folder / "hostile-valid.yaml"
    valid.write_text(to_yaml(generate(max(20, round(len(text) / per_question)), 0)), "utf-8")
    return hostile, valid


def measure_hostile(folder: Path, repetitions: int, keys: int = HOSTILE_KEYS) -> dict[str, float]:
    """``qdef validate`` of the hostile file and of the valid one (whole processes)."""
    hostile, valid = hostile_inputs(folder, keys)
    qdef = [sys.executable, "-m", "qdef", "validate", "-q"]
    return {
        "size": float(hostile.stat().st_size),
        "valid size": float(valid.stat().st_size),
        "valid": median(lambda _: _run([*qdef, valid]), repetitions),
        "hostile": median(lambda _: _run([*qdef, hostile], allowed=(1,)), repetitions),
    }


def hostile_line(hostile: dict[str, float], keys: int = HOSTILE_KEYS) -> str:
    ratio = hostile["hostile"] / hostile["valid"]
    met = "**met**" if ratio < HOSTILE_TARGET else "**not met**"
    return (
        f"- Hostile input, `qdef validate` of {hostile['size'] / 1e6:.2f} MB of {keys:,} "
        f"unknown keys: {_seconds(hostile['hostile'])} s against "
        f"{_seconds(hostile['valid'])} s for a valid file of {hostile['valid size'] / 1e6:.2f} MB "
        f"= {ratio:.2f}x (target < {HOSTILE_TARGET:.0f}x): {met}."
    )


# ------------------------------------------------------------------------------- import qdef


def measure_import(repetitions: int) -> dict[str, Any]:
    """What ``import qdef`` adds to a bare interpreter, and what it imports."""
    cumulative = []
    for _ in range(repetitions):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import qdef"],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] == "qdef":
                cumulative.append(int(parts[1]) / 1e6)
    probe = (
        "import sys, json, qdef; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    bare = median(lambda _: _run([sys.executable, "-c", "pass"]), repetitions)
    with_qdef = median(lambda _: _run([sys.executable, "-c", "import qdef"]), repetitions)
    return {
        "importtime": statistics.median(cumulative),
        "wall": with_qdef - bare,
        "heavy": loaded,
    }


# ------------------------------------------------------------------------------------ report


def growth(results: Sequence[Measured], part: str, name: str) -> float | None:
    by_n = {r.n: getattr(r, part).get(name) for r in results}
    low, high = by_n.get(GROWTH_FROM), by_n.get(GROWTH_TO)
    if not low or not high:
        return None
    return math.log(high / low) / math.log(GROWTH_TO / GROWTH_FROM)


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _table(
    results: Sequence[Measured], part: str, columns: Sequence[str], with_growth: bool
) -> list[str]:
    lines = [
        "| questions | " + " | ".join(columns) + " |",
        "|---:|" + "---:|" * len(columns),
    ]
    for r in results:
        values = getattr(r, part)
        lines.append(f"| {r.n:,} | " + " | ".join(_seconds(values.get(c)) for c in columns) + " |")
    if with_growth:
        exponents = [growth(results, part, c) for c in columns]
        if any(e is not None for e in exponents):
            cells = " | ".join("–" if e is None else f"{e:.2f}" for e in exponents)
            lines.append(f"| growth {GROWTH_FROM:,}→{GROWTH_TO:,} | {cells} |")
    return lines


def ratios(r: Measured) -> dict[str, float]:
    inside, whole = r.inside, r.whole
    return {
        "whole: render all three / xls2xform": whole["qdef render all three"] / whole["xls2xform"],
        "whole: validate + render all three (2 processes) / xls2xform": (
            whole["qdef validate"] + whole["qdef render all three"]
        )
        / whole["xls2xform"],
        "in process: qdef all / pyxform": inside["qdef all"] / inside["pyxform"],
        "in process: qdef all / floor": inside["qdef all"] / inside["floor"],
        "in process: load + validate / floor": inside["load + validate"] / inside["floor"],
        "routing / floor": inside["routing"] / inside["floor"],
    }


def targets(results: Sequence[Measured], imported: dict[str, Any]) -> list[str]:
    """The issue's targets, each with its numbers and whether it is met."""
    by_n = {r.n: r for r in results}
    lines = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    at = by_n.get(TARGET_N)
    if at is not None:
        whole = at.whole["qdef render all three"] / at.whole["xls2xform"]
        slower = [r.n for r in results if r.whole["qdef render all three"] > r.whole["xls2xform"]]
        lines.append(
            f"- Whole process, validate + render all three built-ins at {TARGET_N:,} questions "
            f"(one `qdef render --to markdown --to html --to limesurvey`): "
            f"{_seconds(at.whole['qdef render all three'])} s against xls2xform's "
            f"{_seconds(at.whole['xls2xform'])} s = {whole:.2f}x (target ≤ 0.40x): "
            f"{verdict(whole <= 0.4)}. Never slower than pyxform at any N: "
            + (verdict(True) if not slower else f"{verdict(False)} (slower at N = {slower})")
            + "."
        )
        inside = at.inside["qdef all"] / at.inside["floor"]
        lines.append(
            f"- In process, load + validate + all three renders at {TARGET_N:,} questions: "
            f"{_seconds(at.inside['qdef all'])} s against the floor's "
            f"{_seconds(at.inside['floor'])} s = {inside:.2f}x (target ≤ 2x): "
            f"{verdict(inside <= 2)}."
        )
    exponent = growth(results, "inside", "routing")
    top = by_n.get(GROWTH_TO)
    if exponent is not None and top is not None:
        share = top.inside["routing"] / top.inside["floor"]
        lines.append(
            f"- Routing analysis: growth exponent {exponent:.2f} from {GROWTH_FROM:,} to "
            f"{GROWTH_TO:,} questions (target < 1.2): {verdict(exponent < 1.2)}; at "
            f"{GROWTH_TO:,} questions {_seconds(top.inside['routing'])} s = {share:.0%} of "
            f"the load ({_seconds(top.inside['floor'])} s, the floor; target < 10%): "
            f"{verdict(share < 0.1)}."
        )
    cost = imported["importtime"] * 1000
    heavy = imported["heavy"]
    lines.append(
        f"- `import qdef`: {cost:.0f} ms cumulative in `python -X importtime` "
        f"({imported['wall'] * 1000:.0f} ms wall over a bare interpreter; target ≤ 150 ms): "
        f"{verdict(cost <= 150)}; it imports "
        + ("none of " if not heavy else f"{', '.join(heavy)} of ")
        + ", ".join(HEAVY)
        + f": {verdict(not heavy)}."
    )
    return lines


def tables(
    results: Sequence[Measured], imported: dict[str, Any], hostile: dict[str, float] | None = None
) -> str:
    out = ["## In one process (seconds, medians)", ""]
    out += _table(results, "inside", IN_PROCESS, with_growth=True)
    out += ["", "## As whole processes (seconds, medians, interpreter start included)", ""]
    out += _table(results, "whole", WHOLE, with_growth=True)
    out += ["", "## Ratios", ""]
    names = list(ratios(results[0]))
    out += ["| questions | " + " | ".join(names) + " |", "|---:|" + "---:|" * len(names)]
    for r in results:
        out.append(f"| {r.n:,} | " + " | ".join(f"{v:.2f}" for v in ratios(r).values()) + " |")
    out += ["", "## Targets", "", *targets(results, imported)]
    if hostile is not None:
        out.append(hostile_line(hostile))
    return "\n".join(out) + "\n"


def machine() -> str:
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return (
        f"- date: {date.today().isoformat()}\n"
        f"- platform: {platform.platform()}\n"
        f"- CPU: {cpu()}, {os.cpu_count()} logical CPUs\n"
        f"- Python: {platform.python_implementation()} {platform.python_version()}\n"
        f"- packages: {', '.join(versions)}"
    )


def report(text: str, command: str, repetitions: int) -> str:
    return (
        "# qdef against pyxform and the YAML floor\n\n"
        "Written by `benchmarks/run.py` (its docstring says exactly what is timed). "
        "Synthetic instruments from `benchmarks/synthetic.py` (seed 0), the same "
        f"questionnaire as XLSForm from `benchmarks/xlsform.py`; medians of {repetitions} "
        "repetitions. Repeat with:\n\n"
        f"```console\n$ {command}\n```\n\n"
        "What was optimised, with numbers from before, and why the targets not met "
        "are not: docs/design.md, section Speed.\n\n"
        f"{machine()}\n\n{text}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, metavar="N", help="instrument sizes")
    parser.add_argument("--quick", action="store_true", help="N = 100 1000; nothing written")
    parser.add_argument(
        "--repetitions", type=int, default=MIN_REPETITIONS, help="at least 5 (default 5)"
    )
    parser.add_argument("--output", type=Path, help="default benchmarks/RESULTS.md")
    parser.add_argument(
        "--hostile", action="store_true", help="only the hostile input (60,000 unknown keys)"
    )
    # Used by measure_in_process: one part, timed in this (fresh) process.
    parser.add_argument("--part", choices=IN_PROCESS, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", nargs=4, metavar="X", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part is not None:
        n, yaml, xlsx, out = args.inputs
        inputs = Inputs(int(n), Path(yaml), Path(xlsx), Path(out))
        print(measure_part(args.part, inputs, args.repetitions))
        return 0
    if args.repetitions < MIN_REPETITIONS:
        parser.error(f"--repetitions must be at least {MIN_REPETITIONS}: medians need them")
    if args.hostile:
        with tempfile.TemporaryDirectory(prefix="qdef-bench-") as folder:
            print(hostile_line(measure_hostile(Path(folder), args.repetitions)))
        return 0
    sizes = sorted(set(args.sizes or (QUICK_SIZES if args.quick else SIZES)))
    output = args.output or (None if args.quick else HERE / "RESULTS.md")
    results = []
    with tempfile.TemporaryDirectory(prefix="qdef-bench-") as folder:
        for n in sizes:
            print(f"N = {n:,}: preparing ...", file=sys.stderr, flush=True)
            inputs = prepare(n, Path(folder))
            print(f"N = {n:,}: in one process ...", file=sys.stderr, flush=True)
            measured = Measured(n, inside=measure_in_process(inputs, args.repetitions))
            print(f"N = {n:,}: as whole processes ...", file=sys.stderr, flush=True)
            measured.whole = measure_whole(inputs, args.repetitions)
            results.append(measured)
        print("hostile input ...", file=sys.stderr, flush=True)
        hostile = measure_hostile(Path(folder), args.repetitions)
    imported = measure_import(args.repetitions)
    text = tables(results, imported, hostile)
    print(text)
    if output is not None:
        given = sys.argv[1:] if argv is None else argv
        command = " ".join(["python benchmarks/run.py", *given])
        output.write_text(report(text, command, args.repetitions), encoding="utf-8")
        print(f"written to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
