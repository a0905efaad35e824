"""Signal receivers of Lapor: data export and deletion, the note on the deletion
page, the Layanan entry, the Satgas home panel and demo data."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from community.reports import demo, personal_data
from core.home import ServiceLink, StaffPanel
from core.receivers import connect_receivers


def deletion_note(user, **_kwargs) -> str | None:
    kept = personal_data.kept_on_deletion(user)
    if not kept:
        return None
    return _(
        "%(num)d laporan Anda ke Satgas sudah diteruskan dan menjadi bagian dari penanganan kasus: "
        "laporan itu tetap disimpan, tetapi tidak lagi terhubung ke akun Anda dan kontak Anda dihapus. "
        "Laporan lain dihapus.", num=kept,
    )


def service_link(user, **_kwargs) -> list[ServiceLink]:
    return [ServiceLink(
        title=_("Lapor calo"),
        text=_("Laporan rahasia tentang calo, lowongan palsu, dan perdagangan orang ke Satgas PMI."),
        url=url_for("community.reports.start"),
        icon="forum",
        priority=70,
    )]


def workspace(user, **_kwargs) -> list[StaffPanel]:
    """The Satgas desk on an officer's home: what waits, urgent first."""
    if not user.has_role("satgas"):
        return []
    from community.reports.desk import waiting_counts

    new, urgent = waiting_counts()
    lines = [_("%(num)d laporan baru", num=new)]
    if urgent:
        lines.insert(0, _("%(num)d mendesak", num=urgent))
    return [StaffPanel(
        title=_("Meja Satgas"),
        url=url_for("community.reports.queue"),
        action=_("Buka antrean laporan"),
        lines=tuple(lines),
        count=urgent or None,
        priority=30,
    )]


def connect() -> None:
    """Connect the receivers (called by ``create_app``; connecting twice is harmless)."""
    connect_receivers("reports", export=personal_data.export_for, erase=personal_data.erase_for,
                      demo=demo.seed, account_deletion_notes=deletion_note,
                      service_links=service_link, staff_workspace=workspace)
