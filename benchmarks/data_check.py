"""``qdef data check`` at scale: the SQL engine on DuckDB against the walk, response by
response (issue 21, part 5).

    python benchmarks/data_check.py [--sizes 10000 1000000] [--repeat 3] [--distinct 2000]
                                    [--walk-sample 10000] [--mutated N] [--out FOLDER]
                                    [--write benchmarks/RESULTS.md] [--json]

Responses of the Investitionspakt are generated once — ``--distinct`` respondents of
``qdef.testing.respondents`` (one in ``--mutated`` (20) then mutated: an answer off the
path, a code the question does not have, a number out of range, a follow-up without
its option, a required answer taken away) — written in qdef's CSV layout, and
repeated by DuckDB to each size (each row its own ``_id``), as CSV and as Parquet.
Then, each in a fresh process (its peak memory is its own ``VmHWM``), ``--repeat``
times in turn, keeping the best of each:

- ``qdef data check --engine duckdb`` on each file (findings as CSV to /dev/null);
- ``qdef data check --engine python`` on the first ``--walk-sample`` rows of the
  CSV: its rate (the fastest of the runs: the speed-ups are the smaller for it),
  extrapolated to each size (the walk is linear: one response at a time, in constant
  memory), measured in the same run as the DuckDB checks it is compared with.

It prints a Markdown section: seconds and peak memory per size and format, the
speed-up over the extrapolated walk against the target (50×), and the growth from
the smallest to the largest size (time ratio / size ratio: 1 is linear); ``--write``
puts it into a results file between the markers ``<!-- data_check: begin -->`` and
``<!-- data_check: end -->`` (benchmarks/RESULTS.md). Timings are reported, never
asserted (tests/test_data_sql.py runs it at a tiny size for correctness only).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"

#: A child process: runs ``qdef data check`` with its arguments, prints its seconds and
#: peak resident memory (KiB) as JSON on stderr's last line.
CHILD = """
import io, json, resource, sys, time
from qdef.cli import main
start = time.perf_counter()
with open("/dev/null", "w") as out:
    status = main(sys.argv[1:], out, io.StringIO())
seconds = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_SELF)
cpu = used.ru_utime + used.ru_stime
# VmHWM: this process's own peak (ru_maxrss would carry the parent's over the fork)
with open("/proc/self/status") as proc:
    peak = next(int(line.split()[1]) for line in proc if line.startswith("VmHWM:"))
print(json.dumps({"status": status, "seconds": seconds, "cpu": cpu, "peak_kib": peak}))
"""


#: A child process: DuckDB reading a file as the SQL engine reads it (every cell, as
#: text), nothing checked — the floor under the check of that file; prints the query's
#: seconds and CPU seconds as JSON.
READ_CHILD = """
import json, resource, sys, time
from pathlib import Path
import duckdb, qdef
from qdef.data.sql.engine import SqlEngine
fmt, path = sys.argv[1], Path(sys.argv[2])
engine = SqlEngine(qdef.compile(Path(sys.argv[3])))
connection = duckdb.connect()
source = engine._source(connection, path, fmt)
every = ", ".join(f'MAX(LENGTH("{c}"))' for c in source.header)
def cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime
start, started = time.perf_counter(), cpu()
connection.execute(f"SELECT {every} FROM {source.sql}").fetchall()
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": cpu() - started}))
"""


def respondents(count: int, every: int = 20, seed: int = 21) -> list[dict[str, Any]]:
    """``count`` respondents of the Investitionspakt from ``qdef.testing``, one in
    ``every`` mutated."""
    from hypothesis import HealthCheck, Phase, given, settings  # noqa: PLC0415

    import qdef  # noqa: PLC0415
    from qdef.testing import respondents as strategy  # noqa: PLC0415

    compiled = qdef.compile(INSTRUMENT)
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(response=strategy(compiled))
    def collect(response: dict[str, Any]) -> None:
        found.append(response)

    collect()
    rng = random.Random(seed)
    for i, response in enumerate(found):
        if i % every == 0:
            mutate(response, rng)
    return found


def mutate(response: dict[str, Any], rng: random.Random) -> None:
    """One of the mutations of tests/test_data_check.py, on the Investitionspakt."""
    kind = rng.randrange(5)
    if kind == 0:  # off the path
        if response.get("im_eingesetzt") == "ja":
            response["gruende_kein_im"] = "nicht_bekannt"
        else:
            response["wochenstunden"] = 20
    elif kind == 1:
        response["im_eingesetzt"] = "vielleicht"  # no such code
    elif kind == 2:
        response["wochenstunden"] = 200  # out of range (and off the path on "nein")
    elif kind == 3:
        response["eigene_raeume_qm"] = 12  # a follow-up without its option, mostly
    else:
        response.pop("im_eingesetzt", None)  # required, missing


def cells(response: dict[str, Any]) -> dict[str, str]:
    """A response in qdef's CSV layout (docs/data.md, "CSV")."""
    found: dict[str, str] = {}
    for name, value in response.items():
        if name.startswith("_"):
            continue
        if value is True:
            found[name] = "true"
        elif isinstance(value, list):
            found[name] = " ".join(value)
        else:
            found[name] = str(value)
    return found


