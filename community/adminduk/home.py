"""What adminduk puts on the home page: the registrars' workspace panel and the
member's card (her open request, or the returnee bundle that KUR needs), both
from one row (``home_statement``), asked with every other part of the home in one
statement (``core.home.home_query``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, func, select

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
from core.home import USER_ID, HomeCard, StaffPanel, home_query, home_row


@dataclass(frozen=True)
class HomeFacts:
    request_id: int | None  # the member's latest open request
    request_status: str | None
    has_bundle: bool
    queue: tuple[int, int, int] | None = None  # registrars: open, overdue, assigned to them


def member_statement():
    """One row: the member's latest open request and whether she has a bundle."""
    latest = (
        select(HelpRequest.id, HelpRequest.status)
        .where(HelpRequest.member_id == USER_ID(), HelpRequest.status.in_(OPEN_STATUSES))
        .order_by(HelpRequest.status_changed_at.desc(), HelpRequest.id.desc())
        .limit(1)
    )
    return select(
        latest.with_only_columns(HelpRequest.id).correlate(None).scalar_subquery().label("request_id"),
        latest.with_only_columns(HelpRequest.status).correlate(None).scalar_subquery().label("request_status"),
        exists().where(Bundle.member_id == USER_ID()).correlate(None).label("has_bundle"),
    )


def queue_statement():
    """One row, for a registrar: the open requests, the overdue ones, her own."""
    return select(
        func.count().label("open"),
        func.count().filter(and_(HelpRequest.status.in_(WAITING_ON_US),
                                 HelpRequest.status_changed_at < bindparam("adminduk_overdue"))).label("overdue"),
        func.count().filter(HelpRequest.assigned_to_id == USER_ID()).label("mine"),
    ).where(HelpRequest.status.in_(OPEN_STATUSES))


def home_facts(user) -> HomeFacts:
    """The member's latest open request and whether she has a bundle and, for a
    registrar, the queue counts."""
    member = home_row("adminduk", user)
    queue = home_row("adminduk_queue", user)
    counts = (queue.open or 0, queue.overdue or 0, queue.mine or 0) if queue is not None else None
    if member is None:
        return HomeFacts(None, None, False, counts)
    return HomeFacts(member.request_id, member.request_status, bool(member.has_bundle), counts)


def connect() -> None:
    home_query("adminduk", member_statement)
    home_query("adminduk_queue", queue_statement, when=is_registrar,
               params=lambda _user: {"adminduk_overdue": overdue_cutoff()})


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
