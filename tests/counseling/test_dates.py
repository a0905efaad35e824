"""Issue 8 item 26 in counseling: pages and the neutral reminder text write their
times through the kit, in the reader's language, never with seconds."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from core.extensions import db
from mentoring.counseling import notices

SECONDS = re.compile(r"\b\d{1,2}[.:]\d{2}[.:]\d{2}\b")
START = datetime(2030, 12, 4, 5, 0, tzinfo=UTC)  # Wednesday 13.00 WITA


def _move(appointment):
    appointment.starts_at = START
    appointment.ends_at = START + timedelta(hours=1)
    db.session.commit()


def test_appointment_page_in_both_languages(client, auth, make_counselor, book, make_user):
    member = make_user()
    appointment = book(make_counselor(), member=member)
    _move(appointment)
    auth.login(member)
    html = client.get(f"/counseling/appointments/{appointment.id}").get_data(as_text=True)
    assert "Rabu, 4 Desember 2030, 13.00–14.00 WITA" in html
    assert not SECONDS.search(html) and "WITA WITA" not in html
    listing = client.get("/counseling/appointments").get_data(as_text=True)
    assert "Rab 4 Des, 13.00 WITA" in listing and "WITA WITA" not in listing
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get(f"/counseling/appointments/{appointment.id}").get_data(as_text=True)
    assert "Wednesday, 4 December 2030, 13:00–14:00 WITA" in html
    assert not SECONDS.search(html) and "WITA WITA" not in html


def test_counselor_pages_in_both_languages(client, auth, make_counselor, book):
    profile = make_counselor()
    appointment = book(profile)
    _move(appointment)
    auth.login(profile.user)
    html = client.get(f"/counseling/staff/appointments/{appointment.id}").get_data(as_text=True)
    assert "Rabu, 4 Desember 2030, 13.00–14.00 WITA" in html and not SECONDS.search(html)
    client.post("/lang", data={"lang": "en", "next": "/"})
    html = client.get(f"/counseling/staff/appointments/{appointment.id}").get_data(as_text=True)
    assert "Wednesday, 4 December 2030, 13:00–14:00 WITA" in html and not SECONDS.search(html)


def test_neutral_reminder_time_comes_from_the_kit(make_counselor, book):
    appointment = book(make_counselor())
    _move(appointment)
    values = notices.params(appointment)
    assert values["clock"] == "13.00"
    assert values["time"] == "Rabu, 4 Desember 2030, 13.00 WITA"