def write_files(folder: Path, distinct: int, sizes: list[int], every: int) -> dict[str, Path]:
    """The seed CSV, then per size a CSV and a Parquet file, written by DuckDB."""
    import duckdb  # noqa: PLC0415

    import qdef  # noqa: PLC0415

    plan = qdef.compile(INSTRUMENT).plan
    header = ["_id", *(n for n, info in plan.variables.items() if info.roster is None)]
    seed = folder / "seed.csv"
    with seed.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, header, restval="")
        writer.writeheader()
        for i, response in enumerate(respondents(distinct, every)):
            writer.writerow({"_id": f"s{i}", **cells(response)})
    files: dict[str, Path] = {"seed": seed}
    connection = duckdb.connect()
    columns = ", ".join('"' + name.replace('"', '""') + '"' for name in header[1:])
    for size in sizes:
        reps = -(-size // distinct)
        query = (
            f"SELECT 'r' || CAST(k * {distinct} + n AS VARCHAR) AS _id, {columns} "
            f"FROM (SELECT ROW_NUMBER() OVER () - 1 AS n, * FROM "
            f"read_csv('{seed}', all_varchar = true)) AS seed, range({reps}) AS t(k) "
            f"LIMIT {size}"
        )
        for fmt, options in (("csv", "(HEADER, FORMAT csv)"), ("parquet", "(FORMAT parquet)")):
            path = folder / f"responses-{size}.{fmt}"
            connection.execute(f"COPY ({query}) TO '{path}' {options}")
            files[f"{fmt}-{size}"] = path
    sample = folder / "sample.csv"
    connection.close()
    return {**files, "sample": sample}


def run_child(arguments: list[str], program: str = CHILD) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", program, *arguments],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _env() -> dict[str, str]:
    import os  # noqa: PLC0415

    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT / "renderers" / "qdef-render-codebook" / "src")]
    env["PYTHONPATH"] = ":".join([*paths, env.get("PYTHONPATH", "")]).rstrip(":")
    return env


#: The speed-up over the walk that issue 21 asks of a million responses.
TARGET = 50
BEGIN, END = "<!-- data_check: begin -->", "<!-- data_check: end -->"


