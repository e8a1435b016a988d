"""Two versions of qdef's rendering at scale against each other and against pyxform
(on demand, never in tests): CPU time, interleaved, medians.

For each size N the synthetic instrument (``benchmarks/synthetic.py``, seed 0) is
written as qdef YAML and as XLSForm (``benchmarks/xlsform.py``). Then, in each of
K rounds, one after the other (so that a change in the machine's load hits all of
them alike):

- ``qdef render FILE --to markdown --to html --to limesurvey -o DIR`` as a whole
  process (the console script, as users run it), once with each source tree;
- ``xls2xform --skip_validate`` of the same form;
- the parts in one fresh interpreter per tree (``--parts``): reading the file into
  located data (``load_file``) and each renderer on an instrument validated just
  before (its routing analysis made, nothing a renderer computed reused).

Time is the CPU time of the child processes (user + system, ``RUSAGE_CHILDREN``),
not wall time: the machine may be shared. Byte code is written and used
(``PYTHONDONTWRITEBYTECODE`` unset, one untimed warm-up run), as in an installed
qdef. It prints the medians and the ratios to ``xls2xform``.

    python benchmarks/compare.py --base OLD/src [--new NEW/src] [--rounds K] [--parts] [N ...]

``--base``: the ``src`` folder of the version to compare with (``git worktree add``
or ``git archive COMMIT src | tar -x -C DIR``); ``--new`` defaults to this
checkout's ``src``. Defaults: N = 1 000 and 5 000, K = 5.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/compare.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import generate, to_yaml
from benchmarks.xlsform import write_xlsform

RENDERERS = ("markdown", "html", "limesurvey")

#: Run in a fresh interpreter with the tree on PYTHONPATH: the parts' CPU times as JSON.
PARTS = """
import gc, json, sys, time
from pathlib import Path
from qdef.pipeline import validate_file
from qdef.rendering import options_for
from qdef.rendering.registry import load, lookup
from qdef.source.loader import load_file
gc.disable()  # as the command line runs
path, out = Path(sys.argv[1]), {}
load_file(path)
start = time.process_time(); load_file(path); out["load_file"] = time.process_time() - start
for name in sys.argv[2:]:
    renderer = load(lookup(name))
    compiled = validate_file(path).compiled
    options = options_for(renderer, compiled.instrument, None, {})
    renderer.render(compiled, options)  # imports, the template compiled, once
    compiled = validate_file(path).compiled
    compiled.analysis
    start = time.process_time(); renderer.render(compiled, options)
    out[name] = time.process_time() - start
print(json.dumps(out))
"""


def cpu(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """The CPU time of running ``argv`` (user + system), and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return used, done.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000])
    parser.add_argument("--base", required=True, type=Path, help="src folder of the old version")
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--parts", action="store_true", help="also time the parts in process")
    args = parser.parse_args(argv)
    qdef_script = Path(sys.executable).parent / "qdef"
    xls2xform = Path(sys.executable).parent / "xls2xform"
    if not xls2xform.exists():
        xls2xform = Path(shutil.which("xls2xform") or "xls2xform")
    plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    trees = {"base": args.base.resolve(), "new": args.new.resolve()}
    envs = {name: dict(plain, PYTHONPATH=str(tree)) for name, tree in trees.items()}
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for n in args.sizes:
            questions = generate(n, 0)
            yaml = folder / f"synthetic-{n}.yaml"
            yaml.write_text(to_yaml(questions, f"synthetic_{n}_0", f"Synthetic ({n})"), "utf-8")
            xlsx = folder / f"synthetic-{n}.xlsx"
            write_xlsform(questions, xlsx, form_id=f"synthetic_{n}_0")
            commands: dict[str, tuple[list[str], dict[str, str]]] = {
                f"qdef render ({name})": (
                    [sys.executable, str(qdef_script), "render", "-q", str(yaml),
                     *(part for r in RENDERERS for part in ("--to", r)),
                     "-o", str(folder / f"out-{name}")],
                    env,
                )
                for name, env in envs.items()
            }  # fmt: skip
            commands["xls2xform"] = (
                [str(xls2xform), "--skip_validate", str(xlsx), str(folder / "form.xml")],
                plain,
            )
            if args.parts:
                for name, env in envs.items():
                    command = [sys.executable, "-c", PARTS, str(yaml), *RENDERERS]
                    commands[f"parts ({name})"] = (command, env)
            for command, env in commands.values():  # warm-up: byte code written
                cpu(command, env)
            times: dict[str, list[float]] = {name: [] for name in commands}
            parts: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
            for _ in range(args.rounds):
                for name, (command, env) in commands.items():
                    used, printed = cpu(command, env)
                    times[name].append(used)
                    if name.startswith("parts"):
                        parts[name].append(json.loads(printed))
            xls = statistics.median(times["xls2xform"])
            print(f"N = {n:,} (CPU seconds, medians of {args.rounds}, interleaved)")
            for name, values in times.items():
                if name.startswith("parts"):
                    continue
                median = statistics.median(values)
                print(f"  {name:22s} {median:7.3f}  {median / xls:5.2f}x xls2xform", flush=True)
            for name in (n for n in parts if parts[n]):
                medians = {k: statistics.median(p[k] for p in parts[name]) for k in parts[name][0]}
                print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in medians.items()))


if __name__ == "__main__":
    main()
