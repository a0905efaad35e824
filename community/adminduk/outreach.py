"""Outreach days ("jemput bola": Dukcapil visiting a village or kecamatan) and
the in-person appointments of requests."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from accounts.models import User
from community.adminduk._common import AdmindukError
from community.adminduk.models import (
    SERVICES,
    Appointment,
    HelpRequest,
    OutreachAttendance,
    OutreachDay,
)
from core.db import utcnow
from core.extensions import db
from core.i18n import WITA, format_wita
from core.links import site_path
from notifications.services import N_, notify


def today_wita() -> date:
    return datetime.now(WITA).date()


def next_appointment(request: HelpRequest) -> Appointment | None:
    return db.session.scalar(
        select(Appointment)
        .where(Appointment.request_id == request.id, Appointment.cancelled_at.is_(None),
               Appointment.starts_at > utcnow() - timedelta(hours=2))
        .order_by(Appointment.starts_at).limit(1)
    )


def upcoming_for(member: User) -> list[tuple[OutreachDay, bool]]:
    """Coming outreach days in the member's regency, and whether she will attend."""
    if not member.regency:
        return []
    days = list(db.session.scalars(
        select(OutreachDay).where(OutreachDay.regency == member.regency, OutreachDay.day >= today_wita())
        .order_by(OutreachDay.day).limit(5)
    ))
    going = set(db.session.scalars(
        select(OutreachAttendance.outreach_id).where(
            OutreachAttendance.member_id == member.id,
            OutreachAttendance.outreach_id.in_([d.id for d in days]),
        )
    )) if days else set()
    return [(day, day.id in going) for day in days]


def upcoming_all() -> list[OutreachDay]:
    return list(db.session.scalars(
        select(OutreachDay).where(OutreachDay.day >= today_wita()).order_by(OutreachDay.day).limit(50)
    ))


def attendance_counts(days: list[OutreachDay]) -> dict[int, int]:
    from sqlalchemy import func

    if not days:
        return {}
    return dict(db.session.execute(
        select(OutreachAttendance.outreach_id, func.count())
        .where(OutreachAttendance.outreach_id.in_([d.id for d in days]))
        .group_by(OutreachAttendance.outreach_id)
    ).all())


def plan_outreach(actor: User, *, regency: str, day: date, place: str, services: list[str],
                  note: str = "") -> OutreachDay:
    """Plan an outreach day; every member of that regency is told."""
    if day < today_wita():
        raise AdmindukError(N_("Tanggal jemput bola harus hari ini atau nanti."))
    outreach = OutreachDay(regency=regency, day=day, place=place.strip(), note=note.strip(),
                           services=[s for s in services if s in SERVICES], created_by_id=actor.id)
    db.session.add(outreach)
    db.session.flush()
    members = db.session.scalars(
        select(User).where(User.regency == regency, User.active.is_(True), User.deleted_at.is_(None))
    )
    for member in members:
        if member.is_staff:
            continue
        notify(
            member, key=f"adminduk-outreach:{outreach.id}:{member.id}",
            title=N_("Dukcapil jemput bola di dekat Anda: %(day)s, %(place)s."),
            params={"day": format_wita(day, "date", locale=member.locale or "id"), "place": outreach.place},
            url=site_path("community.adminduk.outreach_detail", outreach_id=outreach.id),
        )
    return outreach


def attend(member: User, outreach: OutreachDay, going: bool = True) -> None:
    """"I will attend" (or not any more)."""
    existing = db.session.scalar(select(OutreachAttendance).where(
        OutreachAttendance.outreach_id == outreach.id, OutreachAttendance.member_id == member.id))
    if going and existing is None:
        db.session.add(OutreachAttendance(outreach_id=outreach.id, member_id=member.id))
    elif not going and existing is not None:
        db.session.delete(existing)
    db.session.flush()
