"""The wellbeing check before a first session, and the urgent flags raised by
acute answers until a counselor has reached the member."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defaultload

from accounts import audit
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.links import site_path
from mentoring.counseling._common import CounselingError
from mentoring.counseling.models import ACTIVE_STATUSES, Appointment, WellbeingCheck
from notifications.services import N_, cancel_messages, notify_role

CHECK_LOAD = (defaultload(WellbeingCheck.member).lazyload(User.role_rows),)

# (field name, question, [(answer code, label)], answers that mean acute risk)
WELLBEING_QUESTIONS = [
    (
        "mood",
        N_("Dalam dua minggu terakhir, seberapa sering Anda merasa sedih, murung, atau putus asa?"),
        [("0", N_("Tidak pernah")), ("1", N_("Beberapa hari")),
         ("2", N_("Lebih dari separuh hari")), ("3", N_("Hampir setiap hari"))],
        (),
    ),
    (
        "sleep",
        N_("Seberapa sering Anda sulit tidur, atau tidur terlalu banyak?"),
        [("0", N_("Tidak pernah")), ("1", N_("Beberapa hari")),
         ("2", N_("Lebih dari separuh hari")), ("3", N_("Hampir setiap hari"))],
        (),
    ),
    (
        "safe",
        N_("Apakah Anda merasa aman di tempat Anda tinggal sekarang?"),
        [("yes", N_("Ya, aman")), ("unsure", N_("Tidak yakin")), ("no", N_("Tidak aman"))],
        ("no",),
    ),
    (
        "harm",
        N_("Akhir-akhir ini, apakah Anda berpikir untuk menyakiti diri sendiri atau mengakhiri hidup?"),
        [("no", N_("Tidak")), ("sometimes", N_("Kadang terlintas")),
         ("often", N_("Sering")), ("plan", N_("Ya, dan saya sudah punya rencana"))],
        ("often", "plan"),
    ),
]


def is_acute(answers: dict[str, str]) -> bool:
    """Whether any answer means acute risk."""
    for name, _question, _choices, acute_answers in WELLBEING_QUESTIONS:
        if answers.get(name) in acute_answers:
            return True
    return False


def submit_wellbeing(
    member: User, answers: dict[str, str], appointment: Appointment | None = None
) -> WellbeingCheck:
    """Store the check. Acute answers flag the member's waiting requests urgent and
    tell every counselor at once (urgent), without waiting for a slot."""
    acute = is_acute(answers)
    check = WellbeingCheck(
        member_id=member.id,
        member=member,
        appointment_id=appointment.id if appointment else None,
        answers=json.dumps(answers),
        acute=acute,
    )
    db.session.add(check)
    db.session.flush()
    if acute:
        for row in db.session.scalars(
            select(Appointment).where(
                Appointment.member_id == member.id, Appointment.status.in_(ACTIVE_STATUSES)
            )
        ):
            row.urgent = True
        notify_role(
            "counselor",
            key=lambda counselor: f"wellbeing:{check.id}:urgent:{counselor.id}",
            skip=member.id,
            each_handles=True,
            title=N_("Perlu perhatian segera"),
            body=N_("Seorang anggota menjawab cek kesejahteraan dengan tanda bahaya. Mohon hubungi dia hari ini."),
            url=site_path("mentoring.counseling.staff_dashboard"),
            urgent=True,
            # Neutral outside the platform too, but it must not wait.
            outside=N_("Rumah Purna: ada pesan mendesak untuk Anda. Mohon buka kotak masuk Anda hari ini."),
        )
        db.session.flush()
    return check


def has_open_flag(member: User) -> bool:
    """Whether the member has an acute check no counselor has handled yet."""
    return db.session.scalar(
        select(WellbeingCheck.id).where(
            WellbeingCheck.member_id == member.id,
            WellbeingCheck.acute.is_(True),
            WellbeingCheck.handled_at.is_(None),
        ).limit(1)
    ) is not None


@dataclass(frozen=True)
class UrgentFlag:
    """An open acute check as counselors see it: ``label`` is the nickname the
    member booked under (the newest one she has not shared her name behind), or
    her name when she never used one. The phone stays: it is needed to call."""

    check: WellbeingCheck
    label: str

    @property
    def phone(self) -> str | None:
        return self.check.member.phone


@cache
def _open_acute_checks():
    """``(the open acute checks, the members' unshared nicknames)``, built once: the
    counselor dashboard asks them on every visit."""
    return (
        select(WellbeingCheck)
        .options(*CHECK_LOAD)
        .where(WellbeingCheck.acute.is_(True), WellbeingCheck.handled_at.is_(None))
        .order_by(WellbeingCheck.created_at),
        select(Appointment.member_id, Appointment.pseudonym)
        .where(
            Appointment.member_id.in_(bindparam("member_ids", expanding=True)),
            Appointment.pseudonym.is_not(None),
            Appointment.identity_shared_at.is_(None),
        )
        .order_by(Appointment.created_at, Appointment.id),
    )


def open_urgent_checks() -> list[UrgentFlag]:
    """Acute checks no counselor has handled yet, oldest first, with the label
    every counselor may see (two queries, however many flags)."""
    checks_statement, nicknames_statement = _open_acute_checks()
    checks = list(db.session.scalars(checks_statement).unique())
    if not checks:
        return []
    nicknames: dict[int, str] = {}
    member_ids = sorted({c.member_id for c in checks})
    for member_id, pseudonym in db.session.execute(nicknames_statement, {"member_ids": member_ids}):
        nicknames[member_id] = pseudonym  # the newest wins
    return [UrgentFlag(c, nicknames.get(c.member_id) or c.member.name) for c in checks]


def open_urgent_count() -> int:
    """How many acute checks wait for a counselor (for the staff home panel)."""
    return db.session.scalar(
        select(func.count(WellbeingCheck.id)).where(
            WellbeingCheck.acute.is_(True), WellbeingCheck.handled_at.is_(None)
        )
    ) or 0


def handle_urgent(actor: User, check: WellbeingCheck, now: datetime | None = None) -> None:
    """A counselor has reached the member: the urgent flag closes."""
    if not check.acute or check.handled_at is not None:
        raise CounselingError(N_("Tanda ini sudah ditangani."))
    check.handled_at = now or utcnow()
    check.handled_by_id = actor.id
    cancel_messages(f"wellbeing:{check.id}:")
    audit.record(actor, "counseling_urgent.handled", subject=check.member,
                 object_type="wellbeing_check", object_id=check.id)
    db.session.flush()

