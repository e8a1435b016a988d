"""Keep the benchmark code working: the synthetic generator and the routing benchmark.

Small sizes only, and no timings asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
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


def test_the_harness_measures_every_part_on_a_small_instrument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_the_bench_extra()
    inputs = run.prepare(40, tmp_path)
    (tmp_path / "warmup").mkdir()
    warmup = run.prepare(20, tmp_path / "warmup")
    assert inputs.yaml.exists() and inputs.xlsx.exists()
    with pytest.raises(ValueError, match="no part 'html!'"):
        run.part_argv("html!", inputs, warmup)
    # Every part and command once (the real pairs take more processes: the order
    # and the pairing are tested without processes below).
    inside, whole = list(run.IN_PROCESS), list(run.WHOLE)
    monkeypatch.setattr(run, "INSIDE_PAIRS", list(zip(inside[::2], inside[1::2], strict=True)))
    odd = [*zip(whole[::2], whole[1::2], strict=False), (whole[-1], "python")]
    monkeypatch.setattr(run, "WHOLE_PAIRS", odd)
    record = run.Measured(40)
    run.measure_round(inputs, warmup, record, 0)
    assert set(record.times) == {*run.IN_PROCESS, *run.WHOLE}
    assert all(len(ratios) == 1 and ratios[0] > 0 for ratios in record.ratios.values())
    assert all(seconds > 0 for per in record.times.values() for s in per.values() for seconds in s)
    written = sorted(p.name for p in (inputs.out / "all").iterdir())
    assert written == ["synthetic-40.html", "synthetic-40.lss", "synthetic-40.md"]
    assert (inputs.out / "cli.xml").read_text(encoding="utf-8").count("<bind ") > 40


def test_every_qdef_figure_has_its_reference() -> None:
    pairs = [*run.INSIDE_PAIRS, *run.WHOLE_PAIRS]
    figures = [name for name in (*run.IN_PROCESS, *run.WHOLE) if name not in run.REFERENCES]
    assert {figure for figure, _ in pairs} == set(figures)
    assert {reference for _, reference in pairs} == set(run.REFERENCES)
    assert ("qdef all", "floor") in pairs and ("qdef render all three", "xls2xform") in pairs
    assert all(figure in run.IN_PROCESS for figure, _ in run.INSIDE_PAIRS)


def test_pairs_run_back_to_back_alternating_and_ratios_are_per_pair() -> None:
    calls: list[str] = []
    times = {"a": iter([1.0, 2.0, 30.0]), "b": iter([1.0, 3.0, 20.0])}
    times |= {"c": iter([4.0, 4.0, 4.0]), "ref": iter([2.0] * 6)}

    def measure(name: str) -> float:
        calls.append(name)
        return next(times[name])

    record = run.Measured(10)
    for round_ in range(3):
        run.run_pairs([("a", "b"), ("c", "ref")], measure, record, round_)
    assert calls == [
        *("a", "b", "c", "ref"),  # round 0: each figure first
        *("b", "a", "ref", "c"),  # round 1: each reference first
        *("a", "b", "c", "ref"),
    ]
    # per pair: 1, 2/3, 1.5 -> median 1; the medians' ratio would be 2/3
    assert record.ratio("a", "b") == 1.0
    assert record.median("a") == 2.0 and record.median("b") == 3.0
    assert record.ratio("c", "ref") == 2.0
    assert record.in_round("a", 1) == 2.0


def test_rounds_interleave_the_sizes_with_fewer_rounds_above_5000(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done: list[tuple[int, int]] = []
    monkeypatch.setattr(run, "prepare", lambda n, folder: run.Inputs(n, folder, folder, folder))
    monkeypatch.setattr(run, "warm_up", lambda warmup: done.append((warmup.n, -1)))
    monkeypatch.setattr(
        run, "measure_round", lambda inputs, warmup, record, r, label: done.append((inputs.n, r))
    )
    results = run.measure_sizes([1000, 10000], tmp_path)
    assert [r.n for r in results] == [1000, 10000]
    assert done == [
        (run.WARMUP_N, -1),
        *((1000, 0), (10000, 0), (1000, 1), (10000, 1), (1000, 2), (10000, 2)),
        *((1000, 3), (1000, 4)),
    ]
    assert run.repetitions_for(5000) == 5 and run.repetitions_for(20000) == 3
    assert run.repetitions_for(20000, 4) == 4


def test_growth_is_the_median_of_the_per_round_exponents() -> None:
    low, high = run.Measured(1000), run.Measured(10000)
    for round_, (t1, t2) in enumerate([(1.0, 10.0), (2.0, 40.0), (3.0, 15.0)]):
        low.add("html", round_, t1)
        high.add("html", round_, t2)
    # per round: 1, 1.30, 0.70 -> 1; from the medians (2 -> 15) it would be 0.88
    assert run.growth([low, high], "html", 1000, 10000) == pytest.approx(1.0)
    assert run.growth([low, high], "html", 1000, 20000) is None
    assert run.spans([100, 1000, 10000, 20000]) == [(1000, 10000), (10000, 20000)]
    assert run.spans([100, 1000]) == [(100, 1000)]


def test_children_are_timed_by_their_cpu_with_bytecode_files_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert "PYTHONDONTWRITEBYTECODE" not in run.child_env()
    flag = run._run([sys.executable, "-c", "import sys; print(sys.dont_write_bytecode)"])
    assert flag.strip() == "False"
    sleeping = run.child_cpu([sys.executable, "-c", "import time; time.sleep(0.5)"])
    working = run.child_cpu([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"])
    assert 0 < sleeping < 0.4 < working + 0.4 and working > sleeping + 0.05


def test_a_part_is_warmed_up_then_timed_by_its_cpu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def fake(part: str) -> Any:
        def prepared(inputs: run.Inputs) -> Any:
            calls.append(f"prepare {inputs.n}")

            def call() -> None:
                calls.append(f"call {inputs.n}")
                time.sleep(0.3)

            return call

        return prepared

    monkeypatch.setattr(run, "_part", fake)
    big, small = run.Inputs(9, tmp_path, tmp_path, tmp_path), run.Inputs(1, *(tmp_path,) * 3)
    assert run.time_part("html", big, small) < 0.2  # CPU, not the 0.3 s asleep
    assert calls == ["prepare 1", "call 1", "prepare 9", "call 9"]


def test_the_floor_is_ruamels_c_safe_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ruamel.yaml.cyaml  # noqa: PLC0415
    from ruamel.yaml import YAML  # noqa: PLC0415

    used: list[str] = []

    class Counting(ruamel.yaml.cyaml.CSafeLoader):  # type: ignore[misc]
        def get_single_data(self) -> Any:
            used.append("C")
            return super().get_single_data()

    monkeypatch.setattr(ruamel.yaml.cyaml, "CSafeLoader", Counting)
    path = tmp_path / "s.yaml"
    path.write_text(synthetic(30), encoding="utf-8")
    assert run.floor_load(path) == YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert used == ["C"]


def test_import_qdef_pulls_in_none_of_the_heavy_modules() -> None:
    imported = run.measure_import(1)
    assert imported["heavy"] == []
    assert imported["importtime"] > 0


def _measured(n: int, scale: float) -> run.Measured:
    """Figures of one size in three rounds: qdef linear, well within the targets."""
    measured = run.Measured(n)
    whole = {name: 0.2 + scale * 0.1 for name in run.WHOLE}
    whole["qdef render all three"] = 0.1 + scale * 0.03
    inside = {name: scale * 0.1 for name in run.IN_PROCESS}
    inside["qdef all"] = scale * 0.15
    for round_ in range(3):
        for figure, reference in run.INSIDE_PAIRS:
            run.run_pairs([(figure, reference)], inside.__getitem__, measured, round_)
        for figure, reference in run.WHOLE_PAIRS:
            run.run_pairs([(figure, reference)], whole.__getitem__, measured, round_)
    return measured


# As benchmarks/startup.py's measure(repetitions) returns it.
STARTUP = {"seconds": {"python": 0.015, "import pydantic": 0.05, "qdef validate": 0.1}}
STARTUP |= {"repetitions": 3, "minimum": {"python": 0.01}, "ratio": 2.0, "target": 2.5}
# As benchmarks/check.py's measure(sizes, repetitions) returns it.
CHECK = {"sizes": [1000, 10000, 20000], "reps": 3, "examples": 20, "check_cpu": [1.0, 10.5, 21.0]}
CHECK |= {"check_rss": [60, 70, 80], "findings_cpu": [0.01, 0.1, 0.2], "check_growth": [1.02, 1.0]}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_checks_memory_is_the_childs_own_not_its_parents() -> None:
    """A child's ``ru_maxrss`` starts at its parent's peak (Linux copies the high-water
    mark at the fork), so benchmarks/run.py's 186 MiB stood in every ``qdef check``
    figure; the children report their own peak instead."""
    from benchmarks import check  # noqa: PLC0415

    ballast = bytearray(256 * 2**20)
    for at in range(0, len(ballast), 4096):  # touched: resident in this process
        ballast[at] = 1
    _, peak, output = check._child([sys.executable, "-c", check._CHECK, "--version"])
    assert output.startswith("qdef ") and "peak-kib" in output
    assert 0 < peak < 128, f"{peak:.0f} MiB: the parent's peak, not the child's"
    del ballast


def test_the_report_has_the_targets_ratios_growth_and_verdicts() -> None:
    results = [_measured(n, n / 1000) for n in (100, 1000, 5000, 10000, 20000)]
    imported = {"importtime": 0.012, "cpu": 0.01, "heavy": []}
    hostile = {"size": 1e6, "valid size": 1e6, "valid": 1.0, "hostile": 2.0, "ratio": 2.0}
    text = run.tables(results, imported, hostile, STARTUP, CHECK)
    assert "| 5,000 | " in text and "## Ratios" in text
    assert "| growth 1,000→10,000 | 1.00 |" in text  # the floor
    assert "| growth 10,000→20,000 | 1.00 |" in text
    targets = text.split("## Targets (issue 17)", 1)[1].split("## Ratios", 1)[0]
    assert targets.count("**met**") == 5 + 3 and "not met" not in targets, targets  # 3 earlier
    assert "2.00× (target ≤ 2.5×)" in targets
    assert "1.50× (target ≤ 2×)" in targets  # qdef all / floor at 5,000
    assert "## Start-up" in text and "| import pydantic | 0.050 |" in text
    assert "## `qdef check`" in text and "| 20,000 | 21 | 80 | 0.2 |" in text

    slow = _measured(5000, 5)
    slow.ratios[("qdef render all three", "xls2xform")] = [0.5, 0.45, 0.41]
    slow.ratios[("qdef all", "floor")] = [2.1, 1.9, 2.2]
    small = _measured(1000, 1)
    small.ratios[("qdef render all three", "xls2xform")] = [1.1, 1.05, 0.9]
    quadratic = {**CHECK, "check_cpu": [1.0, 100.0, 400.0]}
    verdicts = run.targets(
        [results[0], small, slow, *results[3:]],
        {**STARTUP, "ratio": 2.6},
        run.per_size(quadratic),
    )
    failed = [line[:20] for line in verdicts if "**not met**" in line]
    assert failed == [
        "- Start-up, `qdef va",
        "- Whole process at 5",
        "- In process at 5,00",
        "- Never slower than ",
        "- Growth exponents <",
    ]
    assert "0.45× (target ≤ 0.40×)" in verdicts[1]
    assert "check_cpu 2.00 (1,000→10,000), check_cpu 2.00 (10,000→20,000)" in verdicts[4]


def test_targets_not_measured_are_not_met() -> None:
    quick = [_measured(100, 0.1), _measured(1000, 1)]
    verdicts = run.targets(quick, None, None)
    assert "**met**" not in verdicts[-1]
    assert verdicts[0] == "- Start-up: not measured (`benchmarks/startup.py` is not there)."
    assert "not measured (needs N = 5,000" in verdicts[1]
    assert "needs N = 1,000, 10,000, 20,000" in verdicts[-1]
    no_check = run.targets([_measured(n, n / 1000) for n in (1000, 10000, 20000)], None, None)
    assert "(`qdef check` not measured)" in no_check[-1] and no_check[-1].endswith("**not met**.")


def test_the_figures_of_startup_and_check_are_read_from_their_measures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Test doubles of benchmarks/startup.py and benchmarks/check.py (other engineers'):
    # run.py calls measure(repetitions) and measure(sizes, repetitions).
    calls: list[Any] = []

    def module(name: str) -> Any:
        def startup(repetitions: int) -> dict[str, Any]:
            calls.append(("startup", repetitions))
            return STARTUP

        def check(sizes: list[int], repetitions: int) -> dict[str, Any]:
            calls.append(("check", sizes, repetitions))
            return CHECK

        return SimpleNamespace(measure={"startup": startup, "check": check}[name])

    monkeypatch.setattr(run, "optional_module", module)
    assert run.others([100, 1000, 20000], 3) == (STARTUP, CHECK)
    assert calls == [("startup", run.STARTUP_REPETITIONS), ("check", [1000, 20000], 3)]
    assert run.optional_module.__name__ == "module"
    monkeypatch.undo()
    assert run.optional_module("no_such_benchmark") is None
    assert run.startup_figures(STARTUP) == (STARTUP["seconds"], 2.0)
    other = {"validate": 0.1, "ratios": {"validate / pydantic": 3.0}, "repetitions": 5}
    assert run.startup_figures(other) == ({"validate": 0.1}, 3.0)
    assert run.per_size(CHECK) == {
        "check_cpu": {1000: 1.0, 10000: 10.5, 20000: 21.0},
        "check_rss": {1000: 60.0, 10000: 70.0, 20000: 80.0},
        "findings_cpu": {1000: 0.01, 10000: 0.1, 20000: 0.2},
    }
    by_figure = {"times": {"check": {1000: 1.0, 10000: 10.5}, "rss MiB": {1000: 60}}}
    assert run.per_size(by_figure) == {"check": {1000: 1.0, 10000: 10.5}, "rss MiB": {1000: 60.0}}
    rows = [{"n": 1000, "check": 1.0, "rss MiB": 60}, {"n": 10000, "check": 10.5}]
    assert run.per_size({"rows": rows})["check"] == {1000: 1.0, 10000: 10.5}
    assert run.per_size({"1000": {"check": 1.0}, "10000": {"check": 2.0}}) == {
        "check": {1000: 1.0, 10000: 2.0}
    }
    assert not run.is_time("check_rss") and run.is_time("check_cpu")


def test_the_harness_insists_on_three_repetitions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run.main(["--repetitions", "2", "10"])
    assert "at least 3" in capsys.readouterr().err


@pytest.mark.browser
def test_the_web_form_benchmark_runs(chromium: Any, tmp_path: Path) -> None:
    from benchmarks import webform  # noqa: PLC0415

    (row,) = webform.measure_questions(chromium, [30], tmp_path, reps=2)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "30" and cells[1].endswith(" MB")
    # open: plain s, form s, ratio, script ms; per answered question: plain ms, form ms,
    # ratio, handler ms
    assert len(cells) == 2 + 4 + 2 * 4
    figures = [float(c) for c in cells[2:]]
    assert figures[0] > 0 and figures[1] > 0 and figures[2] > 0
    assert all(figure > 0 for figure in figures[6::4] + figures[7::4] + figures[8::4])


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


def test_routing_roster_case_runs_and_keeps_the_main_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = routing.measure(60, repetitions=1, roster=True)
    assert result["rosters"] == 4 and result["n"] == 56
    assert result["kinds"] == {} and result["paths"].exact and result["paths"].rosters
    summed = routing.measure(60, repetitions=1, roster=True, aggregates=True)
    assert summed["kinds"] == {}  # every aggregate proved by an example respondent
    assert not summed["paths"].exact
    output = tmp_path / "ROUTING.md"
    output.write_text("# main report\n", encoding="utf-8")
    arguments = ["--repetitions", "1", "--output", str(output)]
    assert routing.main(["--roster", "--aggregates", *arguments, "30"]) == 0
    assert routing.main(["--roster", *arguments, "30"]) == 0
    report = output.read_text(encoding="utf-8")
    assert report.startswith("# main report\n\n## Roster case\n")
    assert "\n## Roster case with aggregates\n" in report
    assert "python benchmarks/routing.py --roster --repetitions 1" in report
    assert routing.main([*arguments, "40"]) == 0
    report = output.read_text(encoding="utf-8")
    assert report.startswith("# Routing analysis")
    assert report.index("\n## Roster case\n") < report.index("\n## Roster case with aggregates")
    capsys.readouterr()


def test_a_run_keeps_the_sections_other_benchmarks_wrote() -> None:
    """benchmarks/run.py rewrites RESULTS.md; the data-check section that
    benchmarks/data_check.py appends survives it."""
    previous = "# old\n\n## Ratios\n\nold numbers\n\n## `qdef data check` on DuckDB\n\n| a |\n"
    assert run.kept(previous) == "\n## `qdef data check` on DuckDB\n\n| a |\n"
    assert run.kept("# old\n\n## Ratios\n") == ""
    assert run.kept("") == ""
    results = (Path(run.__file__).parent / "RESULTS.md").read_text(encoding="utf-8")
    assert run.kept(results).startswith("\n## `qdef data check`")
