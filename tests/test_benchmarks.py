"""Keep the benchmark code working: the synthetic generator and the routing benchmark.

Small sizes only, and no timings asserted.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import qdef
from benchmarks import routing, run
from benchmarks.synthetic import BLOCK, MIX, condition_source, generate, synthetic
from qdef.model import MatrixQuestion, MultipleChoice, SingleChoice
from qdef.pipeline import validate_text


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_instruments_validate_without_errors(seed: int) -> None:
    result = validate_text(synthetic(200, seed))
    assert [d for d in result.diagnostics if d.is_error] == []
    assert result.instrument is not None


@pytest.mark.parametrize("n", [1, 7, 20, 21, 61])
def test_small_and_odd_sizes_validate(n: int) -> None:
    instrument = qdef.loads(synthetic(n))
    assert sum(len(s.questions) for s in instrument.sections) == n


def test_generator_is_deterministic_and_seeded() -> None:
    assert synthetic(200, 1) == synthetic(200, 1)
    assert synthetic(200, 1) != synthetic(200, 2)
    assert generate(200, 3) == generate(200, 3)


@pytest.mark.parametrize("seed", [0, 5])
def test_mix_of_question_types(seed: int) -> None:
    n = 200
    counts = Counter(q["type"] for q in generate(n, seed))
    for kind, per_block in MIX.items():
        assert abs(counts[kind] - n * per_block / BLOCK) <= 2, (kind, counts)
    instrument = qdef.loads(synthetic(n, seed))
    questions = [q for s in instrument.sections for q in s.questions]
    singles = [q for q in questions if isinstance(q, SingleChoice)]
    multiples = [q for q in questions if isinstance(q, MultipleChoice)]
    assert len(singles) == counts["single"]
    assert all(len(q.options) == 5 for q in singles)
    assert all(len(q.options) == 6 for q in multiples)
    assert any(o.exclusive for q in multiples for o in q.options)
    matrices = [q for q in questions if isinstance(q, MatrixQuestion)]
    assert len(matrices) == counts["matrix"]
    assert all(len(q.scale) in (4, 5) and 3 <= len(q.rows) <= 5 for q in matrices)


def test_every_tenth_question_has_a_local_condition() -> None:
    questions = generate(200, 0)
    position = {q["id"]: i for i, q in enumerate(questions, start=1)}
    instrument = qdef.loads(synthetic(200, 0))
    loaded = [q for s in instrument.sections for q in s.questions]
    for i, (q, model) in enumerate(zip(questions, loaded, strict=True), start=1):
        assert model.id == q["id"] == f"q{i}"
        if i % 10 == 0:
            assert model.when == condition_source(q["when"])
            sources = {t for t in model.when.replace("[", " ").split() if t in position}
            assert sources and all(i - 30 <= position[s] < i for s in sources), model.when
        else:
            assert model.when is None


def test_routing_features_appear_at_scale() -> None:
    questions = generate(2000, 0)
    sections = {q["section"]: q["section_when"] for q in questions}
    assert 40 <= len(sections) <= 100  # 20-50 questions each
    assert any(w is not None for w in sections.values())
    gotos = [
        (i, o["goto"])
        for i, q in enumerate(questions, start=1)
        for o in q.get("options", ())
        if "goto" in o
    ]
    assert gotos
    assert all(2 <= int(target[1:]) - i <= 15 for i, target in gotos)
    forms = " ".join(condition_source(q["when"]) for q in questions if q.get("when"))
    for operator in ("==", "!=", " in [", " has ", " and ", " > "):
        assert operator in forms


def test_routing_measure_runs_on_a_small_instrument() -> None:
    result = routing.measure(100, repetitions=1)
    assert result["n"] == 100
    assert set(result["times"]) == set(routing.COLUMNS)
    assert all(t >= 0 for t in result["times"].values())
    assert result["paths"].count >= 1
    assert result["conditions"] >= 10
    paused = routing.measure(120, repetitions=1, pause_gc=True)
    text = routing.tables([result, paused])
    assert "growth exponent 100→120" in text


def test_routing_main_writes_its_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "ROUTING.md"
    assert routing.main(["--repetitions", "1", "--output", str(output), "60", "80"]) == 0
    report = output.read_text(encoding="utf-8")
    assert "python benchmarks/routing.py --repetitions 1" in report
    assert "| 80 |" in report and "Python" in report
    assert "| 60 |" in capsys.readouterr().out


def test_huge_path_counts_are_printed_by_their_size() -> None:
    assert routing.scientific(12345) == "12,345"
    assert routing.scientific(3 * 10**5000) == "3.00e+5000 (5001 digits)"


# ------------------------------------------------------------------ benchmarks/run.py


def _needs_the_bench_extra() -> None:
    """Skip, saying why, where the bench extra (pyxform, openpyxl) is not installed:
    ``bash dev.sh test`` installs it, a plain ``pip install -e '.[test]'`` does not."""
    for module in ("openpyxl", "pyxform"):
        pytest.importorskip(
            module, reason=f"needs the bench extra ({module}): pip install -e '.[bench]'"
        )


def test_the_harness_measures_every_part_on_a_small_instrument(tmp_path: Path) -> None:
    _needs_the_bench_extra()
    inputs = run.prepare(40, tmp_path)
    assert inputs.yaml.exists() and inputs.xlsx.exists()
    inside = run.measure_in_process(inputs, 1)
    assert list(inside) == list(run.IN_PROCESS)
    with pytest.raises(ValueError, match="no part 'html!'"):
        run.measure_part("html!", inputs, 1)
    assert all(seconds > 0 for seconds in inside.values())
    whole = run.measure_whole(inputs, 1)
    assert list(whole) == list(run.WHOLE)
    assert all(seconds > 0 for seconds in whole.values())
    written = sorted(p.name for p in (inputs.out / "all").iterdir())
    assert written == ["synthetic-40.html", "synthetic-40.lss", "synthetic-40.md"]
    assert (inputs.out / "cli.xml").read_text(encoding="utf-8").count("<bind ") > 40


def test_import_qdef_pulls_in_none_of_the_heavy_modules() -> None:
    imported = run.measure_import(1)
    assert imported["heavy"] == []
    assert imported["importtime"] > 0


def _measured(n: int, scale: float) -> run.Measured:
    inside = {name: scale * 0.1 for name in run.IN_PROCESS}
    inside.update(floor=scale * 0.1, routing=scale * 0.005)
    inside["qdef all"] = scale * 0.15
    whole = {name: 0.2 + scale * 0.1 for name in run.WHOLE}
    whole["qdef render all three"] = 0.1 + scale * 0.03
    whole["xls2xform"] = 0.2 + scale * 0.1
    return run.Measured(n, inside, whole)


def test_the_report_has_the_ratio_table_growth_and_verdicts() -> None:
    results = [_measured(1000, 1), _measured(5000, 5), _measured(10000, 10.5)]
    imported = {"importtime": 0.012, "wall": 0.01, "heavy": []}
    text = run.tables(results, imported)
    assert "| 5,000 | " in text and "## Ratios" in text
    assert "| growth 1,000→10,000 | " in text
    assert f"| growth 1,000→10,000 | {math.log(10.5) / math.log(10):.2f} |" in text  # floor
    targets = text.split("## Targets", 1)[1]
    assert targets.count("**met**") == 7 and "not met" not in targets
    slow = _measured(5000, 5)
    slow.whole["qdef render all three"] = 2 * slow.whole["xls2xform"]
    slow.inside["qdef all"] = 3 * slow.inside["floor"]
    verdicts = run.targets([results[0], slow, results[2]], {**imported, "heavy": ["jinja2"]})
    assert sum("**not met**" in line for line in verdicts) == 3
    assert "slower at N = [5000]" in verdicts[0]


def test_the_harness_insists_on_five_repetitions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run.main(["--repetitions", "3", "10"])
    assert "at least 5" in capsys.readouterr().err


@pytest.mark.browser
def test_the_web_form_benchmark_runs(chromium: Any, tmp_path: Path) -> None:
    from benchmarks import webform  # noqa: PLC0415

    (row,) = webform.measure(chromium, [30], tmp_path)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "30" and cells[1].endswith(" MB")
    assert all(float(c) >= 0 for c in cells[2:])  # render s, open s, one answer ms


def test_without_the_bench_extra_the_harness_test_skips_with_the_reason(tmp_path: Path) -> None:
    # As in an environment with only the test extra: pyxform and openpyxl cannot be
    # imported. The harness test must skip saying why, not fail.
    (tmp_path / "no_bench_extra.py").write_text(
        "import sys\nsys.modules['pyxform'] = None\nsys.modules['openpyxl'] = None\n",
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parent.parent
    path = os.pathsep.join(
        [str(tmp_path), str(root / "src"), str(root), os.environ.get("PYTHONPATH", "")]
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no_bench_extra"),
            *("-p", "no:cacheprovider"),
            f"{Path(__file__).resolve()}::test_the_harness_measures_every_part_on_a_small_instrument",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "needs the bench extra" in done.stdout


def test_the_hostile_input_is_measured_against_a_valid_file_of_its_size(tmp_path: Path) -> None:
    hostile, valid = run.hostile_inputs(tmp_path, 3_000)
    assert abs(hostile.stat().st_size - valid.stat().st_size) < hostile.stat().st_size / 5
    measured = run.measure_hostile(tmp_path, 1, 3_000)
    assert measured["hostile"] > 0 and measured["valid"] > 0
    line = run.hostile_line(measured, 3_000)
    assert line.startswith("- Hostile input, `qdef validate` of ") and "3,000 unknown keys" in line
