"""Browser tests: one live server for the session, Debian's Chromium through
Playwright. Without Chromium they skip locally and fail in CI
(``REQUIRE_BROWSER_TESTS=1``)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def _playwright():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; browser tests are required here")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_page(browser, javascript: bool):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        locale="id-ID",
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def phone_page(browser):
    """A 360×740 phone with JavaScript on."""
    context, page = _new_page(browser, javascript=True)
    yield page
    context.close()


@pytest.fixture
def phone_page_nojs(browser):
    """A 360×740 phone with JavaScript off."""
    context, page = _new_page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
