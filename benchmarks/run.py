"""qdef against pyxform, the YAML floor and the bare interpreter, in one run (on demand).

For each size N (default 100, 1 000, 5 000, 10 000, 20 000 questions) the
synthetic instrument of ``benchmarks/synthetic.py`` (seed 0) is written twice
into a temporary folder: as qdef YAML, and as the same questionnaire in XLSForm
(``benchmarks/xlsform.py``) for pyxform.

**Every figure is measured next to its reference.** A qdef figure and the figure
it is compared with run back to back, as a *pair*, the order alternating from
one repetition to the next (AB, BA, AB, …), and each ratio is the median of the
per-pair ratios: whatever else the machine does then slows both sides of a pair
alike. The repetitions are *rounds*: round 1 measures every pair at every size,
then round 2 does it all again, and so on, so the sizes — and so the growth
exponents — are measured over the same stretch of time too. Repetitions: 5 for
N ≤ 5 000, 3 above (``--repetitions K`` for all). The full run costs about a
quarter of an hour of CPU (3 rounds at 20 000 questions took 6 minutes of it on
a busy 2-core machine), plus what ``benchmarks/check.py`` takes, and prints its
progress.

The pairs, in one process (each side of a pair a fresh interpreter, this script
with ``--part``, which makes one untimed warm-up call on a 50-question
instrument — imports, validators, templates out of the way — and then times one
call on the N-question one; nothing runs on the heap, caches or imports another
part left behind):

- ``floor``: ruamel.yaml's C safe load (``ruamel.yaml.cyaml.CSafeLoader``, the
  reference of every qdef figure in process) of the YAML file, read included,
  the collector paused — the least any YAML-based tool must do;
- ``load + validate``: ``qdef.pipeline.validate_file`` — read, parse, JSON Schema
  (as the model), semantic checks, routing findings (``qdef validate``);
- ``markdown`` / ``html`` / ``limesurvey``: ``qdef.rendering.render`` of an
  instrument validated (untimed) just before, its routing analysis made for the
  findings reused as after validating in the same process;
- ``qdef all``: load + validate + all three renders, from the file (and a second
  pair against ``pyxform``);
- ``routing``: the routing analysis made afresh — reaching conditions of every
  question (computed and printed), findings, path count (``benchmarks/routing.py``);
- ``pyxform``: ``pyxform.xls2xform.xls2xform_convert`` of the .xlsx to an XForm
  file, ODK Validate off.

The garbage collector is collected before each timed call; qdef's library calls
are timed with it paused, as ``qdef``'s command line runs them
(``qdef.cli.gcpause``; the library leaves it to its caller), pyxform as it
leaves it. The clock in process is ``time.process_time`` — the CPU time of that
interpreter: on a shared machine wall time counts the other processes' time
slices too, and nothing timed waits for a child, a thread or the disk (files
are in the page cache).

The pairs as whole processes (CPU time, user + system, of the child: deltas of
``resource.getrusage(RUSAGE_CHILDREN)`` around ``subprocess.run``, interpreter
start included):

- ``qdef validate``; ``qdef render --to X`` for each built-in renderer alone —
  each against ``python`` (``python -c pass``, the bare interpreter);
- ``qdef render --to markdown --to html --to limesurvey`` (validation and all
  three renders in one process) against ``xls2xform --skip_validate``.

Every child runs with ``PYTHONDONTWRITEBYTECODE`` unset, after one untimed
warm-up run of each command: real installs have their ``.pyc`` files, and a
machine that sets the variable would otherwise recompile every module in every
run.

Then, once per run: ``benchmarks/startup.py``'s ``measure(repetitions)`` (start-up:
``qdef validate`` of the Investitionspakt against ``python -c "import pydantic"``)
and ``benchmarks/check.py``'s ``measure(sizes, repetitions)`` (``qdef check`` and
the findings, at the sizes from 1 000 questions on), each if the module is there
(each interleaves its own runs, in CPU time; its figures are as it gives them,
the growth exponents of check's computed here); what ``import qdef`` costs over a
bare interpreter and which heavy modules it pulls in; and a hostile input:
``qdef validate`` of a 1 MB file of 60,000 unknown keys paired with ``qdef
validate`` of a valid synthetic instrument of the same size. ``--hostile``
measures only that.

It prints the tables and writes them (default ``benchmarks/RESULTS.md``, with the
machine and package versions): the medians of the raw CPU times, the medians of
the per-pair ratios, the growth exponents from 1 000 to 10 000 and from 10 000 to
20 000 questions (``log(t2/t1) / log(n2/n1)`` in each round that measured both
sizes, the median of those: 1 is linear), and the issue-17 targets, each met or
not with its figures, computed from this run. Timings are reported, never asserted.

    python benchmarks/run.py [--quick] [--hostile] [--repetitions K] [--output PATH] [N ...]

``--quick``: N = 100 and 1 000, 3 repetitions, nothing written unless ``--output``
is given (for a first look, and for CI-sized machines).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.routing import cpu
from benchmarks.synthetic import generate, to_yaml
from benchmarks.xlsform import write_xlsform

HERE = Path(__file__).resolve().parent
SIZES = (100, 1000, 5000, 10000, 20000)
QUICK_SIZES = (100, 1000)
#: Repetitions (rounds) by default: this many up to :data:`SMALL` questions, else
#: :data:`LARGE_REPETITIONS`; ``--repetitions`` sets all, at least :data:`MIN_REPETITIONS`.
SMALL = 5000
SMALL_REPETITIONS, LARGE_REPETITIONS, MIN_REPETITIONS = 5, 3, 3
#: The warm-up instrument each in-process child uses first.
WARMUP_N = 50
RENDERERS = ("markdown", "html", "limesurvey")
#: The growth exponents reported, and the target (each qdef figure, up to 20,000).
GROWTH_SPANS = ((1000, 10000), (10000, 20000))
GROWTH_TARGET = 1.2
#: The size the ratio targets are checked at, and where qdef must not be slower.
TARGET_N = 5000
NEVER_SLOWER_AT = (100, 1000)
RENDER_TARGET = 0.40
FLOOR_TARGET = 2.0
STARTUP_TARGET = 2.5
#: Rounds of ``benchmarks/startup.py`` (its commands take a fraction of a second).
STARTUP_REPETITIONS = 20
#: The hostile input: this many unknown keys (about 1 MB), and the target ratio.
HOSTILE_KEYS = 60_000
HOSTILE_TARGET = 3.0
#: Modules ``import qdef`` must not import (they are loaded when used), and its budget.
HEAVY = ("jinja2", "jsonschema", "pydantic", "ruamel", "qdef.rendering", "markupsafe")
IMPORT_TARGET = 0.150
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

FLOOR, PYXFORM, PYTHON, XLS2XFORM = "floor", "pyxform", "python", "xls2xform"
ALL, ALL_THREE = "qdef all", "qdef render all three"
IN_PROCESS = (FLOOR, "load + validate", *RENDERERS, ALL, "routing", PYXFORM)
WHOLE = (
    PYTHON,
    "qdef validate",
    *(f"qdef render {name}" for name in RENDERERS),
    ALL_THREE,
    XLS2XFORM,
)
#: Each qdef figure and its reference, run back to back.
INSIDE_PAIRS = (
    *((name, FLOOR) for name in ("load + validate", *RENDERERS, ALL, "routing")),
    (ALL, PYXFORM),
)
WHOLE_PAIRS = (
    *((name, PYTHON) for name in WHOLE if name not in (PYTHON, ALL_THREE, XLS2XFORM)),
    (ALL_THREE, XLS2XFORM),
)
#: The references: every other figure is qdef's, and held to the growth target.
REFERENCES = (FLOOR, PYXFORM, PYTHON, XLS2XFORM)
#: The ratios reported (the figure / reference pairs with a meaning of their own).
RATIOS = (*INSIDE_PAIRS, (ALL_THREE, XLS2XFORM))


@dataclass
class Inputs:
    n: int
    yaml: Path
    xlsx: Path
    out: Path


@dataclass
class Measured:
    """What one size measured: CPU seconds of each figure in each round (a figure
    in several pairs has several), and the per-pair ratios ``(figure, reference)``."""

    n: int
    times: dict[str, dict[int, list[float]]] = field(default_factory=dict)
    ratios: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def add(self, name: str, round_: int, seconds: float) -> None:
        self.times.setdefault(name, {}).setdefault(round_, []).append(seconds)

    def median(self, name: str) -> float | None:
        samples = [s for per_round in self.times.get(name, {}).values() for s in per_round]
        return statistics.median(samples) if samples else None

    def in_round(self, name: str, round_: int) -> float | None:
        samples = self.times.get(name, {}).get(round_)
        return statistics.median(samples) if samples else None

    def ratio(self, figure: str, reference: str) -> float | None:
        pairs = self.ratios.get((figure, reference))
        return statistics.median(pairs) if pairs else None


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
    out.mkdir(exist_ok=True)
    return Inputs(n, yaml, xlsx, out)


def repetitions_for(n: int, given: int | None = None) -> int:
    """The rounds a size takes part in: ``given``, else 5 up to 5,000 questions, else 3."""
    if given is not None:
        return given
    return SMALL_REPETITIONS if n <= SMALL else LARGE_REPETITIONS


# ------------------------------------------------------------------------------- the clocks


def child_env() -> dict[str, str]:
    """The environment of every measured child: this one, bytecode files allowed."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_cpu(argv: Sequence[str | Path], allowed: tuple[int, ...] = ()) -> float:
    """Run ``argv`` to its end; the CPU seconds (user + system) it took."""
    before = _children_cpu()
    _run(argv, allowed)
    return _children_cpu() - before


