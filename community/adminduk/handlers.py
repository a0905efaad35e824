"""Signal receivers of adminduk: personal data export and deletion, demo data,
the Layanan entry, the registrars' home panel and the member home card."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from community.adminduk import demo
from community.adminduk.personal_data import erase_for, export_for
from core.home import HomeCard, ServiceLink, StaffPanel
from core.receivers import connect_receivers


def deletion_note(user, **_kwargs) -> str | None:
    from sqlalchemy import select

    from community.adminduk.models import HelpRequest
    from core.extensions import db

    if db.session.scalar(select(HelpRequest.id).where(HelpRequest.member_id == user.id).limit(1)) is None:
        return None
    return _("Permintaan bantuan dokumen Anda, pesan dan foto dokumennya ikut dihapus.")


def layanan(user, **_kwargs) -> list[ServiceLink]:
    return [ServiceLink(
        title=_("Dokumen kependudukan"),
        text=_("KTP-el, KK, akta, surat pindah: panduan dan bantuan pendamping, gratis."),
        url=url_for("community.adminduk.index"), icon="home", priority=30,
    )]


def registrar_panel(user, **_kwargs) -> list[StaffPanel]:
    from community.adminduk.home import registrar_panel_for

    return registrar_panel_for(user)


def home_card(user, **_kwargs) -> list[HomeCard]:
    from community.adminduk.home import member_card_for

    return member_card_for(user)


def connect() -> None:
    """Connect the receivers (called by ``create_app``; connecting twice is harmless)."""
    from community.adminduk import home

    home.connect()
    connect_receivers("adminduk", export=export_for, erase=erase_for, demo=demo.seed,
                      account_deletion_notes=deletion_note, service_links=layanan,
                      staff_workspace=registrar_panel, member_home_cards=home_card)
