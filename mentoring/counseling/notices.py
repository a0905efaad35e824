"""What counseling tells people, one helper per recipient: the member (every
message names the counselor as the one who handles it and carries the label
the counselor may see, so a failed delivery only ever reaches that
counselor's call list) and the counselor. Also the reminders of a confirmed
session. They only queue messages (the outbox); the caller commits."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.db import utcnow
from core.i18n import format_wita as core_format_wita
from core.links import site_path
from mentoring.counseling._common import format_wita, stamp
from mentoring.counseling.models import CONFIRMED, Appointment
from notifications.services import N_, notify


def appointment_url(appointment: Appointment) -> str:
    """The member's page of ``appointment`` (a site path)."""
    return site_path("mentoring.counseling.appointment_detail", appointment_id=appointment.id)


def staff_url(appointment: Appointment) -> str:
    """The counselor's page of ``appointment`` (a site path)."""
    return site_path("mentoring.counseling.staff_appointment", appointment_id=appointment.id)


def params(appointment: Appointment, when: datetime | None = None) -> dict:
    """The parameters every appointment message may use."""
    moment = when or appointment.starts_at
    return {
        "time": format_wita(moment),
        "clock": core_format_wita(moment, "clock", "id"),  # for the neutral texts
        "counselor": appointment.counselor.name,
    }


def tell_member(appointment: Appointment, key: str, title: str, body: str, **extra) -> None:
    """Notify the member about ``appointment`` (handled by its counselor only)."""
    extra.setdefault("params", params(appointment))
    notify(
        appointment.member,
        key=key,
        title=title,
        body=body,
        url=appointment_url(appointment),
        handled_by=appointment.counselor.user,
        recipient_label=appointment.client_label,
        **extra,
    )


def tell_counselor(appointment: Appointment, key: str, title: str, body: str, **extra) -> None:
    """Notify the appointment's counselor (their own call list only)."""
    extra.setdefault("params", params(appointment))
    notify(
        appointment.counselor.user,
        key=key,
        title=title,
        body=body,
        url=staff_url(appointment),
        handled_by=appointment.counselor.user,
        **extra,
    )


# The reminders of a confirmed session: (key label, hours before, inbox title,
# the neutral text that leaves the platform). WhatsApp, SMS and email are read by
# whoever holds the phone: they never say "counseling" nor name the counselor
# (unless the member chose the full text in her preferences).
REMINDERS = (
    ("24h", 24, N_("Pengingat: sesi konseling besok"),
     N_("Pengingat: janji Anda besok %(clock)s WITA — buka Rumah Purna")),
    ("2h", 2, N_("Pengingat: sesi konseling 2 jam lagi"),
     N_("Pengingat: janji Anda pukul %(clock)s WITA, 2 jam lagi — buka Rumah Purna")),
)


def _reminders_due(appointment: Appointment, since: datetime):
    for label, hours, title, outside in REMINDERS:
        due = appointment.starts_at - timedelta(hours=hours)
        if due > since:  # a reminder that would arrive late says nothing useful
            yield label, hours, title, outside, due


def schedule_reminders(appointment: Appointment, now: datetime | None = None) -> None:
    """The 24 h and 2 h reminders of a confirmed appointment that can still come
    on time (keys carry its start, so a moved appointment gets new reminders
    while the old ones are cancelled)."""
    now = now or utcnow()
    started = stamp(appointment.starts_at)
    for label, _hours, title, outside, due in _reminders_due(appointment, now):
        tell_member(
            appointment,
            f"appointment:{appointment.id}:reminder-{label}:{started}",
            title,
            N_("%(time)s dengan %(counselor)s."),
            due_at=due,
            expires_at=appointment.starts_at,
            outside=outside,
        )


def reminders_to_come(appointment: Appointment, now: datetime | None = None) -> list[int]:
    """The hours before the session of the reminders still to come for a
    confirmed appointment (those scheduled when it was confirmed and not yet
    due), so a page promises only what will happen."""
    if appointment.status != CONFIRMED:
        return []
    now = now or utcnow()
    scheduled = appointment.confirmed_at or now
    return [hours for _label, hours, *_texts in _reminders_due(appointment, max(now, scheduled))]


def tell_member_confirmed(appointment: Appointment, now: datetime) -> None:
    """The member's "confirmed" notice, and the reminders that follow it."""
    tell_member(
        appointment,
        f"appointment:{appointment.id}:confirmed:{stamp(appointment.starts_at)}",
        N_("Sesi konseling dikonfirmasi"),
        N_("%(time)s dengan %(counselor)s."),
    )
    schedule_reminders(appointment, now)