def _run(argv: Sequence[str | Path], allowed: tuple[int, ...] = ()) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, check=False, env=child_env())
    if done.returncode != 0 and done.returncode not in allowed:
        raise SystemExit(
            f"{' '.join(map(str, argv))} failed ({done.returncode}):\n"
            + done.stderr.decode(errors="replace")
        )
    return done.stdout.decode()


def pair(
    figure: Callable[[], float], reference: Callable[[], float], figure_first: bool
) -> tuple[float, float]:
    """Run both back to back, in the order given; their times (figure, reference)."""
    if figure_first:
        a = figure()
        return a, reference()
    b = reference()
    return figure(), b


def run_pairs(
    pairs: Sequence[tuple[str, str]],
    measure: Callable[[str], float],
    record: Measured,
    round_: int,
) -> None:
    """Each pair back to back, the figure first in even rounds, the reference first
    in odd ones (AB AB … then BA BA …: a reference shared by consecutive pairs never
    runs twice in a row); each time recorded, and each pair's ratio."""
    for figure, reference in pairs:
        a, b = pair(
            lambda f=figure: measure(f),  # type: ignore[misc]
            lambda r=reference: measure(r),  # type: ignore[misc]
            round_ % 2 == 0,
        )
        record.add(figure, round_, a)
        record.add(reference, round_, b)
        record.ratios.setdefault((figure, reference), []).append(a / b)


