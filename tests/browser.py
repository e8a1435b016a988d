"""Driving the web form in a real browser: Debian's Chromium under Playwright.

``chromium`` (a session fixture, in conftest) starts ``/usr/bin/chromium``
headless, never a browser of Playwright's own. Outside CI a machine without
it skips the browser tests with the reason; with ``CI=true`` they must run,
so a missing browser fails them.

:class:`Form` wraps one open page of the form: it answers questions the way
a respondent does (clicking, ticking, typing), reads which questions are
shown, and saves the answers through the page's own button.

:class:`FormPages` (the ``forms`` fixture, one per worker) makes opening a form
cheap: each instrument's form is rendered and written once, and one page is
reused, navigated afresh to the form's file for every test (see its docstring for
what the reset covers, and tests/test_html_browser.py for the test that proves it).
"""

from __future__ import annotations

import hashlib
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
    """One page of the web form, answered the way a respondent does.

    ``errors`` collects the page's uncaught errors and console errors: given, it is
    a list that :class:`FormPages` fills from the listeners it put on its page once;
    left out, the form listens on the page itself."""

    def __init__(
        self,
        page: Any,
        instrument: Instrument,
        *,
        errors: list[str] | None = None,
        plan: Plan | None = None,
    ) -> None:
        self.page = page
        self.instrument = instrument
        self.plan: Plan = plan if plan is not None else compile_plan(instrument)
        if errors is None:
            errors = []
            listen(page, errors.append)
        self.errors: list[str] = errors

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

    def answer(self, name: str, value: Any, info: Any = None) -> None:
        """Enter one answer the way a respondent would (``info``: the variable's, for a
        name the plan does not have)."""
        if info is None:
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
        elif info.kind == "ranking":
            for rank, code in enumerate(value, start=1):
                self.control(f"f-{name}-{code}").select_option(str(rank))
        elif getattr(info.node, "widget", None) == "slider":
            self.control(f"f-{name}").evaluate(SLIDE, typed(info.kind, value))
        else:
            field = self.control(f"f-{name}")
            field.fill(typed(info.kind, value))
            field.blur()  # a change is complete when the respondent leaves the field

    def answer_copy(self, name: str, slot: int, value: Any) -> None:
        """Answer variable ``name`` of a roster in the copy of slot ``slot`` (the web
        form writes a roster once per slot, its names ``<name>@<slot>``)."""
        info = self.plan.variables[name]
        question = info.question
        if name == question or name.startswith(question + "."):
            copy = f"{question}@{slot}{name[len(question) :]}"
        else:
            copy = f"{name}@{slot}"
        self.answer(copy, value, info)

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


#: Setting a slider as dragging it does: the value changes (input), then is let go (change).
SLIDE = """(e, v) => { e.value = v; e.dispatchEvent(new Event("input", {bubbles: true}));
  e.dispatchEvent(new Event("change", {bubbles: true})); }"""


def typed(kind: str, value: Any) -> str:
    """What a respondent types for a value: numbers in plain decimal notation (a float
    keeps a decimal point, so that it stays a float), dates and texts as they are."""
    if kind == "number":
        if isinstance(value, float):
            text = format(Decimal(repr(value)), "f")
            return text if "." in text else text + ".0"
        return str(value)
    return str(value)


def listen(page: Any, report: Any) -> None:
    """Pass a page's uncaught errors and console errors to ``report``."""
    page.on("pageerror", lambda error: report(str(error)))
    page.on("console", lambda msg: report(msg.text) if msg.type == "error" else None)


CLEAR_STORAGE = """() => {
  try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* not a file page */ }
}"""

#: The viewport Playwright gives a new page (tests may change it; reset restores it).
VIEWPORT = {"width": 1280, "height": 720}


