"""What a ``qdef`` process costs before it does any work: start-up against ``import pydantic``.

Each command runs as a child process (``sys.executable``, the environment of
this one with ``PYTHONDONTWRITEBYTECODE`` removed, so that the children read
and write ``.pyc`` files as a real installation does); its cost is the CPU
time (user + system) the child used, read from
``resource.getrusage(RUSAGE_CHILDREN)`` before and after it. Wall time says
little on a shared machine; CPU time of a child is what the command costs.

The commands (:data:`COMMANDS`), each run once untimed first (it writes the
``.pyc`` files), then ``repetitions`` rounds, every command once per round
in the same order (interleaved: A B C … A B C …, so that a change in the
machine's load touches every command alike):

- ``python``: ``python -c pass``, the bare interpreter;
- ``import pydantic``: ``python -c "import pydantic"``, the reference;
- ``qdef --help`` and ``qdef renderers``: commands that need no model;
- ``qdef validate``: ``qdef validate instruments/investitionspakt.yaml``, with
  the validator's cache file (:mod:`qdef.model.corecache`) in place — the
  warm-up run writes it, as the first run after installing qdef does;
- ``qdef validate, no cache``: the same with ``QDEF_CACHE_DIR=""`` (no cache
  file: what the first run after installing or upgrading costs).

:func:`measure` returns the median of each, and ``ratio``: ``qdef validate``
over ``import pydantic`` (the target of issue 17 is at most 2.5).

    python benchmarks/startup.py [--repetitions K]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "investitionspakt.yaml"
QDEF = [sys.executable, "-m", "qdef"]

#: The commands measured, by name, in the order of each round.
COMMANDS: dict[str, list[str]] = {
    "python": [sys.executable, "-c", "pass"],
    "import pydantic": [sys.executable, "-c", "import pydantic"],
    "qdef --help": [*QDEF, "--help"],
    "qdef renderers": [*QDEF, "renderers"],
    "qdef validate": [*QDEF, "validate", str(INSTRUMENT)],
    "qdef validate, no cache": [*QDEF, "validate", str(INSTRUMENT)],
}
#: What a command runs with besides this process's environment.
SETTINGS: dict[str, dict[str, str]] = {"qdef validate, no cache": {"QDEF_CACHE_DIR": ""}}

#: The target of issue 17: ``qdef validate`` at most this many times ``import pydantic``.
TARGET = 2.5


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cpu_time(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """The CPU time (user + system, seconds) of one run of ``argv`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        list(argv), capture_output=True, env=env or _environment(), check=False, cwd=ROOT
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited with {done.returncode}:\n{done.stderr.decode()}"
        )
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(repetitions: int) -> dict[str, Any]:
    """Medians of CPU seconds per command (:data:`COMMANDS`), interleaved, after a warm-up
    run of each; ``ratio`` is ``qdef validate`` / ``import pydantic``."""
    env = _environment()
    envs = {name: {**env, **SETTINGS.get(name, {})} for name in COMMANDS}
    for name, argv in COMMANDS.items():
        cpu_time(argv, envs[name])  # warm-up: .pyc and the cache file written
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repetitions):
        for name, argv in COMMANDS.items():
            samples[name].append(cpu_time(argv, envs[name]))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "repetitions": repetitions,
        "seconds": medians,
        "minimum": {name: min(values) for name, values in samples.items()},
        "ratio": medians["qdef validate"] / medians["import pydantic"],
        "target": TARGET,
    }


def report(result: dict[str, Any]) -> str:
    """The measurements as a Markdown table, and the ratio against the target."""
    pydantic = result["seconds"]["import pydantic"]
    lines = [
        f"CPU time (user + sys) of each command as a process, median (minimum) of "
        f"{result['repetitions']}, interleaved:",
        "",
        "| command | CPU s | min s | × import pydantic |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds in result["seconds"].items():
        lines.append(
            f"| `{name}` | {seconds:.3f} | {result['minimum'][name]:.3f} "
            f"| {seconds / pydantic:.2f} |"
        )
    verdict = "met" if result["ratio"] <= result["target"] else "not met"
    lines += [
        "",
        f"qdef validate / import pydantic = {result['ratio']:.2f} "
        f"(target ≤ {result['target']}: {verdict})",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repetitions", type=int, default=20, metavar="K")
    args = parser.parse_args(argv)
    print(report(measure(args.repetitions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
