"""The web form's script does work linear in the size of each question, and one
answer's work does not grow with the number of questions.

Counted, not timed: before the page's script runs, the array methods it loops
with (``forEach``, ``filter``, ``some``, ``every``, ``map``, ``find``,
``indexOf``, ``concat``), ``Object.keys`` and ``hasOwnProperty`` are wrapped
to add up how many elements they go through. The count, for opening the page,
answering one cell, saving (every row of a required grid or matrix reported) and
one more answer with the summary shown, must grow with a grid or matrix of ``N``
and of ``4 N`` rows as linear work does (over the same page with two rows, so what
does not depend on the rows cancels out). Work for each row that went through
every row of the page (finding a row's inputs, its cells, the row of an
exclusive cell) grew with the square of the rows.

One answer on a chain of ``4 N`` and of ``16 N`` questions (``chain``) must do the
same work: routing walks again only what the answer can change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import qdef
from benchmarks.large import large
from qdef.rendering import render

pytestmark = pytest.mark.browser

N = 30
SLACK = 1.1

COUNT = """(() => {
  window.__work = 0;
  const wrap = (proto, name, size) => {
    const original = proto[name];
    const counted = function (...args) {
      window.__work += size(this, args);
      return original.apply(this, args);
    };
    Object.defineProperty(proto, name, { configurable: true, writable: true, value: counted });
  };
  for (const name of ["forEach", "filter", "some", "every", "map", "find", "indexOf", "concat"]) {
    wrap(Array.prototype, name, (self) => self.length);
  }
  wrap(Object.prototype, "hasOwnProperty", () => 1);
  const keys = Object.keys;
  Object.keys = (object) => {
    const found = keys(object);
    window.__work += found.length;
    return found;
  };
})();"""

ANSWER = """name => { const input = document.getElementById("f-" + name);
  input.value = input.value ? "" : "5";
  input.dispatchEvent(new Event("input", {bubbles: true}));
  input.dispatchEvent(new Event("change", {bubbles: true})); }"""


def counted_page(context: Any, path: Path, source: str) -> tuple[Any, list[str]]:
    """The form of the instrument ``source`` (YAML), written to ``path`` and opened with
    the elements its script goes through counted (``window.__work``), and the page's
    errors."""
    html = render(qdef.loads(source, path=path.with_suffix(".yaml").name), "html")
    assert isinstance(html, str)
    path.write_text(html, encoding="utf-8")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(COUNT)
    page.goto(path.as_uri())
    page.wait_for_function("() => document.documentElement.classList.contains('js')")
    return page, errors


def script_work(context: Any, folder: Path, shape: str, n: int) -> int:
    page, errors = counted_page(context, folder / f"large-{shape}-{n}.html", large(shape, n))
    page.check('[id="f-vorab-1"]')
    row = f"big.r{n // 2}"
    if shape == "grid":
        page.evaluate(ANSWER, f"{row}.c1")
    else:  # a matrix
        page.check(f'[id="f-{row}-1"]')
    page.click("#qdef-save")
    page.wait_for_selector("#qdef-summary:not([hidden])")
    if shape == "grid":
        page.evaluate(ANSWER, f"{row}.c0")
        page.check(f'[id="f-{row}.keine"]')
    else:
        page.check(f'[id="f-{row}-2"]')
    count: int = page.evaluate("window.__work")
    page.close()
    assert errors == []
    return count


@pytest.mark.parametrize("shape", ["grid", "matrix"])
def test_the_scripts_work_is_linear_in_the_rows_of_a_table(
    browser_context: Any, tmp_path: Path, shape: str
) -> None:
    sizes = (2, N, 4 * N)
    base, small, big = (script_work(browser_context, tmp_path, shape, n) for n in sizes)
    linear = (4 * N - 2) / (N - 2)
    growth = (big - base) / (small - base)
    assert growth <= linear * SLACK, f"work grew {growth:.2f} times, linear is {linear:.2f}"


def chain(n: int) -> str:
    """``n`` single choices: q0's option 3 skips to q12, and q{n // 2} is asked only
    if q0 is 2 (the only condition)."""
    lines = [
        "qdef: 1",
        f"id: chain{n}",
        "title: Kette",
        "language: de",
        "sections:",
        "  - id: s",
        "    questions:",
        "      - id: q0",
        "        type: single",
        "        text: Q0",
        "        required: true",
        "        options: [{code: '1', label: A}, {code: '2', label: B},"
        " {code: '3', label: C, goto: q12}]",
    ]
    for i in range(1, n):
        when = ", when: 'q0 == \"2\"'" if i == n // 2 else ""
        lines.append(
            f"      - {{id: q{i}, type: single, text: Q{i}{when},"
            " options: [{code: '1', label: A}, {code: '2', label: B}]}"
        )
    return "\n".join(lines) + "\n"


def answer_work(context: Any, folder: Path, n: int) -> int:
    """The elements the script's loops go through for four answers on ``chain(n)``."""
    page, errors = counted_page(context, folder / f"chain-{n}.html", chain(n))
    opened: int = page.evaluate("window.__work")
    for name, code in (("q1", "1"), ("q0", "2"), ("q0", "3"), ("q0", "1")):
        page.check(f'[id="f-{name}-{code}"]')
    count: int = page.evaluate("window.__work") - opened
    page.close()
    assert errors == []
    return count


def test_one_answer_s_work_does_not_grow_with_the_questions(
    browser_context: Any, tmp_path: Path
) -> None:
    small, big = (answer_work(browser_context, tmp_path, n) for n in (4 * N, 16 * N))
    assert big == small, f"{small} elements gone through at {4 * N} questions, {big} at {16 * N}"