# ----------------------------------------------------------------------------- in process


def floor_load(path: Path) -> Any:
    """ruamel.yaml's C safe load of ``path`` (read included): the floor."""
    from ruamel.yaml.cyaml import CSafeLoader  # noqa: PLC0415

    loader = CSafeLoader(path.read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def part_argv(part: str, inputs: Inputs, warmup: Inputs) -> list[str]:
    """The command that times ``part`` once in a fresh interpreter."""
    if part not in IN_PROCESS:
        raise ValueError(f"no part {part!r}; the parts are {', '.join(IN_PROCESS)}")
    files = [str(p) for i in (inputs, warmup) for p in (i.n, i.yaml, i.xlsx, i.out)]
    return [sys.executable, str(HERE / "run.py"), "--part", part, "--inputs", *files]


def in_process(part: str, inputs: Inputs, warmup: Inputs) -> float:
    """The CPU seconds one call of ``part`` takes, timed in a fresh interpreter."""
    return float(_run(part_argv(part, inputs, warmup)))


def time_part(part: str, inputs: Inputs, warmup: Inputs) -> float:
    """In this process: one untimed call of ``part`` on ``warmup``, then the CPU
    seconds (``time.process_time``) of one call on ``inputs``."""
    timed = _part(part)
    run_warmup = timed(warmup)
    run_warmup()
    run = timed(inputs)
    gc.collect()
    start = time.process_time()
    run()
    return time.process_time() - start


def _part(part: str) -> Callable[[Inputs], Callable[[], Any]]:
    """``part`` as a function of the inputs that prepares (untimed) and returns the
    call to time."""
    from qdef.cli.gcpause import gc_paused  # noqa: PLC0415

    def paused(run: Callable[[], Any]) -> Callable[[], Any]:
        """``run`` with the collector paused, as the command line runs qdef."""

        def run_paused() -> Any:
            with gc_paused():
                return run()

        return run_paused

    def validated(inputs: Inputs) -> Any:
        from qdef.pipeline import validate_file  # noqa: PLC0415

        with gc_paused():
            result = validate_file(inputs.yaml)
        if not result.ok:
            raise SystemExit(f"the synthetic instrument of {inputs.n} questions is invalid")
        return result.compiled  # what renderers receive: its analysis made for the findings

    def render(compiled: Any, name: str) -> Any:
        from qdef import rendering  # noqa: PLC0415 (imported when first used)

        return rendering.render(compiled, name)

    def everything(inputs: Inputs) -> None:
        compiled = validated(inputs)  # one for every renderer, as qdef render
        for name in RENDERERS:
            render(compiled, name)

    if part == FLOOR:
        return lambda inputs: paused(lambda: floor_load(inputs.yaml))
    if part == "load + validate":
        return lambda inputs: lambda: validated(inputs)
    if part in RENDERERS:  # on a freshly validated instrument

        def rendering(inputs: Inputs) -> Callable[[], Any]:
            compiled = validated(inputs)
            return paused(lambda: render(compiled, part))

        return rendering
    if part == ALL:
        return lambda inputs: paused(lambda: everything(inputs))
    if part == "routing":
        from benchmarks.routing import _once as routing_once  # noqa: PLC0415

        def routing(inputs: Inputs) -> Callable[[], Any]:
            instrument = validated(inputs).instrument
            return paused(lambda: routing_once(instrument))

        return routing
    if part == PYXFORM:
        from pyxform.xls2xform import xls2xform_convert  # noqa: PLC0415

        return lambda inputs: (
            lambda: xls2xform_convert(
                xlsform_path=inputs.xlsx,
                xform_path=inputs.out / "inprocess.xml",
                validate=False,
                pretty_print=False,
            )
        )
    raise ValueError(f"no part {part!r}; the parts are {', '.join(IN_PROCESS)}")


# ---------------------------------------------------------------------------- whole process


def _xls2xform() -> list[str]:
    script = Path(sys.executable).parent / "xls2xform"
    if script.exists():
        return [str(script)]
    found = shutil.which("xls2xform")
    if found is None:
        raise SystemExit("pyxform's xls2xform is not installed: pip install -e '.[bench]'")
    return [found]


def whole_commands(inputs: Inputs) -> dict[str, list[str | Path]]:
    """The command of each figure of :data:`WHOLE`."""
    qdef = [sys.executable, "-m", "qdef"]
    out = inputs.out
    commands: dict[str, list[str | Path]] = {
        PYTHON: [sys.executable, "-c", "pass"],
        "qdef validate": [*qdef, "validate", "-q", inputs.yaml],
    }
    for name in RENDERERS:
        commands[f"qdef render {name}"] = [
            *qdef, "render", "-q", inputs.yaml, "--to", name, "-o", out / f"alone-{name}"
        ]  # fmt: skip
    commands[ALL_THREE] = [
        *qdef, "render", "-q", inputs.yaml,
        *(part for name in RENDERERS for part in ("--to", name)), "-o", out / "all",
    ]  # fmt: skip
    commands[XLS2XFORM] = [*_xls2xform(), "--skip_validate", inputs.xlsx, out / "cli.xml"]
    return commands


def warm_up(warmup: Inputs) -> None:
    """One untimed run of every command, so that their ``.pyc`` files exist."""
    for argv in whole_commands(warmup).values():
        _run(argv)
    for part in IN_PROCESS:
        in_process(part, warmup, warmup)


def measure_round(
    inputs: Inputs, warmup: Inputs, record: Measured, round_: int, progress: str = ""
) -> None:
    """Every pair, in process and as whole processes, once, at ``inputs``' size."""
    if progress:
        _say(f"{progress}: {len(INSIDE_PAIRS)} pairs in process ...")
    run_pairs(INSIDE_PAIRS, lambda part: in_process(part, inputs, warmup), record, round_)
    if progress:
        _say(f"{progress}: {len(WHOLE_PAIRS)} pairs of whole processes ...")
    commands = whole_commands(inputs)
    run_pairs(WHOLE_PAIRS, lambda name: child_cpu(commands[name]), record, round_)


_STARTED = time.monotonic()


def _say(text: str) -> None:
    """Progress on stderr, with the seconds since the harness started."""
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


def measure_sizes(
    sizes: Sequence[int], folder: Path, repetitions: int | None = None
) -> list[Measured]:
    """Every size, in rounds (see the module docstring), with progress on stderr."""
    (folder / "warmup").mkdir()
    warmup = prepare(WARMUP_N, folder / "warmup")
    _say(f"warming up (every command once, {WARMUP_N} questions) ...")
    warm_up(warmup)
    inputs = {}
    for n in sizes:
        _say(f"N = {n:,}: writing the instrument and its XLSForm ...")
        inputs[n] = prepare(n, folder)
    results = {n: Measured(n) for n in sizes}
    rounds = max(repetitions_for(n, repetitions) for n in sizes)
    for round_ in range(rounds):
        for n in sizes:
            if round_ < repetitions_for(n, repetitions):
                label = f"round {round_ + 1}/{rounds}, N = {n:,}"
                measure_round(inputs[n], warmup, results[n], round_, label)
    return [results[n] for n in sizes]


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
    """``qdef validate`` of the hostile file paired with the valid one (whole
    processes, CPU seconds): medians, and the median of the per-pair ratios."""
    hostile, valid = hostile_inputs(folder, keys)
    qdef = [sys.executable, "-m", "qdef", "validate", "-q"]
    figures = {
        "hostile": lambda: child_cpu([*qdef, hostile], allowed=(1,)),
        "valid": lambda: child_cpu([*qdef, valid]),
    }
    figures["valid"]()  # warm-up
    record = Measured(0)
    for round_ in range(repetitions):
        run_pairs([("hostile", "valid")], lambda name: figures[name](), record, round_)
    return {
        "size": float(hostile.stat().st_size),
        "valid size": float(valid.stat().st_size),
        "valid": record.median("valid") or 0.0,
        "hostile": record.median("hostile") or 0.0,
        "ratio": record.ratio("hostile", "valid") or 0.0,
    }


def hostile_line(hostile: Mapping[str, float], keys: int = HOSTILE_KEYS) -> str:
    ratio = hostile["ratio"]
    return (
        f"- Hostile input, `qdef validate` of {hostile['size'] / 1e6:.2f} MB of {keys:,} "
        f"unknown keys: {_seconds(hostile['hostile'])} s against "
        f"{_seconds(hostile['valid'])} s for a valid file of {hostile['valid size'] / 1e6:.2f} MB "
        f"= {ratio:.2f}× (target < {HOSTILE_TARGET:.0f}×): {verdict(ratio < HOSTILE_TARGET)}."
    )


# ------------------------------------------------------------------------------- import qdef


def measure_import(repetitions: int) -> dict[str, Any]:
    """What ``import qdef`` adds to a bare interpreter (``-X importtime``'s cumulative
    figure, and CPU seconds paired with ``python -c pass``), and what it imports."""
    cumulative = []
    for _ in range(repetitions):
        stderr = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import qdef"],
            capture_output=True,
            text=True,
            check=True,
            env=child_env(),
        ).stderr
        for line in stderr.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] == "qdef":
                cumulative.append(int(parts[1]) / 1e6)
    probe = (
        "import sys, json, qdef; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))"
    )
    loaded = json.loads(_run([sys.executable, "-c", probe]))
    commands = {
        "import qdef": [sys.executable, "-c", "import qdef"],
        PYTHON: [sys.executable, "-c", "pass"],
    }
    record = Measured(0)
    for round_ in range(repetitions):
        run_pairs([("import qdef", PYTHON)], lambda name: child_cpu(commands[name]), record, round_)
    return {
        "importtime": statistics.median(cumulative),
        "cpu": (record.median("import qdef") or 0.0) - (record.median(PYTHON) or 0.0),
        "heavy": loaded,
    }


