"""Signal receivers of KUR: the "Layanan" link, the UMKM staff panel on their
home, personal data export and deletion, demo data; and its member home card
(asked for by ``mentoring.home``)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import literal, select

from core.home import USER_ID, HomeCard, ServiceLink, StaffPanel
from core.receivers import connect_receivers
from mentoring.kur import demo
from mentoring.kur.data import ACTIVE_STAGES, STAGE_NAMES
from mentoring.kur.models import KurApplication
from mentoring.kur.personal_data import erase_for, export_for


def home_statement():
    """The member's application in progress as one row (kind, state, title, at, ref),
    for the home's one statement (``core.home.home_query``, registered by ``mentoring.home``)."""
    return (
        select(literal("kur").label("kind"), KurApplication.stage.label("state"),
               KurApplication.business_name.label("title"),
               KurApplication.created_at.label("at"), KurApplication.id.label("ref"))
        .where(KurApplication.user_id == USER_ID(), KurApplication.stage.in_(ACTIVE_STAGES))
        .limit(1)
    )


def home_cards_from(row) -> list[HomeCard]:
    """The step of the application in progress (``row`` from ``home_statement``), or
    an invitation to look at KUR."""
    if row is None:
        return [HomeCard(
            title=_("Modal usaha lewat KUR"),
            text=_("Cek syarat Kredit Usaha Rakyat (KUR) dan ajukan dengan pendampingan."),
            url=url_for("mentoring.kur.kur"), action=_("Lihat KUR"), priority=75,
        )]
    return [HomeCard(
        title=_("Pengajuan KUR: %(business)s", business=row.title),
        text=_("Tahap sekarang: %(stage)s.", stage=STAGE_NAMES[row.state]),
        url=url_for("mentoring.kur.kur_detail", application_id=row.ref), action=_("Lihat pengajuan"), priority=35,
    )]


def services_offered(user, **_kwargs) -> list[ServiceLink]:
    """KUR on the "Layanan" page: always there, whatever the member did."""
    if user is None:
        return []
    return [
        ServiceLink(title=_("Modal usaha (KUR)"), text=_("Cek syarat Kredit Usaha Rakyat dan "
                    "ajukan dengan pendampingan."), url=url_for("mentoring.kur.kur"),
                    icon="coins", priority=40),
    ]


def staff_panel(user, **_kwargs) -> list[StaffPanel]:
    """UMKM staff: trainings and KUR applications, first on their home. No counts:
    the home page is shared by every package and stays within its query budget."""
    if not user.has_role("umkm_staff"):
        return []
    return [StaffPanel(
        title=_("Kelola pelatihan dan KUR"),
        url=url_for("mentoring.kur.kur_applications"),
        action=_("Buka pengajuan KUR"),
        lines=(_("Terbitkan pelatihan, lihat peserta, dan ikuti pengajuan KUR."),),
        priority=20, role="umkm_staff",
    )]


def connect() -> None:
    """Connect this package's receivers (called by ``create_app``)."""
    connect_receivers("kur", export=export_for, erase=erase_for, demo=demo.demo_data,
                      service_links=services_offered, staff_workspace=staff_panel)