def best(arguments: list[str], repeat: int) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (wall seconds), with every run's seconds and the
    highest peak memory of them."""
    runs = [run_child(arguments) for _ in range(repeat)]
    fastest = min(runs, key=lambda run: run["seconds"])
    return {
        **fastest,
        "runs": [round(run["seconds"], 3) for run in runs],
        "peak_kib": max(run["peak_kib"] for run in runs),
    }


def measure(
    sizes: list[int],
    distinct: int,
    walk_sample: int,
    folder: Path,
    *,
    every: int = 20,
    repeat: int = 1,
) -> dict[str, Any]:
    files = write_files(folder, distinct, sizes, every)
    with (
        files["csv-" + str(sizes[0])].open(encoding="utf-8") as source,
        files["sample"].open("w", encoding="utf-8") as sample,
    ):
        for i, line in enumerate(source):
            if i > walk_sample:
                break
            sample.write(line)
    empty = folder / "empty.csv"
    with files["seed"].open(encoding="utf-8") as source:
        empty.write_text(source.readline(), encoding="utf-8")
    check = ["data", "check", str(INSTRUMENT)]
    # what every run pays whatever the rows: start, the instrument, its analysis
    fixed = best([*check, str(empty), "--engine", "python", "--format", "csv", "-q"], repeat)
    walk = best(
        [*check, str(files["sample"]), "--engine", "python", "--format", "csv", "-q"], repeat
    )
    rows = min(walk_sample, sizes[0])
    rate = rows / max(walk["seconds"] - fixed["seconds"], 1e-9)
    cpu_rate = rows / max(walk["cpu"] - fixed["cpu"], 1e-9)
    result: dict[str, Any] = {
        "distinct": distinct,
        "every": every,
        "repeat": repeat,
        "fixed": fixed,
        "walk": {"rows": rows, **walk, "rate": rate, "cpu_rate": cpu_rate},
        "sql": {},
    }
    for size in sizes:
        for fmt in ("csv", "parquet"):
            path = files[f"{fmt}-{size}"]
            ran = best([*check, str(path), "--engine", "duckdb", "--format", "csv", "-q"], repeat)
            reads = [
                run_child([fmt, str(path), str(INSTRUMENT)], READ_CHILD) for _ in range(repeat)
            ]
            read = min(reads, key=lambda run: run["seconds"])
            result["sql"][f"{fmt}-{size}"] = {
                "rows": size,
                "bytes": path.stat().st_size,
                **ran,
                "read": read,
            }
    return result


def report(result: dict[str, Any], sizes: list[int]) -> str:
    walk, fixed = result["walk"], result["fixed"]
    repeat = result.get("repeat", 1)
    lines = [
        "## `qdef data check` on DuckDB against the walk (`benchmarks/data_check.py`)",
        "",
        f"The Investitionspakt, {result['distinct']:,} distinct generated respondents (one "
        f"in {result['every']:,} mutated) repeated to each size; each run a fresh process "
        "(`qdef data check … --format csv -q`, findings to /dev/null), the best of "
        f"{repeat} in turn: wall seconds, CPU seconds (user + system; DuckDB uses every "
        "core), peak memory its own (`VmHWM`, the highest of the runs). The DuckDB runs "
        "include what every run pays whatever the rows (start, the instrument, its "
        f"analysis: {fixed['seconds']:.2f} s wall, {fixed['cpu']:.2f} s CPU on a header-only "
        f"file). The walk (`--engine python`) measured in the same run on {walk['rows']:,} "
        f"rows: {walk['rate']:,.0f} responses per wall second ({walk['cpu_rate']:,.0f} per "
        f"CPU second) once that is taken off, {walk['peak_kib'] / 1024:.0f} MiB peak; its "
        "time at each size extrapolated (it reads one response at a time: linear). "
        f"Target: {TARGET}× the walk at a million responses.",
        "",
        "",
        "The last column is the floor under each check: DuckDB reading the file as the "
        "engine reads it, every cell as text, nothing checked (the query alone, in a "
        "fresh process, the best of as many runs).",
        "",
        "| rows | format | file | DuckDB wall s (runs) | CPU s | peak MiB | walk wall s "
        "(extrapolated) | speed-up wall | speed-up CPU | reading alone wall s (CPU s) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for fmt in ("csv", "parquet"):
            run = result["sql"][f"{fmt}-{size}"]
            walked, walked_cpu = size / walk["rate"], size / walk["cpu_rate"]
            runs = ", ".join(f"{s:.2f}" for s in run.get("runs", [run["seconds"]]))
            lines.append(
                f"| {size:,} | {fmt} | {run['bytes'] / 2**20:.1f} MiB | {run['seconds']:.2f} "
                f"({runs}) | {run['cpu']:.2f} | {run['peak_kib'] / 1024:.0f} | {walked:,.1f} | "
                f"{walked / run['seconds']:.1f}× | {walked_cpu / run['cpu']:.1f}× | "
                f"{run['read']['seconds']:.2f} ({run['read']['cpu']:.2f}) |"
            )
    lines.append("")
    largest = sizes[-1]
    for fmt in ("csv", "parquet"):
        run = result["sql"][f"{fmt}-{largest}"]
        ratio = largest / walk["rate"] / run["seconds"]
        verdict = "met" if ratio >= TARGET else "not met"
        budget = largest / walk["rate"] / TARGET
        floor = fixed["seconds"] + run["read"]["seconds"]
        lines.append(
            f"- {fmt}, {largest:,} rows: {ratio:.1f}× the walk (wall), target {TARGET}×: "
            f"{verdict}. The target leaves {budget:.2f} s; the start ({fixed['seconds']:.2f} "
            f"s) and DuckDB's reading alone ({run['read']['seconds']:.2f} s) take "
            f"{floor:.2f} s of it ({100 * floor / budget:.0f}%) before any check."
        )
    for fmt in ("csv", "parquet"):
        for small, large in itertools.pairwise(sizes):
            a, b = result["sql"][f"{fmt}-{small}"], result["sql"][f"{fmt}-{large}"]
            ratio = (b["cpu"] - fixed["cpu"]) / max(a["cpu"] - fixed["cpu"], 1e-9)
            lines.append(
                f"- {fmt}, {small:,} → {large:,} rows ({large // small}×): CPU seconds "
                f"beyond the fixed part ×{ratio:.1f} (growth {ratio / (large / small):.2f}, "
                f"1 is linear); peak memory {a['peak_kib'] / 1024:.0f} → "
                f"{b['peak_kib'] / 1024:.0f} MiB."
            )
    return "\n".join(lines) + "\n"


def write_results(path: Path, section: str) -> None:
    """``section`` into ``path`` between :data:`BEGIN` and :data:`END` (appended with
    them when they are not there yet), the rest of the file as it was."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{section}{END}\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + block + tail.removeprefix("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--distinct", type=int, default=2000)
    parser.add_argument("--walk-sample", type=int, default=10_000)
    parser.add_argument(
        "--mutated", type=int, default=20, metavar="N", help="mutate one respondent in N"
    )
    parser.add_argument("--out", type=Path, help="keep the files in this folder")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument(
        "--write", type=Path, metavar="RESULTS", help="put the section into this Markdown file"
    )
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.out or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        result = measure(
            sizes,
            args.distinct,
            args.walk_sample,
            folder,
            every=args.mutated,
            repeat=max(1, args.repeat),
        )
    section = report(result, sizes)
    if args.write:
        write_results(args.write, section)
    print(json.dumps(result, indent=2) if args.json else section, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