# ------------------------------------------------------- start-up and check (other modules)


def optional_module(name: str) -> Any | None:
    """``benchmarks.<name>`` if it is there (it is another benchmark's), else None."""
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as error:
        if error.name not in (f"benchmarks.{name}", "benchmarks"):
            raise
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _size(key: Any) -> int | None:
    try:
        return int(str(key).replace(",", "").replace("_", ""))
    except ValueError:
        return None


def per_size(result: Mapping[str, Any]) -> dict[str, dict[int, float]]:
    """The per-size figures of a ``measure(sizes, repetitions)`` result, as
    ``{figure: {N: value}}``. Read from any of these shapes: ``{"sizes": [N, ...],
    figure: [value, ...], ...}`` (``benchmarks/check.py``'s), or (at the top, or
    under ``times``, ``results`` or ``rows``) ``{figure: {N: value}}``,
    ``{N: {figure: value}}``, ``[{"n": N, figure: value, ...}, ...]``. Entries that
    are not one number per size (growth exponents, settings) are left out."""
    figures: dict[str, dict[int, float]] = {}
    sizes = result.get("sizes")
    if isinstance(sizes, list) and sizes and all(_size(n) is not None for n in sizes):
        for name, values in result.items():
            numbers = [_number(v) for v in values] if isinstance(values, list) else []
            if name != "sizes" and len(numbers) == len(sizes) and None not in numbers:
                figures[str(name)] = {
                    _size(n) or 0: v for n, v in zip(sizes, numbers, strict=True) if v is not None
                }
        if figures:
            return figures
    candidates: list[Any] = [result.get(k) for k in ("times", "results", "rows") if k in result]
    for found in [*candidates, result]:
        rows: Iterable[tuple[Any, Any]] = ()
        if isinstance(found, list):
            rows = ((row.get("n", row.get("size")), row) for row in found if isinstance(row, dict))
        elif isinstance(found, Mapping):
            if found and all(_size(k) is not None for k in found):
                rows = found.items()
            else:
                for name, values in found.items():
                    if isinstance(values, Mapping):
                        sized = {_size(k): _number(v) for k, v in values.items()}
                        clean = {k: v for k, v in sized.items() if k is not None and v is not None}
                        if clean and len(clean) == len(values):
                            figures.setdefault(str(name), {}).update(clean)
        for n, row in rows:
            size = _size(n)
            if size is None or not isinstance(row, Mapping):
                continue
            for name, value in row.items():
                number = _number(value)
                if number is not None and name not in ("n", "size"):
                    figures.setdefault(str(name), {})[size] = number
        if figures:
            return figures
    return figures


