"""Signal receivers of the marketplace: the "Pasar" service link and the UMKM
staff home panel, sales evidence for the KUR application, the member's data export
and account deletion, demo data; and the page-cache hook."""
from __future__ import annotations

from flask_babel import gettext as _

from core.home import HomeCard, ServiceLink, StaffPanel, home_query, home_row
from core.links import site_path
from core.receivers import connect_receivers
from marketplace import cache, demo, personal_data
from marketplace.permissions import is_market_staff


def market_link(user, **_kwargs) -> list[ServiceLink]:
    """The market for everyone; "my businesses" for a logged-in member."""
    links = [ServiceLink(
        title=_("Pasar"),
        text=_("Produk usaha purna PMI di NTT. Pesan lewat WhatsApp."),
        url=site_path("marketplace.index"), icon="market", priority=40,
    )]
    if user is not None and getattr(user, "is_authenticated", False):
        links.append(ServiceLink(
            title=_("Usaha saya"),
            text=_("Daftarkan usaha, tambah produk dan foto, catat penjualan mingguan."),
            url=site_path("marketplace.my_businesses"), icon="market", priority=41,
        ))
    return links


def home_cards(user, **_kwargs) -> list[HomeCard]:
    """An invitation to run a business together, or a business the staff sent back
    (each one row of the home's one statement, ``core.home.home_query``)."""
    cards = []
    invitation = home_row("market_invitation", user)
    if invitation is not None:
        cards.append(HomeCard(
            title=_("Undangan mengelola usaha"),
            text=_("Anda diajak ikut mengelola %(business)s.", business=invitation.name),
            url=site_path("marketplace.my_businesses"), action=_("Jawab undangan"), priority=30,
        ))
    sent_back = home_row("market_sent_back", user)
    if sent_back is not None:
        cards.append(HomeCard(
            title=_("Usaha Anda perlu dilengkapi"),
            text=sent_back.name,
            url=site_path("marketplace.my_business", business_id=sent_back.id),
            action=_("Lihat pesan petugas"), priority=35,
        ))
    return cards


def workspace(user, **_kwargs) -> list[StaffPanel]:
    """UMKM staff: the businesses waiting for review."""
    if not is_market_staff(user):
        return []
    from marketplace.review import queue_counts

    counts = queue_counts()
    waiting = counts.get("pending", 0)
    return [StaffPanel(
        title=_("Pemeriksaan usaha"),
        url=site_path("marketplace.staff_queue"),
        action=_("Buka antrean"),
        lines=(_("%(n)d usaha menunggu pemeriksaan", n=waiting),
               _("%(n)d usaha tampil di Pasar", n=counts.get("approved", 0))),
        count=waiting or None,
        priority=30,
    )]


def sales_evidence(user, **_kwargs) -> list[tuple[str, str]]:
    from marketplace.sales import evidence_links

    return evidence_links(user)


def deletion_note(user, **_kwargs) -> str | None:
    return personal_data.deletion_note(user)


def connect() -> None:
    """Connect the receivers (called by ``create_app``; connecting twice is harmless)."""
    from marketplace import businesses

    cache.install()
    home_query("market_invitation", businesses.invitation_statement)
    home_query("market_sent_back", businesses.sent_back_statement)
    connect_receivers("marketplace", export=personal_data.export_for, erase=personal_data.erase_for,
                      demo=demo.seed, account_deletion_notes=deletion_note,
                      service_links=market_link, member_home_cards=home_cards,
                      staff_workspace=workspace, market_sales_evidence=sales_evidence)
