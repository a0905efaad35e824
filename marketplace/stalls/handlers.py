"""Signal receivers of the stalls part (thin: the work is in the services),
connected by ``connect()`` (called by ``core.register_handlers``; importing
connects nothing)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from core.home import ServiceLink, StaffPanel
from core.i18n import format_wita
from core.receivers import connect_receivers
from marketplace.stalls import demo, fees, personal_data
from marketplace.stalls.curation import workspace_summary
from marketplace.stalls.permissions import is_stall_staff


def _invoice_changed(invoice, old_status: str, new_status: str, **_extra):
    fees.invoice_changed(invoice, old_status, new_status)


def _service_links(user, **_extra):
    return [ServiceLink(
        title=_("Lapak pasar"),
        text=_("Ajukan lapak di pasar malam SABOAK atau sewa kios kontainer, lalu lihat peta lapak."),
        url=url_for("marketplace.stalls.index"), icon="market", priority=40,
    )]


def _workspace(user, **_extra):
    if not is_stall_staff(user):
        return []
    day, waiting = workspace_summary()
    lines = (_("%(count)s pengajuan menunggu untuk %(day)s", count=waiting, day=format_wita(day.day, "day")),) if day else ()
    return [StaffPanel(
        title=_("Kurasi lapak pasar"),
        url=url_for("marketplace.stalls.staff_day", day_id=day.id) if day else url_for("marketplace.stalls.staff_index"),
        action=_("Buka antrean lapak"), lines=lines, count=waiting or None, priority=30,
    )]


def _next_stall(business, **_extra):
    """Where to find ``business`` next, for its public page (read-only)."""
    from marketplace.stalls.curation import next_stall_of

    found = next_stall_of(business)
    if found is None:
        return None
    day, stall, market = found
    if day is None:
        return (_("Kios %(code)s, %(market)s", code=stall.code, market=market.name),
                url_for("marketplace.stalls.booth_map", market_id=market.id))
    return (_("%(day)s: lapak %(code)s, %(market)s", day=format_wita(day.day, "day"), code=stall.code,
              market=market.name),
            url_for("marketplace.stalls.day_map", day_id=day.id, lapak=stall.id))


def connect() -> None:
    """Connect the receivers (connecting twice is harmless)."""
    connect_receivers("stalls", export=personal_data.export_for, erase=personal_data.erase_for,
                      demo=demo.seed, invoice_status_changed=_invoice_changed,
                      service_links=_service_links, staff_workspace=_workspace,
                      business_next_stall=_next_stall)
