"""Every renderer does work linear in the size of each question.

A page of 1,000 grid rows once took the web form seconds, because the work for
each row looked at every row. Timings would make a flaky test, so this counts
work instead: the Python lines a renderer executes (``sys.settrace``), for one
large question (``benchmarks/large.py``) of ``N`` and of ``4 N`` rows or options.
Linear work grows by the factor (4 N - 1) / (N - 1) over the same instrument with
a question of size 1 (what does not depend on the size cancels out); work that
scans all rows for each row grows by about twice that. The count is exact, so
the bound can be tight and still never depends on the machine's load.

The web form's script is pinned the same way in tests/test_html_browser.py.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

import qdef
from benchmarks.large import SHAPES, large
from benchmarks.large import main as benchmark
from qdef.pipeline import validate_text
from qdef.rendering import render
from qdef.rendering.registry import names

RENDERERS = ("markdown", "html", "limesurvey", "limesurvey-map", "codebook", "codebook-md")
N = 40
#: Linear growth is (4N - 1) / (N - 1) = 4.08; quadratic growth came out at 4.7 to 7.4.
SLACK = 1.1


def work(run: Callable[[], Any]) -> int:
    """The number of Python lines (and calls) executed by ``run()``."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count


def rendering_work(shape: str, n: int, renderer: str) -> int:
    instrument = qdef.loads(large(shape, n), path=f"large-{shape}-{n}.yaml")
    return work(lambda: render(instrument, renderer))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_rendering_work_is_linear_in_the_size_of_a_question(renderer: str, shape: str) -> None:
    if renderer not in names():
        pytest.skip(f"the renderer {renderer!r} is not installed")
    rendering_work(shape, 2, renderer)  # first-use work (templates, catalogues) out of the way
    base, small, large_ = (rendering_work(shape, n, renderer) for n in (1, N, 4 * N))
    linear = (4 * N - 1) / (N - 1)
    growth = (large_ - base) / (small - base)
    assert growth <= linear * SLACK, (
        f"{renderer} on a {shape} of {N} and {4 * N}: work grew {growth:.2f} times, "
        f"linear is {linear:.2f}"
    )


# ------------------------------------------------------------------ benchmarks/large.py


@pytest.mark.parametrize("shape", SHAPES)
def test_large_questions_validate_without_errors(shape: str) -> None:
    result = validate_text(large(shape, 25))
    assert [d for d in result.diagnostics if d.is_error] == []
    assert result.instrument is not None


def test_the_large_question_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert benchmark(["--repetitions", "1", "3", "6"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert len(rows) >= 1 + 4 * 4  # heading; four shapes, at least the four built-ins
    assert all(row.count("|") == 6 for row in rows)