def is_time(figure: str) -> bool:
    """Whether a figure from another benchmark is a time (not a memory or a count)."""
    lowered = figure.lower()
    return not any(w in lowered for w in ("rss", "memory", "mib", "bytes", "count", "examples"))


def startup_figures(result: Mapping[str, Any]) -> tuple[dict[str, float], float | None]:
    """The medians (``{command: CPU seconds}``) and the ratio validate / import
    pydantic of ``benchmarks.startup.measure``'s result: the medians under
    ``seconds`` (or ``medians``, ``times``, ``cpu``, else at the top); the ratio under
    a key that says ``ratio`` (at the top or one level down)."""
    ratio = None
    for key, value in result.items():
        if "ratio" in str(key).lower():
            if _number(value) is not None:
                ratio = _number(value)
            elif isinstance(value, Mapping):
                numbers = [_number(v) for v in value.values() if _number(v) is not None]
                ratio = numbers[0] if len(numbers) == 1 else ratio
    medians: dict[str, float] = {}
    for key in ("seconds", "medians", "times", "cpu", "median"):
        found = result.get(key)
        if isinstance(found, Mapping):
            for name, value in found.items():
                number = _number(value)
                if number is None and isinstance(value, Mapping):
                    number = _number(value.get("median"))
                if number is not None:
                    medians[str(name)] = number
            break
    else:
        for name, value in result.items():
            number = _number(value)
            if number is not None and str(name).lower() not in ("repetitions", "target"):
                if "ratio" in str(name).lower():
                    continue
                medians[str(name)] = number
    return medians, ratio


# ------------------------------------------------------------------------------------ report


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _exponent(t1: float | None, t2: float | None, n1: int, n2: int) -> float | None:
    if not t1 or not t2 or t1 <= 0 or t2 <= 0:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def growth(results: Sequence[Measured], name: str, low: int, high: int) -> float | None:
    """The growth exponent of ``name`` from ``low`` to ``high`` questions: the median
    over the rounds that measured both sizes of each round's exponent."""
    by_n = {r.n: r for r in results}
    if low not in by_n or high not in by_n:
        return None
    rounds = set(by_n[low].times.get(name, {})) & set(by_n[high].times.get(name, {}))
    exponents = [
        e
        for r in sorted(rounds)
        if (e := _exponent(by_n[low].in_round(name, r), by_n[high].in_round(name, r), low, high))
        is not None
    ]
    return statistics.median(exponents) if exponents else None


