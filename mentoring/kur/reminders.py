"""KUR reminders: the bank appointment the member entered, and a nudge when an
application has not moved for a while (the scheduled job in ``jobs.py``)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.i18n import format_wita
from mentoring.kur._common import REMINDERS, application_path
from mentoring.kur.data import ACTIVE_STAGES
from mentoring.kur.listing import days_in_stage
from mentoring.kur.models import KurApplication
from notifications.services import N_, cancel_messages, notify, reminders_due


def set_bank_appointment(user: User, application: KurApplication, when: datetime | None) -> None:
    """Save (or clear) the bank appointment the member entered and remind them
    a day and two hours before."""
    cancel_messages(f"kur:{application.id}:appointment:")
    application.bank_appointment_at = when
    application.appointment_version += 1
    db.session.flush()
    if when is None:
        return
    for name, due in reminders_due(when, REMINDERS, utcnow()):
        notify(
            user,
            key=f"kur:{application.id}:appointment:v{application.appointment_version}:{name}",
            title=N_("Pengingat janji di bank"),
            body=N_("Janji Anda di bank untuk pengajuan KUR: %(time)s. Bawa berkas asli Anda."),
            params={"time": format_wita(when, "datetime", user.locale or "id")},
            url=application_path(application.id),
            due_at=due,
        )



STALE_MESSAGES = {
    "preparing": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari di tahap menyiapkan berkas. Butuh bantuan? Hubungi petugas UMKM."),
    "submitted": N_("Berkas KUR untuk %(business)s sudah %(days)s hari di bank. Tanyakan perkembangannya ke bank, atau hubungi petugas UMKM."),
    "survey": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari di tahap survei. Tanyakan jadwalnya ke bank."),
    "decision": N_("Pengajuan KUR untuk %(business)s sudah %(days)s hari menunggu keputusan bank. Tanyakan ke bank, atau hubungi petugas UMKM."),
}


def remind_stale_applications(stale_days: int, now: datetime | None = None) -> int:
    """Remind members whose application has waited ``stale_days`` or more in one stage.
    One reminder per stage per period of ``stale_days`` (the key says which), so
    running this again in the same period sends nothing new."""
    now = now or utcnow()
    cutoff = now - timedelta(days=stale_days)
    applications = db.session.scalars(
        select(KurApplication)
        .where(KurApplication.stage.in_(ACTIVE_STAGES), KurApplication.stage_changed_at <= cutoff)
        .options(joinedload(KurApplication.user))
    ).all()
    for application in applications:
        days = days_in_stage(application, now)
        period = days // stale_days
        stamp = int(application.stage_changed_at.timestamp())
        notify(
            application.user,
            key=f"kur:{application.id}:stale:{application.stage}:{stamp}:{period}",
            title=N_("Pengajuan KUR Anda belum bergerak"),
            body=STALE_MESSAGES[application.stage],
            params={"business": application.business_name, "days": days},
            url=application_path(application.id),
        )
    return len(applications)