class FormPages:
    """The forms of one worker, each rendered once, opened on one reused page.

    ``open(instrument, **settings)`` renders the instrument's form the first time
    (one file per distinct HTML, named by its content) and then resets the page to
    it: a new navigation to the file, so the document, its script's state and
    listeners, timers, focus and scrolling are those of a just-opened form. Before
    navigating, the reset also undoes what a test may have changed outside the
    document: local and session storage and cookies are cleared, the viewport and
    the emulated media are restored, and a ``beforeunload`` question (the form asks
    before leaving unsaved answers) is accepted. The page's errors go to a new list
    for each form, after a round trip that delivers the previous page's pending
    events to the previous list.

    Navigating the same page measured about 150 ms of CPU for the Investitionspakt
    against about 400 ms for a new page in a new context, as before (docs/design.md,
    "Speed"). A page closed by a test is replaced by a new one. Listeners a test adds
    to the page itself (``page.on``) are not removed: such a test uses
    ``browser_context`` and its own page (or closes the page it was given).
    """

    def __init__(self, context: Any, folder: Path, *, timeout: float | None = None) -> None:
        self.context = context
        self.folder = folder
        self.timeout = timeout  # for each action on the page, in ms (None: Playwright's)
        self.renders = 0  # how many forms were rendered (tests count them)
        self.navigations = 0
        self.page: Any = None
        self._errors: list[str] = []
        # (id of the instrument, settings) -> (the instrument, kept alive, its file)
        self._files: dict[tuple[int, str], tuple[Instrument, Path]] = {}
        self._plans: dict[int, tuple[Instrument, Plan]] = {}
        _POOLS.setdefault(id(context), self)  # the first one: open_form's

    def file(self, instrument: Instrument, **settings: Any) -> Path:
        """The instrument's form as a file, rendered on the first call."""
        key = (id(instrument), json.dumps(settings, sort_keys=True, default=str))
        known = self._files.get(key)
        if known is not None:
            return known[1]
        html = render(instrument, "html", **settings)
        assert isinstance(html, str)
        self.renders += 1
        path = self.folder / f"{hashlib.sha256(html.encode()).hexdigest()[:20]}.html"
        if not path.exists():
            path.write_text(html, encoding="utf-8")
        self._files[key] = (instrument, path)
        return path

    def plan(self, instrument: Instrument) -> Plan:
        known = self._plans.get(id(instrument))
        if known is None:
            known = self._plans[id(instrument)] = (instrument, compile_plan(instrument))
        return known[1]

    def open(self, instrument: Instrument, **settings: Any) -> Form:
        """A just-loaded page of the instrument's form (rendered with ``settings``)."""
        path = self.file(instrument, **settings)
        page = self.reset(path)
        return Form(page, instrument, errors=self._errors, plan=self.plan(instrument))

    def reset(self, path: Path) -> Any:
        """The reused page, navigated afresh to ``path`` (see the class docstring)."""
        page = self.page
        if page is None or page.is_closed():
            page = self.page = self.context.new_page()
            if self.timeout is not None:
                page.set_default_timeout(self.timeout)
            # not self._errors.append: each form gets a new list
            listen(page, lambda text: self._errors.append(text))  # noqa: PLW0108
        else:
            page.evaluate(CLEAR_STORAGE)
            page.set_viewport_size(VIEWPORT)
            page.emulate_media(media="null")
        self.context.clear_cookies()
        self._errors = []
        page.on("dialog", _leave)
        try:
            page.goto(path.as_uri())
        finally:
            page.remove_listener("dialog", _leave)
        self.navigations += 1
        return page


def _leave(dialog: Any) -> None:
    """Leave the page, whatever the form asks (only while a reset navigates)."""
    dialog.accept()


#: The FormPages of each browser context that has one (by the context's id).
_POOLS: dict[int, FormPages] = {}


def open_form(context: Any, instrument: Instrument, folder: Path, **settings: Any) -> Form:
    """Open ``instrument``'s form in ``context``: on the reused page of the context's
    :class:`FormPages` (the ``forms`` fixture's context), otherwise rendered to a file
    in ``folder`` and opened on a new page."""
    pool = _POOLS.get(id(context))
    if pool is not None and pool.context is context:
        return pool.open(instrument, **settings)
    html = render(instrument, "html", **settings)
    assert isinstance(html, str)
    path = folder / f"{instrument.id}.html"
    path.write_text(html, encoding="utf-8")
    page = context.new_page()
    form = Form(page, instrument)
    page.goto(path.as_uri())
    return form
