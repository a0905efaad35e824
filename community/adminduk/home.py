"""What adminduk puts on the home page: the registrars' workspace panel and the
member's card (her open request, or the returnee bundle that KUR needs), both
from one query per request (``home_facts``, shared through
``core.home.once_per_request``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select

from community.adminduk.desk import overdue_cutoff
from community.adminduk.models import (
    NEEDS_INFO,
    OPEN_STATUSES,
    STATUS_LABELS,
    WAITING_ON_US,
    Bundle,
    HelpRequest,
)
from community.adminduk.permissions import is_registrar
from core.extensions import db
from core.home import HomeCard, StaffPanel, once_per_request


@dataclass(frozen=True)
class HomeFacts:
    request_id: int | None  # the member's latest open request
    request_status: str | None
    has_bundle: bool
    queue: tuple[int, int, int] | None = None  # registrars: open, overdue, assigned to them


def home_facts(user) -> HomeFacts:
    """The member's latest open request and whether she has a bundle and, for a
    registrar, the queue counts: one query."""

    def compute() -> HomeFacts:
        latest = (
            select(HelpRequest.id, HelpRequest.status)
            .where(HelpRequest.member_id == user.id, HelpRequest.status.in_(OPEN_STATUSES))
            .order_by(HelpRequest.status_changed_at.desc(), HelpRequest.id.desc())
            .limit(1)
        )
        columns = [
            latest.with_only_columns(HelpRequest.id).correlate(None).scalar_subquery(),
            latest.with_only_columns(HelpRequest.status).correlate(None).scalar_subquery(),
            exists().where(Bundle.member_id == user.id).correlate(None),
        ]
        statement = select(*columns)
        registrar = is_registrar(user)
        if registrar:
            cutoff = overdue_cutoff()
            queue = select(
                func.count().label("open"),
                func.count().filter(and_(HelpRequest.status.in_(WAITING_ON_US),
                                         HelpRequest.status_changed_at < cutoff)).label("overdue"),
                func.count().filter(HelpRequest.assigned_to_id == user.id).label("mine"),
            ).where(HelpRequest.status.in_(OPEN_STATUSES)).subquery()
            statement = statement.add_columns(queue.c.open, queue.c.overdue, queue.c.mine).select_from(queue)
        row = db.session.execute(statement).one()
        queue = tuple(value or 0 for value in row[3:6]) if registrar else None
        return HomeFacts(row[0], row[1], bool(row[2]), queue)

    return once_per_request("adminduk", user, compute)


def registrar_panel_for(user) -> list[StaffPanel]:
    if not is_registrar(user):
        return []
    open_count, overdue, mine = home_facts(user).queue
    return [StaffPanel(
        title=_("Antrean adminduk"), url=url_for("community.adminduk.desk_queue"), action=_("Buka antrean"),
        lines=(_("%(n)d permintaan berjalan", n=open_count), _("%(n)d terlambat", n=overdue),
               _("%(n)d ditangani Anda", n=mine)),
        count=overdue or None, priority=30,
    )]


def member_card_for(user) -> list[HomeCard]:
    facts = home_facts(user)
    if facts.request_id is not None:
        return [HomeCard(
            title=_("Permintaan bantuan dokumen"), text=str(STATUS_LABELS[facts.request_status]),
            url=url_for("community.adminduk.request_detail", request_id=facts.request_id),
            action=_("Lihat"), priority=15 if facts.request_status == NEEDS_INFO else 40,
        )]
    if not facts.has_bundle:
        return [HomeCard(
            title=_("Dokumen sudah beres?"),
            text=_("KUR, BPJS dan sekolah anak perlu KTP-el dan KK yang berlaku. Cek dalam 1 menit."),
            url=url_for("community.adminduk.bundle"), action=_("Cek dokumen saya"), priority=60,
        )]
    return []
