"""Training exports: the registrant list as CSV (staff) and a session as iCalendar."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext
from icalendar import Calendar, Event

from accounts.phones import display_phone
from core.db import utcnow
from core.i18n import WITA
from mentoring.training.listing import registrants
from mentoring.training.models import TrainingSession


def _csv_cell(value) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def registrants_csv(training: TrainingSession) -> str:
    """The registrant list as CSV (for staff), headers in the current language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        gettext("Nama"), gettext("Nomor HP"), gettext("Status"), gettext("Kursi"),
        gettext("Hadir"), gettext("Terdaftar (WITA)"),
    ])
    statuses = {"confirmed": gettext("terdaftar"), "waitlisted": gettext("daftar tunggu")}
    attended = {True: gettext("ya"), False: gettext("tidak"), None: ""}
    for registration in registrants(training):
        writer.writerow([
            _csv_cell(registration.user.name),
            _csv_cell(display_phone(registration.user.phone)),
            statuses[registration.status],
            registration.seat_no or "",
            attended[registration.attended],
            registration.created_at.astimezone(WITA).strftime("%Y-%m-%d %H:%M"),
        ])
    return out.getvalue()


def training_ics(training: TrainingSession, url: str) -> bytes:
    """An iCalendar file for one session; times in UTC so every calendar shows WITA right."""
    calendar = Calendar()
    calendar.add("prodid", "-//Rumah Purna//Pelatihan//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if training.is_cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"training-{training.id}@rumahpurna")
    event.add("summary", training.title)
    event.add("dtstart", training.starts_at)
    event.add("dtend", training.ends_at)
    event.add("dtstamp", utcnow())
    event.add("sequence", training.schedule_version)
    event.add("status", "CANCELLED" if training.is_cancelled else "CONFIRMED")
    event.add("location", training.place or training.online_url or "")
    event.add("description", training.description or "")
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()

