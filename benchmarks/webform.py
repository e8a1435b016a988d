"""The web form on large instruments: rendering, loading in Chromium, and one answer.

    python benchmarks/webform.py [N ...]          (default: 100 1000 5000)
    python benchmarks/webform.py --grid [N ...]   (default: 250 1000 4000)

For each size N, a synthetic instrument (benchmarks/synthetic.py) is rendered
to HTML in-process (median of 5), the page is opened from disk in Debian's
Chromium (``/usr/bin/chromium``) and the time until its script has routed the
empty form is taken, and then the time one answer takes to route: a radio
button ticked and its ``change`` handled (reads every input, walks, shows and
hides; median of 5). Run on demand; no test times anything.

With ``--grid``, N is the number of rows of one required grid of 8 columns
(``benchmarks/large.py``) instead of the number of questions, the answer is a
number typed into a cell of the middle row, and a last column gives the time
saving takes when all rows but one are reported as unanswered (one message per
row). The script's work for a row never looks at the other rows
(tests/test_html_growth.py counts it).
"""

from __future__ import annotations

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
from benchmarks.synthetic import synthetic  # noqa: E402
from qdef.rendering import render  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]

CHANGE = """el => { const start = performance.now(); el.checked = !el.checked;
  el.dispatchEvent(new Event("change", {bubbles: true})); return performance.now() - start; }"""


TYPE = """el => { const start = performance.now(); el.value = el.value ? "" : "5";
  el.dispatchEvent(new Event("input", {bubbles: true}));
  el.dispatchEvent(new Event("change", {bubbles: true})); return performance.now() - start; }"""

SAVE = """() => { const start = performance.now(); document.getElementById("qdef-save").click();
  return performance.now() - start; }"""


def measure(browser: Any, sizes: list[int], folder: Path, grid: bool = False) -> list[str]:
    """The table's rows, one per size, measured with ``browser`` (a Playwright browser)."""
    rows = []
    for n in sizes:
        source = large("grid", n) if grid else synthetic(n)
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
        saving = ""
        if grid:
            page.check('[id="f-vorab-1"]')
            cell = page.locator(f'[id="f-big.r{n // 2}.c1"]').element_handle()
            changes = [page.evaluate(TYPE, cell) for _ in range(5)]
            saving = f" {page.evaluate(SAVE):.0f} |"
        else:
            radio = page.locator("input[type=radio]:not([disabled])").first.element_handle()
            changes = [page.evaluate(CHANGE, radio) for _ in range(5)]
        page.close()
        rows.append(
            f"| {n:,} | {len(html.encode()) / 1e6:.1f} MB | {statistics.median(renders):.2f} "
            f"| {opened:.2f} | {statistics.median(changes):.0f} |{saving}"
        )
    return rows


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    grid = "--grid" in argv
    sizes = [int(a) for a in argv if a != "--grid"] or (
        [250, 1000, 4000] if grid else [100, 1000, 5000]
    )
    if grid:
        print(
            "| grid rows | page size | render (s) | open in Chromium (s) | one answer (ms) "
            "| save (ms) |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    else:
        print("| questions | page size | render (s) | open in Chromium (s) | one answer (ms) |")
        print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        for row in measure(browser, sizes, Path(folder), grid):
            print(row)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
