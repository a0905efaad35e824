"""axe-core runs inside the browser tests (issue 14): every document a test's phone
page shows is checked before the test leaves it, with and without JavaScript, and
any violation fails the test. These tests prove the hook is not vacuous."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser_fixtures import AxeViolations

pytestmark = pytest.mark.browser

BAD = ("<!doctype html><html><head><title>x</title></head><body>"
       "<img src='/static/favicon.svg'><a href='/'></a></body></html>")


@pytest.mark.parametrize("which", ["phone_page", "phone_page_nojs"])
def test_a_page_with_violations_fails_the_test_that_leaves_it(live_server, request, which):
    page = request.getfixturevalue(which)
    page.route("**/axe-bad?*", lambda route: route.fulfill(body=BAD, content_type="text/html"))
    page.goto(live_server + f"/axe-bad?{which}")
    with pytest.raises(AxeViolations) as caught:
        page.goto(live_server + "/login")
    report = str(caught.value)
    assert "/axe-bad" in report and "image-alt" in report and "link-name" in report
    assert "html-has-lang" in report  # every impact counts, not only serious ones
    page.goto(live_server + f"/?{which}")  # the login page itself is clean


def test_pages_are_checked_on_leaving_and_at_the_end(live_server, phone_page):
    from tests.browser_fixtures import AXE_STATS

    before = AXE_STATS["pages"]
    phone_page.goto(live_server + "/login?axe=count")  # an address no other test visits
    phone_page.get_by_label("Nomor HP atau email").fill("0812")
    assert AXE_STATS["pages"] == before  # filling a field leaves nothing
    phone_page.get_by_role("link", name="Belum punya akun? Daftar").click()
    assert AXE_STATS["pages"] - before == 1  # /login?axe=count, on leaving it
    phone_page.goto(live_server + "/?axe=count")
    assert AXE_STATS["pages"] - before in (1, 2)  # /register, unless another test saw it first


class _SlowStyleSheet(BaseHTTPRequestHandler):
    """A page whose only flaw (an image without alt text) its style sheet hides;
    the style sheet comes 1.5 s late."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.startswith("/slow.css"):
            time.sleep(1.5)
            body, kind = b".later { display: none; }", "text/css"
        else:
            body = (b"<!doctype html><html lang='id'><head><title>Lambat</title>"
                    b"<link rel='stylesheet' href='/slow.css'></head><body><main><h1>Lambat</h1>"
                    b"<div class='later'><img src='/x.png'></div></main></body></html>")
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_page_is_checked_once_loaded_as_a_person_sees_it(live_server, phone_page):
    """Left while its style sheet is still on the way (a click's navigation not done),
    a page is checked as it will look, not half styled."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowStyleSheet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        phone_page.goto(f"http://127.0.0.1:{server.server_port}/lambat", wait_until="commit")
        phone_page.goto(live_server + "/?axe=loaded")
        assert phone_page.evaluate("getComputedStyle(document.body).display") == "block"
    finally:
        server.shutdown()
        server.server_close()
