"""Fixtures of the notifications tests: channel doubles and a frozen clock."""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from core.i18n import WITA
from notifications.channels import OVERRIDE_KEY
from tests.notifications.doubles import RecordingChannel

# Tomorrow at 12:00 WITA: outside the default quiet hours, and later than any
# message that ``notify`` makes "due now" during the test.
NOON = datetime.combine(
    datetime.now(WITA).date() + timedelta(days=1), time(12, 0), tzinfo=WITA
).astimezone(UTC)


@pytest.fixture
def channels(app):
    """Replace WhatsApp, SMS and email with recording doubles (in-app stays real)."""
    doubles = SimpleNamespace(
        whatsapp=RecordingChannel("whatsapp"),
        sms=RecordingChannel("sms"),
        email=RecordingChannel("email"),
    )
    app.extensions[OVERRIDE_KEY] = {
        "whatsapp": doubles.whatsapp, "sms": doubles.sms, "email": doubles.email,
    }
    yield doubles
    app.extensions.pop(OVERRIDE_KEY, None)


@pytest.fixture
def member(make_user):
    return make_user(roles=("member",))


@pytest.fixture
def provider():
    """A fake WhatsApp/SMS provider on 127.0.0.1 that records requests; set
    ``provider["state"]["status"]`` to make it answer something else than 200."""
    received: list[dict] = []
    state = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "json": json.loads(body)})
            self.send_response(state["status"])
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/send", "received": received,
           "state": state}
    server.shutdown()
