"""The web form on large instruments: opening it and answering, in Chromium.

    python benchmarks/webform.py [--reps R] [N ...]   (default: 1000 5000)
    python benchmarks/webform.py --grid [N ...]       (default: 250 1000 4000)

For each size N, a synthetic instrument (benchmarks/synthetic.py) is rendered to
HTML, and beside it the same page without its script (a *plain* page: what the
browser alone costs for a page of that size). Both are opened from disk in
Debian's Chromium (``/usr/bin/chromium``), in turn (R times each, interleaved,
the order alternating), and measured as CPU time of the page's main thread
(Chromium's ``ThreadTime``, where script, style, layout and painting run: on a
loaded machine, wall time measures the neighbours):

- **open**: from navigation until the first frame painted after the ``load``
  event (the script has routed the empty form by then);
- **answer → paint**: a radio button clicked (alternately two options of one
  question) until the next frame is painted (``requestAnimationFrame``, then a
  task), 5 answers per page; for the first question (q1, which filters and
  sections read) and for a single choice in the middle;
- **handler** (wall time): the click's synchronous part, the script's routing;
- **script** (wall time): JavaScript run until the form is open (Chromium's
  ``ScriptDuration``, the plain page's subtracted): parsing the routing
  program and routing the empty form.

Each figure is the median, and the form's figures are also given as a ratio to
the plain page's.

With ``--grid``, N is the number of rows of one required grid of 8 columns
(``benchmarks/large.py``) instead of the number of questions, the answer is a
number typed into a cell of the middle row, and a last column gives the time
saving takes when all rows but one are reported as unanswered (one message per
row). The script's work for a row never looks at the other rows
(tests/test_html_growth.py counts it).
"""

from __future__ import annotations

import functools
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qdef  # noqa: E402
from benchmarks.large import large  # noqa: E402
from benchmarks.synthetic import generate, synthetic  # noqa: E402
from qdef.rendering import render  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]

TYPE = """el => { const start = performance.now(); el.value = el.value ? "" : "5";
  el.dispatchEvent(new Event("input", {bubbles: true}));
  el.dispatchEvent(new Event("change", {bubbles: true})); return performance.now() - start; }"""

SAVE = """() => { const start = performance.now(); document.getElementById("qdef-save").click();
  return performance.now() - start; }"""


PAINTED = """() => new Promise(resolve => requestAnimationFrame(
  () => setTimeout(() => resolve(performance.now()), 0)))"""

ANSWER = """el => new Promise(resolve => { const start = performance.now(); el.click();
  const handler = performance.now() - start;
  requestAnimationFrame(() => setTimeout(() => resolve([handler, performance.now() - start]), 0));
})"""

SCRIPT = re.compile(r"<script>.*?</script>", re.DOTALL)


def plain(html: str) -> str:
    """The page without its script (the routing program, inert data, stays)."""
    stripped, count = SCRIPT.subn("", html)
    assert count == 1, count
    return stripped


