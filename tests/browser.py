"""Driving the web form in a real browser: Debian's Chromium under Playwright.

``chromium`` (a session fixture, in conftest) starts ``/usr/bin/chromium``
headless, never a browser of Playwright's own. Outside CI a machine without
it skips the browser tests with the reason; with ``CI=true`` they must run,
so a missing browser fails them.

:class:`Form` wraps one open page of the form: it answers questions the way
a respondent does (clicking, ticking, typing), reads which questions are
shown, and saves the answers through the page's own button.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from qdef.model import Instrument
from qdef.rendering import render
from qdef.routing.plan import Plan, compile_plan

CHROMIUM = Path("/usr/bin/chromium")

#: As root in a container: no sandbox; and no background traffic to hosts that a
#: closed network refuses.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No host names resolve: Chromium's own calls to Google's hosts fail at once,
    # and so would any request a page made.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip outside CI; fail in CI, where the browser tests must run."""
    if in_ci():
        pytest.fail(f"CI=true, but the browser tests cannot run: {reason}")
    pytest.skip(reason)


def launch() -> Iterator[Any]:
    """Debian's Chromium under Playwright, or a skip (a failure in CI) saying why not."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def css_id(element_id: str) -> str:
    """A selector for an element id (ids hold dots: ``f-q.row``)."""
    return f'[id="{element_id}"]'


class Form:
    """One page of the web form, answered the way a respondent does."""

    def __init__(self, page: Any, instrument: Instrument) -> None:
        self.page = page
        self.instrument = instrument
        self.plan: Plan = compile_plan(instrument)
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )

    # ------------------------------------------------------------------ reading

    def shown(self) -> list[str]:
        """The ids of the questions on screen, in page order."""
        ids: list[str] = self.page.eval_on_selector_all(
            "[data-q]", "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.q)"
        )
        return ids

    def value(self, element_id: str) -> Any:
        return self.page.eval_on_selector(
            css_id(element_id),
            "e => (e.type === 'checkbox' || e.type === 'radio') ? e.checked : e.value",
        )

    def disabled(self, element_id: str) -> bool:
        return bool(self.page.eval_on_selector(css_id(element_id), "e => e.disabled"))

    def error(self, slot: str) -> str | None:
        """The message shown for a variable, row or question (None: none shown)."""
        text: str | None = self.page.eval_on_selector(
            css_id(f"e-{slot}"), "e => e.hidden ? null : e.textContent"
        )
        return text

    # ------------------------------------------------------------------ answering

    def control(self, element_id: str) -> Any:
        return self.page.locator(css_id(element_id))

    def answer(self, name: str, value: Any) -> None:
        """Enter one answer the way a respondent would."""
        info = self.plan.variables[name]
        if info.kind == "choice":
            select = self.page.locator(f'select[name="{name}"]')
            if select.count():
                select.select_option(value)
            else:
                self.control(f"f-{name}-{value}").check()
        elif info.kind == "choices":
            for code in value:
                self.control(f"f-{name}-{code}").check()
        elif info.kind == "check":
            if value is True:
                self.control(f"f-{name}").check()
        else:
            field = self.control(f"f-{name}")
            field.fill(typed(info.kind, value))
            field.blur()  # a change is complete when the respondent leaves the field

    def enter(self, response: Mapping[str, Any]) -> None:
        """Enter a response, in its order (the walk's: follow-ups after their options)."""
        for name, value in response.items():
            self.answer(name, value)

    # ------------------------------------------------------------------ saving

    def save_text(self) -> str:
        """Press the save button and read the file the page saves, as it is."""
        with self.page.expect_download(timeout=5000) as download:
            self.page.click("#qdef-save")
        name = download.value.suggested_filename
        assert name.startswith(f"{self.instrument.id}-") and name.endswith(".json"), name
        return Path(download.value.path()).read_bytes().decode("utf-8")

    def save(self) -> dict[str, Any]:
        """Press the save button and read the answers the page saves."""
        saved: dict[str, Any] = json.loads(self.save_text())
        return saved

    def save_refused(self) -> list[str]:
        """Press save where the page must refuse: the summary's messages."""
        self.page.click("#qdef-save")
        self.page.wait_for_selector("#qdef-summary:not([hidden])")
        items: list[str] = self.page.eval_on_selector_all(
            "#qdef-summary li", "els => els.map(e => e.textContent)"
        )
        return items


def typed(kind: str, value: Any) -> str:
    """What a respondent types for a value: numbers in plain decimal notation (a float
    keeps a decimal point, so that it stays a float), dates and texts as they are."""
    if kind == "number":
        if isinstance(value, float):
            text = format(Decimal(repr(value)), "f")
            return text if "." in text else text + ".0"
        return str(value)
    return str(value)


def open_form(context: Any, instrument: Instrument, folder: Path, **settings: Any) -> Form:
    """Render ``instrument`` to a file and open it from disk."""
    html = render(instrument, "html", **settings)
    assert isinstance(html, str)
    path = folder / f"{instrument.id}.html"
    path.write_text(html, encoding="utf-8")
    page = context.new_page()
    form = Form(page, instrument)
    page.goto(path.as_uri())
    return form
