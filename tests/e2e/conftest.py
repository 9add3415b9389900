"""Browser journeys in Debian's chromium, driven by Playwright's Python API.

Playwright's own browser download is not used (this machine kind cannot fetch it); the
system chromium is launched instead. Screenshots go to test-artifacts/ for people to look at.
"""
import os
from pathlib import Path

import pytest

from tests.services import CHROMIUM, need_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module: Playwright's sync API keeps an event loop running in
    this thread while it is open, which other (asyncio) tests must not inherit."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    # The Django calls tests make between browser steps are ordinary synchronous code run
    # while that loop exists; allow them, for the duration of the browser only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)

    return take


@pytest.fixture
def screenshot_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
