"""How fast is `qdef validate` compared with the YAML floor? (run on demand, never in tests)

Writes synthetic instruments of N questions (40% single choice with 5 options,
20% multiple choice with 6, 15% text, 10% numbers with bounds, 15% matrices,
every 10th question conditional on an earlier choice) and prints, as medians
of 5 runs in one process:

- the floor: ruamel.yaml's C safe loader on the same text, garbage collector paused;
- qdef's YAML-to-data step (`qdef.yamldata.build_data`);
- the whole `validate_file` (read, parse, model, semantic checks);
- ratio: validate / floor.

    python benchmarks/validate_vs_floor.py [N ...]      (default: 1000 5000)

The full benchmark harness against pyxform is a later issue; this script is
its seed.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from qdef.pipeline import validate_file
from qdef.yamldata import build_data


def synthetic(n: int) -> str:
    rnd = random.Random(n)
    lines = ["qdef: 1", "id: synth", "title: Synthetic", "language: de", "sections:"]
    q = 0
    choices: list[str] = []
    while q < n:
        lines += [f"  - id: s{q}", "    questions:"]
        for _ in range(min(50, n - q)):
            q += 1
            qid, kind = f"q{q}", rnd.random()
            lines.append(f"      - id: {qid}")
            if kind < 0.4:
                lines += [
                    "        type: single",
                    f"        text: Frage {q} – Wie zufrieden sind Sie mit dem Angebot?",
                    "        options:",
                ]
                lines += [f"          - {{code: a{o}, label: Antwort {o}}}" for o in range(5)]
                choices.append(qid)
            elif kind < 0.6:
                lines += [
                    "        type: multiple",
                    f"        text: Frage {q} – Welche Angebote?",
                    "        options:",
                ]
                lines += [f"          - {{code: m{o}, label: Angebot {o}}}" for o in range(6)]
            elif kind < 0.75:
                lines += ["        type: text", f"        text: Frage {q} – Bitte beschreiben Sie."]
            elif kind < 0.85:
                lines += [
                    "        type: number",
                    f"        text: Frage {q} – Wie viele?",
                    "        min: 0",
                    "        max: 1000",
                ]
            else:
                lines += [
                    "        type: matrix",
                    f"        text: Frage {q} – Bewerten Sie.",
                    "        scale:",
                ]
                lines += [f"          - {{code: '{c}', label: Stufe {c}}}" for c in range(1, 5)]
                lines += [
                    "        rows:",
                    "          - {code: r1, label: Zeile eins}",
                    "          - {code: r2, label: Zeile zwei}",
                ]
            if q % 10 == 0 and choices and choices[-1] != qid:
                lines.append(f'        when: {choices[-1]} == "a1"')
    return "\n".join(lines) + "\n"


def median(run: Callable[[], object], repeat: int = 5, *, pause_gc: bool = False) -> float:
    times = []
    for _ in range(repeat):
        if pause_gc:
            gc.disable()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


def main(sizes: list[int]) -> None:
    yaml = YAML(typ="safe", pure=False)
    print("| questions | floor: ruamel C safe load | qdef YAML -> data | qdef validate | ratio |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"synthetic-{n}.yaml"
            text = synthetic(n)
            path.write_text(text, encoding="utf-8")
            result = validate_file(path)
            assert result.ok, result.diagnostics[:3]
            floor = median(lambda text=text: yaml.load(text), pause_gc=True)  # type: ignore[misc]
            data = median(lambda text=text: build_data(text))  # type: ignore[misc]
            full = median(lambda path=path: validate_file(path))  # type: ignore[misc]
            print(f"| {n} | {floor:.3f} s | {data:.3f} s | {full:.3f} s | {full / floor:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000])
