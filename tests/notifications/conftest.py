"""Fixtures of the notifications tests: channel doubles and a frozen clock."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
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
