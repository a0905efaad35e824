"""What training tells people: confirmations and the reminders before a session.

Texts are ``N_`` msgids (translated for each recipient); times in the recipient's
language through ``core.i18n.format_wita``; links from ``core.links.site_path``.
"""
from __future__ import annotations

from core.db import utcnow
from core.i18n import format_wita
from core.links import site_path
from mentoring.training._common import REMINDERS, registration_key
from mentoring.training.models import TrainingRegistration, TrainingSession
from notifications.services import N_, notify, reminders_due

CONFIRMED_BODIES = {
    2: N_("Anda terdaftar di %(title)s, %(time)s. Kami akan mengingatkan Anda sehari dan dua jam sebelumnya."),
    1: N_("Anda terdaftar di %(title)s, %(time)s. Kami akan mengingatkan Anda dua jam sebelumnya."),
    0: N_("Anda terdaftar di %(title)s, %(time)s. Pelatihan segera dimulai."),
}



def training_path(training_id: int) -> str:
    """The session's page, for a notice's ``url`` (``core.links.site_path``)."""
    return site_path("mentoring.training.training_detail", training_id=training_id)


def when(value, user) -> str:
    """A session's time for a message to ``user``: "Rabu, 2 Desember 2026, 13.00 WITA"."""
    return format_wita(value, "datetime", user.locale or "id")


def schedule_reminders(training: TrainingSession, registration: TrainingRegistration) -> None:
    """24 h and 2 h before the start; a reminder whose time has passed is skipped."""
    user = registration.user
    for name, due in reminders_due(training.starts_at, REMINDERS, utcnow()):
        notify(
            user,
            key=f"{registration_key(registration)}s{training.schedule_version}:{name}",
            title=N_("Pengingat pelatihan"),
            body=N_("%(title)s dimulai %(time)s di %(place)s."),
            params={"title": training.title, "time": when(training.starts_at, user),
                    "place": training.place or training.online_url or ""},
            url=training_path(training.id),
            due_at=due,
            expires_at=training.starts_at,
        )

