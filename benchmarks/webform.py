"""The web form on large instruments: rendering, loading in Chromium, and one answer.

    python benchmarks/webform.py [N ...]      (default: 100 1000 5000)

For each size N, a synthetic instrument (benchmarks/synthetic.py) is rendered
to HTML in-process (median of 5), the page is opened from disk in Debian's
Chromium (``/usr/bin/chromium``) and the time until its script has routed the
empty form is taken, and then the time one answer takes to route: a radio
button ticked and its ``change`` handled (reads every input, walks, shows and
hides; median of 5). Run on demand; no test times anything.
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
from benchmarks.synthetic import synthetic  # noqa: E402
from qdef.renderers import render  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]

CHANGE = """el => { const start = performance.now(); el.checked = !el.checked;
  el.dispatchEvent(new Event("change", {bubbles: true})); return performance.now() - start; }"""


def measure(browser: Any, sizes: list[int], folder: Path) -> list[str]:
    """The table's rows, one per size, measured with ``browser`` (a Playwright browser)."""
    rows = []
    for n in sizes:
        instrument = qdef.loads(synthetic(n), path=f"synthetic-{n}.yaml")
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
        radio = page.locator("input[type=radio]:not([disabled])").first.element_handle()
        changes = [page.evaluate(CHANGE, radio) for _ in range(5)]
        page.close()
        rows.append(
            f"| {n:,} | {len(html.encode()) / 1e6:.1f} MB | {statistics.median(renders):.2f} "
            f"| {opened:.2f} | {statistics.median(changes):.0f} |"
        )
    return rows


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    sizes = [int(a) for a in argv] or [100, 1000, 5000]
    print("| questions | page size | render (s) | open in Chromium (s) | one answer (ms) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=ARGS
        )
        for row in measure(browser, sizes, Path(folder)):
            print(row)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
