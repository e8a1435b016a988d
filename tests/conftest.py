"""Shared test set-up: hypothesis profiles (loaded, not only registered)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from tests.browser import FormPages

# "ci": quick and deterministic, the default everywhere. "deep": many more
# examples, on demand: QDEF_HYPOTHESIS_PROFILE=deep pytest
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("QDEF_HYPOTHESIS_PROFILE", "ci"))

pytest_plugins = ["tests.conftest_goldens"]


@pytest.fixture(scope="session", autouse=True)
def _validator_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The validator's cache file (qdef.model.corecache) in a folder of the run's own,
    never the user's ~/.cache; the qdef processes tests start inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QDEF_CACHE_DIR", str(tmp_path_factory.mktemp("qdef-cache")))
        yield


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless (see tests/browser.py); skipped outside CI if missing."""
    from tests.browser import launch  # noqa: PLC0415

    yield from launch()


@pytest.fixture(scope="session")
def forms(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FormPages]:
    """The worker's forms: ``forms.open(instrument, **settings)`` gives a just-loaded
    page of the instrument's form, rendered once and reset between tests
    (tests/browser.py, FormPages)."""
    from tests.browser import FormPages  # noqa: PLC0415

    context = chromium.new_context(accept_downloads=True, locale="de-DE")
    try:
        yield FormPages(context, tmp_path_factory.mktemp("forms"))
    finally:
        context.close()


@pytest.fixture
def browser_context(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (no shared storage) that accepts downloads: for tests
    that need a context of their own (listeners, init scripts, options)."""
    context = chromium.new_context(accept_downloads=True, locale="de-DE")
    try:
        yield context
    finally:
        context.close()