def middle_choice(n: int) -> str:
    """The id of the first single choice from the middle of ``synthetic(n)`` on."""
    questions = generate(n)
    return next(q["id"] for q in questions[n // 2 :] if q["type"] == "single")


def open_and_answer(browser: Any, uri: str, questions: list[str]) -> list[Any]:
    """[open (CPU ms), script run until then (ms), [[handler (ms), to paint (CPU ms)] per
    answer] per question]. CPU: the renderer's main thread (Chromium's ``ThreadTime``)."""
    page = browser.new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def metrics() -> dict[str, float]:
        return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

    start = metrics()["ThreadTime"]
    page.goto(uri, wait_until="load")
    page.evaluate(PAINTED)
    opened = metrics()
    found: list[Any] = [
        (opened["ThreadTime"] - start) * 1000,
        opened["ScriptDuration"] * 1000,
    ]
    for question in questions:
        radios = [page.locator(f'[id="f-{question}-{code}"]').element_handle() for code in "12"]
        answers = []
        for i in range(5):
            before = metrics()["ThreadTime"]
            handler, _ = page.evaluate(ANSWER, radios[i % 2])
            answers.append([handler, (metrics()["ThreadTime"] - before) * 1000])
        found.append(answers)
    page.close()
    return found


def opened_median(runs: dict[str, list[Any]], kind: str, part: int = 0) -> float:
    """The median time to open (part 0) or of script run until then (part 1)."""
    return statistics.median([run[part] for run in runs[kind]])


def answer_median(runs: dict[str, list[Any]], kind: str, index: int, part: int) -> float:
    """The median over all answers to question ``index``: part 0 the handler, 1 to paint."""
    return statistics.median([a[part] for run in runs[kind] for a in run[2 + index]])


def measure_questions(browser: Any, sizes: list[int], folder: Path, reps: int) -> list[str]:
    """The table's rows, one per size: the form against the plain page, interleaved."""
    rows = []
    for n in sizes:
        instrument = qdef.loads(synthetic(n), path=f"synthetic-{n}.yaml")
        html = render(instrument, "html")
        assert isinstance(html, str)
        uris = {}
        for kind, text in (("plain", plain(html)), ("form", html)):
            path = folder / f"synthetic-{n}-{kind}.html"
            path.write_text(text, encoding="utf-8")
            uris[kind] = path.as_uri()
        questions = ["q1", middle_choice(n)]
        runs: dict[str, list[Any]] = {"plain": [], "form": []}
        for rep in range(reps):
            for kind in ("plain", "form") if rep % 2 == 0 else ("form", "plain"):
                runs[kind].append(open_and_answer(browser, uris[kind], questions))
        opened = functools.partial(opened_median, runs)
        answer = functools.partial(answer_median, runs)

        cells = [
            f"{n:,}",
            f"{len(html.encode()) / 1e6:.1f} MB",
            f"{opened('plain') / 1000:.2f}",
            f"{opened('form') / 1000:.2f}",
            f"{opened('form') / opened('plain'):.2f}",
            f"{opened('form', 1) - opened('plain', 1):.0f}",
        ]
        for index in range(len(questions)):
            plain_paint, form_paint = answer("plain", index, 1), answer("form", index, 1)
            cells += [
                f"{plain_paint:.1f}",
                f"{form_paint:.1f}",
                f"{form_paint / plain_paint:.2f}",
                f"{answer('form', index, 0):.1f}",
            ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def measure_grid(browser: Any, sizes: list[int], folder: Path) -> list[str]:
    """The table's rows, one per grid size, measured with ``browser`` (a Playwright browser)."""
    rows = []
    for n in sizes:
        source = large("grid", n)
        instrument = qdef.loads(source, path=f"synthetic-{n}.yaml")
        renders = []
        for _ in range(5):
            start = time.perf_counter()
            html = render(instrument, "html")
            renders.append(time.perf_counter() - start)
        assert isinstance(html, str)
        path = folder / f"synthetic-{n}.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("() => document.documentElement.classList.contains('js')")
        opened = time.perf_counter() - start
        page.check('[id="f-vorab-1"]')
        cell = page.locator(f'[id="f-big.r{n // 2}.c1"]').element_handle()
        changes = [page.evaluate(TYPE, cell) for _ in range(5)]
        saving = f" {page.evaluate(SAVE):.0f} |"
        page.close()
        rows.append(
            f"| {n:,} | {len(html.encode()) / 1e6:.1f} MB | {statistics.median(renders):.2f} "
            f"| {opened:.2f} | {statistics.median(changes):.0f} |{saving}"
        )
    return rows


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    grid = "--grid" in argv
    reps = 5
    if "--reps" in argv:
        at = argv.index("--reps")
        reps = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    sizes = [int(a) for a in argv if a != "--grid"] or ([250, 1000, 4000] if grid else [1000, 5000])
    if grid:
        print(
            "| grid rows | page size | render (s) | open in Chromium (s) | one answer (ms) "
            "| save (ms) |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    else:
        print(
            "| questions | page size | open: plain (CPU s) | form (CPU s) | ratio | script (ms) "
            "| q1 → paint: plain (CPU ms) | form (CPU ms) | ratio | handler (ms) "
            "| middle → paint: plain (CPU ms) | form (CPU ms) | ratio | handler (ms) |"
        )
        print("| ---: " * 14 + "|")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        if grid:
            rows = measure_grid(browser, sizes, Path(folder))
        else:
            rows = measure_questions(browser, sizes, Path(folder), reps)
        for row in rows:
            print(row)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