def spans(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """The growth spans measured: those of :data:`GROWTH_SPANS` whose sizes were
    measured, else the smallest to the largest size."""
    present = [(a, b) for a, b in GROWTH_SPANS if a in sizes and b in sizes]
    if present or len(sizes) < 2:
        return present
    return [(min(sizes), max(sizes))]


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _table(results: Sequence[Measured], columns: Sequence[str]) -> list[str]:
    lines = [
        "| questions | " + " | ".join(columns) + " |",
        "|---:|" + "---:|" * len(columns),
    ]
    for r in results:
        lines.append(f"| {r.n:,} | " + " | ".join(_seconds(r.median(c)) for c in columns) + " |")
    for low, high in spans([r.n for r in results]):
        exponents = [growth(results, c, low, high) for c in columns]
        cells = " | ".join("–" if e is None else f"{e:.2f}" for e in exponents)
        lines.append(f"| growth {low:,}→{high:,} | {cells} |")
    return lines


def _ratio_table(results: Sequence[Measured]) -> list[str]:
    names = [f"{figure} / {reference}" for figure, reference in RATIOS]
    lines = ["| questions | " + " | ".join(names) + " |", "|---:|" + "---:|" * len(names)]
    for r in results:
        cells = (r.ratio(f, ref) for f, ref in RATIOS)
        lines.append(
            f"| {r.n:,} | " + " | ".join("–" if c is None else f"{c:.2f}" for c in cells) + " |"
        )
    return lines


def _per_size_table(figures: Mapping[str, Mapping[int, float]]) -> list[str]:
    names = list(figures)
    sizes = sorted({n for values in figures.values() for n in values})
    lines = ["| questions | " + " | ".join(names) + " |", "|---:|" + "---:|" * len(names)]
    for n in sizes:
        cells = (figures[name].get(n) for name in names)
        lines.append(
            f"| {n:,} | " + " | ".join("–" if c is None else f"{c:.4g}" for c in cells) + " |"
        )
    for low, high in spans(sizes):
        exponents = [_exponent(figures[c].get(low), figures[c].get(high), low, high) for c in names]
        cells_ = " | ".join("–" if e is None else f"{e:.2f}" for e in exponents)
        lines.append(f"| growth {low:,}→{high:,} | {cells_} |")
    return lines


def growth_exponents(
    results: Sequence[Measured], check: Mapping[str, Mapping[int, float]] | None = None
) -> dict[str, dict[tuple[int, int], float | None]]:
    """Each qdef figure's growth exponents over :data:`GROWTH_SPANS` (``None``: a
    size not measured), those of ``benchmarks/check.py``'s times included."""
    out: dict[str, dict[tuple[int, int], float | None]] = {}
    for name in (*IN_PROCESS, *WHOLE):
        if name not in REFERENCES:
            out[name] = {(a, b): growth(results, name, a, b) for a, b in GROWTH_SPANS}
    for name, values in (check or {}).items():
        if is_time(name):
            out[name] = {
                (a, b): _exponent(values.get(a), values.get(b), a, b) for a, b in GROWTH_SPANS
            }
    return out


def targets(
    results: Sequence[Measured],
    startup: Mapping[str, Any] | None = None,
    check: Mapping[str, Mapping[int, float]] | None = None,
) -> list[str]:
    """The issue-17 targets, each with its figures and whether it is met."""
    by_n = {r.n: r for r in results}
    lines = []
    if startup is None:
        lines.append("- Start-up: not measured (`benchmarks/startup.py` is not there).")
    else:
        medians, ratio = startup_figures(startup)
        shown = ", ".join(
            f"{name} {_seconds(s)} s"
            for name, s in medians.items()
            if "validate" in name or "pydantic" in name
        )
        if ratio is None:
            lines.append(f"- Start-up: `benchmarks/startup.py` gave no ratio ({shown}).")
        else:
            lines.append(
                "- Start-up, `qdef validate` of the Investitionspakt against "
                f'`python -c "import pydantic"`, whole processes, CPU: {ratio:.2f}× '
                f"(target ≤ {STARTUP_TARGET}×): {verdict(ratio <= STARTUP_TARGET)}"
                + (f" ({shown})." if shown else ".")
            )
    at = by_n.get(TARGET_N)
    if at is None:
        lines.append(
            f"- Rendering and the floor: not measured (needs N = {TARGET_N:,}; "
            f"see the ratios below)."
        )
    else:
        whole = at.ratio(ALL_THREE, XLS2XFORM) or math.inf
        lines.append(
            f"- Whole process at {TARGET_N:,} questions, one `qdef render --to markdown "
            f"--to html --to limesurvey` against `xls2xform --skip_validate`: "
            f"{_seconds(at.median(ALL_THREE))} s against {_seconds(at.median(XLS2XFORM))} s, "
            f"{whole:.2f}× (target ≤ {RENDER_TARGET:.2f}×): {verdict(whole <= RENDER_TARGET)}."
        )
        inside = at.ratio(ALL, FLOOR) or math.inf
        lines.append(
            f"- In process at {TARGET_N:,} questions, load + validate + all three renders "
            f"against ruamel's CSafeLoader: {_seconds(at.median(ALL))} s against "
            f"{_seconds(at.median(FLOOR))} s, {inside:.2f}× (target ≤ {FLOOR_TARGET:.0f}×): "
            f"{verdict(inside <= FLOOR_TARGET)}."
        )
    small = [(n, by_n[n].ratio(ALL_THREE, XLS2XFORM)) for n in NEVER_SLOWER_AT if n in by_n]
    if small:
        slower = [n for n, r in small if r is None or r > 1]
        figures = ", ".join(f"{r:.2f}× at {n:,}" for n, r in small if r is not None)
        missing = [n for n in NEVER_SLOWER_AT if n not in by_n]
        lines.append(
            "- Never slower than pyxform at "
            + " or ".join(f"{n:,}" for n in NEVER_SLOWER_AT)
            + f" questions (whole processes): {figures}: "
            + verdict(not slower and not missing)
            + (f" (not measured at {missing})" if missing else "")
            + "."
        )
    exponents = growth_exponents(results, check)
    worst = [
        (e, name, span)
        for name, per_span in exponents.items()
        for span, e in per_span.items()
        if e is not None
    ]
    unmeasured = sorted(
        {f"{a:,}→{b:,}" for per in exponents.values() for (a, b), e in per.items() if e is None}
    )
    if not worst:
        needed = ", ".join(f"{n:,}" for n in sorted({n for span in GROWTH_SPANS for n in span}))
        lines.append(
            f"- Growth exponents up to {GROWTH_SPANS[-1][1]:,} questions: not measured "
            f"(needs N = {needed})."
        )
    else:
        high = sorted((t for t in worst if t[0] >= GROWTH_TARGET), key=lambda t: -t[0])
        e, name, (a, b) = max(worst)
        text = (
            f"- Growth exponents < {GROWTH_TARGET} for each qdef figure "
            + ("and `qdef check` " if check else "(`qdef check` not measured) ")
            + f"up to {GROWTH_SPANS[-1][1]:,} questions: the largest is {e:.2f} "
            f"({name}, {a:,}→{b:,})"
        )
        if high:
            text += "; at or over the target: " + ", ".join(
                f"{n} {x:.2f} ({lo:,}→{hi:,})" for x, n, (lo, hi) in high
            )
        if unmeasured:
            text += f"; not measured: {', '.join(unmeasured)}"
        lines.append(text + f": {verdict(not high and not unmeasured and check is not None)}.")
    return lines


def earlier_targets(
    imported: Mapping[str, Any] | None, hostile: Mapping[str, float] | None
) -> list[str]:
    """Targets of earlier issues, still measured."""
    lines = []
    if imported is not None:
        cost = imported["importtime"]
        heavy = imported["heavy"]
        lines.append(
            f"- `import qdef`: {cost * 1000:.0f} ms cumulative in `python -X importtime` "
            f"({imported['cpu'] * 1000:.0f} ms of CPU over a bare interpreter; target ≤ "
            f"{IMPORT_TARGET * 1000:.0f} ms): {verdict(cost <= IMPORT_TARGET)}; it imports "
            + ("none of " if not heavy else f"{', '.join(heavy)} of ")
            + ", ".join(HEAVY)
            + f": {verdict(not heavy)}."
        )
    if hostile is not None:
        lines.append(hostile_line(hostile))
    return lines


WEBFORM = (
    "The web form in Chromium (load time, answer to paint) is measured by "
    "`python benchmarks/webform.py` (it needs a browser, so this run does not start "
    "one); its numbers are in docs/design.md, section Speed."
)


def tables(
    results: Sequence[Measured],
    imported: Mapping[str, Any] | None = None,
    hostile: Mapping[str, float] | None = None,
    startup: Mapping[str, Any] | None = None,
    check: Mapping[str, Any] | None = None,
) -> str:
    checked = per_size(check) if check is not None else None
    out = ["## Targets (issue 17)", "", *targets(results, startup, checked)]
    earlier = earlier_targets(imported, hostile)
    if earlier:
        out += ["", "Targets of earlier issues, still measured:", "", *earlier]
    out += ["", WEBFORM]
    out += ["", "## Ratios (medians of the per-pair ratios)", "", *_ratio_table(results)]
    out += ["", "## In one process (CPU seconds, medians)", "", *_table(results, IN_PROCESS)]
    out += [
        "",
        "## As whole processes (CPU seconds of the child, medians, interpreter start included)",
        "",
        *_table(results, WHOLE),
    ]
    if startup is not None:
        medians, ratio = startup_figures(startup)
        out += ["", "## Start-up (`benchmarks/startup.py`, CPU seconds, medians)", ""]
        out += ["| command | CPU seconds |", "|---|---:|"]
        out += [f"| {name} | {_seconds(s)} |" for name, s in medians.items()]
        if ratio is not None:
            out += ["", f"Ratio `qdef validate` / `import pydantic`: {ratio:.2f}."]
    if check is not None:
        out += ["", "## `qdef check` and the findings at scale (`benchmarks/check.py`)", ""]
        out += _per_size_table(checked) if checked else [f"(no per-size figures in {check!r})"]
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


def report(text: str, command: str, repetitions: str) -> str:
    return (
        "# qdef against pyxform, the YAML floor and the bare interpreter\n\n"
        "Written by `benchmarks/run.py` (its docstring says exactly what is timed). "
        "Synthetic instruments from `benchmarks/synthetic.py` (seed 0), the same "
        "questionnaire as XLSForm from `benchmarks/xlsform.py`. CPU time throughout; "
        "each qdef figure ran back to back with its reference, the order alternating, "
        f"in {repetitions}; a ratio is the median of the per-pair ratios, a time the "
        "median of its runs, a growth exponent the median of the per-round ones. "
        "Repeat with:\n\n"
        f"```console\n$ {command}\n```\n\n"
        "What was optimised, with numbers from before, and why the targets not met "
        "are not: docs/design.md, section Speed.\n\n"
        f"{machine()}\n\n{text}"
    )


def others(
    sizes: Sequence[int], repetitions: int, startup_repetitions: int = STARTUP_REPETITIONS
) -> tuple[Any, Any]:
    """What ``benchmarks/startup.py`` and ``benchmarks/check.py`` measure (``None``
    for either that is not there); check at the sizes from 1,000 questions on."""
    startup_module = optional_module("startup")
    startup = None
    if startup_module is not None:
        _say(f"start-up (benchmarks/startup.py, {startup_repetitions} rounds) ...")
        startup = startup_module.measure(startup_repetitions)
    check_module = optional_module("check")
    check = None
    if check_module is not None:
        check_sizes = [n for n in sizes if n >= GROWTH_SPANS[0][0]] or list(sizes)
        _say(f"qdef check (benchmarks/check.py) at {check_sizes} ...")
        check = check_module.measure(check_sizes, repetitions)
    return startup, check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, metavar="N", help="instrument sizes")
    parser.add_argument(
        "--quick", action="store_true", help="N = 100 1000, 3 repetitions; nothing written"
    )
    parser.add_argument(
        "--repetitions",
        type=int,
        help=f"rounds for every size (default {SMALL_REPETITIONS} up to {SMALL:,} "
        f"questions, {LARGE_REPETITIONS} above; at least {MIN_REPETITIONS})",
    )
    parser.add_argument("--output", type=Path, help="default benchmarks/RESULTS.md")
    parser.add_argument(
        "--hostile", action="store_true", help="only the hostile input (60,000 unknown keys)"
    )
    # Used by in_process: one part, timed in this (fresh) process.
    parser.add_argument("--part", choices=IN_PROCESS, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", nargs=8, metavar="X", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part is not None:
        given = args.inputs
        inputs, warmup = (
            Inputs(int(given[i]), Path(given[i + 1]), Path(given[i + 2]), Path(given[i + 3]))
            for i in (0, 4)
        )
        print(time_part(args.part, inputs, warmup))
        return 0
    repetitions = args.repetitions
    if args.quick and repetitions is None:
        repetitions = MIN_REPETITIONS
    if repetitions is not None and repetitions < MIN_REPETITIONS:
        parser.error(f"--repetitions must be at least {MIN_REPETITIONS}: medians need them")
    if args.hostile:
        with tempfile.TemporaryDirectory(prefix="qdef-bench-") as folder:
            print(hostile_line(measure_hostile(Path(folder), repetitions or SMALL_REPETITIONS)))
        return 0
    sizes = sorted(set(args.sizes or (QUICK_SIZES if args.quick else SIZES)))
    output = args.output or (None if args.quick else HERE / "RESULTS.md")
    least = min(repetitions_for(n, repetitions) for n in sizes)
    with tempfile.TemporaryDirectory(prefix="qdef-bench-") as folder:
        results = measure_sizes(sizes, Path(folder), repetitions)
        _say("hostile input ...")
        hostile = measure_hostile(Path(folder), least)
    startup_rounds = least if args.quick else max(least, STARTUP_REPETITIONS)
    text = tables(results, measure_import(least), hostile, *others(sizes, least, startup_rounds))
    print(text)
    if output is not None:
        given = sys.argv[1:] if argv is None else argv
        command = " ".join(["python benchmarks/run.py", *given])
        if repetitions is not None:
            rounds = f"{repetitions} rounds"
        else:
            rounds = (
                f"{SMALL_REPETITIONS} rounds up to {SMALL:,} questions and "
                f"{LARGE_REPETITIONS} above"
            )
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        output.write_text(report(text, command, rounds) + kept(previous), encoding="utf-8")
        _say(f"written to {output}")
    return 0


#: Sections of RESULTS.md that other benchmarks write (``benchmarks/data_check.py``):
#: a run of this one keeps them as they were.
KEPT = ("## `qdef data check`",)


def kept(previous: str) -> str:
    """The sections of ``previous`` (the RESULTS.md being replaced) that other
    benchmarks wrote, from the first of them to the end, after a blank line."""
    starts = [previous.find("\n" + heading) for heading in KEPT]
    found = [start for start in starts if start >= 0]
    return "\n" + previous[min(found) + 1 :] if found else ""


if __name__ == "__main__":
    sys.exit(main())
