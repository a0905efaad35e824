"""Browser tests: one live server for the session, Debian's Chromium through
Playwright. Without Chromium they skip locally and fail in CI
(``REQUIRE_BROWSER_TESTS=1``)."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import threading
import time
from pathlib import Path

import axe_playwright_python
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


# --- axe-core on every page a browser test visits (issue 14) -------------------
# axe-core ships inside the axe-playwright-python wheel (axe.min.js): nothing is
# fetched from the network. Each document a test's page shows is checked just
# before the test leaves it (a click, a navigation, closing the page), each distinct
# document once a session: every rule, every impact; a violation fails the test there,
# naming the page and the nodes.
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_RUN = "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
AXE_STATS = {"pages": 0, "seconds": 0.0}
AXE_SEEN: set[tuple[str, bool, str]] = set()
CSRF_VALUE = re.compile(r'(?<=name="csrf_token" type="hidden" value=")[^"]+')


class AxeViolations(AssertionError):
    pass


def _report(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} accessibility violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


class AxeWatch:
    """Checks one page's documents; a JavaScript-less page is checked through a
    copy of its HTML (and the site's CSS) in a scripted checker page."""

    def __init__(self, page, javascript: bool, checker):
        self.page, self.javascript, self.checker = page, javascript, checker
        self.dirty = False
        self.html = True
        page.on("framenavigated", self._navigated)
        page.on("response", self._response)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.dirty = True

    def _response(self, response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.html = "text/html" in (response.headers.get("content-type") or "")

    def check(self) -> None:
        if not self.dirty or self.page.is_closed():
            return
        self.dirty = False
        url = self.page.url
        # The site's own pages (a fake payment provider's page is not ours), each
        # address once a session, with and without JavaScript.
        if not self.html or not url.startswith(("http://127.0.0.1:", "http://localhost:")):
            return
        started = time.perf_counter()
        # The document as a person sees it: parsed and styled. Checked mid-load (a
        # click's navigation not yet done), a phone page has both menus visible
        # before the style sheet hides the desktop one (landmark-unique), or half
        # its HTML.
        self.page.wait_for_load_state("load")
        # Each distinct document once a session: the same address logged out and
        # logged in, or with a message shown, is another document. Only what changes
        # on every request (the CSRF token) is left out of the comparison.
        shown = hashlib.sha256(CSRF_VALUE.sub("", self.page.content()).encode()).hexdigest()
        if (url, self.javascript, shown) in AXE_SEEN:
            return
        AXE_SEEN.add((url, self.javascript, shown))
        if self.javascript:
            target = self.page
        else:
            target = self.checker()
            base = url.split("/", 3)
            html = self.page.content().replace("<head>", f'<head><base href="{base[0]}//{base[2]}/">', 1)
            target.set_content(html, wait_until="load")
        if not target.evaluate("typeof axe !== 'undefined'"):
            target.evaluate(AXE_SCRIPT)
        violations = target.evaluate(AXE_RUN)
        AXE_STATS["pages"] += 1
        AXE_STATS["seconds"] += time.perf_counter() - started
        if violations:
            raise AxeViolations(_report(url, violations))


_WATCHES: dict[int, AxeWatch] = {}


def _watch_of(page) -> AxeWatch | None:
    return _WATCHES.get(id(page))


def _check_before(page) -> None:
    watch = _watch_of(page) if page is not None else None
    if watch is not None:
        watch.check()


def _install_axe_hooks() -> None:
    """Check the page before each action that may leave it, and let ``content()``
    wait for the page to load (idempotent)."""
    from playwright.sync_api import BrowserContext, Locator, Page

    if getattr(Page, "_axe_hooked", False):
        return

    def wrap(cls, name, page_of):
        original = getattr(cls, name)

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            _check_before(page_of(self))
            return original(self, *args, **kwargs)

        setattr(cls, name, wrapper)

    for name in ("goto", "reload", "go_back", "go_forward", "click", "press", "close"):
        wrap(Page, name, lambda page: page)
    for name in ("click", "press", "dispatch_event", "select_option", "check", "uncheck", "set_checked"):
        wrap(Locator, name, lambda locator: locator.page)

    # A click that navigates returns once the next page is committed, not once it is
    # drawn: on a busy machine ``content()`` right after it read an empty document.
    original_content = Page.content

    @functools.wraps(original_content)
    def content(self):
        self.wait_for_load_state()
        return original_content(self)

    Page.content = content

    original_close = BrowserContext.close

    @functools.wraps(original_close)
    def close(self, *args, **kwargs):
        try:
            for page in self.pages:
                _check_before(page)
        finally:
            for page in self.pages:
                _WATCHES.pop(id(page), None)
            original_close(self, *args, **kwargs)

    BrowserContext.close = close
    Page._axe_hooked = True


@pytest.fixture(scope="session")
def _playwright():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; browser tests are required here")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    _install_axe_hooks()
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    print(f"\naxe-core: {AXE_STATS['pages']} pages checked in {AXE_STATS['seconds']:.1f} s")
    browser.close()


def _phone_context(browser, javascript: bool):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=javascript,
        locale="id-ID",
    )
    context.set_default_timeout(10_000)
    return context


_CHECKERS: dict[int, object] = {}


def _checker_page(browser):
    """One scripted phone page per browser, for the copies of JavaScript-less pages
    (it runs no script of the site: the copy is checked as it was shown)."""
    if id(browser) not in _CHECKERS or _CHECKERS[id(browser)].is_closed():
        context = _phone_context(browser, javascript=True)
        context.route("**/*.js", lambda route: route.abort())
        _CHECKERS[id(browser)] = context.new_page()
    return _CHECKERS[id(browser)]


def _new_page(browser, javascript: bool):
    """A 360×740 phone page whose every document is checked by axe-core."""
    context = _phone_context(browser, javascript)
    page = context.new_page()
    _WATCHES[id(page)] = AxeWatch(page, javascript, lambda: _checker_page(browser))
    return context, page


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
