"""What adminduk puts on the home page: the registrars' workspace panel and the
member's card (her open request, or the returnee bundle that KUR needs)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from community.adminduk.desk import overdue_cutoff
from community.adminduk.models import NEEDS_INFO, OPEN_STATUSES, WAITING_ON_US, Bundle, HelpRequest
from community.adminduk.permissions import is_registrar
from core.extensions import db
from core.home import HomeCard, StaffPanel


def registrar_panel_for(user) -> list[StaffPanel]:
    if not is_registrar(user):
        return []
    cutoff = overdue_cutoff()
    open_count, overdue, mine = db.session.execute(select(
        func.count(),
        func.count().filter(and_(HelpRequest.status.in_(WAITING_ON_US), HelpRequest.status_changed_at < cutoff)),
        func.count().filter(HelpRequest.assigned_to_id == user.id),
    ).where(HelpRequest.status.in_(OPEN_STATUSES))).one()
    return [StaffPanel(
        title=_("Antrean adminduk"), url=url_for("community.adminduk.desk_queue"), action=_("Buka antrean"),
        lines=(_("%(n)d permintaan berjalan", n=open_count), _("%(n)d terlambat", n=overdue),
               _("%(n)d ditangani Anda", n=mine)),
        count=overdue or None, priority=30,
    )]


def member_card_for(user) -> list[HomeCard]:
    request = db.session.scalar(
        select(HelpRequest).where(HelpRequest.member_id == user.id, HelpRequest.status.in_(OPEN_STATUSES))
        .order_by(HelpRequest.status_changed_at.desc()).limit(1)
    )
    if request is not None:
        return [HomeCard(
            title=_("Permintaan bantuan dokumen"), text=request.status_label,
            url=url_for("community.adminduk.request_detail", request_id=request.id),
            action=_("Lihat"), priority=15 if request.status == NEEDS_INFO else 40,
        )]
    if db.session.scalar(select(Bundle.id).where(Bundle.member_id == user.id)) is None:
        return [HomeCard(
            title=_("Dokumen sudah beres?"),
            text=_("KUR, BPJS dan sekolah anak perlu KTP-el dan KK yang berlaku. Cek dalam 1 menit."),
            url=url_for("community.adminduk.bundle"), action=_("Cek dokumen saya"), priority=60,
        )]
    return []
